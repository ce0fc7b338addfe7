"""Search benchmark: how long Pagefind takes to index the site, how large the index is, and how many
bytes a phone downloads for its first query and for the next one.

Usage: python bench/search.py [SIZE ...]   (pages per language; default 500 2000 8000) -> prints a table
and writes bench/SEARCH.md. The corpus is bench/corpus.py's (English and Spanish). Indexing is timed as
a build reports it (`--profile`, its "search" stage), after one page's text was edited, which makes
Pagefind index every page again: the median of three. Downloads are measured in Debian's Chromium on the
built site, served on 127.0.0.1 without compression (Pagefind's files are compressed already), with an
empty browser cache for the first query and the same tab for the second.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))

from corpus import write_corpus  # noqa: E402
from machine import machine_line  # noqa: E402
from playwright.sync_api import Page, Request, sync_playwright  # noqa: E402

from tests.browser import CHROMIUM_ARGS, CHROMIUM_PATH, serve  # noqa: E402

EDITS = 3
NOTES = [
    "",
    "The corpus draws every sentence from about 25 words per language, so each word is on nearly every page:",
    "the index fragment of a word lists every page, which makes the second query's download grow with the",
    "site. Real text has a far larger vocabulary and far smaller fragments per word; the figures here are an",
    "upper bound. Most of the indexing time is Pagefind's own, reading the pages and writing its compressed",
    "index files; pregon's part is writing each page's text into a file for Pagefind to read.",
]
FIRST_QUERY = "information"
SECOND_QUERY = "police agreement"


def search_seconds(build: list[str]) -> float:
    """The "search" stage of one build, as `--profile` prints it."""
    out = subprocess.run([*build, "--profile"], capture_output=True, text=True, check=True).stdout
    found = re.search(r"^\s+search\s+([\d.]+) ms$", out, re.MULTILINE)
    if found is None:
        raise SystemExit(f"no search stage in:\n{out}")
    return float(found.group(1)) / 1000


def query_bytes(page: Page, url: str, query: str, first: bool) -> tuple[int, int, int]:
    """Bytes and requests of one query made from the search page, and how many results it showed."""
    finished: list[Request] = []

    def note(request: Request) -> None:
        finished.append(request)

    page.on("requestfinished", note)
    if first:
        page.goto(f"{url}en/search/?q={query}")
    else:
        page.get_by_role("searchbox", name="Words to look for").fill(query)
        page.locator(".search-page-form button").click()
    page.wait_for_function(
        "(query) => new URLSearchParams(location.search).get('q') === query", arg=query, timeout=30_000
    )
    page.locator(".search-results > ol > li > a, .no-results").first.wait_for()
    page.wait_for_load_state("networkidle")
    page.remove_listener("requestfinished", note)
    wanted = [request for request in finished if first or "/search/" not in request.url]
    total = 0
    for request in wanted:
        sizes = request.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    return total, len(wanted), page.locator(".search-results > ol > li").count()


def bench(size: int, work: Path) -> dict[str, float]:
    corpus = work / f"corpus-{size}"
    write_corpus(size, corpus)
    site, out = corpus / "pregon", corpus / "out"
    shutil.rmtree(site / ".pregon-cache", ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    build = [sys.executable, str(REPO / "build.py"), "--site", str(site), "--out", str(out)]
    subprocess.run(build, capture_output=True, check=True)
    edited = site / "content/en/announcements/page-00001.md"
    times = []
    for number in range(EDITS):
        edited.write_text(edited.read_text(encoding="utf-8") + f"\nOne more sentence ({number}).\n", encoding="utf-8")
        times.append(search_seconds(build))
    index_files = [path for path in (out / "pagefind").rglob("*") if path.is_file()]
    with serve(out) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        page = browser.new_context().new_page()
        first, first_requests, first_results = query_bytes(page, url, FIRST_QUERY, first=True)
        second, second_requests, second_results = query_bytes(page, url, SECOND_QUERY, first=False)
        browser.close()
    return {
        "index_seconds": statistics.median(times),
        "index_files": len(index_files),
        "index_mb": sum(path.stat().st_size for path in index_files) / 1e6,
        "first_kb": first / 1000,
        "first_requests": first_requests,
        "first_results": first_results,
        "second_kb": second / 1000,
        "second_requests": second_requests,
        "second_results": second_results,
    }


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [500, 2000, 8000]
    work = REPO / "bench/corpus"
    rows = []
    for size in sizes:
        result = bench(size, work)
        rows.append((size, result))
        print(
            f"{size} per language: indexed in {result['index_seconds']:.2f} s, "
            f"{result['index_files']:.0f} files ({result['index_mb']:.1f} MB); first query "
            f"{result['first_kb']:.0f} KB in {result['first_requests']:.0f} requests, second "
            f"{result['second_kb']:.0f} KB in {result['second_requests']:.0f}",
            flush=True,
        )
    lines = [
        "# Search",
        "",
        machine_line(),
        "Corpus: `bench/corpus.py`, English and Spanish. Made by `python bench/search.py "
        + " ".join(map(str, sizes))
        + "`.",
        "",
        '"Indexing" is the search stage of `python build.py --profile` after one page\'s text was edited:',
        f"Pagefind indexes every page of both languages again (median of {EDITS}). A build that changes no",
        "page's text keeps the index and spends no time here. The downloads are what Chromium fetched, headers",
        f'included, for a first query ("{FIRST_QUERY}", from an empty cache: the search page, its script,',
        f'Pagefind\'s engine and the index fragments it needs) and for the next one ("{SECOND_QUERY}",',
        "typed into the same page).",
        "",
        "| pages per language | indexing | index files | index size | first query | second query |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for size, result in rows:
        lines.append(
            f"| {size} | {result['index_seconds']:.2f} s | {result['index_files']:.0f} | "
            f"{result['index_mb']:.1f} MB | {result['first_kb']:.0f} KB, {result['first_requests']:.0f} requests, "
            f"{result['first_results']:.0f} results | {result['second_kb']:.0f} KB, "
            f"{result['second_requests']:.0f} requests, {result['second_results']:.0f} results |"
        )
    lines += NOTES
    (REPO / "bench/SEARCH.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
