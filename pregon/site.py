"""SourcePages -> Site: translation groups, one page per language, URLs, and link targets.

Every page exists in every configured language: where no translation exists, a fallback page shows
the original text under the reader's interface, so the language switch never leads to a 404. This
stage is pure: it reads no files and refuses two sources that would produce one URL.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import posixpath
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field

from .alert_source import AlertSource
from .files import digest_bytes_of, fields_identity
from .front_matter import SourcePage
from .navigation import Navigation
from .site_config import PLAIN, SiteConfig


@dataclass(frozen=True)
class ListedSource:
    """A source as lists, feeds and the landing page show it: all but its text, so that editing the
    text of one page renders that page again, not every list it appears in."""

    path: str
    lang: str
    section: str
    title: str
    summary: str
    date: datetime.date | None
    updated: datetime.date | None
    slug: str
    weight: int | None = None
    extra: dict[str, object] = field(default_factory=dict, hash=False)
    """The page's own fields (`extra:`), for templates that list them."""

    @property
    def last_changed(self) -> datetime.date | None:
        return self.updated or self.date

    @functools.cached_property
    def identity(self) -> bytes:
        """Its fields, all plain values, in one repr: every list shows thousands of sources, and feeding
        their fields to a digest one by one was most of the time spent on the keys of a rebuild."""
        return digest_bytes_of((type(self).__name__, *(getattr(self, name) for name in _LISTED_FIELDS)))


_LISTED_FIELDS = tuple(item.name for item in dataclasses.fields(ListedSource))


@dataclass(frozen=True)
class Entry:
    """A page as lists show it."""

    lang: str
    url: str
    source: ListedSource

    @property
    def is_fallback(self) -> bool:
        return self.source.lang != self.lang

    @functools.cached_property
    def identity(self) -> bytes:
        return fields_identity(self)


@dataclass(frozen=True)
class SitemapGroup:
    """A page in all its languages as the sitemaps show it: its translations and the address of its
    original (the x-default)."""

    original_url: str
    translated: tuple[tuple[str, str, datetime.date | None], ...]
    """(language, address, last changed) of each translated page."""

    @functools.cached_property
    def identity(self) -> bytes:
        """Plain values only, in one repr (see ListedSource.identity)."""
        return digest_bytes_of((type(self).__name__, self.original_url, self.translated))


@dataclass(frozen=True)
class Page:
    """One output page: a source shown in a reader's language."""

    lang: str
    """The reader's language: the interface, the URL and the links are in it."""
    source: SourcePage
    """What the page shows; in another language than `lang` when the page is a fallback."""
    url: str
    """The path from the site root, without a leading slash, ending in a slash: `es/anuncios/pars/`."""

    # Remembered: every build asks each of thousands of pages, again and again.
    @functools.cached_property
    def is_fallback(self) -> bool:
        return self.source.lang != self.lang

    @property
    def section(self) -> str:
        return self.source.section

    @property
    def key(self) -> tuple[str, str]:
        return self.source.key

    @functools.cached_property
    def output_path(self) -> str:
        return self.url + "index.html"

    # Remembered on the page, which a process that builds again and again keeps while it is unchanged.
    @functools.cached_property
    def identity(self) -> bytes:
        return fields_identity(self)

    @functools.cached_property
    def entry(self) -> Entry:
        source = self.source
        listed = ListedSource(
            source.path,
            source.lang,
            source.section,
            source.title,
            source.summary,
            source.date,
            source.updated,
            source.slug,
            source.weight,
            source.extra,
        )
        return Entry(self.lang, self.url, listed)


@dataclass(frozen=True)
class PageGroup:
    """A page in all its languages."""

    key: tuple[str, str]
    original: SourcePage
    """The text translations are made from: the default language's, when there is one."""
    pages: tuple[Page, ...]
    """One per configured language, in the configuration's order."""

    def page(self, lang: str) -> Page:
        return next(page for page in self.pages if page.lang == lang)

    @property
    def translated(self) -> tuple[Page, ...]:
        return tuple(page for page in self.pages if not page.is_fallback)

    @functools.cached_property
    def identity(self) -> bytes:
        return fields_identity(self)

    @functools.cached_property
    def sitemap_entry(self) -> SitemapGroup:
        translated = tuple((page.lang, page.url, page.source.last_changed) for page in self.translated)
        return SitemapGroup(self.page(self.original.lang).url, translated)

    def is_outdated(self, page: Page) -> bool:
        """A translation made from an earlier version of the original than the one published now."""
        recorded = page.source.translation_of
        return page.source is not self.original and recorded is not None and recorded != self.original.blob_id


@dataclass(frozen=True)
class LinkChanges:
    """How a site differs from an earlier one, for links: only by `added` sources, every earlier
    source being where it was, in the same page, and every earlier page at the same address. A link
    whose probes (Site.link_probes) are none of the added paths then gets the same answer on both."""

    since: str
    """The earlier site's link table."""
    added: frozenset[str]


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    groups: tuple[PageGroup, ...]
    sources_by_path: dict[str, SourcePage] = field(repr=False)

    groups_by_key: dict[tuple[str, str], PageGroup] = field(repr=False)
    sources: tuple[SourcePage, ...] = field(default=(), repr=False, compare=False)
    """The sources the site was made from, in the order they were given."""
    sections: Mapping[tuple[str, str], tuple[Page, ...]] = field(default_factory=dict, repr=False, compare=False)
    """(language, section) -> its pages in reading order (see section_pages)."""
    known_link_table: str = field(default="", repr=False, compare=False)
    """link_table, when it is known to be that of an earlier site with the same pages and addresses."""
    link_changes: LinkChanges | None = field(default=None, repr=False, compare=False)
    """What may answer a link differently than on the site the last build of this process made."""
    navigation: Mapping[str, Navigation] = field(default_factory=dict, repr=False, compare=False)
    """Each language's menu and footer links."""
    alerts: tuple[AlertSource, ...] = field(default=(), repr=False, compare=False)
    """The alerts of the languages that have one (content/<lang>/_alert.md)."""

    def group(self, key: tuple[str, str]) -> PageGroup:
        return self.groups_by_key[key]

    def section_pages(self, lang: str, section: str) -> list[Page]:
        """The pages of a section in a language, in reading order: announcements newest first."""
        return list(self.sections[(lang, section)])

    def plain_pages(self, lang: str) -> list[Page]:
        """The pages directly in content/<lang>/ (and their fallbacks), by address."""
        return [group.page(lang) for group in self.groups if group.key[0] == PLAIN]

    def alert(self, lang: str) -> AlertSource | None:
        """The alert shown in a language: its own, or else the default language's."""
        by_lang = {alert.lang: alert for alert in self.alerts}
        return by_lang.get(lang) or by_lang.get(self.config.default_language)

    @functools.cached_property
    def link_table(self) -> str:
        """A digest of everything a `.md` link's answer is made from (find_linked_source, then the linked
        page's address in the reader's language): the languages, every source's path and page, and
        every page's addresses. Equal tables give every link the same answer."""
        if self.known_link_table:
            return self.known_link_table
        sources = sorted((path, source.key) for path, source in self.sources_by_path.items())
        addresses = [(group.key, [(page.lang, page.url) for page in group.pages]) for group in self.groups]
        table = repr((self.config.language_codes, sources, addresses))
        return hashlib.sha256(table.encode("utf-8", "surrogatepass")).hexdigest()

    def pages(self) -> list[Page]:
        return [page for group in self.groups for page in group.pages]

    def find_linked_source(self, from_path: str, target: str) -> SourcePage | None:
        """The source a relative `.md` link in `from_path` points to, in any language's folder: the
        first of link_probes that is a source."""
        wanted = posixpath.normpath(posixpath.join(posixpath.dirname(from_path), target))
        if wanted in self.sources_by_path:
            return self.sources_by_path[wanted]
        for candidate in self._other_languages(from_path, wanted):
            if candidate in self.sources_by_path:
                return self.sources_by_path[candidate]
        return None

    def link_probes(self, from_path: str, target: str) -> tuple[str, ...]:
        """Every path find_linked_source looks at for this link: its answer changes only if a source
        appears at, leaves or moves from one of them, or the page found there changes address."""
        wanted = posixpath.normpath(posixpath.join(posixpath.dirname(from_path), target))
        return (wanted, *self._other_languages(from_path, wanted))

    @functools.cached_property
    def _content_prefix(self) -> str:
        return self.config.shown(self.config.content_dir)

    def _other_languages(self, from_path: str, wanted: str) -> list[str]:
        # An author who copied the English text keeps English file names; a page with the same
        # path in another language folder is the same page.
        content_prefix = self._content_prefix
        if wanted.startswith(content_prefix + "/"):
            # What relpath would say, without its cost: `wanted` is normalised, so what follows the
            # prefix has no `..` in it (links are looked up by the ten thousand on a large site).
            relative = wanted[len(content_prefix) + 1 :]
        else:
            relative = posixpath.relpath(wanted, content_prefix) if wanted.startswith(content_prefix) else ""
        parts = relative.split("/")
        if len(parts) not in (2, 3) or parts[0] not in self.config.language_codes:
            return []
        return [posixpath.join(content_prefix, code, *parts[1:]) for code in self.config.language_codes]


def relative_url(here: str, target: str) -> str:
    """The link from the file `here` to `target` (a folder ending in `/`, or a file), both from the root.

    Folder links end in `index.html` so that the site also reads when opened from the disk. Both paths
    are the site's own, without `..`, so plain string work is enough (and far faster than relpath).
    """
    if target.endswith("/") or target == "":
        target += "index.html"
    here_folders = here.split("/")[:-1]
    target_parts = target.split("/")
    common = 0
    while (
        common < len(here_folders) and common < len(target_parts) - 1 and here_folders[common] == target_parts[common]
    ):
        common += 1
    link = "/".join([".."] * (len(here_folders) - common) + target_parts[common:])
    # Addresses in other scripts are written percent-encoded in links, as Hugo writes them; the folders
    # on the disk keep their letters.
    return link if link.isascii() else web_address(link)


def web_address(address: str) -> str:
    """An address with the letters of other scripts percent-encoded (UTF-8), the rest as it is."""
    return urllib.parse.quote(address, safe="/:#?&=%@!$'()*+,;~")
