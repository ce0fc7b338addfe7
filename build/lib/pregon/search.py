"""Full-text search with no server and no third party: a static index per language, read by search.js.

Words are folded the same way here and in the browser (accents and case dropped, so `publica` finds
`pública`), and each word's list of pages is stored in a small file named after the word's first two
letters. A search fetches only the files for the words typed, then the titles and summaries of the
pages it shows; a phone never downloads the whole index. The index is plain data made from the pages'
converted text, so it is built in a fraction of a second, rebuilt only in the files that changed, and
the same pages always give the same bytes.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import html
import json
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from .output import Output, Unchanged

SEARCH_FOLDER = "search-index"
PAGES_PER_BLOCK = 50
"""Titles and summaries are stored in blocks of this many pages, fetched only for the results shown."""
INDEX_FORMAT = 2
"""2: pages are numbered from the end of the site's lists (see build_index)."""

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
    text_words: str = field(default="", compare=False, repr=False)
    """The text's words as given to document(), by which an unchanged page finds its document again."""


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
    """`body_words`: the text's words as Converted.words keeps them, space-separated."""
    title_words = words_of(title)
    words = title_words | words_of(summary) | set(body_words.split())
    return SearchDocument(url, title, summary, title_words, words, body_words)


def shard_name(word: str) -> str:
    """The file holding a word: its first two letters as hexadecimal UTF-8, safe in any file system."""
    return word[:2].encode("utf-8").hex()


@dataclass(frozen=True)
class SearchIndex:
    """One language's index as a build made it. A process that builds again and again (the preview
    server) keeps it, so that the next build redoes only the files of the words and pages that changed."""

    language: str
    documents: tuple[SearchDocument, ...]
    postings: Mapping[str, list[int]]
    """Word -> the numbers of the pages using it (see build_index). Never changed once made: a
    later index copies what it changes."""
    shards: Mapping[str, frozenset[str]]
    """File name -> the words in that file."""
    digests: Mapping[str, str]
    """Output path -> sha256 of the bytes this index made for it."""

    def known_document(
        self, url: str, title: str, summary: str, body_words: str, number: int = -1
    ) -> SearchDocument | None:
        """This index's document for a page, if the page is as it was. `number`: where the page is
        now; it is looked for there first, as pages seldom move (a look-up table of every page is
        made only when one has)."""
        if 0 <= number < len(self.documents):
            found = self.documents[number]
            if (found.url, found.title, found.summary, found.text_words) == (url, title, summary, body_words):
                return found
            if found.url == url:
                return None  # the same page, changed
        return self._by_text.get((url, title, summary, body_words))

    @functools.cached_property
    def _by_text(self) -> dict[tuple[str, str, str, str], SearchDocument]:
        return {(found.url, found.title, found.summary, found.text_words): found for found in self.documents}


PATCH_SHARE = 4
"""An index is patched when at most this share (1/4) of its pages changed; otherwise it is made anew."""


def build_index(
    language: str,
    documents: Sequence[SearchDocument],
    previous: SearchIndex | None = None,
    published: Callable[[str, str], bool] | None = None,
) -> tuple[list[Output | Unchanged], SearchIndex]:
    """The index files of one language: words by their first two letters, and page blocks.

    A page's number is its place in `documents`; each word lists the numbers of the pages that use it,
    doubled, plus one where the word is in the title (so `7` is page 3, in its title). The caller gives
    the pages from the end of the site's lists to their start (the newest announcement last), so that
    a new announcement is a page added at the end, which renumbers no other; search.js shows pages of
    equal score from the highest number down, in the order of the lists.

    With `previous`, the index an earlier build made of the same pages in the same order (or of the
    first of them, when pages were added at the end), only the words and blocks of the pages that
    changed or were added are made again; every other file is Unchanged if `published` (whether the
    published file at a path has the bytes of a sha256) says that it is the one `previous` made. The bytes
    are the same either way.
    """
    documents = tuple(documents)
    changed = _changed_pages(documents, previous)
    if previous is None or changed is None or len(changed) * PATCH_SHARE > len(documents):
        postings = _postings(documents)
        grouped: dict[str, list[str]] = {}
        for word in postings:
            grouped.setdefault(shard_name(word), []).append(word)
        shards = {name: frozenset(words) for name, words in grouped.items()}
        redo_shards, redo_blocks, made_before = set(shards), set(range(_blocks(documents))), {}
    else:
        postings, shards, redo_shards = _patched(documents, previous, changed)
        known = len(previous.documents)
        redo_blocks = {
            number // PAGES_PER_BLOCK
            for number in changed
            if number >= known or _shown(documents[number]) != _shown(previous.documents[number])
        }
        made_before = dict(previous.digests)
    folder = f"{SEARCH_FOLDER}/{language}"
    outputs: list[Output | Unchanged] = []
    digests: dict[str, str] = {}

    def add(path: str, redo: bool, data: Callable[[], object]) -> None:
        """One index file: kept if it is the one `previous` made and published, else made from `data()`."""
        if not redo and path in made_before and published is not None and published(path, made_before[path]):
            outputs.append(Unchanged(path, made_before[path]))
            digests[path] = made_before[path]
            return
        content = _json(data())
        outputs.append(Output(path, content))
        digests[path] = hashlib.sha256(content).hexdigest()

    def shard(words: frozenset[str]) -> dict[str, list[int]]:
        return {word: postings[word] for word in sorted(words)}

    def block(start: int) -> list[list[str]]:
        return [_shown(found) for found in documents[start : start + PAGES_PER_BLOCK]]

    for name in sorted(shards):
        add(f"{folder}/words/{name}.json", name in redo_shards, functools.partial(shard, shards[name]))
    for number in range(_blocks(documents)):
        add(
            f"{folder}/pages/{number}.json",
            number in redo_blocks,
            functools.partial(block, number * PAGES_PER_BLOCK),
        )
    about = {"format": INDEX_FORMAT, "pages": len(documents), "pages_per_block": PAGES_PER_BLOCK}
    add(f"{folder}/index.json", True, lambda: about)  # tiny, and its page count changes as pages are added
    return outputs, SearchIndex(language, documents, postings, shards, digests)


def _postings(documents: Sequence[SearchDocument]) -> dict[str, list[int]]:
    postings: dict[str, list[int]] = {}
    for number, found in enumerate(documents):
        for word in found.words:
            postings.setdefault(word, []).append(number * 2 + (word in found.title_words))
    return postings


def _changed_pages(documents: Sequence[SearchDocument], previous: SearchIndex | None) -> list[int] | None:
    """The numbers of the pages that differ from `previous` or were added after its last one; None if
    pages were removed or moved."""
    if previous is None or len(previous.documents) > len(documents):
        return None
    changed = []
    # `documents` may go on after the last of `previous`: pages added at the end.
    for number, (before, now) in enumerate(zip(previous.documents, documents, strict=False)):
        if before is now:
            continue
        if before.url != now.url:
            return None
        if before != now:
            changed.append(number)
    return changed + list(range(len(previous.documents), len(documents)))


def _patched(
    documents: Sequence[SearchDocument], previous: SearchIndex, changed: list[int]
) -> tuple[dict[str, list[int]], dict[str, frozenset[str]], set[str]]:
    """The postings and shards of `previous` with the changed pages' words taken out and put back,
    and the shards that changed."""
    postings = dict(previous.postings)
    shards = dict(previous.shards)
    redo: set[str] = set()
    for number in changed:
        before = previous.documents[number] if number < len(previous.documents) else _NO_PAGE
        now = documents[number]
        for word in before.words | now.words:
            old = number * 2 + (word in before.title_words) if word in before.words else None
            new = number * 2 + (word in now.title_words) if word in now.words else None
            if old == new:
                continue
            pages = [page for page in postings.get(word, []) if page // 2 != number]
            if new is not None:
                bisect.insort(pages, new)
            name = shard_name(word)
            redo.add(name)
            if pages:
                if word not in postings:
                    shards[name] = shards.get(name, frozenset()) | {word}
                postings[word] = pages
            else:
                del postings[word]
                shards[name] = shards[name] - {word}
                if not shards[name]:
                    del shards[name]
    return postings, shards, redo


_NO_PAGE = SearchDocument("", "", "", frozenset(), frozenset())
"""What a page added after the last one of an earlier index replaces: no words."""


def _blocks(documents: Sequence[SearchDocument]) -> int:
    return -(-len(documents) // PAGES_PER_BLOCK)


def _shown(found: SearchDocument) -> list[str]:
    """What a result shows of a page (in its block of pages)."""
    return [found.url, found.title, found.summary]


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
