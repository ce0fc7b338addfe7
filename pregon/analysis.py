"""The facts (facts.py) and reading level (readability.py) of every page the cache does not know yet,
found on every core: the stage before the checks that compare and judge them.

Both are pure functions of a page's text and language, and both are kept in the build cache by that
text, so an edit measures one page again. A cold build measures them all: a few milliseconds a page,
seconds for a site of thousands, which would otherwise run on one core while the other waits. The
checks (fact_check.py, readability.py) then find every answer in the cache.
"""

from __future__ import annotations

from dataclasses import dataclass

from .cache import SavedCache
from .fact_check import checked_sources, facts_key, text_facts
from .facts import Fact
from .front_matter import SourcePage
from .readability import Reading, ReadingLevels, measured_sources, reading_key
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


def analyse(site: Site, cache: SavedCache, levels: ReadingLevels) -> int:
    """Find what the cache lacks and keep it there; returns how many pages were analysed."""
    lacking: dict[str, _Task] = {}
    for source in checked_sources(site):
        key = facts_key(site, source, cache)
        if cache.known_facts(key) is None:
            lacking[source.path] = _Task(source, key, None)
    for source in measured_sources(site, levels):
        key = reading_key(site, source, cache)
        if not cache.known_reading(key)[0]:
            task = lacking.get(source.path)
            lacking[source.path] = _Task(source, task.facts_key if task is not None else None, key)
    tasks = list(lacking.values())
    if not tasks:
        return 0
    # Loaded once here, before the workers are forked, rather than once in each of them.
    levels.prepare({site.config.language(task.source.lang).locale for task in tasks if task.reading_key})

    def run(index: int) -> _Found:
        task = tasks[index]
        locale = site.config.language(task.source.lang).locale
        return _Found(
            text_facts(site, task.source) if task.facts_key is not None else (),
            levels.reading(task.source, locale) if task.reading_key is not None else None,
        )

    numbers = range(len(tasks))
    found = map_in_workers(run, numbers) if len(tasks) >= PARALLEL_THRESHOLD and cores() > 1 else map(run, numbers)
    for task, result in zip(tasks, found, strict=True):
        if task.facts_key is not None:
            cache.keep_facts(task.facts_key, result.facts)
        if task.reading_key is not None:
            cache.keep_reading(task.reading_key, result.reading)
    return len(tasks)
