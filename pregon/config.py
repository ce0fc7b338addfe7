"""site.yaml -> SiteConfig: the languages, their URL segments and where the site's parts live.

Validation happens here, once, with the line of every mistake; the rest of the engine trusts a
SiteConfig. Adding a language must only ever need configuration, content and a catalog: nothing in
the engine may name a language code.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError

from .errors import Problem, did_you_mean, error
from .theme import Theme
from .yaml_fields import Mapping, describe_yaml_value, read_mapping

SECTIONS: tuple[str, ...] = ("announcements", "faq", "guides")
"""The kinds of page, each in its own content folder; the folder name gives the kind."""

CONFIG_FILE = "site.yaml"
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_SEGMENT = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DEFAULT_ENTRIES_PER_PAGE = 20
"""How many pages a section index lists before it goes on to a next page: a list of years of
announcements on one page would weigh megabytes on a phone."""


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    """The language's name in itself, as shown on the language switch: `Español`."""
    locale: str
    direction: str
    site_name: str
    segments: tuple[tuple[str, str], ...]
    """(section, URL segment) pairs: ("announcements", "anuncios")."""

    def segment(self, section: str) -> str:
        return dict(self.segments)[section]


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    base_url: str
    default_language: str
    languages: tuple[Language, ...]
    content_dir: Path
    paper: str
    entries_per_page: int = DEFAULT_ENTRIES_PER_PAGE

    @functools.cached_property
    def theme(self) -> Theme:
        """Where each template, static file and catalog comes from: the site's own, or the theme's."""
        return Theme(self.root)

    @property
    def templates_dir(self) -> Path:
        """The site's own templates (the theme's are behind them): see `theme`."""
        return self.root / "templates"

    @property
    def translations_dir(self) -> Path:
        return self.root / "translations"

    @property
    def static_dir(self) -> Path:
        return self.root / "static"

    def shown(self, path: Path) -> str:
        """How errors and reports name a file: relative to the site folder when it is inside it; a
        theme file by its place in the installed package, which a site can copy to override it."""
        return path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else path.as_posix()

    def overrides(self, path: Path) -> str:
        """`` (it replaces the theme's templates/page.html: ...)`` for a site file that overrides one."""
        theirs = self.theme.overridden(path)
        return f" (it replaces the theme's {theirs.as_posix()})" if theirs is not None else ""

    def language(self, code: str) -> Language:
        return next(language for language in self.languages if language.code == code)

    @functools.cached_property
    def language_codes(self) -> tuple[str, ...]:
        return tuple(language.code for language in self.languages)


@dataclass(frozen=True)
class ConfigResult:
    config: SiteConfig | None
    problems: tuple[Problem, ...]


def load_config(root: Path, content_dir: Path | None = None) -> ConfigResult:
    path = root / CONFIG_FILE
    shown = CONFIG_FILE
    try:
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    except FileNotFoundError:
        return ConfigResult(
            None,
            (error(shown, None, f"no {CONFIG_FILE} in {root}", "run pregon from a site folder, or pass --site DIR"),),
        )
    except UnicodeDecodeError:
        return ConfigResult(None, (error(shown, None, "is not UTF-8 text", "save it as UTF-8"),))
    result = read_mapping(text, shown, what=CONFIG_FILE)
    if result.mapping is None:
        return ConfigResult(None, result.problems)
    return parse_config(result.mapping, root, content_dir or root / "content", shown)


def parse_config(fields: Mapping, root: Path, content_dir: Path, shown: str) -> ConfigResult:
    problems: list[Problem] = []
    _unknown_keys(fields, {"base_url", "default_language", "languages", "paper", "entries_per_page"}, shown, problems)

    base_url = _text(fields, "base_url", shown, problems, required=True) or "/"
    if base_url != "/" and not re.match(r"^https?://[^/\s]+(/\S*)?$", base_url):
        problems.append(
            error(
                shown,
                fields.line_of("base_url"),
                f'base_url "{base_url}" is not a web address',
                "write the address the site is published at, such as https://www.example.org/info/",
            )
        )
    if not base_url.endswith("/"):
        base_url += "/"

    paper = _text(fields, "paper", shown, problems) or "letter"
    if paper not in ("letter", "a4"):
        problems.append(error(shown, fields.line_of("paper"), f'paper "{paper}" is not known', "use letter or a4"))

    entries_per_page = _entries_per_page(fields, shown, problems)

    languages: list[Language] = []
    raw_languages = fields.get("languages")
    if not isinstance(raw_languages, list) or not raw_languages:
        problems.append(
            error(
                shown,
                fields.line_of("languages"),
                "languages must be a list with at least one language",
                "see the README: each language has code, name, direction, site_name and sections",
            )
        )
    else:
        seen_codes: dict[str, int] = {}
        for item in raw_languages:
            language = _parse_language(item, fields.line_of("languages"), shown, problems)
            if language is None:
                continue
            line = item.line if isinstance(item, Mapping) else fields.line_of("languages")
            if language.code in seen_codes:
                problems.append(
                    error(
                        shown,
                        line,
                        f'language "{language.code}" is configured twice (also on line {seen_codes[language.code]})',
                        "remove one of them",
                    )
                )
                continue
            seen_codes[language.code] = line
            languages.append(language)

    default = _text(fields, "default_language", shown, problems, required=True) or ""
    codes = [language.code for language in languages]
    if languages and default and default not in codes:
        problems.append(
            error(
                shown,
                fields.line_of("default_language"),
                f'default_language "{default}" is not one of the languages ({", ".join(codes)})',
                did_you_mean(default, codes),
            )
        )
    if any(p.is_error for p in problems):
        return ConfigResult(None, tuple(problems))
    # The default language comes first: it is the source of translations and the x-default.
    ordered = sorted(languages, key=lambda language: language.code != default)
    config = SiteConfig(root, base_url, default, tuple(ordered), content_dir, paper, entries_per_page)
    return ConfigResult(config, tuple(problems))


def _parse_language(item: object, line: int, shown: str, problems: list[Problem]) -> Language | None:
    if not isinstance(item, Mapping):
        problems.append(error(shown, line, "each language must be a set of `key: value` lines (code, name, ...)"))
        return None
    before = len(problems)
    _unknown_keys(item, {"code", "name", "locale", "direction", "site_name", "sections"}, shown, problems)
    code = _text(item, "code", shown, problems, required=True) or ""
    if code and not _LANGUAGE_CODE.match(code):
        problems.append(
            error(
                shown,
                item.line_of("code"),
                f'language code "{code}" is not a language tag',
                "use a lower-case code such as en, es, ar or zh-Hant",
            )
        )
    name = _text(item, "name", shown, problems, required=True) or code
    site_name = _text(item, "site_name", shown, problems, required=True) or ""
    locale = _text(item, "locale", shown, problems) or code.replace("-", "_")
    try:
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        problems.append(
            error(
                shown,
                item.line_of("locale" if "locale" in item else "code"),
                f'"{locale}" is not a locale Babel knows',
                "set locale: to a known one, such as es or ar",
            )
        )
    direction = _text(item, "direction", shown, problems) or "ltr"
    if direction not in ("ltr", "rtl"):
        problems.append(error(shown, item.line_of("direction"), f'direction "{direction}" must be ltr or rtl'))
    segments: list[tuple[str, str]] = []
    raw_sections = item.get("sections")
    if not isinstance(raw_sections, Mapping):
        problems.append(
            error(
                shown,
                item.line_of("sections"),
                f'language "{code}" needs sections: the URL segment of each section in that language',
                f"add sections: with {', '.join(SECTIONS)}",
            )
        )
    else:
        for key in raw_sections:
            if key not in SECTIONS:
                problems.append(
                    error(
                        shown, raw_sections.line_of(key), f'unknown section "{key}"', did_you_mean(str(key), SECTIONS)
                    )
                )
        used: dict[str, str] = {}
        for section in SECTIONS:
            segment = raw_sections.get(section)
            if section not in raw_sections:
                problems.append(
                    error(
                        shown,
                        raw_sections.line,
                        f'language "{code}" has no URL segment for section "{section}"',
                        f"add `{section}: <segment>` under its sections",
                    )
                )
            elif not isinstance(segment, str) or not _SEGMENT.match(segment):
                problems.append(
                    error(
                        shown,
                        raw_sections.line_of(section),
                        f'URL segment for "{section}" must be '
                        "lower-case letters, digits and hyphens, but it is "
                        f"{describe_yaml_value(segment, raw_sections.raw.get(section))}",
                    )
                )
            elif segment in used:
                problems.append(
                    error(
                        shown,
                        raw_sections.line_of(section),
                        f'sections "{used[segment]}" and "{section}" both use the URL segment "{segment}"',
                        "give each its own",
                    )
                )
            else:
                used[segment] = section
                segments.append((section, segment))
    if len(problems) > before and any(p.is_error for p in problems[before:]):
        return None
    return Language(code, name, locale, direction, site_name, tuple(segments))


def _entries_per_page(fields: Mapping, shown: str, problems: list[Problem]) -> int:
    if "entries_per_page" not in fields:
        return DEFAULT_ENTRIES_PER_PAGE
    value = fields["entries_per_page"]
    # YAML reads `yes` as true, and True is an int to Python: only a real whole number will do.
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 1000:
        return value
    problems.append(
        error(
            shown,
            fields.line_of("entries_per_page"),
            "entries_per_page must be a whole number from 1 to 1000, but it is "
            f"{describe_yaml_value(value, fields.raw.get('entries_per_page'))}",
            f"write a number such as {DEFAULT_ENTRIES_PER_PAGE}, without quotes",
        )
    )
    return DEFAULT_ENTRIES_PER_PAGE


def _text(fields: Mapping, key: str, shown: str, problems: list[Problem], required: bool = False) -> str | None:
    if key not in fields:
        if required:
            problems.append(error(shown, fields.line, f'missing "{key}"', f"add `{key}: ...`"))
        return None
    value = fields[key]
    if isinstance(value, str) and value.strip():
        return value.strip()
    problems.append(
        error(
            shown,
            fields.line_of(key),
            f'"{key}" must be text, but it is {describe_yaml_value(value, fields.raw.get(key))}',
            "put the value in quotes",
        )
    )
    return None


def _unknown_keys(fields: Mapping, known: set[str], shown: str, problems: list[Problem]) -> None:
    for key in fields:
        if key not in known:
            problems.append(
                error(shown, fields.line_of(key), f'unknown setting "{key}"', did_you_mean(str(key), sorted(known)))
            )
