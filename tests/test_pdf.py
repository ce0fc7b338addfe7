"""Printed guides: WeasyPrint PDFs read back with poppler and zbar, as a community group would print them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import REPO, BuildRun, SiteTree, page

GUIDES = {
    "en/guides/know-your-rights-at-home/know-your-rights-at-home.pdf": (
        "If immigration agents come to your door",
        ["Facts", "Ways to help", "Other resources"],
        "https://www.example.org/pregon/en/guides/know-your-rights-at-home/",
    ),
    "es/guias/sus-derechos-en-casa/sus-derechos-en-casa.pdf": (
        "Si agentes de inmigración llegan a su puerta",
        ["Datos", "Maneras de ayudar", "Otros recursos"],
        "https://www.example.org/pregon/es/guias/sus-derechos-en-casa/",
    ),
    "en/guides/pars-and-public-safety/pars-and-public-safety.pdf": (
        "Ending ICE's access to PARS: what it means for you",
        ["Facts", "Ways to help", "Other resources"],
        "https://www.example.org/pregon/en/guides/pars-and-public-safety/",
    ),
    "es/guias/pars-y-seguridad-publica/pars-y-seguridad-publica.pdf": (
        "El fin del acceso de ICE a PARS: qué significa para usted",
        ["Datos", "Maneras de ayudar", "Otros recursos"],
        "https://www.example.org/pregon/es/guias/pars-y-seguridad-publica/",
    ),
}


def pdf_text(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def pdf_info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())}


def qr_codes(pdf: Path, tmp_path: Path) -> list[str]:
    prefix = tmp_path / pdf.stem
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(prefix)], check=True)
    found = []
    for image in sorted(tmp_path.glob(f"{pdf.stem}*.png")):
        result = subprocess.run(["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True)
        found += result.stdout.split()
    return found


@pytest.fixture
def shipped_build(built_shipped_site: SiteTree) -> Path:
    return built_shipped_site.out


@pytest.mark.parametrize("path", sorted(GUIDES))
def test_each_guide_prints_in_its_language(shipped_build: Path, tmp_path: Path, path: str) -> None:
    pdf = shipped_build / path
    title, headings, url = GUIDES[path]
    pages = pdf_text(pdf)
    flat = " ".join(" ".join(pages).split())
    assert title in flat
    for heading in headings:
        assert heading in flat
    city = "City of Philadelphia" if path.startswith("en/") else "Ciudad de Filadelfia"
    assert city in pages[0]
    updated = "November 29, 2026" if path.startswith("en/") else "29 de noviembre de 2026"
    assert updated in flat
    info = pdf_info(pdf)
    assert info["Page size"] == "612 x 792 pts (letter)"
    assert int(info["Pages"]) == len(pages) >= 1
    for number, text in enumerate(pages, start=1):
        assert re.search(rf"\b{number}\s*/\s*{len(pages)}\b", text)
        # No heading is left alone at the foot of a page: the last line before the page number is text.
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines[-2] not in headings, f"page {number} ends with the heading {lines[-2]!r}"
    assert url in "".join(flat.split())
    assert qr_codes(pdf, tmp_path) == [url]
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column


def test_the_bilingual_handout_has_both_halves_marked(shipped_build: Path, tmp_path: Path) -> None:
    pdf = shipped_build / "en/guides/know-your-rights-at-home/know-your-rights-at-home-en-es.pdf"
    pages = pdf_text(pdf)
    english_pages = [text for text in pages if "English" in text.split("\n")[0]]
    spanish_pages = [text for text in pages if "Español" in text.split("\n")[0]]
    assert english_pages and spanish_pages and len(english_pages) + len(spanish_pages) == len(pages)
    # Each half starts on a right-hand page, so double-sided copies keep the languages apart.
    first_spanish = pages.index(spanish_pages[0])
    assert first_spanish % 2 == 0
    assert "Facts" in english_pages[0] and "Datos" in spanish_pages[0]
    assert qr_codes(pdf, tmp_path) == [
        "https://www.example.org/pregon/en/guides/know-your-rights-at-home/",
        "https://www.example.org/pregon/es/guias/sus-derechos-en-casa/",
    ]


def test_guide_pages_link_to_their_pdfs_with_sizes(shipped_build: Path) -> None:
    from .conftest import parse_html

    page_dir = shipped_build / "es/guias/sus-derechos-en-casa"
    links = parse_html((page_dir / "index.html").read_bytes()).findall(".//section[@class='downloads']//a")
    texts = ["".join(link.itertext()) for link in links]
    assert texts[0].startswith("Descargar PDF (") and texts[0].endswith(" KB)")
    assert texts[1].startswith("Descargar la hoja bilingüe, inglés y español (PDF, ")
    for link in links:
        target = (page_dir / link.get("href")).resolve()
        size = target.stat().st_size
        assert link.get("type") == "application/pdf"
        shown = int(re.search(r"(\d+) KB", "".join(link.itertext())).group(1))
        assert abs(shown - size / 1000) <= 1


def test_a4_by_option_and_long_lists_and_tables_paginate(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    from .conftest import MINIMAL_CONFIG

    items = "\n".join(f"- Item number {n} of a very long list of things to bring" for n in range(120))
    rows = "\n".join(f"| Row {n} | Value {n} | Note about row {n} |" for n in range(90))
    body = f"## Facts\n\n{items}\n\n## Table\n\n| Row | Value | Note |\n|---|---|---|\n{rows}\n"
    tree = site_tree(
        {"content/en/guides/long.md": page("Long guide", body=body)}, config="paper: a4\n" + MINIMAL_CONFIG
    )
    result = build(tree)
    assert result.code == 0, result.err
    pdf = tree.out / "en/guides/long/long.pdf"
    assert pdf_info(pdf)["Page size"].endswith("(A4)")
    pages = pdf_text(pdf)
    assert len(pages) >= 4
    flat = " ".join(" ".join(pages).split())
    for n in range(120):
        assert f"Item number {n} of a very long list of things to bring" in flat
    for n in range(90):
        assert re.search(rf"Row {n}\s+Value {n}\s+Note about row {n}\b", flat), n
    # No line is cut between pages: every row and item is whole on one page.
    for n in range(90):
        assert sum(f"Note about row {n} " in " ".join(text.split()) + " " for text in pages) == 1


def test_pdfs_are_reused_when_nothing_changed(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    tree = site_tree({"content/en/guides/g.md": page("Guide", body="## Facts\n\nText.")})
    assert build(tree).code == 0
    cache = tree.root / ".pregon-cache/pdf"
    first = {path.name: path.stat().st_mtime_ns for path in cache.iterdir()}
    assert len(first) == 1
    assert build(tree).code == 0
    assert {path.name: path.stat().st_mtime_ns for path in cache.iterdir()} == first
    tree.write({"content/en/guides/g.md": page("Guide", body="## Facts\n\nChanged text.")})
    assert build(tree).code == 0
    second = {path.name for path in cache.iterdir()}
    assert len(second) == 1 and second != set(first)  # re-rendered, and the stale entry pruned


def test_without_the_pdf_engine_the_rest_builds(site_tree: Callable[..., SiteTree], tmp_path: Path) -> None:
    tree = site_tree({"content/en/guides/g.md": page("Guide", body="## Facts\n\nText.")})
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "weasyprint.py").write_text("raise ImportError('No module named weasyprint')\n")
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--site", str(tree.root)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(blocker), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert "printed guides (PDF) were not made" in result.stderr and "pip install weasyprint" in result.stderr
    assert (tree.out / "en/guides/g/index.html").is_file() and not list(tree.out.rglob("*.pdf"))


def test_a_handout_is_its_two_editions_each_numbered_on_its_own(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    """Each edition is laid out once: the handout's halves are the single-language PDFs' pages, each
    numbered on its own, the second starting on a right-hand page (a blank one put before it)."""
    english = "## Facts\n\n" + "\n\n".join(f"Fact number {n} that a resident should know." for n in range(3))
    spanish_items = "\n".join(f"- Dato número {n} que un residente debe saber sobre sus derechos." for n in range(90))
    tree = site_tree(
        {
            "content/en/guides/g.md": page("A guide", body=english),
            "content/es/guides/g.md": page("Una guía", body=f"## Datos\n\n{spanish_items}"),
        }
    )
    result = build(tree)
    assert result.code == 0, result.err

    def raw_pages(pdf: Path) -> list[str]:
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
        return text.stdout.split("\f")[: int(pdf_info(pdf)["Pages"])]

    alone_en = raw_pages(tree.out / "en/guides/g/g.pdf")
    alone_es = raw_pages(tree.out / "es/guias/g/g.pdf")
    assert len(alone_en) == 1 and len(alone_es) >= 2
    handout = raw_pages(tree.out / "en/guides/g/g-en-es.pdf")
    assert handout == alone_en + [""] + alone_es  # a blank page, with not even a number, before the second half
    assert re.search(r"\b1\s*/\s*1\b", handout[0])
    for number, text in enumerate(alone_es, start=1):
        assert re.search(rf"\b{number}\s*/\s*{len(alone_es)}\b", text)
    assert pdf_info(tree.out / "en/guides/g/g-en-es.pdf")["Title"] == "A guide / Una guía"


def test_pdfs_are_the_same_bytes_where_fonttools_subsets_the_fonts(tmp_path: Path) -> None:
    """Without HarfBuzz's subsetter, WeasyPrint subsets fonts with fontTools, which stamps each with the
    time or SOURCE_DATE_EPOCH: two builds at different moments must still give the same PDF."""
    script = (
        "import sys, weasyprint.pdf.fonts as fonts\n"
        "fonts.harfbuzz_subset = None\n"  # as on a machine without libharfbuzz-subset0
        "from pregon.print_service import GuideJob, print_service\n"
        "service = print_service((__import__('pathlib').Path(sys.argv[1]),), 'body { font-family: sans-serif }')\n"
        "service.start()\n"
        "pdfs = service.ask([GuideJob(('<!DOCTYPE html><p>Know your rights</p>',), (0,), ())])\n"
        "service.close()\n"
        "sys.stdout.buffer.write(pdfs[0].singles[0])\n"
    )
    made = []
    for moment in ("1", "1700000000"):
        env = {**os.environ, "SOURCE_DATE_EPOCH": moment}
        ran = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, env=env, check=True)
        assert ran.stdout.startswith(b"%PDF")
        made.append(ran.stdout)
    assert made[0] == made[1]


def _loaded_libraries(script: str) -> set[str]:
    """The system's shared libraries a fresh process has mapped after running `script`, by file name
    (Python's own extension modules left out)."""
    ran = subprocess.run(
        [sys.executable, "-c", script + "\nprint(open('/proc/self/maps').read())"],
        capture_output=True,
        text=True,
        check=True,
    )
    mapped = [line.split()[-1] for line in ran.stdout.splitlines() if len(line.split()) == 6]
    return {Path(path).name for path in mapped if ".so" in path and "cpython-" not in path}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the loader's names are Linux's")
def test_weasyprint_loads_the_same_libraries_without_probing_for_them() -> None:
    """import_weasyprint asks ctypes' find_library nothing (each miss ran ldconfig, gcc and ld), gives
    find_library back afterwards, and WeasyPrint ends up with the very libraries a plain import loads."""
    spied = (
        "import ctypes.util\n"
        "asked = []\n"
        "def spy(name):\n"
        "    asked.append(name)\n"
        "    return None\n"
        "ctypes.util.find_library = spy\n"
        "from pregon.print_service import import_weasyprint\n"
        "weasyprint = import_weasyprint()\n"
        "assert asked == [], asked\n"
        "assert ctypes.util.find_library is spy\n"
        "weasyprint.HTML(string='<p>ok</p>').write_pdf()\n"
    )
    # WeasyPrint's own libraries: others may be mapped lazily, by either process.
    weasyprints = ("libpango", "libharfbuzz", "libfontconfig", "libgobject")
    ours = {name for name in _loaded_libraries(spied) if name.startswith(weasyprints)}
    plain_import = "import weasyprint\nweasyprint.HTML(string='<p>ok</p>').write_pdf()\n"
    plain = {name for name in _loaded_libraries(plain_import) if name.startswith(weasyprints)}
    for library in ("libpango-1.0.so", "libpangoft2-1.0.so", "libharfbuzz.so", "libharfbuzz-subset.so"):
        assert any(name.startswith(library) for name in plain), library
    assert ours == plain


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the loader's names are Linux's")
def test_weasyprint_is_imported_the_usual_way_if_the_loader_cannot_find_a_library() -> None:
    """A library only ctypes' probes find (here: Pango, whose loader names are refused once): the import
    is tried again as WeasyPrint makes it, and succeeds."""
    script = (
        "import cffi\n"
        "dlopen = cffi.FFI.dlopen\n"
        "refused = []\n"
        "def once(self, name, flags=0):\n"
        "    if name == 'libpango-1.0.so.0' and not refused:\n"
        "        refused.append(name)\n"
        "        raise OSError('refused once')\n"
        "    return dlopen(self, name, flags)\n"
        "cffi.FFI.dlopen = once\n"
        "from pregon.print_service import import_weasyprint\n"
        "weasyprint = import_weasyprint()\n"
        "assert refused, 'the loader name was never tried'\n"
        "assert weasyprint.HTML(string='<p>ok</p>').write_pdf().startswith(b'%PDF')\n"
    )
    ran = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
    assert ran.stdout == ""  # not WeasyPrint's help on installing its libraries: they were found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the loader's names are Linux's")
def test_weasyprint_missing_a_library_still_raises_and_says_how_to_install_it() -> None:
    script = (
        "import cffi\n"
        "dlopen = cffi.FFI.dlopen\n"
        "def refuse_pango(self, name, flags=0):\n"
        "    if 'pango' in str(name):\n"
        "        raise OSError('no such library')\n"
        "    return dlopen(self, name, flags)\n"
        "cffi.FFI.dlopen = refuse_pango\n"
        "from pregon.print_service import import_weasyprint\n"
        "try:\n"
        "    import_weasyprint()\n"
        "except OSError:\n"
        "    raise SystemExit(3)\n"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert ran.returncode == 3
    assert ran.stdout.count("WeasyPrint could not import some external libraries") == 1


def test_guide_pages_made_in_workers_show_their_pdfs_as_pages_made_here_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a site large enough for worker processes, the pages without printed editions are made in
    workers while the guides are laid out, then the guides' pages in workers of their own, given the
    PDFs' sizes: the site is the one made with every page made in the build's own process."""
    from pregon import render
    from pregon.pipeline import BuildOptions, build

    from .conftest import copy_shipped_site

    worker_runs: list[int] = []
    in_workers = render.map_in_workers

    def counted(job: Callable[[int], object], items: list[int]) -> list[object]:
        worker_runs.append(len(items))
        return in_workers(job, items)

    monkeypatch.setattr(render, "map_in_workers", counted)
    snapshots = []
    for threshold in (1, 10**9):
        monkeypatch.setattr(render, "PARALLEL_THRESHOLD", threshold)
        tree = copy_shipped_site(tmp_path / f"threshold-{threshold}")
        build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
        snapshots.append(tree.snapshot())
        if threshold == 1:
            links = tree.html("es/guias/sus-derechos-en-casa/index.html").findall(".//section[@class='downloads']//a")
            assert [link.get("href") for link in links] == [
                "sus-derechos-en-casa.pdf",
                "../../../en/guides/know-your-rights-at-home/know-your-rights-at-home-en-es.pdf",
            ]
    if render.cores() > 1:
        assert worker_runs == [8, 4]  # the pages of the accessibility statement, privacy notice and others; the guides'
    assert snapshots[0] == snapshots[1]
