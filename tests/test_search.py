"""The search index: folded words, the files a query reads, and the pages they lead to."""

from __future__ import annotations

import json

from pregon.search import PAGES_PER_BLOCK, document, fold, index_outputs, shard_name, words_of, words_of_html

from .conftest import SiteTree


def test_words_are_folded_like_a_query_typed_without_accents() -> None:
    assert fold("Seguridad PÚBLICA, ¿Qué?") == "seguridad publica, ¿que?"
    assert words_of("¿Qué es PARS? Es una base de datos, y 2018.") == {
        "que",
        "es",
        "pars",
        "una",
        "base",
        "de",
        "datos",
        "2018",
    }


def test_the_index_lists_each_word_with_its_pages_and_marks_title_words() -> None:
    documents = [
        document(
            "es/a/",
            "Base de datos",
            "Resumen uno.",
            " ".join(words_of_html("<p>La <strong>policía</strong> usa &amp; comparte.</p>")),
        ),
        document("es/b/", "Otra página", "Resumen dos.", " ".join(words_of_html("<p>Una base distinta.</p>"))),
    ]
    files = {output.path: json.loads(output.content) for output in index_outputs("es", documents)}
    base_shard = files[f"search-index/es/words/{shard_name('base')}.json"]
    assert base_shard["base"] == [0 * 2 + 1, 1 * 2]  # in page 0's title, in page 1's text
    assert files[f"search-index/es/words/{shard_name('policia')}.json"]["policia"] == [0]
    indexed_words = {word for path, shard in files.items() if "/words/" in path for word in shard}
    assert "comparte" in indexed_words and "amp" not in indexed_words  # text, not markup or entities
    assert files["search-index/es/pages/0.json"] == [
        ["es/a/", "Base de datos", "Resumen uno."],
        ["es/b/", "Otra página", "Resumen dos."],
    ]
    assert files["search-index/es/index.json"]["pages"] == 2


def test_pages_are_stored_in_blocks() -> None:
    documents = [document(f"en/p{n}/", f"Page {n}", "S", "x") for n in range(PAGES_PER_BLOCK + 1)]
    paths = {output.path for output in index_outputs("en", documents)}
    assert {"search-index/en/pages/0.json", "search-index/en/pages/1.json"} <= paths


def test_the_built_site_indexes_each_language_s_own_pages(built_shipped_site: SiteTree) -> None:
    for code in ("en", "es"):
        folder = built_shipped_site.out / "search-index" / code
        pages = [
            entry for block in sorted((folder / "pages").glob("*.json")) for entry in json.loads(block.read_text())
        ]
        assert len(pages) == 4 and all(url.startswith(f"{code}/") for url, _, _ in pages)
        for url, _, _ in pages:
            assert (built_shipped_site.out / url / "index.html").is_file()
    words = json.loads((built_shipped_site.out / f"search-index/es/words/{shard_name('policia')}.json").read_text())
    assert len(words["policia"]) >= 3  # "policía" in several pages, found without its accent
