"""The site's settings as plain data: its languages, sections, menus and where its parts live.

Made from site.yaml by config.py, which checks every value once, with its line; the rest of the engine
trusts a SiteConfig. Adding a language must only ever need configuration, content and a catalog:
nothing in the engine may name a language code.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from .theme import Theme

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


DEFAULT_READING_GRADE = 8.0
"""About the eighth-grade level that the US Plain Writing Act's guidance aims at."""
DEFAULT_READING_EASE_ES = 60.0
"""Fernández Huerta's "normal" band starts at 60: about the same level, for Spanish."""
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
    region: str = "US"
    """Where the site's phone numbers are dialled from: how a number without its country code is read."""
    reading_grade: float = DEFAULT_READING_GRADE
    """The highest Flesch-Kincaid grade an English page may have before a warning."""
    reading_ease_es: float = DEFAULT_READING_EASE_ES
    """The lowest Fernández Huerta reading ease a Spanish page may have before a warning."""

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
