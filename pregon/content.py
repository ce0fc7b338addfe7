"""content/<lang>/<section>/<name>.md -> SourcePage, with front matter validated per kind.

This is the only stage that reads content files. It reports every problem of every file at once and
never lets a path escape the content folder: a symlink that leads outside it is refused.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cache import BuildCache, cache_key
from .config import SECTIONS, SiteConfig
from .errors import Problem, did_you_mean, error, warning
from .yaml_fields import Mapping, describe_yaml_value, read_mapping

MAX_TITLE_LENGTH = 200
MAX_SUMMARY_LENGTH = 1000
MAX_FILE_BYTES = 2_000_000
"""Far above any real page; a bigger file is almost always something pasted or saved by mistake."""
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_FIELDS = {"title", "summary", "date", "updated", "slug", "translation_key", "translation_of", "draft"}
_BLOB_ID = re.compile(r"^[0-9a-f]{40}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class SourcePage:
    """One Markdown file, read and validated, before it is linked to its translations."""

    path: str
    """Where the file is, relative to the site folder, with forward slashes: for error messages."""
    lang: str
    section: str
    stem: str
    title: str
    summary: str
    date: datetime.date | None
    updated: datetime.date | None
    slug: str
    translation_key: str
    draft: bool
    body: str
    body_line: int
    """The file line on which `body` starts, so Markdown problems can name their line."""
    blob_id: str
    """Git's id for the file's bytes (`git hash-object`): which version of a source a translation follows."""
    translation_of: str | None
    """For a translation: the blob id of the source it was made from, recorded by `status --mark`."""

    @property
    def key(self) -> tuple[str, str]:
        """What makes files in different languages one page: the section and the translation key."""
        return (self.section, self.translation_key)

    @property
    def last_changed(self) -> datetime.date | None:
        return self.updated or self.date


@dataclass(frozen=True)
class ContentResult:
    pages: tuple[SourcePage, ...]
    problems: tuple[Problem, ...]


def blob_id(raw: bytes) -> str:
    """The id git gives these bytes as a file, so a source's version can be found in its history."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw, usedforsecurity=False).hexdigest()


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens, accents folded: `¿Qué es PARS?` -> `que-es-pars`."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char))
    ascii_text = ascii_text.replace("ß", "ss").replace("æ", "ae").replace("ø", "o").replace("đ", "d")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@dataclass
class ContentMemory:
    """In memory only, for a process that a file watcher tells what changed (the preview server): what
    the last content stage found, file by file, so that the next one reads only the files that changed."""

    inputs: str = ""
    """The fingerprint of the inputs it was found in (see load_content's `since`)."""
    config: SiteConfig | None = None
    files: tuple[tuple[str, str, str, str, str], ...] = ()
    """What _content_files gave."""
    folder_problems: tuple[Problem, ...] = ()
    """What _content_files reported."""
    found: dict[str, tuple[str, SourcePage | None, tuple[Problem, ...]]] = field(default_factory=dict)
    """File -> its key in the cache, its page, its problems."""


def load_content(
    config: SiteConfig,
    cache: BuildCache | None = None,
    file_hashes: dict[str, str] | None = None,
    changed: frozenset[str] | None = None,
    since: str = "",
    inputs: str = "",
) -> ContentResult:
    """Every page of the content folder; files whose bytes an earlier build already read come from `cache`.

    `file_hashes`: the sha256 of files already hashed in this build, by absolute path; a file found
    in the cache by its hash is not read at all. `changed`: the paths a file watcher saw change since
    the inputs whose fingerprint is `since`; if the last content stage of this process (in
    `cache.content`) ran on those inputs and only known pages changed, only those are looked at.
    `inputs`: this build's fingerprint, recorded with what is found for the next build.
    """
    cache = cache if cache is not None else BuildCache()
    memory = cache.content if isinstance(cache.content, ContentMemory) else ContentMemory()
    content_root = str(config.content_dir.absolute()) + os.sep
    changed_pages = {path for path in changed or () if path.startswith(content_root)}
    unchanged_folders = (
        changed is not None
        and bool(since)
        and memory.inputs == since
        and memory.config == config
        and all(path in memory.found and os.path.isfile(path) for path in changed_pages)
    )
    if unchanged_folders:
        files, folder_problems = memory.files, list(memory.folder_problems)
    else:
        folder_problems = []
        files = tuple(_content_files(config, folder_problems))
    problems: list[Problem] = list(folder_problems)
    pages: list[SourcePage] = []
    found_now: dict[str, tuple[str, SourcePage | None, tuple[Problem, ...]]] = {}
    for file, shown, lang, section, stem in files:
        if unchanged_folders and file not in changed_pages:
            key, page, found = memory.found[file]
            cache.used.add(key)
        else:
            try:
                key, page, found = _read_page(file, shown, lang, section, stem, cache, file_hashes)
            except OSError as exc:
                problems.append(error(shown, None, f"cannot be read: {exc.strerror}"))
                continue
        found_now[file] = (key, page, found)
        problems.extend(found)
        if page is not None and not page.draft:
            pages.append(page)
    cache.content = ContentMemory(inputs, config, files, tuple(folder_problems), found_now)
    return ContentResult(tuple(pages), tuple(problems))


def _read_page(
    file: str, shown: str, lang: str, section: str, stem: str, cache: BuildCache, file_hashes: dict[str, str] | None
) -> tuple[str, SourcePage | None, tuple[Problem, ...]]:
    """One page file, from the cache if its bytes were read before: its key in the cache, its page and
    its problems. Raises OSError if it cannot be read."""
    known = file_hashes.get(file) if file_hashes is not None else None
    if known:
        key = cache.key("source", shown, lang, section, stem, known)
        cached = cache.source(key)
        if cached is not None:
            return key, cached[0], tuple(cached[1])
    with open(file, "rb") as opened:
        raw = opened.read()
    key = cache_key("source", shown, lang, section, stem, hashlib.sha256(raw).hexdigest())
    found: list[Problem] = []
    page = parse_page(raw, shown, lang, section, stem, found)
    cache.keep_source(key, page, found)
    return key, page, tuple(found)


def _content_files(config: SiteConfig, problems: list[Problem]) -> Iterator[tuple[str, str, str, str, str]]:
    """Each page file: its absolute path, how problems name it, its language, its section and its name
    without `.md`."""
    content = config.content_dir
    if not content.is_dir():
        problems.append(
            error(config.shown(content), None, "the content folder does not exist", "create it, or pass --content DIR")
        )
        return
    real_content = content.resolve()
    codes = config.language_codes
    for lang_dir in _visible_children(content):
        shown = config.shown(lang_dir)
        if not lang_dir.is_dir():
            problems.append(
                error(
                    shown,
                    None,
                    "a file directly in the content folder",
                    f"pages go in content/<language>/<section>/, with language one of {', '.join(codes)}",
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
        for section_dir in _visible_children(lang_dir):
            shown = config.shown(section_dir)
            if not section_dir.is_dir():
                problems.append(
                    error(
                        shown,
                        None,
                        "a file directly in a language folder",
                        f"move it into one of the section folders: {', '.join(SECTIONS)}",
                    )
                )
                continue
            if section_dir.name not in SECTIONS:
                problems.append(
                    error(
                        shown, None, f'unknown section "{section_dir.name}"', did_you_mean(section_dir.name, SECTIONS)
                    )
                )
                continue
            # Resolved once per folder: a file that is not itself a link is where its folder is.
            section_inside = section_dir.resolve().is_relative_to(real_content)
            section_shown = config.shown(section_dir)
            section_absolute = str(section_dir.absolute())
            # os.scandir: the listing says what each entry is, so a folder of thousands of pages
            # costs no call to the file system per page (only links are looked at more closely).
            with os.scandir(section_dir) as listing:
                entries = sorted((entry for entry in listing if not entry.name.startswith(".")), key=_entry_name)
            for entry in entries:
                file = os.path.join(section_absolute, entry.name)
                shown = f"{section_shown}/{entry.name}"
                inside = Path(file).resolve().is_relative_to(real_content) if entry.is_symlink() else section_inside
                if not inside:
                    problems.append(
                        error(
                            shown,
                            None,
                            "is a link to a file outside the content folder",
                            "copy the file into the content folder instead of linking to it",
                        )
                    )
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
                    yield file, shown, lang_dir.name, section_dir.name, entry.name[: -len(".md")]


def _entry_name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _visible_children(folder: Path) -> list[Path]:
    # Sorted, so that problems and pages come out in the same order on every machine.
    return sorted(child for child in folder.iterdir() if not child.name.startswith("."))


def parse_page(
    raw: bytes, shown: str, lang: str, section: str, stem: str, problems: list[Problem]
) -> SourcePage | None:
    """Bytes of one Markdown file -> SourcePage, or None with the reasons added to `problems`."""
    if len(raw) > MAX_FILE_BYTES:
        problems.append(
            error(
                shown,
                None,
                f"the file is {len(raw) / 1_000_000:.1f} MB; a page may be at most {MAX_FILE_BYTES // 1_000_000} MB",
                "split it into several pages, or check that nothing was pasted into it by mistake",
            )
        )
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(
            error(
                shown, line, "is not UTF-8 text", "save the file as UTF-8 (in most editors: Save As, Encoding: UTF-8)"
            )
        )
        return None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        problems.append(
            error(
                shown,
                1,
                "the file is empty",
                "start it with front matter: ---, title: ..., summary: ..., ---, then the text",
            )
        )
        return None
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        problems.append(
            error(
                shown,
                1,
                "the file does not start with front matter",
                "make the first line --- and close the front matter with another --- line",
            )
        )
        return None
    closing = next((index for index, line in enumerate(lines[1:], start=1) if line.rstrip() == "---"), None)
    if closing is None:
        problems.append(
            error(
                shown, 1, "the front matter is not closed", "add a line with only --- after the last front matter line"
            )
        )
        return None
    result = read_mapping("\n".join(lines[1:closing]), shown, first_line=2, what="the front matter")
    problems.extend(result.problems)
    if result.mapping is None:
        return None
    body = "\n".join(lines[closing + 1 :])
    control = _CONTROL_CHARACTER.search(body)
    if control is not None:
        # Invisible characters pasted from other programs make invalid HTML; they are never meant.
        line = closing + 2 + body.count("\n", 0, control.start())
        problems.append(
            warning(
                shown,
                line,
                f"removed invisible control character(s) such as U+{ord(control.group()):04X}",
                "nothing to do, unless text is missing there",
            )
        )
        body = _CONTROL_CHARACTER.sub("", body)
    fields = _validate_front_matter(result.mapping, shown, section, problems)
    if fields is None:
        return None
    if not body.strip():
        problems.append(
            error(
                shown,
                closing + 1,
                "the page has no text after its front matter",
                "write the page's text below the closing --- line, or mark it draft: true",
            )
        )
        return None
    slug = fields["slug"] or slugify(stem)
    if not slug:
        problems.append(
            error(
                shown,
                None,
                f'the file name "{stem}" gives an empty URL slug',
                "rename the file with letters or digits, or set slug: in the front matter",
            )
        )
        return None
    return SourcePage(
        path=shown,
        lang=lang,
        section=section,
        stem=stem,
        title=fields["title"],
        summary=fields["summary"],
        date=fields["date"],
        updated=fields["updated"],
        slug=slug,
        translation_key=fields["translation_key"] or slugify(stem) or stem,
        draft=fields["draft"],
        body=body,
        body_line=closing + 2,
        blob_id=blob_id(raw),
        translation_of=fields["translation_of"],
    )


def _validate_front_matter(fields: Mapping, shown: str, section: str, problems: list[Problem]) -> dict[str, Any] | None:
    before = len(problems)
    for key in fields:
        if key not in _FIELDS:
            problems.append(
                error(
                    shown,
                    fields.line_of(key),
                    f'unknown front matter field "{key}"',
                    did_you_mean(str(key), sorted(_FIELDS)),
                )
            )
    title = _required_text(fields, "title", shown, problems, MAX_TITLE_LENGTH)
    summary = _required_text(fields, "summary", shown, problems, MAX_SUMMARY_LENGTH)
    date = _date(fields, "date", shown, problems, required=section == "announcements")
    updated = _date(fields, "updated", shown, problems, required=False)
    slug = _optional_slug(fields, "slug", shown, problems)
    translation_key = _optional_slug(fields, "translation_key", shown, problems)
    translation_of = fields.get("translation_of")
    if translation_of is not None and not (isinstance(translation_of, str) and _BLOB_ID.match(translation_of)):
        problems.append(
            error(
                shown,
                fields.line_of("translation_of"),
                "translation_of must be the 40-character version id that `python build.py status --mark` writes",
                "run `python build.py status --mark " + shown + "` instead of editing it by hand",
            )
        )
        translation_of = None
    draft = fields.get("draft", False)
    if not isinstance(draft, bool):
        problems.append(
            error(
                shown,
                fields.line_of("draft"),
                f"draft must be true or false, but it is {describe_yaml_value(draft, fields.raw.get('draft'))}",
                "write draft: true to keep the page unpublished, or remove the line",
            )
        )
    if date and updated and updated < date:
        problems.append(
            error(
                shown,
                fields.line_of("updated"),
                f"updated ({updated}) is before date ({date})",
                "updated is when the page last changed; it cannot be before it was published",
            )
        )
    if len(problems) > before:
        return None
    return {
        "title": title,
        "summary": summary,
        "date": date,
        "updated": updated,
        "slug": slug,
        "translation_key": translation_key,
        "draft": draft,
        "translation_of": translation_of,
    }


def _required_text(fields: Mapping, key: str, shown: str, problems: list[Problem], limit: int) -> str:
    if key not in fields:
        problems.append(
            error(shown, fields.line, f'missing required field "{key}"', f"add `{key}: ...` to the front matter")
        )
        return ""
    value = fields[key]
    if not isinstance(value, str) or not value.strip():
        problems.append(
            error(
                shown,
                fields.line_of(key),
                f'"{key}" must be text, but it is {describe_yaml_value(value, fields.raw.get(key))}',
                f'put it in quotes: {key}: "..."',
            )
        )
        return ""
    text = " ".join(value.split())
    if len(text) > limit:
        problems.append(
            error(
                shown,
                fields.line_of(key),
                f'"{key}" is {len(text)} characters long',
                f"keep it under {limit} characters; the page's text is the place for detail",
            )
        )
    return text


def _date(fields: Mapping, key: str, shown: str, problems: list[Problem], required: bool) -> datetime.date | None:
    if key not in fields:
        if required:
            problems.append(
                error(
                    shown,
                    fields.line,
                    f'missing required field "{key}" (announcements need one)',
                    f"add `{key}: YYYY-MM-DD`, such as {key}: 2018-08-31",
                )
            )
        return None
    value = fields[key]
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.append(
        error(
            shown,
            fields.line_of(key),
            f'"{key}" must be a date, but it is {describe_yaml_value(value, fields.raw.get(key))}',
            "write it as year-month-day, such as 2018-08-31",
        )
    )
    return None


def _optional_slug(fields: Mapping, key: str, shown: str, problems: list[Problem]) -> str | None:
    if key not in fields:
        return None
    value = fields[key]
    if isinstance(value, str) and _SLUG.match(value):
        return value
    suggestion = slugify(value) if isinstance(value, str) else ""
    hint = f"lower-case letters, digits and hyphens only, such as {key}: {suggestion or 'what-is-pars'}"
    problems.append(
        error(
            shown,
            fields.line_of(key),
            f'"{key}" cannot be used in a URL: it is {describe_yaml_value(value, fields.raw.get(key))}',
            hint,
        )
    )
    return None
