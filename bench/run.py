"""Build-speed benchmark: cold, no-change and one-edit builds, peak memory, and Hugo on the same corpus.

Usage: python bench/run.py [SIZE ...]   (pages per language; default 500 2000 8000) -> prints a table and
writes bench/RESULTS.md. Each build runs as `python build.py` in its own process, as staff would run it.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from corpus import write_corpus  # noqa: E402
from machine import machine_line  # noqa: E402

MEASURE = (
    "import resource, subprocess, sys, time; start = time.perf_counter(); "
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode; "
    "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)"
)


COLD_RUNS = 3
"""Cold builds (pregon's and Hugo's) are the median of this many: this machine's timings vary."""


def measure(command: list[str]) -> tuple[float, float]:
    """Seconds and peak resident memory (MB, of the largest process) of one command."""
    # Files written just before (the corpus, the last build's output) are flushed to the disk first,
    # so that the operating system's writing them back does not slow down the build measured.
    os.sync()
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True)
    seconds, peak_kb, code = out.stdout.split()
    if code != "0":
        raise SystemExit(f"{' '.join(command)} failed with exit status {code}")
    return float(seconds), int(peak_kb) / 1024


def hugo_binary() -> str | None:
    found = shutil.which("hugo") or str(Path(sys.executable).parent / "hugo")
    return found if Path(found).exists() else None


def bench(size: int, work: Path) -> dict[str, float | None]:
    corpus = work / f"corpus-{size}"
    write_corpus(size, corpus)
    site, out = corpus / "pregon", corpus / "out"
    build = [sys.executable, str(REPO / "build.py"), "--site", str(site), "--out", str(out)]
    colds = []
    for _ in range(COLD_RUNS):
        shutil.rmtree(site / ".pregon-cache", ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        colds.append(measure(build))
    cold = statistics.median(seconds for seconds, _ in colds)
    peak = max(memory for _, memory in colds)
    unchanged, _ = measure(build)
    edited = site / "content/en/announcements/page-00001.md"
    edits = []
    for number in range(3):
        edited.write_text(edited.read_text(encoding="utf-8") + f"\nOne more sentence ({number}).\n", encoding="utf-8")
        edits.append(measure(build))
    one_edit = statistics.median(seconds for seconds, _ in edits)
    edit_peak = max(peak for _, peak in edits)
    preview = subprocess.run(
        [sys.executable, str(REPO / "bench/preview_edit.py"), str(site), str(corpus / "preview")],
        capture_output=True,
        text=True,
        check=True,
    )
    hugo = hugo_binary()
    hugo_cold = None
    if hugo:
        hugo_build = [hugo, "--source", str(corpus / "hugo"), "--destination", str(corpus / "hugo-out"), "--quiet"]
        hugo_runs = []
        for _ in range(COLD_RUNS):
            shutil.rmtree(corpus / "hugo-out", ignore_errors=True)
            hugo_runs.append(measure(hugo_build)[0])
        hugo_cold = statistics.median(hugo_runs)
    return {
        "cold": cold,
        "unchanged": unchanged,
        "one_edit": one_edit,
        "preview_edit": float(preview.stdout.split()[0]),
        "preview_title": float(preview.stdout.split()[1]),
        "preview_added": float(preview.stdout.split()[2]),
        "preview_mb": float(preview.stdout.split()[3]),
        "peak_mb": max(peak, edit_peak),
        "hugo": hugo_cold,
    }


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [500, 2000, 8000]
    work = REPO / "bench/corpus"
    rows = []
    for size in sizes:
        result = bench(size, work)
        rows.append((size, result))
        hugo = result["hugo"]
        ratio = f"{result['cold'] / hugo:.1f}×" if hugo else "-"
        print(
            f"{size} per language: cold {result['cold']:.2f} s, no change {result['unchanged']:.2f} s, "
            f"one edit {result['one_edit']:.2f} s (preview: text {result['preview_edit']:.2f} s, "
            f"title {result['preview_title']:.2f} s, page added {result['preview_added']:.2f} s, "
            f"{result['preview_mb']:.0f} MB), "
            f"peak {result['peak_mb']:.0f} MB, "
            f"Hugo {hugo:.2f} s ({ratio})"
            if hugo
            else "Hugo not installed"
        )
    lines = [
        "# Build speed",
        "",
        machine_line(),
        "Corpus: `bench/corpus.py`, announcements and FAQs in English and Spanish, ~3.9 KB of Markdown each",
        "with links, lists and a table. Each build is `python build.py` in its own process (start-up included).",
        "Made by `python bench/run.py " + " ".join(map(str, sizes)) + "`.",
        "",
        "| pages per language | cold | no change | one file edited | preview: text edited | title edited "
        "| page added | peak memory | preview's memory | Hugo cold | cold / Hugo |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for size, result in rows:
        hugo = result["hugo"]
        lines.append(
            f"| {size} | {result['cold']:.2f} s | {result['unchanged']:.2f} s | {result['one_edit']:.2f} s | "
            f"{result['preview_edit']:.2f} s | {result['preview_title']:.2f} s | {result['preview_added']:.2f} s | "
            f"{result['peak_mb']:.0f} MB | {result['preview_mb']:.0f} MB | "
            + (f"{hugo:.2f} s | {result['cold'] / hugo:.1f}× |" if hugo else "- | - |")
        )
    (REPO / "bench/RESULTS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
