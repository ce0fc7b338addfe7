"""site.yaml -> SiteConfig: the languages, their URL segments and where the site's parts live.

Validation happens here, once, with the line of every mistake; the rest of the engine trusts a
SiteConfig. Adding a language must only ever need configuration, content and a catalog: nothing in
the engine may name a language code.
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError

from .errors import Problem, did_you_mean, error, warning
from .letters import is_url_word
from .theme import Theme
from .yaml_fields import Mapping, describe_yaml_value, read_mapping

KINDS: tuple[str, ...] = ("announcements", "faq", "guides", "pages")
"""What a section's pages are: dated and newest first, in the feed (announcements); questions with
anchors and FAQPage data (faq); printable (guides); plain, ordered by weight, then title (pages)."""
BUILT_IN_SECTIONS: tuple[str, ...] = ("announcements", "faq", "guides")
"""The sections every site has unless its site.yaml leaves one out, each of the kind of its name."""
PLAIN = ""
"""The section of a plain page, a file directly in content/<lang>/: it has no index and no kind."""
RESERVED_SEGMENTS = ("search",)
"""Addresses in a language's folder that pregon itself uses: its search page."""

CONFIG_FILE = "site.yaml"
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_SEGMENT = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

DEFAULT_ENTRIES_PER_PAGE = 20
"""How many pages a section index lists before it goes on to a next page: a list of years of
announcements on one page would weigh megabytes on a phone."""


@dataclass(frozen=True)
class Section:
    """A content folder whose pages are listed together, with an index in every language."""

    name: str
    """Its folder's name under content/<lang>/, and how site.yaml names it."""
    kind: str
    """One of KINDS."""
    prints: bool = True
    """For guides: whether its pages get printed editions, unless a page says otherwise (`print:`)."""

    @property
    def dated(self) -> bool:
        return self.kind == "announcements"

    @property
    def printable(self) -> bool:
        return self.kind == "guides"


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
    titles: tuple[tuple[str, str], ...] = ()
    """(section, title) for the sections site.yaml names in this language; the others take theirs
    from the interface catalog."""
    tag: str = ""
    """Its BCP 47 tag for `lang` and `hreflang`: the locale's (`zh-Hant` for code zh, locale zh_Hant), or
    its own code when Babel does not know it and another locale stands in for it."""
    slugs: str = "keep"
    """How file names in a script other than Latin become addresses: `keep` their letters, or
    `transliterate` them to Latin letters."""

    def segment(self, section: str) -> str:
        return dict(self.segments)[section]

    def section_title(self, section: str) -> str | None:
        """The section's title in this language as site.yaml gives it; None: the catalog's."""
        return dict(self.titles).get(section)


@dataclass(frozen=True)
class MenuEntry:
    """One link of a menu or of the footer, as site.yaml gives it; navigation.py finds what it names."""

    kind: str
    """`page` (a translation key, or a file under content/), `section` or `url`."""
    target: str
    labels: tuple[tuple[str, str], ...]
    """(language, label): required for an outside address, optional otherwise."""
    line: int

    def label(self, lang: str) -> str | None:
        return dict(self.labels).get(lang)


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    base_url: str
    default_language: str
    languages: tuple[Language, ...]
    content_dir: Path
    paper: str
    entries_per_page: int = DEFAULT_ENTRIES_PER_PAGE
    sections: tuple[Section, ...] = tuple(Section(name, name) for name in BUILT_IN_SECTIONS)
    """In the order menus, the home page and the search page show them."""
    menu: tuple[MenuEntry, ...] | None = None
    """The site's menu; None: every section's index, in order."""
    footer: tuple[MenuEntry, ...] = ()
    timezone: str = "UTC"
    """Where the site's day starts and ends: when an alert's `until:` date is over."""

    def section(self, name: str) -> Section:
        return next(section for section in self.sections if section.name == name)

    @functools.cached_property
    def section_names(self) -> tuple[str, ...]:
        return tuple(section.name for section in self.sections)

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
    _unknown_keys(
        fields,
        {"base_url", "default_language", "languages", "paper", "entries_per_page", "sections", "menu", "footer"}
        | {"timezone", "site_name"},
        shown,
        problems,
    )

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
    sections = _sections(fields, shown, problems)
    timezone = _timezone(fields, shown, problems)
    site_name = _text(fields, "site_name", shown, problems) or ""

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
            language = _parse_language(item, fields.line_of("languages"), sections, site_name, shown, problems)
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
    codes_known = [language.code for language in languages]
    menu = _menu(fields, "menu", codes_known, sections, shown, problems) if "menu" in fields else None
    footer = _menu(fields, "footer", codes_known, sections, shown, problems) if "footer" in fields else ()
    if any(p.is_error for p in problems):
        return ConfigResult(None, tuple(problems))
    # The default language comes first: it is the source of translations and the x-default.
    ordered = sorted(languages, key=lambda language: language.code != default)
    config = SiteConfig(
        root,
        base_url,
        default,
        tuple(ordered),
        content_dir,
        paper,
        entries_per_page,
        sections,
        menu,
        footer,
        timezone,
    )
    return ConfigResult(config, tuple(problems))


_SECTION_SETTINGS = {"kind", "print"}


def _sections(fields: Mapping, shown: str, problems: list[Problem]) -> tuple[Section, ...]:
    """Today's three sections, less those site.yaml leaves out (`faq: false`), then its own, in order."""
    built_in = {name: Section(name, name) for name in BUILT_IN_SECTIONS}
    if "sections" not in fields:
        return tuple(built_in.values())
    declared = fields["sections"]
    if not isinstance(declared, Mapping):
        problems.append(
            error(
                shown,
                fields.line_of("sections"),
                "sections must be a set of `name:` entries, each with its kind",
                "such as `sections:`, then `  register:` and `    kind: pages` below it",
            )
        )
        return tuple(built_in.values())
    own: list[Section] = []
    for name in declared:
        line = declared.line_of(name)
        settings = declared[name]
        if not isinstance(name, str) or not _SEGMENT.match(name):
            problems.append(
                error(
                    shown,
                    line,
                    f'the section name "{name}" must be lower-case letters, digits and hyphens',
                    "it is also the name of the section's folder under content/<language>/",
                )
            )
            continue
        if settings is False and name in built_in:
            del built_in[name]
            continue
        if settings is None and name in built_in:
            continue
        if not isinstance(settings, Mapping):
            hint = (
                f"write `{name}: false` to leave the section out, or give its settings below it"
                if name in built_in
                else "give its kind below it, such as `kind: pages`"
            )
            problems.append(
                error(
                    shown,
                    line,
                    f'section "{name}" must be a set of settings, but it is '
                    f"{describe_yaml_value(settings, declared.raw.get(name))}",
                    hint,
                )
            )
            continue
        for key in settings:
            if key not in _SECTION_SETTINGS:
                problems.append(
                    error(
                        shown,
                        settings.line_of(key),
                        f'unknown setting "{key}" of section "{name}"',
                        did_you_mean(str(key), sorted(_SECTION_SETTINGS)),
                    )
                )
        kind = settings.get("kind", name if name in built_in else None)
        if kind is None:
            problems.append(
                error(
                    shown,
                    settings.line,
                    f'section "{name}" needs a kind',
                    f"add `kind:` with one of {', '.join(KINDS)}",
                )
            )
            continue
        if kind not in KINDS:
            problems.append(
                error(
                    shown,
                    settings.line_of("kind"),
                    f'unknown kind "{kind}" of section "{name}"',
                    did_you_mean(str(kind), KINDS) + f" (the kinds are {', '.join(KINDS)})",
                )
            )
            continue
        if name in built_in and kind != name:
            problems.append(
                error(
                    shown,
                    settings.line_of("kind"),
                    f'the section "{name}" is always of kind {name}',
                    "give a section of another kind a name of its own",
                )
            )
            continue
        prints = settings.get("print", True)
        if not isinstance(prints, bool) or ("print" in settings and kind != "guides"):
            problems.append(
                error(
                    shown,
                    settings.line_of("print"),
                    "print must be true or false, and only a section of kind guides is printed",
                    "write print: false to give its guides no printed editions",
                )
            )
            continue
        section = Section(name, str(kind), prints)
        if name in built_in:
            built_in[name] = section
        else:
            own.append(section)
    return (*built_in.values(), *own)


def _timezone(fields: Mapping, shown: str, problems: list[Problem]) -> str:
    if "timezone" not in fields:
        return "UTC"
    value = fields["timezone"]
    if isinstance(value, str):
        try:
            zoneinfo.ZoneInfo(value.strip())
            return value.strip()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    problems.append(
        error(
            shown,
            fields.line_of("timezone"),
            f"timezone {describe_yaml_value(value, fields.raw.get('timezone'))} is not a time zone",
            "use a name from the time zone database, such as America/New_York or Europe/Madrid",
        )
    )
    return "UTC"


_ENTRY_KINDS = ("page", "section", "url")


def _menu(
    fields: Mapping, key: str, codes: list[str], sections: tuple[Section, ...], shown: str, problems: list[Problem]
) -> tuple[MenuEntry, ...]:
    """A menu or the footer: a list of entries, each a page, a section or an outside address. What a
    page entry names is found once the pages are known (navigation.py)."""
    items = fields[key]
    if not isinstance(items, list):
        problems.append(
            error(
                shown,
                fields.line_of(key),
                f"{key} must be a list of links",
                f"write each link on a line of its own below `{key}:`, such as `  - section: faq`",
            )
        )
        return ()
    entries: list[MenuEntry] = []
    names = [section.name for section in sections]
    for item in items:
        if not isinstance(item, Mapping):
            problems.append(
                error(
                    shown,
                    fields.line_of(key),
                    f"each link of {key} must be `page:`, `section:` or `url:` with its value",
                    "such as `- page: accessibility` or `- url: https://www.example.org/`",
                )
            )
            continue
        given = [kind for kind in _ENTRY_KINDS if kind in item]
        extra = [name for name in item if name not in (*_ENTRY_KINDS, "label")]
        for name in extra:
            problems.append(
                error(
                    shown,
                    item.line_of(name),
                    f'unknown setting "{name}" of a link in {key}',
                    did_you_mean(str(name), [*_ENTRY_KINDS, "label"]),
                )
            )
        if len(given) != 1:
            problems.append(
                error(
                    shown,
                    item.line,
                    f"a link in {key} needs exactly one of page:, section: or url:",
                    "a page by its translation key or file, a section by its name, or an outside address",
                )
            )
            continue
        kind = given[0]
        target = item[kind]
        line = item.line_of(kind)
        if not isinstance(target, str) or not target.strip():
            problems.append(
                error(shown, line, f"{kind}: must be text, but it is {describe_yaml_value(target, item.raw.get(kind))}")
            )
            continue
        target = target.strip()
        if kind == "section" and target not in names:
            problems.append(
                error(
                    shown,
                    line,
                    f'{key} names the section "{target}", which the site does not have',
                    did_you_mean(target, names),
                )
            )
            continue
        if kind == "url" and not re.match(r"^(https?://[^/\s]+(/\S*)?|mailto:\S+)$", target):
            problems.append(
                error(
                    shown,
                    line,
                    f'"{target}" is not an outside address',
                    "write the whole address, such as https://www.phila.gov/, or link to a page with page:",
                )
            )
            continue
        labels = _labels(item, key, codes, kind == "url", shown, problems)
        if labels is None:
            continue
        entries.append(MenuEntry(kind, target, labels, line))
    return tuple(entries)


def _labels(
    item: Mapping, key: str, codes: list[str], required: bool, shown: str, problems: list[Problem]
) -> tuple[tuple[str, str], ...] | None:
    """A link's label in each language: `label: {en: ..., es: ...}`."""
    if "label" not in item:
        if required:
            problems.append(
                error(
                    shown,
                    item.line,
                    f"an outside address in {key} needs a label in each language",
                    "add `label:` with a line for each language below it, such as `en: City of Philadelphia`",
                )
            )
            return None
        return ()
    labels = item["label"]
    if not isinstance(labels, Mapping):
        problems.append(
            error(
                shown,
                item.line_of("label"),
                "label must give the link's text in each language",
                "write `label:`, then a line for each language below it, such as `en: Accessibility`",
            )
        )
        return None
    found: list[tuple[str, str]] = []
    before = len(problems)
    for code in labels:
        text = labels[code]
        if code not in codes:
            problems.append(
                error(
                    shown, labels.line_of(code), f'"{code}" is not one of the languages', did_you_mean(str(code), codes)
                )
            )
        elif not isinstance(text, str) or not text.strip():
            problems.append(error(shown, labels.line_of(code), f"the label in {code} must be text", "put it in quotes"))
        else:
            found.append((str(code), " ".join(text.split())))
    missing = [code for code in codes if code not in labels]
    if required and missing:
        problems.append(
            error(
                shown,
                labels.line,
                f"the label has no text in {', '.join(missing)}",
                "give the link's text in every language of the site",
            )
        )
    return tuple(found) if len(problems) == before else None


def _parse_language(
    item: object,
    line: int,
    sections: tuple[Section, ...],
    default_site_name: str,
    shown: str,
    problems: list[Problem],
) -> Language | None:
    if not isinstance(item, Mapping):
        problems.append(error(shown, line, "each language must be a set of `key: value` lines (code, name, ...)"))
        return None
    before = len(problems)
    _unknown_keys(item, _LANGUAGE_SETTINGS, shown, problems)
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
    given_locale = _text(item, "locale", shown, problems)
    own = _babel_locale(code.replace("-", "_")) if code else None
    chosen = _babel_locale(given_locale) if given_locale else own
    if given_locale and chosen is None:
        problems.append(
            error(
                shown,
                item.line_of("locale"),
                f'"{given_locale}" is not a locale Babel knows',
                "set locale: to a known one, such as es, ar or zh_Hant",
            )
        )
    given_name = _text(item, "name", shown, problems)
    stand_in = own is None and bool(code)
    if stand_in and given_name is None and "name" not in item:
        problems.append(
            error(
                shown,
                item.line_of("code"),
                f'Babel does not know the language "{code}", so it cannot give its name',
                "add name: with the language's name in itself, and locale: with a language Babel knows whose "
                "dates and plural forms it can borrow",
            )
        )
    if stand_in and chosen is None and not given_locale:
        chosen = Locale.parse("en")
    if stand_in and chosen is not None and given_name is not None:
        problems.append(
            warning(
                shown,
                item.line_of("locale" if given_locale else "code"),
                f'Babel does not know the language "{code}": its dates and plural forms follow '
                f'"{chosen}", which stands in for it; its pages still say lang="{code}"',
                "nothing to do if that is right; otherwise set locale: to a closer language",
            )
        )
    locale = given_locale or (str(chosen) if stand_in and chosen is not None else code.replace("-", "_"))
    name = given_name or (_language_name(chosen) if chosen is not None else code)
    site_name = _text(item, "site_name", shown, problems) or default_site_name
    if not site_name:
        problems.append(
            error(
                shown,
                item.line,
                f'language "{code}" has no site_name',
                "add site_name: to the language, or a site_name: for every language at the top of site.yaml",
            )
        )
    direction = _text(item, "direction", shown, problems) or (
        chosen.text_direction if chosen is not None and not stand_in else "ltr"
    )
    if direction not in ("ltr", "rtl"):
        problems.append(error(shown, item.line_of("direction"), f'direction "{direction}" must be ltr or rtl'))
    slugs = _text(item, "slugs", shown, problems) or "keep"
    if slugs not in ("keep", "transliterate"):
        problems.append(
            error(
                shown,
                item.line_of("slugs"),
                f'slugs "{slugs}" must be keep or transliterate',
                "keep: addresses keep the letters of file names in any script; transliterate: Latin letters only",
            )
        )
    # BCP 47, as lang and hreflang want it: the locale's (zh-Hant), but a stand-in's is not the language's.
    tag = code if stand_in else locale.replace("_", "-")
    segments: list[tuple[str, str]] = []
    titles: list[tuple[str, str]] = []
    names = [section.name for section in sections]
    raw_sections = item.get("sections")
    if raw_sections is None and "sections" not in item:
        raw_sections = Mapping()  # every section at its own name: /es/faq/
        raw_sections.line, raw_sections.lines, raw_sections.raw = item.line, {}, {}
    if not isinstance(raw_sections, Mapping):
        problems.append(
            error(
                shown,
                item.line_of("sections"),
                f'sections of language "{code}" must give the URL segment of each section in that language',
                f"such as `sections: {{{', '.join(f'{name}: {name}' for name in names)}}}`, or leave it out",
            )
        )
    else:
        for key in raw_sections:
            if key not in names:
                problems.append(
                    error(shown, raw_sections.line_of(key), f'unknown section "{key}"', did_you_mean(str(key), names))
                )
        used: dict[str, str] = {}
        for section in sections:
            section_name = section.name
            given = raw_sections.get(section_name)
            line_of = raw_sections.line_of(section_name)
            title: object = None
            title_line = line_of
            if isinstance(given, Mapping):
                title_line = given.line_of("title")
                title, segment = given.get("title"), given.get("segment")
                for key in given:
                    if key not in ("segment", "title"):
                        problems.append(
                            error(
                                shown,
                                given.line_of(key),
                                f'unknown setting "{key}"',
                                did_you_mean(str(key), ["segment", "title"]),
                            )
                        )
                line_of = given.line_of("segment")
                raw_segment = given.raw.get("segment")
                if "segment" not in given:
                    segment = section_name
            elif section_name not in raw_sections:
                # A section the language does not name is at the section's own name.
                segment, raw_segment = section_name, None
            else:
                segment, raw_segment = given, raw_sections.raw.get(section_name)
            if not isinstance(segment, str) or not is_url_word(segment):
                problems.append(
                    error(
                        shown,
                        line_of,
                        f'URL segment for "{section_name}" must be '
                        "lower-case letters, digits and hyphens, but it is "
                        f"{describe_yaml_value(segment, raw_segment)}",
                    )
                )
            elif segment in RESERVED_SEGMENTS:
                problems.append(
                    error(
                        shown,
                        line_of,
                        f'the URL segment "{segment}" of section "{section_name}" is one pregon uses itself',
                        f"choose another; {', '.join(RESERVED_SEGMENTS)} are taken",
                    )
                )
            elif segment in used:
                problems.append(
                    error(
                        shown,
                        line_of,
                        f'sections "{used[segment]}" and "{section_name}" both use the URL segment "{segment}"',
                        "give each its own",
                    )
                )
            else:
                used[segment] = section_name
                segments.append((section_name, segment))
            if title is not None:
                if isinstance(title, str) and title.strip():
                    titles.append((section_name, " ".join(title.split())))
                else:
                    problems.append(error(shown, title_line, f'the title of section "{section_name}" must be text'))
            elif section_name not in BUILT_IN_SECTIONS:
                problems.append(
                    error(
                        shown,
                        line_of,
                        f'section "{section_name}" has no title in language "{code}"',
                        f"write it as `{section_name}:`, then `segment: ...` and `title: ...` below it",
                    )
                )
    if len(problems) > before and any(p.is_error for p in problems[before:]):
        return None
    return Language(code, name, locale, direction, site_name, tuple(segments), tuple(titles), tag or code, slugs)


_LANGUAGE_SETTINGS = {"code", "name", "locale", "direction", "site_name", "sections", "slugs"}


def _babel_locale(name: str) -> Locale | None:
    try:
        return Locale.parse(name)
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def _language_name(locale: Locale) -> str:
    """The language's name in itself as a language switch shows it: capitalised (`Español`), where its
    script has capitals."""
    name = locale.get_display_name(locale) or str(locale)
    return name[:1].upper() + name[1:]


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
