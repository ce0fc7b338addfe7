"""What each output is made of, planned as plain data before anything is rendered.

A plan names an output's path, its language and its template, and holds exactly the data its
template's context is made from (contexts.py makes the context from the plan and the site's settings
only). Its key (incremental.py) is a digest of every field of the same plan, so nothing an output is
made from can be missing from its key, and no list of inputs has to be kept in step with the code that
uses them. Objects in a plan that carry an `identity` (pages, sources, conversions) are digested by
it, once per object: a process that builds again and again keeps the objects of unchanged pages.

Every output kind is planned here, before rendering; nothing is found out while rendering.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import ClassVar

from .chrome import Chrome
from .conversion import Conversion
from .site import Entry, Page, PageGroup, Site, SitemapGroup
from .site_config import Language

HOME_ENTRIES = 5
"""The home page shows this many pages of each section, and links to the section for the rest."""
LANDING_ANNOUNCEMENTS = 3
FEED_ENTRIES = 20
"""The newest announcements a feed carries: readers fetch it again and again, so it stays short."""


@dataclass(frozen=True)
class Download:
    """A printed edition of a guide, in one language or several (a bilingual handout)."""

    path: str
    languages: tuple[Language, ...]
    size: int


@dataclass(frozen=True)
class Plan:
    """An output: where it goes and in which language's environment its template is rendered."""

    template: ClassVar[str]
    fragments: ClassVar[tuple[str, ...]] = ()
    """Templates rendered in every language for this output (the columns of the landing page)."""

    path: str
    lang: str


@dataclass(frozen=True)
class FramedPlan(Plan):
    """An output of base.html: with its language's menu, footer and alert around its own content."""

    chrome: Chrome


@dataclass(frozen=True)
class LandingPlan(Plan):
    """The root page: both languages side by side, each with its newest announcements."""

    template = "landing.html"
    fragments = ("landing_column.html",)
    latest: tuple[tuple[Entry, ...], ...]
    """One tuple per configured language, in the configuration's order."""
    chromes: tuple[Chrome, ...]
    """Each language's alert and footer links, for its column."""


@dataclass(frozen=True)
class NotFoundPlan(Plan):
    """Served for any missing address at any depth, so its links start at the site's root path."""

    template = "404.html"
    fragments = ("not_found_column.html",)
    root: str
    """The path the site is served at: the published address's, or `/` in the preview."""
    chromes: tuple[Chrome, ...]
    """Each language's footer links, for its column."""


@dataclass(frozen=True)
class HomePlan(FramedPlan):
    template = "home.html"
    sections: tuple[tuple[Entry, ...], ...]
    """The first pages of each section, in the order of config.sections."""
    feed: bool


@dataclass(frozen=True)
class FeedPlan(Plan):
    template = "feed.xml"
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class SearchPagePlan(FramedPlan):
    """Without JavaScript, the search page offers the first page of each section's index instead."""

    template = "search.html"
    sections: tuple[tuple[Entry, ...], ...]
    more: tuple[bool, ...]
    """For each section: whether it has more pages than it shows."""
    elsewhere: tuple[str, ...] = ()
    """The languages of the pages shown here untranslated, which the index of this language leaves out
    (each is in its own language's): the search page offers to search them too."""


@dataclass(frozen=True)
class SectionIndexPlan(FramedPlan):
    template = "section.html"
    section: str
    entries: tuple[Entry, ...]
    number: int
    count: int
    feed: bool


@dataclass(frozen=True)
class SitemapIndexPlan(Plan):
    template = "sitemap_index.xml"


@dataclass(frozen=True)
class SitemapPlan(Plan):
    template = "sitemap.xml"
    groups: tuple[SitemapGroup, ...]
    """The pages translated into the plan's language, each with its translations."""


@dataclass(frozen=True)
class RobotsPlan(Plan):
    template = "robots.txt"


@dataclass(frozen=True)
class PagePlan(FramedPlan):
    template = "page.html"
    page: Page
    group: PageGroup
    conversion: Conversion
    downloads: tuple[Download, ...]
    """The printed editions of its guide (printed.py)."""


def section_index_url(language: Language, section: str, number: int) -> str:
    """The address of page `number` (from 1) of a section's index in a language."""
    first = f"{language.code}/{language.segment(section)}/"
    return first if number == 1 else f"{first}page/{number}/"


def plan_lists(site: Site, chromes: Mapping[str, Chrome], preview: bool = False) -> Iterator[Plan]:
    """Every output but the pages: the landing and 404 pages, sitemaps, robots.txt, and each language's
    home, feed, search page and section indexes. `chromes`: each language's menu, footer and alert.
    `preview`: for the preview server, which serves the site at its root."""
    config = site.config
    default = config.default_language
    names = config.section_names
    entries = {
        (code, section): tuple(page.entry for page in site.sections[(code, section)])
        for code in config.language_codes
        for section in names
    }
    yield LandingPlan(
        "index.html",
        default,
        tuple(
            tuple(page.entry for page in feed_entries(site, code, LANDING_ANNOUNCEMENTS, fallbacks=True))
            for code in config.language_codes
        ),
        tuple(chromes[code] for code in config.language_codes),
    )
    root = "/" if preview else "/" + config.base_url.split("://", 1)[-1].partition("/")[2]
    yield NotFoundPlan("404.html", default, root, tuple(chromes[code] for code in config.language_codes))
    yield SitemapIndexPlan("sitemap.xml", default)
    for code in config.language_codes:
        groups = tuple(group.sitemap_entry for group in site.groups if any(p.lang == code for p in group.translated))
        yield SitemapPlan(f"{code}/sitemap.xml", code, groups)
    yield RobotsPlan("robots.txt", default)
    for language in config.languages:
        code = language.code
        feed = feed_entries(site, code, FEED_ENTRIES)
        chrome = chromes[code]
        yield HomePlan(
            f"{code}/index.html",
            code,
            chrome,
            tuple(entries[(code, section)][:HOME_ENTRIES] for section in names),
            bool(feed),
        )
        if feed:
            yield FeedPlan(f"{code}/feed.xml", code, tuple(page.entry for page in feed))
        size = config.entries_per_page
        yield SearchPagePlan(
            f"{code}/search/index.html",
            code,
            chrome,
            tuple(entries[(code, section)][:size] for section in names),
            tuple(len(entries[(code, section)]) > size for section in names),
            _untranslated_from(site, code),
        )
        for section in config.sections:
            listed = entries[(code, section.name)]
            chunks = [listed[start : start + size] for start in range(0, len(listed), size)] or [()]
            for number, shown in enumerate(chunks, start=1):
                here = section_index_url(language, section.name, number) + "index.html"
                has_feed = bool(feed) and section.dated
                yield SectionIndexPlan(here, code, chrome, section.name, shown, number, len(chunks), has_feed)


def _untranslated_from(site: Site, code: str) -> tuple[str, ...]:
    """The languages, in the site's order, of the pages shown untranslated in language `code`."""
    shown_from = {page.source.lang for page in site.pages() if page.lang == code and page.is_fallback}
    return tuple(other for other in site.config.language_codes if other in shown_from)


def feed_entries(site: Site, code: str, count: int, fallbacks: bool = False) -> list[Page]:
    """The newest `count` pages of every section of kind announcements, in the language; a feed carries
    no fallbacks."""
    dated = [
        page
        for section in site.config.sections
        if section.dated
        for page in site.sections[(code, section.name)]
        if fallbacks or not page.is_fallback
    ]
    dated.sort(
        key=lambda page: (
            -(page.source.date.toordinal() if page.source.date else 0),
            page.source.title.casefold(),
            page.url,
        )
    )
    return dated[:count]
