"""The translators' dashboard at /_status/ of the preview: what `pregon status` says, for people who never
open a terminal. Made on each request from what the preview's last build holds in memory (its Site and
cache), so it follows every rebuild; served by the preview server only, never written to a site folder.

It shows every page in every language with its state and reading level, each linking to the page in
the preview; for an out-of-date translation, what changed in its source since (from git); the facts
that differ between translations and their sources (fact_check.py); and each catalog's counts. It is
plain HTML: nothing on it needs JavaScript.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .cache import SavedCache
from .fact_check import fact_differences
from .readability import Reading, ReadingLevels, page_readings
from .site import Site
from .site_config import SiteConfig
from .status import STATES, diff, translation_status

ASSETS = Path(__file__).parent / "preview"
ADDRESS = "/_status/"
NO_GIT = "git is not installed here, so the changes cannot be read from the site's history."


@dataclass(frozen=True)
class _Cell:
    state: str
    href: str
    reading: dict[str, object] | None


def render_dashboard(site: Site, cache: SavedCache, levels: ReadingLevels, built: datetime.datetime) -> bytes:
    config = site.config
    readings = page_readings(site, levels, cache)
    status = translation_status(config, site, readings)
    by_path: dict[str, Reading] = {source.path: reading for source, reading in readings}
    groups = {group.key: group for group in site.groups}
    rows = []
    for key in sorted(groups):
        group = groups[key]
        cells = []
        for page in group.pages:
            state = next(
                entry.state for entry in status.pages if (entry.section, entry.key, entry.lang) == (*key, page.lang)
            )
            reading = by_path.get(page.source.path) if not page.is_fallback else None
            cells.append(_Cell(state, "/" + page.url, _reading_shown(reading, config)))
        section, name = key
        rows.append({"name": f"{section}/{name}" if section else name, "cells": cells})
    outdated = []
    for entry in status.pages:
        if entry.state == "outdated" and entry.path is not None:
            outdated.append(_change(site, entry.path, entry.source_path))
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(ASSETS), autoescape=True)
    counts = [(state, sum(entry.state == state for entry in status.pages)) for state in STATES]
    html = environment.get_template("status.html").render(
        site_name=config.languages[0].site_name,
        built=built.strftime("%H:%M:%S"),
        counts=[(state, count) for state, count in counts if count],
        languages=config.languages,
        rows=rows,
        outdated=outdated,
        facts=sorted(fact_differences(site, cache), key=lambda problem: (problem.path, problem.line or 0)),
        catalogs=status.catalogs,
    )
    return html.encode("utf-8")


def _reading_shown(reading: Reading | None, config: SiteConfig) -> dict[str, object] | None:
    if reading is None:
        return None
    return {"text": f"{reading.formula.name}: {reading.score:.1f}", "too_hard": reading.too_hard(config)}


def _change(site: Site, path: str, source_path: str) -> dict[str, str]:
    """What changed in an out-of-date translation's source, or why it cannot be shown."""
    try:
        text, problems = diff(site, path, site.config.root)
    except FileNotFoundError:
        return {"path": path, "source": source_path, "diff": "", "note": NO_GIT}
    if problems:
        note = f"{problems[0].message} ({problems[0].hint})"
        return {"path": path, "source": source_path, "diff": "", "note": note}
    return {"path": path, "source": source_path, "diff": text, "note": ""}
