"""content/<lang>/<section>/<name>.md and content/<lang>/<name>.md -> SourcePage: the content folder
walked, each file read (or found in the cache by its bytes) and given to front_matter.py; and each
language's alert, content/<lang>/_alert.md. Other files whose names start with `_` are not pages.

This is the only stage that reads content files. It reports every problem of every file at once and
never lets a path escape the content folder: a symlink that leads outside it is refused.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .alert_source import ALERT_FILE, AlertSource, parse_alert
from .cache import SavedCache, SourceEntry, cache_key
from .errors import Problem, did_you_mean, error, warning
from .front_matter import SourcePage, parse_page
from .site_config import PLAIN, SiteConfig

ContentFile = tuple[str, str, str, str, str, str]
"""A page file: its absolute path, how problems name it, its language, its section, its name without
`.md` and its section's kind (an alert's section is ALERT)."""
ALERT = "_alert"


@dataclass(frozen=True)
class ContentMemory:
    """In memory only, for a process that a file watcher tells what changed (the preview server): what
    the last content stage found, file by file, so that the next one reads only the files that changed."""

    inputs: str = ""
    """The fingerprint of the inputs it was found in (see load_content's `since`)."""
    config: SiteConfig | None = None
    files: tuple[ContentFile, ...] = ()
    """What _content_files gave."""
    folder_problems: tuple[Problem, ...] = ()
    """What _content_files reported."""
    found: Mapping[str, tuple[str, SourcePage | None, tuple[Problem, ...]]] | None = None
    """File -> its key in the cache, its page, its problems."""


@dataclass(frozen=True)
class ContentResult:
    pages: tuple[SourcePage, ...]
    problems: tuple[Problem, ...]
    memory: ContentMemory
    """What the next content stage of the same process may start from."""
    alerts: tuple[AlertSource, ...] = ()
    """Each language's alert, for those that have one (they are read on every build: one small file
    per language at most)."""


def load_content(
    config: SiteConfig,
    cache: SavedCache | None = None,
    memory: ContentMemory | None = None,
    file_hashes: dict[str, str] | None = None,
    changed: frozenset[str] | None = None,
    since: str = "",
    inputs: str = "",
) -> ContentResult:
    """Every page of the content folder; files whose bytes an earlier build already read come from `cache`.

    `file_hashes`: the sha256 of files already hashed in this build, by absolute path; a file found
    in the cache by its hash is not read at all. `changed`: the paths a file watcher saw change since
    the inputs whose fingerprint is `since`; if the last content stage of this process (`memory`) ran
    on those inputs and only known pages changed, only those are looked at.
    `inputs`: this build's fingerprint, recorded with what is found for the next build.
    """
    cache = cache if cache is not None else SavedCache()
    memory = memory if memory is not None else ContentMemory()
    known = memory.found or {}
    content_root = str(config.content_dir.absolute()) + os.sep
    changed_pages = {path for path in changed or () if path.startswith(content_root)}
    unchanged_folders = (
        changed is not None
        and bool(since)
        and memory.inputs == since
        and memory.config == config
        and all(path in known and os.path.isfile(path) for path in changed_pages)
    )
    if unchanged_folders:
        files, folder_problems = memory.files, list(memory.folder_problems)
    else:
        folder_problems = []
        files = tuple(_content_files(config, folder_problems))
    problems: list[Problem] = list(folder_problems)
    pages: list[SourcePage] = []
    alerts: list[AlertSource] = []
    found_now: dict[str, tuple[str, SourcePage | None, tuple[Problem, ...]]] = {}
    for file, shown, lang, section, stem, kind in files:
        if section == ALERT:
            alert = _read_alert(file, shown, lang, problems)
            if alert is not None:
                alerts.append(alert)
            continue
        if unchanged_folders and file not in changed_pages:
            key, page, found = known[file]
            cache.used.add(key)
        else:
            try:
                reading = _Reading(
                    kind, lang != config.default_language, config.language(lang).slugs == "transliterate"
                )
                key, page, found = _read_page(file, shown, lang, section, stem, reading, cache, file_hashes)
            except OSError as exc:
                problems.append(error(shown, None, f"cannot be read: {exc.strerror}"))
                continue
        found_now[file] = (key, page, found)
        problems.extend(found)
        if page is not None and not page.draft:
            pages.append(page)
    memory = ContentMemory(inputs, config, files, tuple(folder_problems), found_now)
    return ContentResult(tuple(pages), tuple(problems), memory, tuple(alerts))


@dataclass(frozen=True)
class _Reading:
    """What a page file is read as, besides its bytes, from the configuration: part of its cache key."""

    kind: str
    may_inherit: bool
    """Whether it may be a translation (it is not in the default language): its date may be its source's."""
    transliterate: bool


def _read_alert(file: str, shown: str, lang: str, problems: list[Problem]) -> AlertSource | None:
    try:
        with open(file, "rb") as opened:
            raw = opened.read()
    except OSError as exc:
        problems.append(error(shown, None, f"cannot be read: {exc.strerror}"))
        return None
    return parse_alert(raw, shown, lang, problems)


def _read_page(
    file: str,
    shown: str,
    lang: str,
    section: str,
    stem: str,
    reading: _Reading,
    cache: SavedCache,
    file_hashes: dict[str, str] | None,
) -> tuple[str, SourcePage | None, tuple[Problem, ...]]:
    """One page file, from the cache if its bytes were read before: its key in the cache, its page and
    its problems. Raises OSError if it cannot be read."""
    known = file_hashes.get(file) if file_hashes is not None else None
    if known:
        key = cache.key("source", shown, lang, section, stem, repr(reading), known)
        cached = cache.source(key)
        if cached is not None:
            return key, cached.page, cached.problems
    with open(file, "rb") as opened:
        raw = opened.read()
    key = cache_key("source", shown, lang, section, stem, repr(reading), hashlib.sha256(raw).hexdigest())
    found: list[Problem] = []
    page = parse_page(raw, shown, lang, section, stem, found, reading.kind, reading.may_inherit, reading.transliterate)
    cache.keep_source(key, SourceEntry(page, tuple(found)))
    return key, page, tuple(found)


def _content_files(config: SiteConfig, problems: list[Problem]) -> Iterator[ContentFile]:
    """Each page file and alert of the content folder (see ContentFile)."""
    content = config.content_dir
    if not content.is_dir():
        problems.append(
            error(config.shown(content), None, "the content folder does not exist", "create it, or pass --content DIR")
        )
        return
    real_content = content.resolve()
    codes = config.language_codes
    names = config.section_names
    for lang_dir in _visible_children(content):
        shown = config.shown(lang_dir)
        if not lang_dir.is_dir():
            problems.append(
                error(
                    shown,
                    None,
                    "a file directly in the content folder",
                    f"pages go in content/<language>/, with language one of {', '.join(codes)}",
                )
            )
            continue
        if lang_dir.name not in codes:
            problems.append(
                error(
                    shown,
                    None,
                    f'"{lang_dir.name}" is not a language configured in site.yaml',
                    did_you_mean(lang_dir.name, codes) + " (or add the language to site.yaml)",
                )
            )
            continue
        lang = lang_dir.name
        # The language folder's own files are plain pages; its folders are sections.
        yield from _folder_pages(config, lang_dir, real_content, lang, PLAIN, "pages", problems)
        for section_dir in _visible_children(lang_dir):
            if not section_dir.is_dir() or section_dir.name.startswith("_"):
                continue
            shown = config.shown(section_dir)
            if section_dir.name not in names:
                problems.append(
                    error(
                        shown,
                        None,
                        f'unknown section "{section_dir.name}"',
                        did_you_mean(section_dir.name, names) + " (or declare it under sections: in site.yaml)",
                    )
                )
                continue
            kind = config.section(section_dir.name).kind
            yield from _folder_pages(config, section_dir, real_content, lang, section_dir.name, kind, problems)


def _folder_pages(
    config: SiteConfig, folder: Path, real_content: Path, lang: str, section: str, kind: str, problems: list[Problem]
) -> Iterator[ContentFile]:
    """The pages of one folder: a section's, or a language folder's plain pages and alert."""
    # Resolved once per folder: a file that is not itself a link is where its folder is.
    folder_inside = folder.resolve().is_relative_to(real_content)
    folder_shown = config.shown(folder)
    folder_absolute = str(folder.absolute())
    plain = section == PLAIN
    # os.scandir: the listing says what each entry is, so a folder of thousands of pages costs no
    # call to the file system per page (only links are looked at more closely).
    with os.scandir(folder) as listing:
        entries = sorted((entry for entry in listing if not entry.name.startswith(".")), key=_entry_name)
    for entry in entries:
        file = os.path.join(folder_absolute, entry.name)
        shown = f"{folder_shown}/{entry.name}"
        if plain and entry.is_dir():
            continue  # a section, or a folder kept aside (`_name`)
        inside = Path(file).resolve().is_relative_to(real_content) if entry.is_symlink() else folder_inside
        if not inside:
            problems.append(
                error(
                    shown,
                    None,
                    "is a link to a file outside the content folder",
                    "copy the file into the content folder instead of linking to it",
                )
            )
        elif plain and entry.name == ALERT_FILE:
            yield file, shown, lang, ALERT, "_alert", ""
        elif entry.name.startswith("_"):
            continue  # not a page: kept for templates or for later
        elif entry.is_dir():
            problems.append(
                error(
                    shown,
                    None,
                    "a folder inside a section folder",
                    "pages are .md files directly in the section folder; move them up",
                )
            )
        elif not entry.name.endswith(".md"):
            problems.append(
                warning(shown, None, "ignored: only .md files are pages", "put images and downloads in static/")
            )
        else:
            yield file, shown, lang, section, entry.name[: -len(".md")], kind


def _entry_name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _visible_children(folder: Path) -> list[Path]:
    # Sorted, so that problems and pages come out in the same order on every machine.
    return sorted(child for child in folder.iterdir() if not child.name.startswith("."))
