"""Full-text search: Pagefind indexes the built folder, one index per `<html lang>`, before it is published.

The index is made of static files that the search page's script reads from the site itself; no
server and no other host is involved. Without Pagefind the site still builds, with a warning saying
how to install it, and the search page falls back to listing every page.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

from .errors import Problem, error, warning

SEARCH_FOLDER = "pagefind"


def index_for_search(folder: Path) -> list[Problem]:
    if importlib.util.find_spec("pagefind") is None:
        return [
            warning(
                "site.yaml",
                None,
                "search is not indexed: Pagefind is not installed",
                "install it with: pip install 'pagefind[bin]==1.5.2'",
            )
        ]
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(folder),
        "--output-subdir",
        SEARCH_FOLDER,
        "--keep-index-url",
        "--silent",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no message"]
        return [
            error(
                "site.yaml",
                None,
                f"the search index could not be built: {detail[0]}",
                "run `python -m pagefind --site SITE` to see Pagefind's full message",
            )
        ]
    _sort_entry_file(folder / SEARCH_FOLDER / "pagefind-entry.json")
    return []


def _sort_entry_file(entry: Path) -> None:
    # Pagefind writes its languages in hash-map order, which changes from run to run; the same
    # input must build the same bytes, so the keys are put in a fixed order.
    if entry.is_file():
        data = json.loads(entry.read_text(encoding="utf-8"))
        text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        entry.write_text(text, encoding="utf-8")
