"""The search index: folded words, the files a query reads, and the pages they lead to."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from pregon.output import Output, Unchanged
from pregon.search import (
    PAGES_PER_BLOCK,
    build_index,
    document,
    fold,
    shard_name,
    words_of,
    words_of_html,
)

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
    outputs, _ = build_index("es", documents)
    files = {output.path: json.loads(output.content) for output in outputs if isinstance(output, Output)}
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
    paths = {output.path for output in build_index("en", documents)[0]}
    assert {"search-index/en/pages/0.json", "search-index/en/pages/1.json"} <= paths


def test_the_built_site_indexes_each_language_s_own_pages(built_shipped_site: SiteTree) -> None:
    for code in ("en", "es"):
        folder = built_shipped_site.out / "search-index" / code
        pages = [
            entry for block in sorted((folder / "pages").glob("*.json")) for entry in json.loads(block.read_text())
        ]
        assert len(pages) == 6 and all(url.startswith(f"{code}/") for url, _, _ in pages)
        for url, _, _ in pages:
            assert (built_shipped_site.out / url / "index.html").is_file()
    words = json.loads((built_shipped_site.out / f"search-index/es/words/{shard_name('policia')}.json").read_text())
    assert len(words["policia"]) >= 3  # "policía" in several pages, found without its accent


def has(digests: dict[str, str]) -> Callable[[str, str], bool]:
    """Whether the published file at a path has the bytes of a digest, for a site whose files are these."""
    return lambda path, digest: digests.get(path) == digest


def _files(outputs: list[Output | Unchanged], before: dict[str, bytes]) -> dict[str, bytes]:
    """The bytes of every index file, an Unchanged one taken from the files published before."""
    return {output.path: output.content if isinstance(output, Output) else before[output.path] for output in outputs}


def test_a_patched_index_is_the_index_made_anew() -> None:
    documents = [
        document(f"en/p{n}/", f"Page {n} title", f"Summary {n}.", " ".join(["common", f"only{n}", f"w{n % 7}"]))
        for n in range(3 * PAGES_PER_BLOCK)
    ]
    documents[5] = document("en/p5/", "Page 5 title", "Summary 5.", "common only5 w5 zzonly")
    outputs, index = build_index("en", documents)
    published = _files(outputs, {})
    digests = {path: hashlib.sha256(content).hexdigest() for path, content in published.items()}
    changed = list(documents)
    changed[3] = document("en/p3/", "Page 3 title", "Summary 3.", "common only3 w3 brandnew")  # a word added
    changed[60] = document("en/p60/", "Common ground", "Summary 60.", "w4")  # title changed, words dropped
    changed[5] = document("en/p5/", "Page 5 title", "Summary 5.", "common only5 w5")  # the only "zz" word gone
    changed[61] = document("en/p61/", "Page 61 title", "Another summary.", "common only61 w5")  # summary only
    patched, _ = build_index("en", changed, index, has(digests))
    anew, _ = build_index("en", changed)
    assert _files(patched, published) == _files(anew, {})
    kept = {output.path for output in patched if isinstance(output, Unchanged)}
    redone = {output.path for output in patched if isinstance(output, Output)}
    # Only the files of the words and the page blocks that changed are made again.
    assert "search-index/en/pages/0.json" in kept and "search-index/en/pages/1.json" in redone
    assert {f"search-index/en/words/{shard_name(word)}.json" for word in ("brandnew", "ground", "only60")} <= redone
    assert f"search-index/en/words/{shard_name('w3')}.json" in kept
    assert len(redone) < len(kept)
    # The last page using a word is gone: so is the word.
    words = json.loads(_files(patched, published)[f"search-index/en/words/{shard_name('only60')}.json"])
    assert "only60" not in words and "only59" in words
    assert f"search-index/en/words/{shard_name('zzonly')}.json" in published
    assert f"search-index/en/words/{shard_name('zzonly')}.json" not in _files(patched, published)


def test_pages_added_at_the_end_renumber_no_other_page() -> None:
    documents = [document(f"en/p{n}/", f"Page {n}", "S", f"common word{n}") for n in range(2 * PAGES_PER_BLOCK - 1)]
    outputs, index = build_index("en", documents)
    published = _files(outputs, {})
    digests = {path: hashlib.sha256(content).hexdigest() for path, content in published.items()}
    # Two new announcements: the first fills the last block, the second starts a new one.
    added = [*documents, document("en/new1/", "New one", "S", "common fresh"), document("en/new2/", "Two", "S", "x")]
    patched, _ = build_index("en", added, index, has(digests))
    assert _files(patched, published) == _files(build_index("en", added)[0], {})
    redone = {output.path for output in patched if isinstance(output, Output)}
    assert "search-index/en/pages/0.json" not in redone
    assert {"search-index/en/pages/1.json", "search-index/en/pages/2.json", "search-index/en/index.json"} <= redone
    assert f"search-index/en/words/{shard_name('word1')}.json" not in redone
    assert f"search-index/en/words/{shard_name('fresh')}.json" in redone
    words = json.loads(_files(patched, published)[f"search-index/en/words/{shard_name('common')}.json"])
    assert words["common"] == [number * 2 for number in range(len(added) - 1)]


def test_an_index_is_made_anew_when_the_published_file_is_not_the_one_it_made() -> None:
    documents = [document(f"en/p{n}/", f"Page {n}", "S", f"word{n}") for n in range(10)]
    _, index = build_index("en", documents)
    outputs, _ = build_index("en", documents, index, published=has({}))
    assert all(isinstance(output, Output) for output in outputs)
