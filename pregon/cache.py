"""The build cache saved between runs: results of the costly, pure steps, keyed by the content of
everything they read.

Markdown conversion is most of a build's time, and reading front matter comes next; both are kept
between builds in `.pregon-cache/`, with what is learnt from each template. A cached conversion is
used only if every link it resolved still resolves to the same address (conversion.py), so an edit
elsewhere can never leave a stale link behind. The cache is an optimisation only: deleting it
changes no output.
"""

from __future__ import annotations

import gc
import hashlib
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from . import __version__
from .files import atomic_write

if TYPE_CHECKING:
    from .conversion import Conversion
    from .errors import Problem
    from .facts import Fact
    from .front_matter import SourcePage
    from .readability import Reading

CACHE_FORMAT = f"pregon {__version__} cache 11"
"""Changes whenever what the cache holds changes meaning (6: conversions are stored as Conversion; 7:
conversions keep the ids authors gave, and warn of other tools' template syntax; 10: facts and
reading levels; 11: fact differences by translation group)."""


class ConversionEntry(NamedTuple):
    conversion: Conversion
    confirmed: str
    """The link table (Site.link_table) under which its links were last seen to get its answers."""


class SourceEntry(NamedTuple):
    page: SourcePage | None
    problems: tuple[Problem, ...]


TemplateEntry = tuple[str, ...] | bytes
"""What is learnt from a template's source: the templates it references, or its compiled code."""


@dataclass
class SavedCache:
    """What is saved in `.pregon-cache/` between runs, by key (see cache_key)."""

    conversions: dict[str, ConversionEntry] = field(default_factory=dict)
    sources: dict[str, SourceEntry] = field(default_factory=dict)
    templates: dict[str, TemplateEntry] = field(default_factory=dict)
    facts: dict[str, tuple[Fact, ...]] = field(default_factory=dict)
    """The facts found in a text (facts.py), by its text, first line, locale and region."""
    readings: dict[str, Reading | None] = field(default_factory=dict)
    """A text's reading level (readability.py), by its text, first line and locale."""
    differences: dict[str, tuple[Problem, ...]] = field(default_factory=dict)
    """What a group of translations' facts differ by (fact_check.py), by everything that is made from."""
    used: set[str] = field(default_factory=set)
    """Keys this build used; only these are saved, so the cache holds no more than one build's worth."""
    stored: dict[str, frozenset[str]] = field(default_factory=dict)
    """The keys in each part of the cache as it is on disk: a part whose keys are still exactly the
    ones used is not written again, so saving after an edit writes a few of its 256 parts."""
    changed_parts: set[str] = field(default_factory=set)
    """Parts holding an entry updated in place since they were saved: written again even if their
    keys are the same."""
    _keys: dict[tuple[str, ...], str] = field(default_factory=dict, repr=False)

    def key(self, *parts: str) -> str:
        """cache_key(*parts), remembered: a process that builds again and again asks for the same
        thousands of keys each time."""
        known = self._keys.get(parts)
        if known is None:
            known = self._keys[parts] = cache_key(*parts)
        return known

    def conversion(self, key: str) -> ConversionEntry | None:
        """The entry under `key`, not yet marked used: conversion.py decides whether it still holds."""
        return self.conversions.get(key)

    def keep_conversion(self, key: str, conversion: Conversion, link_table: str) -> None:
        """Keep a conversion whose links get its answers under `link_table` (new, or confirmed again)."""
        before = self.conversions.get(key)
        self.conversions[key] = ConversionEntry(conversion, link_table)
        self.used.add(key)
        if before is not None:
            self.changed_parts.add(part_of(key))

    def source(self, key: str) -> SourceEntry | None:
        entry = self.sources.get(key)
        if entry is not None:
            self.used.add(key)
        return entry

    def keep_source(self, key: str, entry: SourceEntry) -> None:
        self.sources[key] = entry
        self.used.add(key)

    def known_facts(self, key: str) -> tuple[Fact, ...] | None:
        entry = self.facts.get(key)
        if entry is not None:
            self.used.add(key)
        return entry

    def keep_facts(self, key: str, facts: tuple[Fact, ...]) -> None:
        self.facts[key] = facts
        self.used.add(key)

    def known_reading(self, key: str) -> tuple[bool, Reading | None]:
        """(whether the text was measured, its reading: None for a text with nothing to measure)."""
        if key not in self.readings:
            return False, None
        self.used.add(key)
        return True, self.readings[key]

    def keep_reading(self, key: str, reading: Reading | None) -> None:
        self.readings[key] = reading
        self.used.add(key)

    def known_differences(self, key: str) -> tuple[Problem, ...] | None:
        entry = self.differences.get(key)
        if entry is not None:
            self.used.add(key)
        return entry

    def keep_differences(self, key: str, problems: tuple[Problem, ...]) -> None:
        self.differences[key] = problems
        self.used.add(key)

    def template(self, key: str) -> TemplateEntry | None:
        entry = self.templates.get(key)
        if entry is not None:
            self.used.add(key)
        return entry

    def keep_template(self, key: str, entry: TemplateEntry) -> None:
        # A compiled template is kept under its name, so an edit replaces an entry in place.
        self.templates[key] = entry
        self.used.add(key)
        self.changed_parts.add(part_of(key))


def cache_key(*parts: str) -> str:
    """A hex digest of the parts (and the cache format); the repr of the tuple keeps the parts apart."""
    return hashlib.sha256((CACHE_FORMAT + repr(parts)).encode("utf-8", "surrogatepass")).hexdigest()


CACHE_PARTS = [f"{number:02x}" for number in range(256)]
"""Keys are hex digests; the cache is stored in one file per first two digits, so that saving after
an edit rewrites a few small files (the entries of the page before and after it), not a large one."""


_KINDS = ("conversions", "sources", "templates", "facts", "readings", "differences")
"""What each part of the cache holds, each by key."""


def part_of(key: str) -> str:
    return key[:2]


def load_cache(folder: Path) -> SavedCache:
    """The cache earlier builds saved in `folder` (an empty one where a part is missing or unreadable).

    The cache is hundreds of thousands of objects that live as long as the build and hold no cycles
    to collect: the garbage collector is kept off while they are made, then told to leave them alone
    (its full passes over them took a third of a rebuild after an edit)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_parts(folder)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _load_parts(folder: Path) -> SavedCache:
    cache = SavedCache()
    for part in CACHE_PARTS:
        try:
            with (folder / f"cache-{part}.pickle").open("rb") as file:
                stored = pickle.load(file)  # noqa: S301 - written by pregon itself, in the site's own folder
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            continue
        if not isinstance(stored, dict) or stored.get("format") != CACHE_FORMAT:
            continue
        cache.conversions.update(stored["conversions"])
        cache.sources.update(stored["sources"])
        cache.templates.update(stored["templates"])
        cache.facts.update(stored["facts"])
        cache.readings.update(stored["readings"])
        cache.differences.update(stored["differences"])
        cache.stored[part] = frozenset().union(*(stored[kind] for kind in _KINDS))
    return cache


def save_cache(folder: Path, cache: SavedCache) -> None:
    """Save the entries this build used, rewriting only the parts whose set of keys changed."""
    folder.mkdir(parents=True, exist_ok=True)
    # The files of earlier versions: one file, then one per first digit.
    (folder / "build.pickle").unlink(missing_ok=True)
    for digit in "0123456789abcdef":
        (folder / f"cache-{digit}.pickle").unlink(missing_ok=True)
    used: dict[str, set[str]] = {part: set() for part in CACHE_PARTS}
    for key in cache.used:
        used[part_of(key)].add(key)
    for part in CACHE_PARTS:
        keys = frozenset(used[part])
        if cache.stored.get(part, frozenset()) == keys and part not in cache.changed_parts:
            continue
        stored = {
            "format": CACHE_FORMAT,
            "conversions": {key: cache.conversions[key] for key in sorted(keys) if key in cache.conversions},
            "sources": {key: cache.sources[key] for key in sorted(keys) if key in cache.sources},
            "templates": {key: cache.templates[key] for key in sorted(keys) if key in cache.templates},
            "facts": {key: cache.facts[key] for key in sorted(keys) if key in cache.facts},
            "readings": {key: cache.readings[key] for key in sorted(keys) if key in cache.readings},
            "differences": {key: cache.differences[key] for key in sorted(keys) if key in cache.differences},
        }
        atomic_write(folder / f"cache-{part}.pickle", pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL))
        cache.stored[part] = keys
    cache.changed_parts.clear()
