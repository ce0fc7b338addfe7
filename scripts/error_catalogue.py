"""Writes docs/ERRORS.md: every case of the bad-input catalogue with the message the build gives for it.

Usage: python scripts/error_catalogue.py   (runs each case of tests/test_bad_input.py in a temporary folder)
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pregon.cli import run  # noqa: E402
from pregon.front_matter import (  # noqa: E402
    MAX_FILE_BYTES,
    MAX_SUMMARY_LENGTH,
    MAX_TITLE_LENGTH,
    MAX_UNKNOWN_FIELDS_SHOWN,
)
from pregon.markdown import MAX_NESTING  # noqa: E402
from pregon.theme import THEME_DIR  # noqa: E402
from tests.conftest import MINIMAL_CONFIG, SiteTree  # noqa: E402
from tests.test_bad_input import CASES, GOOD  # noqa: E402


def message_for(case_index: int) -> tuple[str, str]:
    case = CASES[case_index]
    with tempfile.TemporaryDirectory() as temp:
        tree = SiteTree(Path(temp) / "project")
        tree.write({"site.yaml": MINIMAL_CONFIG, **GOOD})
        case.change(tree)
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            run(["build", "--site", str(tree.root)])
    # A theme file is named by its place in the installed package, which differs from machine to machine.
    lines = err.getvalue().replace(THEME_DIR.as_posix(), "pregon/default_theme").split("\n")
    for number, line in enumerate(lines[:-1]):
        if ": error: " in line and case.message in line + lines[number + 1]:
            return line.split(": error: ", 1)[1], lines[number + 1].strip()
    raise SystemExit(f"case {case.name!r} did not give its message:\n{err.getvalue()}")


def main() -> None:
    rows = [
        "# What each error means",
        "",
        "Every mistake in the sources stops the build with exit status 1, names the file (and the line, where",
        "there is one), says what to do on the line below, and leaves the site that was built before exactly as",
        "it was. This table lists the catalogue the tests check (`tests/test_bad_input.py`), with the message",
        "the build gives; it is written by `python scripts/error_catalogue.py`.",
        "",
        "## Limits",
        "",
        "What a build accepts, so that no input can make it run without end or fill the memory",
        "(`tests/test_limits.py` builds each within 2 GB of address space and four minutes):",
        "",
        f"- a Markdown file of at most {MAX_FILE_BYTES // 1_000_000} MB;",
        f"- quotes, lists and HTML elements nested at most {MAX_NESTING} levels deep;",
        f"- a title of at most {MAX_TITLE_LENGTH} characters, a summary of at most {MAX_SUMMARY_LENGTH};",
        f"- unknown front matter fields: the first {MAX_UNKNOWN_FIELDS_SHOWN} are listed, the rest counted;",
        "- a table of 100,000 rows and a line of 1,000,000 characters build (slowly: the table takes seconds).",
        "",
        "Other generators' template syntax (`{{< >}}`, `{{% %}}`, `{% %}`, `{{ }}`) outside code is a warning:",
        "pregon has no shortcodes and shows it as it is.",
        "",
        "## The catalogue",
        "",
        "| case | where | message | what to do |",
        "| --- | --- | --- | --- |",
    ]
    for index, case in enumerate(CASES):
        message, hint = message_for(index)
        cells = [case.name, f"`{case.where}`", message, hint]
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    (REPO / "docs/ERRORS.md").write_text("\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
