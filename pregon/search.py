"""Full-text search with no server and no third party: a static index per language, read by search.js.

Words are folded the same way here and in the browser (accents and case dropped, so `publica` finds
`pública`), and each word's list of pages is stored in a small file named after the word's first two
letters. A search fetches only the files for the words typed, then the titles and summaries of the
pages it shows; a phone never downloads the whole index. The index is plain data made from the pages'
converted text, so it is built in a fraction of a second, rebuilt only in the files that changed, and
the same pages always give the same bytes.
"""

from __future__ import annotations

import functools
import html
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .output import Output

SEARCH_FOLDER = "search-index"
PAGES_PER_BLOCK = 50
"""Titles and summaries are stored in blocks of this many pages, fetched only for the results shown."""
INDEX_FORMAT = 1

_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchDocument:
    """What the index knows of one page: where it is, what to show for it, and its words."""

    url: str
    """From the site's root: `es/preguntas/que-es-pars/`."""
    title: str
    summary: str
    title_words: frozenset[str]
    words: frozenset[str]


def fold(text: str) -> str:
    """Lower case without accents, as search.js folds a query: `Pública` -> `publica`."""
    decomposed = unicodedata.normalize("NFKD", text)
    if not decomposed.isascii():
        decomposed = "".join(char for char in decomposed if not unicodedata.category(char).startswith("M"))
    return decomposed.lower()


def words_of(text: str) -> frozenset[str]:
    """The searchable words of a text: folded, two letters or more."""
    words: set[str] = set()
    for written in set(_WORD.findall(text)):
        words.update(_folded_words(written))
    return frozenset(words)


@functools.lru_cache(maxsize=1 << 16)
def _folded_words(written: str) -> tuple[str, ...]:
    # Folding letter by letter is the slow part, and a site's pages share most of their words.
    return tuple(word for word in _WORD.findall(fold(written)) if len(word) > 1)


def words_of_html(markup: str) -> frozenset[str]:
    """The searchable words of the text of an HTML fragment (made by pregon, so tags are well formed)."""
    return words_of(html.unescape(_TAG.sub(" ", markup)))


def document(url: str, title: str, summary: str, body_words: str) -> SearchDocument:
    """`body_words`: the text's words as Rendered.words keeps them, space-separated."""
    title_words = words_of(title)
    return SearchDocument(url, title, summary, title_words, title_words | words_of(summary) | set(body_words.split()))


def shard_name(word: str) -> str:
    """The file holding a word: its first two letters as hexadecimal UTF-8, safe in any file system."""
    return word[:2].encode("utf-8").hex()


def index_outputs(language: str, documents: Iterable[SearchDocument]) -> list[Output]:
    """The index files of one language: words by their first two letters, and page blocks.

    A page's number is its place in `documents`; each word lists the numbers of the pages that use it,
    doubled, plus one where the word is in the title (so `7` is page 3, in its title).
    """
    folder = f"{SEARCH_FOLDER}/{language}"
    ordered = list(documents)
    postings: dict[str, list[int]] = {}
    for number, found in enumerate(ordered):
        for word in found.words:
            postings.setdefault(word, []).append(number * 2 + (word in found.title_words))
    shards: dict[str, dict[str, list[int]]] = {}
    for word in sorted(postings):
        shards.setdefault(shard_name(word), {})[word] = postings[word]
    outputs = [Output(f"{folder}/words/{name}.json", _json(shard)) for name, shard in shards.items()]
    for start in range(0, len(ordered), PAGES_PER_BLOCK):
        block = [[found.url, found.title, found.summary] for found in ordered[start : start + PAGES_PER_BLOCK]]
        outputs.append(Output(f"{folder}/pages/{start // PAGES_PER_BLOCK}.json", _json(block)))
    about = {"format": INDEX_FORMAT, "pages": len(ordered), "pages_per_block": PAGES_PER_BLOCK}
    outputs.append(Output(f"{folder}/index.json", _json(about)))
    return outputs


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
