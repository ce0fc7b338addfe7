"""Markdown -> HTML for each page, with the answers its `.md` links got, found in the cache when they
still hold.

A page's `.md` links are answered in the reader's language (the linked page's address there); the
answers are part of what a conversion is made of. A cached conversion is used only if every link
still gets the same answer: that is confirmed once per link table (Site.link_table), so an edit that
adds or renames no page costs no link checks, and one that only adds pages checks only the links that
could lead to them.
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass

from .cache import SavedCache, cache_key
from .files import digest_bytes_of
from .markdown import ENGINE, Converted, MarkdownConverter
from .site import Page, Site, relative_url

LinkAnswer = tuple[str, str] | None
"""Where a `.md` link leads: relative to the page and absolute; None when it leads to no page."""
LinkResolution = tuple[tuple[str, LinkAnswer], ...]
"""Each link target a conversion asked about, with the answer it got."""


@dataclass(frozen=True)
class Conversion:
    """A page's converted Markdown, and what it was made from."""

    key: str
    """A digest of the Markdown engine, the source's path and file id, the reader's language and the
    page's path (Conversions.key_of)."""
    answers: LinkResolution
    converted: Converted

    @functools.cached_property
    def identity(self) -> bytes:
        """Its key and its link answers: `converted` is made from them alone."""
        return digest_bytes_of((self.key, self.answers))


class Conversions:
    """One build's conversions: found in the saved cache, or made."""

    def __init__(self, site: Site, cache: SavedCache, probes: MutableMapping[str, frozenset[str]]) -> None:
        """`probes`: where each conversion's links looked (Site.link_probes), by key, kept by a process
        that builds again and again: only it asks, after a page was added."""
        self.site = site
        self.cache = cache
        self._probes = probes
        self.converter = MarkdownConverter()
        # What every link's answer is made from (resolver): the site's pages and addresses, and the
        # address the site is published at.
        self.link_table = cache_key("links", site.link_table, site.config.base_url)
        # If this site only adds pages to the one the last build of this process made: that site's link
        # table, and the paths of the pages added.
        changes = site.link_changes
        self._table_before = cache_key("links", changes.since, site.config.base_url) if changes is not None else None
        self._added = changes.added if changes is not None else frozenset()
        self._resolved: dict[tuple[tuple[str, str, str], str], LinkAnswer] = {}

    def key_of(self, page: Page) -> str:
        # Made from the source's id rather than its text: the id is the hash of the file, text included.
        source = page.source
        return self.cache.key("markdown", ENGINE, source.path, source.blob_id, source.kind, page.lang, page.output_path)

    def found(self, page: Page) -> Conversion | None:
        """The page's conversion from the cache, if its links still get the answers it was made with."""
        key = self.key_of(page)
        entry = self.cache.conversion(key)
        if entry is None:
            return None
        if entry.confirmed != self.link_table:
            if not self._still_answered(page, entry.conversion, entry.confirmed):
                return None
        self.keep(entry.conversion)
        return entry.conversion

    def keep(self, conversion: Conversion) -> None:
        """Record that `conversion` is used by this build, its links answered under its link table."""
        entry = self.cache.conversion(conversion.key)
        if entry is not None and entry.confirmed == self.link_table:
            self.cache.used.add(conversion.key)
        else:
            self.cache.keep_conversion(conversion.key, conversion, self.link_table)

    def convert(self, page: Page) -> Conversion:
        """Markdown -> HTML for one page, recording each link's answer."""
        resolve = self.resolver(page)
        asked: list[tuple[str, LinkAnswer]] = []

        def recording(target: str) -> LinkAnswer:
            answer = resolve(target)
            asked.append((target, answer))
            return answer

        converted = self.converter.convert(page.source, recording)
        return Conversion(self.key_of(page), tuple(asked), converted)

    def resolver(self, page: Page) -> Callable[[str], LinkAnswer]:
        """Where a `.md` link on `page` leads: the page in the reader's language, relative and absolute."""
        # Pages in one folder, read in one language, from one output folder get the same answers:
        # every page's cached links are checked on each build, so the answers are remembered.
        where = (posixpath.dirname(page.source.path), page.lang, posixpath.dirname(page.output_path))
        site, base_url = self.site, self.site.config.base_url

        def resolve(target: str) -> LinkAnswer:
            if (where, target) in self._resolved:
                return self._resolved[(where, target)]
            linked = site.find_linked_source(page.source.path, target)
            answer = None
            if linked is not None:
                linked_page = site.group(linked.key).page(page.lang)
                answer = relative_url(page.output_path, linked_page.url), base_url + linked_page.url
            self._resolved[(where, target)] = answer
            return answer

        return resolve

    def _still_answered(self, page: Page, conversion: Conversion, confirmed: str) -> bool:
        """Whether the links of `conversion`, confirmed under the link table `confirmed`, get the same
        answers under this build's: found without asking when pages were only added since, at none of
        the paths the links look at."""
        if confirmed == self._table_before:
            # Where its links look depends on their targets and the languages, which have not changed.
            probes = self._probes.get(conversion.key)
            if probes is None:
                probes = self._probes[conversion.key] = frozenset(
                    probe
                    for target, _ in conversion.answers
                    for probe in self.site.link_probes(page.source.path, target)
                )
            if probes.isdisjoint(self._added):
                return True
        resolve = self.resolver(page)
        return all(resolve(target) == answer for target, answer in conversion.answers)
