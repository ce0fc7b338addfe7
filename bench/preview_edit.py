"""The preview server's rebuild after one saved edit, measured in one long-running process as `serve` runs it.

Usage: python bench/preview_edit.py SITE_DIR OUT_DIR -> prints the median seconds of five rebuilds
and the process's peak memory in MB,
each after one more sentence is added to one announcement, as `serve` rebuilds: with the cache in
memory, told by the file watcher which file changed. (The first build, not measured, fills the memory.)
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pregon.cache import load_cache  # noqa: E402
from pregon.last_build import CACHE_FOLDER, BuildOptions  # noqa: E402
from pregon.pipeline import build  # noqa: E402
from pregon.serve import settle_memory  # noqa: E402


def main() -> None:
    site, out = Path(sys.argv[1]), Path(sys.argv[2])
    cache = load_cache(site / CACHE_FOLDER)
    options = BuildOptions(site_dir=site, out_dir=out, preview=True)
    build(options, cache)
    settle_memory()
    edited = site / "content/en/announcements/page-00002.md"
    times = []
    for number in range(5):
        edited.write_text(edited.read_text(encoding="utf-8") + f"\nA sentence more ({number}).\n", encoding="utf-8")
        started = time.perf_counter()
        # What the file watcher reports after the save.
        report = build(options, cache, frozenset({str(edited.absolute())}))
        times.append(time.perf_counter() - started)
        settle_memory()
        assert report.rendered >= 1
    # The server's process holds the cache and what it learnt: its peak memory, in MB.
    print(statistics.median(times), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


if __name__ == "__main__":
    main()
