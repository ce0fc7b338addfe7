"""The search index: what Pagefind is given of each page, the same bytes build after build, and indexing
again only when some page's text changed. How it finds words is tested in a browser (e2e/test_search.py)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from pregon.pipeline import BuildOptions, build
from pregon.search import Indexed, SearchRecord

from .conftest import THREE_LANGUAGES, SiteTree, page

FILES = {
    "content/en/faq/help.md": page(
        "Where to find help",
        "Help with rent.",
        "## Who can help with rent?\n\nNeighborhood offices help tenants.",
        translation_key="help",
    ),
    "content/es/faq/ayuda.md": page(
        "Dónde encontrar ayuda",
        "Ayuda con el alquiler.",
        "## ¿Quién ayuda con el alquiler?\n\nLas oficinas de barrio ayudan a los inquilinos.",
        translation_key="help",
    ),
    "content/en/announcements/hours.md": page(
        "New office hours", "Offices open earlier.", "Offices now open at eight.", date="2026-11-02"
    ),
}


def _fragments(out: Path) -> dict[str, dict[str, object]]:
    """Each indexed page's fragment, by its address: what Pagefind stored of it, as its search reads it."""
    found = {}
    for file in sorted((out / "pagefind/fragment").iterdir()):
        data = gzip.decompress(file.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        fragment = json.loads(data.removeprefix(b"pagefind_dcd"))
        found[fragment["url"]] = fragment
    return found


def _files(out: Path) -> dict[str, bytes]:
    return {path.relative_to(out).as_posix(): path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()}


def test_each_language_indexes_its_own_pages_text_only(site_tree: Callable[..., SiteTree]) -> None:
    tree = site_tree(FILES, THREE_LANGUAGES)
    build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
    entry = json.loads((tree.out / "pagefind/pagefind-entry.json").read_bytes())
    # The untranslated pages (both in Chinese, the announcement in Spanish) are left out of those
    # languages' indexes: each is found in its own language's.
    assert {code: about["page_count"] for code, about in entry["languages"].items()} == {"en": 2, "es": 1}
    fragments = _fragments(tree.out)
    assert set(fragments) == {"/en/faq/help/", "/es/preguntas/ayuda/", "/en/announcements/hours/"}
    help_page = fragments["/es/preguntas/ayuda/"]
    assert help_page["meta"] == {"title": "Dónde encontrar ayuda"}
    assert help_page["content"] == (
        "Dónde encontrar ayuda. Ayuda con el alquiler. ¿Quién ayuda con el alquiler? "
        "Las oficinas de barrio ayudan a los inquilinos."
    )  # the title, the summary and the text: no menu, no footer, no language switch
    assert help_page["anchors"] == [
        {"element": "h2", "id": "quien-ayuda-con-el-alquiler", "text": "¿Quién ayuda con el alquiler?", "location": 7}
    ]
    # Pagefind's own interfaces, whose strings would bypass the catalogs, are not published.
    assert sorted(path.name for path in (tree.out / "pagefind").glob("pagefind*")) == [
        "pagefind-entry.json",
        "pagefind-worker.js",
        "pagefind.en_" + entry["languages"]["en"]["hash"].removeprefix("en_") + ".pf_meta",
        "pagefind.es_" + entry["languages"]["es"]["hash"].removeprefix("es_") + ".pf_meta",
        "pagefind.js",
    ]


def test_two_cold_builds_give_the_same_bytes(site_tree: Callable[..., SiteTree], tmp_path: Path) -> None:
    tree = site_tree(FILES, THREE_LANGUAGES)
    first, second = tmp_path / "first", tmp_path / "second"
    build(BuildOptions(site_dir=tree.root, out_dir=first))
    build(BuildOptions(site_dir=tree.root, out_dir=second))
    made = _files(first)
    assert any(path.startswith("pagefind/index/") for path in made)
    assert made == _files(second)
    entry = (first / "pagefind/pagefind-entry.json").read_text(encoding="utf-8")
    assert entry == json.dumps(json.loads(entry), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def test_the_index_is_made_again_only_when_some_pages_text_changed(
    site_tree: Callable[..., SiteTree], tmp_path: Path
) -> None:
    tree = site_tree(FILES, THREE_LANGUAGES)
    options = BuildOptions(site_dir=tree.root, out_dir=tree.out)
    assert build(options).search_indexed
    index_before = {path: data for path, data in _files(tree.out).items() if path.startswith("pagefind/")}
    # A new footer changes every page but no page's text: the index is kept as it is.
    tree.write({"templates/footer.html": "<footer><p>A new footer</p></footer>\n"})
    report = build(options)
    assert report.rendered > 0 and not report.search_indexed
    assert {path: data for path, data in _files(tree.out).items() if path.startswith("pagefind/")} == index_before
    # A word changed in one page: indexed again, and the same as a cold build of the new text.
    tree.write(
        {
            "content/en/announcements/hours.md": page(
                "New office hours", "Offices open earlier.", "At nine.", date="2026-11-02"
            )
        }
    )
    assert build(options).search_indexed
    cold = tmp_path / "cold"
    build(BuildOptions(site_dir=tree.root, out_dir=cold))
    assert _files(tree.out) == _files(cold)
    assert "At nine." in _fragments(tree.out)["/en/announcements/hours/"]["content"]  # type: ignore[operator]


def test_a_removed_index_file_is_made_again(site_tree: Callable[..., SiteTree]) -> None:
    tree = site_tree(FILES, THREE_LANGUAGES)
    options = BuildOptions(site_dir=tree.root, out_dir=tree.out)
    build(options)
    fragment = next((tree.out / "pagefind/fragment").iterdir())
    fragment.unlink()
    tree.write({"templates/footer.html": "<footer><p>Another footer</p></footer>\n"})
    assert build(options).search_indexed
    assert fragment.is_file()


def test_each_language_is_indexed_on_its_own_and_their_indexes_joined() -> None:
    """Each language's Pagefind runs beside the others' into a folder of its own; one entry file lists
    every language. Two tags that Pagefind takes for one language (it lower-cases them) are indexed
    together, as one language with every page of both."""
    from pregon.search import SearchRecord, pagefind_files

    def records(*tags: str) -> list[SearchRecord]:
        return [
            SearchRecord(f"{tag}/page-{number}/", tag, f"Title {number}", "A summary.", f"<p>Words {number}</p>")
            for tag in tags
            for number in range(3)
        ]

    joined = pagefind_files(records("en", "es", "zh-Hans"))
    languages = json.loads(joined["pagefind/pagefind-entry.json"])["languages"]
    assert {code: language["page_count"] for code, language in languages.items()} == {"en": 3, "es": 3, "zh-hans": 3}
    for language in languages.values():
        assert f"pagefind/pagefind.{language['hash']}.pf_meta" in joined
    assert len([path for path in joined if path.startswith("pagefind/fragment/")]) == 9

    together = pagefind_files(records("pt-BR", "pt-br"))
    languages = json.loads(together["pagefind/pagefind-entry.json"])["languages"]
    assert {code: language["page_count"] for code, language in languages.items()} == {"pt-br": 6}


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The language tags Pagefind is asked to index, run by run (Pagefind still runs)."""
    import pregon.search

    asked: list[list[str]] = []
    indexes = pregon.search.pagefind_indexes

    def recorded(languages: list[list[SearchRecord]]) -> list[Indexed]:
        asked.append(sorted({record.tag for pages in languages for record in pages}))
        return indexes(languages)

    monkeypatch.setattr(pregon.search, "pagefind_indexes", recorded)
    return asked


def test_an_edit_indexes_its_own_language_again_and_keeps_the_others(
    site_tree: Callable[..., SiteTree], tmp_path: Path, asked: list[list[str]]
) -> None:
    """Pagefind is asked for the pages of the edited page's language only; the other languages' files are
    the published ones, and the whole index is the one a cold build makes. Without Pagefind's own files,
    every language is indexed again."""
    tree = site_tree(FILES, THREE_LANGUAGES)
    options = BuildOptions(site_dir=tree.root, out_dir=tree.out)
    build(options)
    tree.write({"content/en/faq/help.md": FILES["content/en/faq/help.md"].replace("tenants", "renters")})
    asked.clear()
    assert build(options).search_indexed
    assert asked == [["en"]]
    cold = tmp_path / "cold"
    build(BuildOptions(site_dir=tree.root, out_dir=cold))
    assert _files(tree.out) == _files(cold)
    assert "renters" in _fragments(tree.out)["/en/faq/help/"]["content"]  # type: ignore[operator]

    (tree.out / "pagefind/pagefind.js").unlink()
    tree.write({"templates/footer.html": "<footer><p>A new footer</p></footer>\n"})
    asked.clear()
    assert build(options).search_indexed
    assert asked == [["en", "es"]]
    index = {path: data for path, data in _files(tree.out).items() if path.startswith("pagefind/")}
    assert index == {path: data for path, data in _files(cold).items() if path.startswith("pagefind/")}


def test_a_new_tag_that_pagefind_takes_for_a_kept_language_indexes_every_language_again(tmp_path: Path) -> None:
    """Pagefind lower-cases tags: pages added under `pt-br` beside a published `pt-BR` index are one
    language with them, so the kept index cannot stay; what is made is what a cold build makes."""
    import hashlib

    from pregon.last_build import PublishedSite
    from pregon.output import Output
    from pregon.search import SearchIndex, search_index

    def records(tag: str) -> list[SearchRecord]:
        return [
            SearchRecord(f"{tag}/p-{n}/", tag, f"Title {n}", "Summary.", f"<p>Words {tag} {n}</p>") for n in range(3)
        ]

    def published(index: SearchIndex, folder: Path) -> PublishedSite:
        digests = {}
        for output in index.outputs:
            assert isinstance(output, Output)
            (folder / output.path).parent.mkdir(parents=True, exist_ok=True)
            (folder / output.path).write_bytes(output.content)
            digests[output.path] = hashlib.sha256(output.content).hexdigest()
        return PublishedSite(folder, digests, index.records)

    both = records("pt-BR") + records("pt-br")
    first = search_index(records("pt-BR"), None)
    again, cold = search_index(both, published(first, tmp_path)), search_index(both, None)
    assert again.indexed and all(isinstance(output, Output) for output in again.outputs)
    assert {o.path: o.content for o in again.outputs if isinstance(o, Output)} == {
        o.path: o.content for o in cold.outputs if isinstance(o, Output)
    }
    languages = json.loads(
        next(o.content for o in cold.outputs if isinstance(o, Output) and o.path.endswith("entry.json"))
    )
    assert {code: language["page_count"] for code, language in languages["languages"].items()} == {"pt-br": 6}
    # Built again with the same pages, the index indexed together is kept as it is.
    kept = search_index(both, published(again, tmp_path / "again"))
    assert not kept.indexed and {output.path for output in kept.outputs} == {output.path for output in cold.outputs}


def test_the_previews_indexer_indexes_again_only_the_language_edited(tmp_path: Path, asked: list[list[str]]) -> None:
    """The preview's background indexer keeps, as a build does, the languages whose pages did not change;
    its folder is then the index a cold build makes of the same pages."""
    import time

    from pregon.preview_search import BackgroundIndexer
    from pregon.search import pagefind_files

    def records(english: str) -> list[SearchRecord]:
        return [
            SearchRecord("en/a/", "en", "A", "S.", f"<p>{english}</p>"),
            SearchRecord("es/a/", "es", "A", "S.", "<p>Las bibliotecas abren tarde.</p>"),
        ]

    def files() -> dict[str, bytes]:
        return {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}

    indexer = BackgroundIndexer(tmp_path, report=lambda line: None)
    try:
        for english, expected in (("Libraries open late.", ["en", "es"]), ("Libraries lend telescopes.", ["en"])):
            cold = pagefind_files(records(english))
            asked.clear()
            indexer.follow(records(english))
            deadline = time.monotonic() + 30
            while files() != cold and time.monotonic() < deadline:
                time.sleep(0.05)
            assert files() == cold
            assert asked == [expected]
    finally:
        indexer.stop()
