"""Build-speed benchmark: cold, no-change and one-edit builds, peak memory, and Hugo on the same corpus;
then printed guides (bench/print_guides.py).

Usage: python bench/run.py [SIZE ...]   (pages per language; default 500 2000 8000) -> prints a table and
writes bench/RESULTS.md. Each build is `python build.py --profile` in its own process, as staff would
run it; its stage timings say how much of it went to the work Hugo does not do (the fact check and
reading levels, "analysis", "facts", "reading"; the search index, "search"), which is reported beside it.
Cold builds of pregon and Hugo alternate, so that both meet the same state of the machine.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from corpus import write_corpus  # noqa: E402
from machine import machine_line  # noqa: E402
from print_guides import GUIDES, LANGUAGES  # noqa: E402
from print_guides import measure as measure_printing  # noqa: E402
from set_aside import SetAside  # noqa: E402

MEASURE = (
    "import resource, subprocess, sys, time; log = open(sys.argv[1], 'w'); start = time.perf_counter(); "
    "code = subprocess.run(sys.argv[2:], stdout=log, stderr=subprocess.STDOUT).returncode; "
    "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)"
)
COLD_RUNS = 5
"""Cold builds, pregon's and Hugo's in turn: the figures are their medians."""
EDIT_RUNS = 3
CHECKS = ("analysis", "facts", "reading")
"""The stages of the checks Hugo does not make: facts compared across languages, reading levels."""
_STAGE = re.compile(r"^\s+(\w+)\s+([\d.]+) ms$", re.MULTILINE)


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float
    stages: dict[str, float]
    """Seconds by stage, from --profile (empty for Hugo)."""

    def without(self, *stages: str) -> float:
        return self.seconds - sum(self.stages.get(stage, 0.0) for stage in stages)


def measure(command: list[str]) -> Run:
    """Seconds, peak resident memory (MB, of the largest process) and stage timings of one command."""
    # Files written just before (the corpus, the last build's output) are flushed to the disk first,
    # so that the operating system's writing them back does not slow down the build measured.
    os.sync()
    with tempfile.NamedTemporaryFile("r", suffix=".log", encoding="utf-8") as log:
        out = subprocess.run(
            [sys.executable, "-c", MEASURE, log.name, *command], capture_output=True, text=True, check=True
        )
        said = Path(log.name).read_text(encoding="utf-8", errors="replace")
    seconds, peak_kb, code = out.stdout.split()
    if code != "0":
        raise SystemExit(f"{' '.join(command)} failed with exit status {code}:\n{said[-2000:]}")
    stages = {name: float(ms) / 1000 for name, ms in _STAGE.findall(said)}
    return Run(float(seconds), int(peak_kb) / 1024, stages)


def hugo_binary() -> str | None:
    found = shutil.which("hugo") or str(Path(sys.executable).parent / "hugo")
    return found if Path(found).exists() else None


def median(values: list[float]) -> float:
    return statistics.median(values)


def bench(size: int, work: Path, aside: SetAside) -> dict[str, float | None]:
    corpus = work / f"corpus-{size}"
    aside.move(corpus)  # an earlier run's corpus and builds: not deleted before the builds timed here
    write_corpus(size, corpus)
    site, out = corpus / "pregon", corpus / "out"
    build = [sys.executable, str(REPO / "build.py"), "--site", str(site), "--out", str(out), "--profile"]
    hugo = hugo_binary()
    hugo_build = (
        [hugo, "--source", str(corpus / "hugo"), "--destination", str(corpus / "hugo-out"), "--quiet"] if hugo else None
    )
    colds: list[Run] = []
    hugos: list[float] = []
    for _ in range(COLD_RUNS):
        aside.move(site / ".pregon-cache")
        aside.move(out)
        colds.append(measure(build))
        if hugo_build is not None:
            aside.move(corpus / "hugo-out")
            hugos.append(measure(hugo_build).seconds)
    unchanged = measure(build)
    edited = site / "content/en/announcements/page-00001.md"
    edits = []
    for number in range(EDIT_RUNS):
        edited.write_text(edited.read_text(encoding="utf-8") + f"\nOne more sentence ({number}).\n", encoding="utf-8")
        edits.append(measure(build))
    preview = subprocess.run(
        [sys.executable, str(REPO / "bench/preview_edit.py"), str(site), str(corpus / "preview")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {
        "cold": median([run.seconds for run in colds]),
        "cold_same_work": median([run.without(*CHECKS, "search") for run in colds]),
        "cold_no_search": median([run.without("search") for run in colds]),
        "cold_checks": median([run.without() - run.without(*CHECKS) for run in colds]),
        "cold_search": median([run.stages.get("search", 0.0) for run in colds]),
        "unchanged": unchanged.seconds,
        "one_edit": median([run.without("search") for run in edits]),
        "one_edit_search": median([run.stages.get("search", 0.0) for run in edits]),
        "preview_edit": float(preview[0]),
        "preview_title": float(preview[1]),
        "preview_added": float(preview[2]),
        "preview_mb": float(preview[3]),
        "peak_mb": max(run.peak_mb for run in [*colds, *edits]),
        "hugo": median(hugos) if hugos else None,
    }


def _ratio(seconds: float, hugo: float | None) -> str:
    return f"{seconds / hugo:.2f}×" if hugo else "-"


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [500, 2000, 8000]
    work = REPO / "bench/corpus"
    aside = SetAside(work / "set-aside")
    rows = []
    for size in sizes:
        result = bench(size, work, aside)
        rows.append((size, result))
        hugo = result["hugo"]
        assert result["cold"] is not None and result["cold_same_work"] is not None
        assert result["cold_no_search"] is not None
        print(
            f"{size} per language: cold {result['cold']:.2f} s, without the search index "
            f"{result['cold_no_search']:.2f} s ({_ratio(result['cold_no_search'], hugo)} Hugo's), the work Hugo does "
            f"{result['cold_same_work']:.2f} s (Hugo {hugo or 0:.2f} s, {_ratio(result['cold_same_work'], hugo)}), "
            f"fact and reading checks {result['cold_checks']:.2f} s, search index {result['cold_search']:.2f} s; "
            f"no change {result['unchanged']:.2f} s; one edit {result['one_edit']:.2f} s "
            f"+ search index {result['one_edit_search']:.2f} s; preview: text {result['preview_edit']:.2f} s, "
            f"title {result['preview_title']:.2f} s, page added {result['preview_added']:.2f} s "
            f"({result['preview_mb']:.0f} MB); peak {result['peak_mb']:.0f} MB",
            flush=True,
        )
    printing = measure_printing(3, work, aside)
    aside.empty()
    print(
        f"{GUIDES} guides in {len(LANGUAGES)} languages: {printing['pdfs']:.0f} PDFs in "
        f"{printing['guides_seconds']:.1f} s cold ({printing['pdfs_per_second']:.1f} PDFs/s); "
        f"the shipped site cold {printing['shipped_seconds']:.2f} s"
    )
    write_results(sizes, rows, printing)


def write_results(
    sizes: list[int], rows: list[tuple[int, dict[str, float | None]]], printing: dict[str, float]
) -> None:
    lines = [
        "# Build speed",
        "",
        machine_line(),
        "Corpus: `bench/corpus.py`, announcements and FAQs in English and Spanish (the Spanish pages link where",
        "the English ones do), ~3.9 KB of Markdown each with links, lists and a table. Each build is",
        "`python build.py --profile` in its own process (start-up included). Made by",
        "`python bench/run.py " + " ".join(map(str, sizes)) + "`.",
        "",
        f"Cold builds: the median of {COLD_RUNS}, pregon's and Hugo's in turn, each after the last one's output",
        "(and pregon's cache) was moved aside, not deleted (`bench/set_aside.py`). Hugo makes no search index",
        'and checks no facts: "without search" is the cold build less its search stage (Pagefind), timed by',
        '`--profile` in the same runs; "the work Hugo does" is also less the checks\' stages (analysis, facts,',
        "reading: the time the build waited for them). The pages are analysed beside the rendering, on the same",
        "two cores, so part of the checks' cost stays in the rendering: the first ratio is the one to go by.",
        f"One file edited: the median of {EDIT_RUNS} builds after a sentence is added to one announcement,",
        "without the search index made again (its own column). Peak memory: the largest process of the",
        "build, Pagefind's included.",
        "",
        "| pages per language | cold | without search | Hugo cold | ratio | the work Hugo does | ratio | "
        "checks (waited) | search index | no change | one file edited | + its search index | preview: text edited "
        "| title edited | page added | peak memory | preview's memory |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for size, result in rows:
        hugo = result["hugo"]
        assert result["cold_same_work"] is not None
        assert result["cold_no_search"] is not None
        lines.append(
            f"| {size} | {result['cold']:.2f} s | {result['cold_no_search']:.2f} s | "
            + (f"{hugo:.2f} s" if hugo else "-")
            + f" | {_ratio(result['cold_no_search'], hugo)} | {result['cold_same_work']:.2f} s | "
            f"{_ratio(result['cold_same_work'], hugo)} | {result['cold_checks']:.2f} s | "
            f"{result['cold_search']:.2f} s | {result['unchanged']:.2f} s | {result['one_edit']:.2f} s | "
            f"{result['one_edit_search']:.2f} s | {result['preview_edit']:.2f} s | {result['preview_title']:.2f} s | "
            f"{result['preview_added']:.2f} s | {result['peak_mb']:.0f} MB | {result['preview_mb']:.0f} MB |"
        )
    lines += [
        "",
        "## Printed guides",
        "",
        f"`bench/print_guides.py`: {GUIDES} action guides in {len(LANGUAGES)} languages "
        f"({', '.join(LANGUAGES)}), one to three pages each,",
        "printed as one PDF per language and a bilingual handout per language other than English, built cold",
        "(median of 3); the shipped site built cold (median of 5). Each build in its own process, its cache",
        "and output moved aside before it.",
        "",
        "| guides × languages | PDFs | cold build | PDFs per second | shipped site, cold |",
        "| --- | --- | --- | --- | --- |",
        f"| {GUIDES} × {len(LANGUAGES)} | {printing['pdfs']:.0f} | {printing['guides_seconds']:.1f} s | "
        f"{printing['pdfs_per_second']:.1f} | {printing['shipped_seconds']:.2f} s |",
    ]
    notes = REPO / "bench/RESULTS_NOTES.md"
    if notes.is_file():
        lines += ["", notes.read_text(encoding="utf-8").rstrip()]
    (REPO / "bench/RESULTS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
