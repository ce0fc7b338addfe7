"""The facts (facts.py) and reading level (readability.py) of every page the cache does not know yet,
found on every core: the stage before the checks that compare and judge them.

Both are pure functions of a page's text and language, and both are kept in the build cache by that
text, so an edit measures one page again. A cold build measures them all: about a millisecond a page,
seconds for a site of thousands, which would otherwise run on one core while the other waits. The
checks (fact_check.py, readability.py) then find every answer in the cache.

A build from the command line finds them in a service (services.py) started before the cache is
loaded: measuring even one page needs textstat, NLTK and the CMU dictionary, which take longer to load
(0.45 s) than the rest of a build after one edit, and load there on the other core while the build
loads its cache and the site (the build waits for the rest when those are quicker). The preview, whose
process keeps them loaded from build to build, finds them itself.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .cache import SavedCache
from .fact_check import checked_sources, facts_key
from .facts import Fact, facts_of
from .front_matter import SourcePage
from .readability import Reading, ReadingLevels, measured_sources, reading_key
from .services import Service, ServiceFailed
from .site import Site
from .workers import cores, map_in_workers

PARALLEL_THRESHOLD = 100
"""Below this many pages to analyse, starting worker processes costs more than it saves."""


@dataclass(frozen=True)
class _Task:
    """One page, and the cache keys of what it lacks: its facts, its reading level, or both."""

    source: SourcePage
    facts_key: str | None
    reading_key: str | None


@dataclass(frozen=True)
class _Found:
    facts: tuple[Fact, ...]
    reading: Reading | None


@dataclass(frozen=True)
class _Text:
    """What a page is analysed from: sent to the service."""

    body: str
    first_line: int
    locale: str
    region: str
    facts: bool
    reading: bool


Analyser = ReadingLevels | Service[list[_Text], list[_Found]]
"""Where pages are analysed: in this process, or in the service."""


def analysis_service(cache_folder: Path) -> Service[list[_Text], list[_Found]]:
    """The service that analyses pages; it loads textstat and the dictionaries as it starts."""

    def get_ready() -> tuple[Callable[[list[_Text]], list[_Found]], object]:
        # Its answers are read only once the site is rendered: on a busy machine the build's own work,
        # and the printed guides (which the pages wait for), come first.
        os.nice(5)
        levels = ReadingLevels(cache_folder)
        # The dictionaries are hundreds of thousands of objects, kept to the end and never garbage: the
        # collector scanned them again and again while the rest loaded (the Spanish hyphenation patterns
        # took 0.16 s after the CMU dictionary, 0.03 s alone). Loaded without it, then set aside from
        # its scans (and from the copies its scans would make in the workers forked later); the little
        # garbage loading leaves in cycles stays as long as the service, a build.
        collecting = gc.isenabled()
        gc.disable()
        try:
            levels.prepare(set(_PREPARED))
        finally:
            gc.freeze()
            if collecting:
                gc.enable()

        return lambda texts: _analysed_all(levels, texts), None

    return Service("analyses pages", get_ready)


_PREPARED = ("en_US", "es")
"""The languages measured (readability.FORMULAS), loaded as the service starts, before it knows the site's."""


def _analysed(levels: ReadingLevels, text: _Text) -> _Found:
    return _Found(
        tuple(facts_of(text.body, text.first_line, text.locale, text.region)) if text.facts else (),
        levels.reading_of(text.body, text.first_line, text.locale) if text.reading else None,
    )


class PendingAnalysis:
    """The pages being analysed: the service works on them while the build renders the site."""

    def __init__(self, cache: SavedCache, tasks: list[_Task], found: Callable[[], list[_Found]]) -> None:
        self._cache = cache
        self._tasks = tasks
        self._found = found

    def finish(self) -> int:
        """Keep what was found in the cache; returns how many pages were analysed."""
        if not self._tasks:
            return 0
        for task, result in zip(self._tasks, self._found(), strict=True):
            if task.facts_key is not None:
                self._cache.keep_facts(task.facts_key, result.facts)
            if task.reading_key is not None:
                self._cache.keep_reading(task.reading_key, result.reading)
        return len(self._tasks)


def begin_analysis(site: Site, cache: SavedCache, analyser: Analyser, cache_folder: Path) -> PendingAnalysis:
    """Start finding what the cache lacks: in the service, the build goes on meanwhile; in this process,
    when the analysis is finished."""
    lacking: dict[str, _Task] = {}
    for source in checked_sources(site):
        key = facts_key(site, source, cache)
        if cache.known_facts(key) is None:
            lacking[source.path] = _Task(source, key, None)
    for source in measured_sources(site):
        key = reading_key(site, source, cache)
        if not cache.known_reading(key)[0]:
            task = lacking.get(source.path)
            lacking[source.path] = _Task(source, task.facts_key if task is not None else None, key)
    tasks = list(lacking.values())
    texts = [
        _Text(
            task.source.body,
            task.source.body_line,
            site.config.language(task.source.lang).locale,
            site.config.region,
            task.facts_key is not None,
            task.reading_key is not None,
        )
        for task in tasks
    ]
    if not texts:
        return PendingAnalysis(cache, [], list)
    if isinstance(analyser, ReadingLevels):
        return PendingAnalysis(cache, tasks, lambda: _analysed_here(analyser, texts))
    service = analyser

    def from_service() -> list[_Found]:
        try:
            return service.answer()
        except ServiceFailed:
            # The service could not load what it needs, or stopped: the work is done here, where what
            # fails is reported as it would have been without a service.
            return _analysed_here(ReadingLevels(cache_folder), texts)

    try:
        service.send(texts)
    except ServiceFailed:
        return PendingAnalysis(cache, tasks, lambda: _analysed_here(ReadingLevels(cache_folder), texts))
    return PendingAnalysis(cache, tasks, from_service)


def _analysed_here(levels: ReadingLevels, texts: list[_Text]) -> list[_Found]:
    """Every text analysed by this process, on every core when there are many."""
    # Loaded once here, before any workers are forked, rather than once in each of them.
    levels.prepare({text.locale for text in texts if text.reading})
    return _analysed_all(levels, texts)


def _analysed_all(levels: ReadingLevels, texts: list[_Text]) -> list[_Found]:
    if len(texts) >= PARALLEL_THRESHOLD and cores() > 1:
        return map_in_workers(lambda index: _analysed(levels, texts[index]), range(len(texts)))
    return [_analysed(levels, text) for text in texts]
