"""One Markdown file's bytes -> SourcePage: front matter read and validated per kind, every problem
with its line.

Pure: it reads no files (content.py does), so tests and the cache call it with bytes.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
from dataclasses import dataclass, field

from .errors import Problem, did_you_mean, error, warning
from .files import digest_bytes_of
from .letters import is_url_word
from .page_fields import differs_field, extra_field, print_field, weight_field
from .slugs import slugify
from .yaml_fields import Mapping, describe_yaml_value, read_mapping

MAX_TITLE_LENGTH = 200
MAX_SUMMARY_LENGTH = 1000
MAX_UNKNOWN_FIELDS_SHOWN = 10
"""Past this many unknown fields in one file, the rest are counted in one error, not listed."""
MAX_FILE_BYTES = 2_000_000
"""Far above any real page; a bigger file is almost always something pasted or saved by mistake."""
_FIELDS = {
    "title",
    "summary",
    "date",
    "updated",
    "slug",
    "translation_key",
    "translation_of",
    "draft",
    "weight",
    "print",
    "extra",
    "differs",
}
INHERITED_FIELDS = ("date", "weight", "print", "extra")
"""What a translation takes from its source unless it sets its own: what is not text (site.py)."""
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
    """Its section's name, or config.PLAIN for a page directly in content/<lang>/."""
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
    kind: str = "pages"
    """Its section's kind (config.KINDS); a plain page's is `pages`."""
    weight: int | None = None
    """Where it comes in a section of kind pages: lower first, then by title."""
    prints: bool | None = None
    """`print:` on a guide: whether it gets printed editions; None: as its section says."""
    extra: dict[str, object] = field(default_factory=dict, hash=False)
    """The site's own fields, free-form, for its templates (`extra:` in the front matter)."""
    sets: frozenset[str] = frozenset()
    """The front matter fields the file itself sets: a translation inherits the others (site.py)."""
    inherited_from: tuple[str, str] | None = None
    """For a translation given fields of its source: that source's path and file id."""
    differs: tuple[tuple[str, int], ...] = ()
    """(fact, line): what a translation gives differently from its source on purpose (`differs:`),
    such as a hotline for its own language's speakers; the fact check lets each pass."""

    @property
    def key(self) -> tuple[str, str]:
        """What makes files in different languages one page: the section and the translation key."""
        return (self.section, self.translation_key)

    @property
    def last_changed(self) -> datetime.date | None:
        return self.updated or self.date

    @functools.cached_property
    def identity(self) -> bytes:
        """Its path and its file's id: everything else is read from those bytes (by a pregon and a
        configuration that output keys count apart)."""
        return digest_bytes_of((self.path, self.blob_id, self.kind, self.inherited_from))


def text_id(source: SourcePage) -> str:
    """What names a page's text in cache keys: its file's id, which the text is read from (a page made
    from no file, such as an alert, has none: then the text itself)."""
    return f"blob {source.blob_id}" if source.blob_id else f"text {source.body}"


def blob_id(raw: bytes) -> str:
    """The id git gives these bytes as a file, so a source's version can be found in its history."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw, usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class _Split:
    """A Markdown file's front matter, read, and its text."""

    fields: Mapping
    body: str
    closing: int
    """The index (from 0) of the front matter's closing `---` line."""


def split_front_matter(raw: bytes, shown: str, problems: list[Problem]) -> _Split | None:
    """Bytes of a Markdown file -> its front matter and text, or None with the reasons in `problems`."""
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
    return _Split(result.mapping, body, closing)


def parse_page(
    raw: bytes,
    shown: str,
    lang: str,
    section: str,
    stem: str,
    problems: list[Problem],
    kind: str = "",
    may_inherit: bool = False,
    transliterate: bool = False,
) -> SourcePage | None:
    """Bytes of one Markdown file -> SourcePage, or None with the reasons added to `problems`.
    `kind`: its section's (config.KINDS); by default the kind named like the section, else `pages`.
    `may_inherit`: whether it may be a translation, which takes the date of its source if it gives none
    (site.py then checks that one of them does). `transliterate`: its language's addresses are in Latin
    letters (`slugs: transliterate`)."""
    kind = kind or (section if section in ("announcements", "faq", "guides") else "pages")
    split = split_front_matter(raw, shown, problems)
    if split is None:
        return None
    body, closing = split.body, split.closing
    fields = _validate_front_matter(split.fields, shown, kind, may_inherit, problems)
    if fields is None:
        return None
    if not body.strip() and not fields.extra:
        # A page made from its front matter alone (by a template that shows its extra fields) is
        # meant; one with neither text nor extra fields is most likely unfinished.
        problems.append(
            warning(
                shown,
                closing + 1,
                "the page has no text after its front matter",
                "write the page's text below the closing --- line, or mark it draft: true",
            )
        )
    slug = fields.slug or slugify(stem, transliterate)
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
        title=fields.title,
        summary=fields.summary,
        date=fields.date,
        updated=fields.updated,
        slug=slug,
        translation_key=fields.translation_key or slugify(stem, transliterate) or stem,
        draft=fields.draft,
        body=body,
        body_line=closing + 2,
        blob_id=blob_id(raw),
        translation_of=fields.translation_of,
        kind=kind,
        weight=fields.weight,
        prints=fields.prints,
        extra=fields.extra,
        sets=frozenset(str(key) for key in split.fields),
        differs=fields.differs,
    )


@dataclass(frozen=True)
class _FrontMatter:
    """The fields of a file's front matter, validated."""

    title: str
    summary: str
    date: datetime.date | None
    updated: datetime.date | None
    slug: str | None
    translation_key: str | None
    draft: bool
    translation_of: str | None
    weight: int | None
    prints: bool | None
    extra: dict[str, object]
    differs: tuple[tuple[str, int], ...]


def _validate_front_matter(
    fields: Mapping, shown: str, kind: str, may_inherit: bool, problems: list[Problem]
) -> _FrontMatter | None:
    before = len(problems)
    unknown = [key for key in fields if key not in _FIELDS]
    for key in unknown[:MAX_UNKNOWN_FIELDS_SHOWN]:
        problems.append(
            error(
                shown,
                fields.line_of(key),
                f'unknown front matter field "{key}"',
                did_you_mean(str(key), sorted(_FIELDS)),
            )
        )
    if len(unknown) > MAX_UNKNOWN_FIELDS_SHOWN:
        rest = unknown[MAX_UNKNOWN_FIELDS_SHOWN:]
        problems.append(
            error(
                shown,
                fields.line_of(rest[0]),
                f"and {len(rest):,} more unknown front matter fields",
                f"a page's front matter holds only: {', '.join(sorted(_FIELDS))}",
            )
        )
    title = required_text(fields, "title", shown, problems, MAX_TITLE_LENGTH)
    summary = required_text(fields, "summary", shown, problems, MAX_SUMMARY_LENGTH)
    date = date_field(fields, "date", shown, problems, required=kind == "announcements" and not may_inherit)
    updated = date_field(fields, "updated", shown, problems, required=False)
    slug = _optional_slug(fields, "slug", shown, problems)
    translation_key = _optional_slug(fields, "translation_key", shown, problems)
    translation_of = fields.get("translation_of")
    if translation_of is not None and not (isinstance(translation_of, str) and _BLOB_ID.match(translation_of)):
        problems.append(
            error(
                shown,
                fields.line_of("translation_of"),
                "translation_of must be the 40-character version id that `pregon status --mark` writes",
                "run `pregon status --mark " + shown + "` instead of editing it by hand",
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
    weight = weight_field(fields, shown, problems)
    prints = print_field(fields, shown, kind, problems)
    extra = extra_field(fields, shown, problems)
    differs = differs_field(fields, shown, problems)
    if len(problems) > before or not isinstance(draft, bool):
        return None
    return _FrontMatter(
        title, summary, date, updated, slug, translation_key, draft, translation_of, weight, prints, extra, differs
    )


def required_text(fields: Mapping, key: str, shown: str, problems: list[Problem], limit: int) -> str:
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


def date_field(fields: Mapping, key: str, shown: str, problems: list[Problem], required: bool) -> datetime.date | None:
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
    if isinstance(value, str) and is_url_word(value):
        return value
    suggestion = slugify(value) if isinstance(value, str) else ""
    hint = f"lower-case letters (of any script), digits and hyphens only, such as {key}: {suggestion or 'what-is-pars'}"
    problems.append(
        error(
            shown,
            fields.line_of(key),
            f'"{key}" cannot be used in a URL: it is {describe_yaml_value(value, fields.raw.get(key))}',
            hint,
        )
    )
    return None
