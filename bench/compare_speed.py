"""Two commits' build speed, measured in the same run and alternating: cold, no change, one edit from the
command line, and the preview's rebuilds after a text edit, a title edit and a page added.

Usage: python bench/compare_speed.py OLD NEW [SIZE ...]   (git revisions; pages per language, default
500 2000). Each measure is the median of ROUNDS runs, taken in turn from one commit and the other, so
that the machine's drift weighs on both alike; the spread (lowest to highest) is printed beside it.
Each commit runs its own `build.py` and `bench/preview_edit.py` from a temporary worktree.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from corpus import write_corpus  # noqa: E402
from run import measure  # noqa: E402
from set_aside import SetAside  # noqa: E402
from worktrees import worktrees  # noqa: E402

ROUNDS = 5
MEASURES = (
    "cold",
    "cold without search",
    "no change",
    "one edit, CLI, without search",
    "its search index",
    "preview: text",
    "preview: title",
    "preview: page added",
)


def one_round(checkout: Path, site: Path, aside: SetAside) -> dict[str, float]:
    out = site / "site"
    build = [sys.executable, str(checkout / "build.py"), "--site", str(site), "--out", str(out), "--profile"]
    aside.move(site / ".pregon-cache")
    aside.move(out)
    aside.move(site / "preview")
    cold = measure(build)
    unchanged = measure(build)
    edited = site / "content/en/announcements/page-00001.md"
    original = edited.read_text(encoding="utf-8")
    edited.write_text(original + "\nOne more sentence.\n", encoding="utf-8")
    one_edit = measure(build)
    edited.write_text(original, encoding="utf-8")
    preview = subprocess.run(
        [sys.executable, str(checkout / "bench/preview_edit.py"), str(site), str(site / "preview")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    text, title, added = (float(value) for value in preview[:3])
    measured = (
        cold.seconds,
        cold.without("search"),
        unchanged.seconds,
        one_edit.without("search"),
        one_edit.stages.get("search", 0.0),
        text,
        title,
        added,
    )
    return dict(zip(MEASURES, measured, strict=True))


def main() -> int:
    old, new = sys.argv[1], sys.argv[2]
    sizes = [int(size) for size in sys.argv[3:]] or [500, 2000]
    with tempfile.TemporaryDirectory(prefix="pregon-speed-") as temporary:
        work = Path(temporary)
        aside = SetAside(work / "set-aside")  # emptied with the temporary folder, after the timing
        with worktrees(old, new, work) as checkouts:
            print(f"| pages/lang | measure | {old} | {new} |")
            print("| --- | --- | --- | --- |")
            for size in sizes:
                write_corpus(size, work / f"corpus-{size}")
                site = work / f"corpus-{size}" / "pregon"
                runs: dict[str, list[dict[str, float]]] = {name: [] for name in checkouts}
                for _ in range(ROUNDS):
                    for name, checkout in checkouts.items():
                        runs[name].append(one_round(checkout, site, aside))
                for measure_name in MEASURES:
                    cells = []
                    for name in checkouts:
                        values = [run[measure_name] for run in runs[name]]
                        cells.append(f"{statistics.median(values):.3f} s ({min(values):.3f}–{max(values):.3f})")
                    print(f"| {size} | {measure_name} | {cells[0]} | {cells[1]} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
