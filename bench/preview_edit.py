"""The preview server's rebuild after one saved edit, measured in one long-running process as `serve` runs it.

Usage: python bench/preview_edit.py SITE_DIR OUT_DIR -> prints the median seconds of the rebuilds
after one more sentence is added to an announcement (five), after its title changed (three: its
page of the index shows it) and after a new announcement was added (three: every page of the index moves),
then the process's peak memory in MB. Rebuilds are as `serve` makes them: with the cache in memory,
told by the file watcher which file changed. (The first build, not measured, fills the memory.)
"""

from __future__ import annotations

import re
import resource
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pregon.cache import load_cache  # noqa: E402
from pregon.last_build import CACHE_FOLDER  # noqa: E402
from pregon.memory import PreviewMemory  # noqa: E402
from pregon.pipeline import BuildOptions, build  # noqa: E402
from pregon.serve import settle_memory  # noqa: E402


def main() -> None:
    site, out = Path(sys.argv[1]), Path(sys.argv[2])
    memory = PreviewMemory(load_cache(site / CACHE_FOLDER))
    options = BuildOptions(site_dir=site, out_dir=out, preview=True)
    build(options, memory)
    settle_memory()
    edited = site / "content/en/announcements/page-00002.md"
    original = edited.read_text(encoding="utf-8")
    added = site / "content/en/announcements"

    def rebuild(path: Path) -> float:
        started = time.perf_counter()
        # What the file watcher reports after the save.
        report = build(options, memory, frozenset({str(path.absolute())}))
        seconds = time.perf_counter() - started
        settle_memory()
        assert report.rendered >= 1
        return seconds

    def text_edit(number: int) -> float:
        edited.write_text(edited.read_text(encoding="utf-8") + f"\nA sentence more ({number}).\n", encoding="utf-8")
        return rebuild(edited)

    def title_edit(number: int) -> float:
        text = edited.read_text(encoding="utf-8")
        edited.write_text(re.sub(r"^title: .*$", f'title: "A new title ({number})"', text, count=1, flags=re.M))
        return rebuild(edited)

    def page_added(number: int) -> float:
        # A new announcement, the newest: at the top of its section's index, which moves every page of it.
        new = added / f"added-{number}.md"
        text = original.replace("title: ", f"title: Added {number} ", 1)
        new.write_text(re.sub(r"^date: .*$", "date: 2026-11-29", text, count=1, flags=re.M), encoding="utf-8")
        return rebuild(new)

    text = statistics.median(text_edit(number) for number in range(5))
    title = statistics.median(title_edit(number) for number in range(3))
    page = statistics.median(page_added(number) for number in range(3))
    edited.write_text(original, encoding="utf-8")
    for number in range(3):
        (added / f"added-{number}.md").unlink()
    # The server's process holds the cache and what it learnt: its peak memory, in MB.
    print(text, title, page, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


if __name__ == "__main__":
    main()
