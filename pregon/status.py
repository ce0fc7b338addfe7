"""`pregon status`: what translators need to know, per page and per catalog.

For every page and language: the source, translated, outdated (the source changed after the
translation was made), untracked (no version recorded yet) or missing. `--mark` records which
version of its source a translation follows; `--diff` shows what changed in the source since then,
read from git's history. Nothing here renders or writes the site.
"""

from __future__ import annotations

import difflib
import re
import subprocess
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from babel.messages.pofile import read_po

from .errors import Problem, error
from .front_matter import SourcePage, blob_id
from .i18n import (
    MESSAGES_LANGUAGE,
    UNREVIEWED,
    catalog_files,
    catalog_path,
    expected_ids,
    message_id,
    read_catalog,
)
from .readability import Reading
from .site import PageGroup, Site
from .site_config import SiteConfig

STATES = ("source", "translated", "outdated", "untracked", "missing")


@dataclass(frozen=True)
class PageStatus:
    section: str
    key: str
    lang: str
    state: str
    path: str | None
    source_path: str
    differs: tuple[str, ...] = ()
    """For a translation, how it differs from its source on purpose: the values it sets itself instead
    of taking its source's (date, weight, print and each extra field), as `field: its value (source:
    the source's)`, and the facts it lists under `differs:` (fact_check.py), as `fact (listed under
    differs:, line N)`."""
    reading: dict[str, object] | None = None
    """Its text's reading level, where its language has a formula (readability.py): `formula`, `score`,
    `limit` and whether it is `too_hard`."""


@dataclass(frozen=True)
class CatalogStatus:
    lang: str
    path: str
    translated: int
    fuzzy: int
    missing: int
    errors: tuple[str, ...]
    files: tuple[str, ...] = ()
    """The catalogs read for this language, the site's first, then the theme's."""
    unreviewed: tuple[str, ...] = ()
    """Those of them not yet reviewed by a native speaker."""


@dataclass(frozen=True)
class Status:
    pages: tuple[PageStatus, ...]
    catalogs: tuple[CatalogStatus, ...]
    alerts: tuple[tuple[str, str | None], ...] = ()
    """(language, its alert's file or None) when any language has a site alert."""

    @property
    def incomplete(self) -> bool:
        """Anything a team gating publication on translations would hold back for."""
        return any(page.state in ("outdated", "missing") for page in self.pages) or any(
            catalog.missing or catalog.fuzzy or catalog.errors for catalog in self.catalogs
        )

    def as_json(self) -> dict[str, object]:
        return {
            "pages": [asdict(page) for page in self.pages],
            "catalogs": [asdict(c) for c in self.catalogs],
            "alerts": [{"lang": lang, "path": path} for lang, path in self.alerts],
        }


def translation_status(config: SiteConfig, site: Site, readings: Sequence[tuple[SourcePage, Reading]] = ()) -> Status:
    """Every page in every language, and every catalog. `readings`: the pages' reading levels."""
    levels = {source.path: reading for source, reading in readings}
    pages = []
    for group in site.groups:
        for page in group.pages:
            if page.is_fallback:
                state = "missing"
            elif page.source is group.original:
                state = "source"
            elif page.source.translation_of is None:
                state = "untracked"
            else:
                state = "outdated" if group.is_outdated(page) else "translated"
            path = None if page.is_fallback else page.source.path
            differs = () if state in ("source", "missing") else differs_on_purpose(page.source, group.original)
            reading = levels.get(path) if path is not None else None
            shown = (
                {
                    "formula": reading.formula.name,
                    "score": round(reading.score, 2),
                    "limit": reading.formula.limit(config),
                    "words": reading.words,
                    "too_hard": reading.too_hard(config),
                }
                if reading is not None
                else None
            )
            pages.append(
                PageStatus(group.key[0], group.key[1], page.lang, state, path, group.original.path, differs, shown)
            )
    alerts = {alert.lang: alert.path for alert in site.alerts}
    shown_alerts = tuple((code, alerts.get(code)) for code in config.language_codes) if alerts else ()
    return Status(tuple(pages), tuple(_catalog_statuses(config)), shown_alerts)


def differs_on_purpose(translation: SourcePage, original: SourcePage) -> tuple[str, ...]:
    """What a translation sets itself that its source sets otherwise, of what it would inherit, and the
    facts it gives differently on purpose (`differs:`)."""
    found = []
    for field, attribute in (("date", "date"), ("weight", "weight"), ("print", "prints")):
        mine, theirs = getattr(translation, attribute), getattr(original, attribute)
        if field in translation.sets and mine != theirs:
            found.append(f"{field}: {_shown(mine)} (source: {_shown(theirs)})")
    source_extra = original.extra
    own_extra = translation.extra if "extra" in translation.sets else {}
    for key, value in own_extra.items():
        if key not in source_extra or source_extra[key] != value:
            found.append(f"extra.{key}: {_shown(value)} (source: {_shown(source_extra.get(key))})")
    found.extend(f"{written} (listed under differs:, line {line})" for written, line in translation.differs)
    return tuple(found)


def _shown(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _catalog_statuses(config: SiteConfig) -> list[CatalogStatus]:
    expected = expected_ids(config)
    statuses = []
    for language in config.languages:
        files = catalog_files(config, language)
        shown = config.shown(catalog_path(config, language.code))
        if not files:
            if not language.locale.startswith(MESSAGES_LANGUAGE):
                statuses.append(CatalogStatus(language.code, shown, 0, 0, len(expected), ()))
            continue
        problems: list[Problem] = []
        layers = [read_catalog(path.read_bytes(), config.shown(path), language, problems) for path in files]
        errors = tuple(f"{p.path}:{p.line}: {p.message}" for p in problems if p.is_error)
        translated = frozenset().union(*(layer.translated_ids for layer in layers if layer is not None))
        messages = []
        for path in files:
            with path.open("rb") as file:
                messages += [m for m in read_po(file) if m.id]
        fuzzy = {message_id(m) for m in messages if m.fuzzy} - translated
        missing = len((expected or {message_id(m) for m in messages}) - translated - fuzzy)
        statuses.append(
            CatalogStatus(
                language.code,
                shown,
                len(translated),
                len(fuzzy),
                missing,
                errors,
                tuple(config.shown(path) for path in files),
                tuple(layer.path for layer in layers if layer is not None and layer.unreviewed),
            )
        )
    return statuses


def format_table(status: Status, config: SiteConfig) -> str:
    codes = config.language_codes
    keys = sorted({(page.section, page.key) for page in status.pages})
    by_cell = {(page.section, page.key, page.lang): page for page in status.pages}
    names = {(section, key): f"{section}/{key}" if section else key for section, key in keys}
    width = max([len(name) for name in names.values()] + [4])
    lines = ["Pages".ljust(width) + "".join(f"  {code:<10}" for code in codes)]
    for section, key in keys:
        cells = "".join(f"  {by_cell[(section, key, code)].state:<10}" for code in codes)
        lines.append(names[(section, key)].ljust(width) + cells)
    counts = {state: sum(page.state == state for page in status.pages) for state in STATES}
    lines.append("")
    lines.append(", ".join(f"{count} {state}" for state, count in counts.items() if count))
    lines.append("")
    lines.append("Interface strings")
    for catalog in status.catalogs:
        lines.append(
            f"  {catalog.lang}: {catalog.translated} translated, {catalog.fuzzy} fuzzy, "
            f"{catalog.missing} missing  ({', then '.join(catalog.files) or catalog.path})"
        )
        lines.extend(f"    {file}: {UNREVIEWED}" for file in catalog.unreviewed)
        lines.extend(f"    {problem}" for problem in catalog.errors)
    own = [page for page in status.pages if page.differs]
    if own:
        lines.append("")
        lines.append("Translations that differ from their source on purpose")
        for page in own:
            lines.extend(f"  {page.path}: {difference}" for difference in page.differs)
    if status.alerts:
        lines.append("")
        lines.append("Site alert")
        lines.extend(
            f"  {lang}: {path or 'none: its pages show the ' + config.default_language + ' alert'}"
            for lang, path in status.alerts
        )
    outdated = [page for page in status.pages if page.state == "outdated"]
    if outdated:
        lines.append("")
        lines.append("See what changed in a source since its translation: pregon status --diff PATH")
        lines.extend(f"  {page.path}" for page in outdated)
    return "\n".join(lines)


def mark(site: Site, translation_path: str, root: Path) -> list[Problem]:
    """Record in a translation's front matter the version of the source it now follows."""
    group, source = _translation(site, translation_path)
    if group is None or source is None:
        return [
            error(
                translation_path,
                None,
                "is not a translation of another page",
                "give the path of a translated file, such as content/es/faq/que-es-pars.md",
            )
        ]
    file = root / source.path
    raw = file.read_bytes()
    text = raw.decode("utf-8")
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").split("\n")
    closing = next(index for index, line in enumerate(lines[1:], start=1) if line.rstrip() == "---")
    entry = f'translation_of: "{group.original.blob_id}"'
    existing = next((i for i in range(1, closing) if re.match(r"^translation_of\s*:", lines[i])), None)
    if existing is None:
        lines.insert(closing, entry)
    else:
        lines[existing] = entry
    file.write_bytes((bom + newline.join(lines)).encode("utf-8"))
    return []


def diff(site: Site, translation_path: str, root: Path) -> tuple[str, list[Problem]]:
    """What changed in the source since the version the translation records, as a unified diff."""
    group, source = _translation(site, translation_path)
    if group is None or source is None:
        return "", [
            error(
                translation_path,
                None,
                "is not a translation of another page",
                "give the path of a translated file, such as content/es/faq/que-es-pars.md",
            )
        ]
    if source.translation_of is None:
        return "", [
            error(
                source.path,
                None,
                "records no source version yet",
                f"after checking it against {group.original.path}, run: pregon status --mark {source.path}",
            )
        ]
    original_file = root / group.original.path
    current = original_file.read_bytes()
    if source.translation_of == blob_id(current):
        return "", []
    result = subprocess.run(
        ["git", "cat-file", "blob", source.translation_of], cwd=root, capture_output=True, check=False
    )
    if result.returncode != 0:
        return "", [
            error(
                source.path,
                None,
                f"the source version {source.translation_of[:10]} it records is not in git's history",
                "commit sources before marking translations, so that their versions can be compared later",
            )
        ]
    old_lines = result.stdout.decode("utf-8", "replace").splitlines(keepends=True)
    new_lines = current.decode("utf-8", "replace").splitlines(keepends=True)
    text = "".join(
        difflib.unified_diff(
            old_lines,
            new_lines,
            fromfile=f"{group.original.path} (translated version)",
            tofile=f"{group.original.path} (now)",
        )
    )
    return text, []


def _translation(site: Site, path: str) -> tuple[PageGroup | None, SourcePage | None]:
    wanted = Path(path).as_posix()
    for group in site.groups:
        for page in group.translated:
            if page.source.path == wanted or (page.source.path.endswith("/" + wanted)):
                return (group, page.source) if page.source is not group.original else (None, None)
    return None, None
