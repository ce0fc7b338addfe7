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
import unicodedata
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field

from .config import CONFIG_FILE, PLAIN, SiteConfig
from .errors import Problem, error
from .files import fields_identity
from .front_matter import AlertSource, SourcePage
from .navigation import Navigation, resolve_navigation


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
        return fields_identity(self)


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


@dataclass(frozen=True)
class LinkChanges:
    """How a site differs from an earlier one, for links: only by `added` sources, every earlier
    source being where it was, in the same page, and every earlier page at the same address. A link
    whose probes (Site.link_probes) are none of the added paths then gets the same answer on both."""

    since: str
    """The earlier site's link table."""
    added: frozenset[str]


@dataclass(frozen=True)
class SiteResult:
    site: Site | None
    problems: tuple[Problem, ...]


def link_translations(
    config: SiteConfig,
    sources: tuple[SourcePage, ...],
    previous: Site | None = None,
    alerts: tuple[AlertSource, ...] = (),
    complete: bool = True,
) -> SiteResult:
    """Group the sources into pages; `previous`: the site an earlier build of this process made, which
    is patched instead when only what sources say changed, not which pages there are or where.
    `alerts`: each language's alert, carried to the render stage. `complete`: whether every content
    file could be read; if not, the menu is not looked for among the pages, which would report the
    pages that failed as missing."""
    if previous is not None and complete:
        patched = _patched(previous, config, sources, alerts)
        if patched is not None:
            return _with_navigation(patched)
    problems: list[Problem] = []
    by_key: dict[tuple[str, str], dict[str, SourcePage]] = {}
    for source in sources:
        translations = by_key.setdefault(source.key, {})
        if source.lang in translations:
            other = translations[source.lang]
            problems.append(
                error(
                    source.path,
                    None,
                    f'is a second "{source.lang}" version of the page '
                    f'{other.path} (both have the translation key "{source.translation_key}")',
                    "give one of them another file name or translation_key",
                )
            )
            continue
        translations[source.lang] = source

    groups = []
    order = {name: index for index, name in enumerate((PLAIN, *config.section_names))}
    for key in sorted(by_key, key=lambda key: (order[key[0]], key[1])):
        groups.append(_group(config, key, by_key[key]))

    problems.extend(_missing_dates(groups))
    problems.extend(_url_collisions(config, groups))
    if any(problem.is_error for problem in problems):
        return SiteResult(None, tuple(problems))
    by_path = {source.path: source for source in sources}
    groups_by_key = {group.key: group for group in groups}
    changes = _link_changes(previous, config, by_path, groups_by_key) if previous is not None else None
    site = Site(
        config,
        tuple(groups),
        by_path,
        groups_by_key,
        sources,
        _sorted_sections(config, groups),
        link_changes=changes,
        alerts=alerts,
    )
    return _with_navigation(site, problems) if complete else SiteResult(site, tuple(problems))


def _group(config: SiteConfig, key: tuple[str, str], translations: Mapping[str, SourcePage]) -> PageGroup:
    """A page in every language: its translations, given what they do not set of their source, and its
    original shown where it is not translated."""
    codes = config.language_codes
    original = next(translations[code] for code in codes if code in translations)
    pages = []
    for language in config.languages:
        code = language.code
        source = inherit(translations[code], original) if code in translations else original
        folder = f"{code}/" if key[0] == PLAIN else f"{code}/{language.segment(key[0])}/"
        pages.append(Page(code, source, f"{folder}{source.slug}/"))
    return PageGroup(key, original, tuple(pages))


def inherit(translation: SourcePage, original: SourcePage) -> SourcePage:
    """A translation with what is not text (date, weight, print, extra, key by key) taken from its
    source where it sets none of its own. `updated` is not taken: a translation is updated when it is."""
    if translation is original:
        return translation
    changes: dict[str, object] = {}
    for field_name, attribute in (("date", "date"), ("weight", "weight"), ("print", "prints")):
        if field_name not in translation.sets and getattr(original, attribute) is not None:
            changes[attribute] = getattr(original, attribute)
    extra = {**original.extra, **translation.extra}
    if extra != translation.extra:
        changes["extra"] = extra
    if not changes:
        return translation
    return dataclasses.replace(translation, **changes, inherited_from=(original.path, original.blob_id))  # type: ignore[arg-type]


def _missing_dates(groups: list[PageGroup]) -> list[Problem]:
    """Dated pages (announcements) whose translation has no date and whose source gives none either."""
    return [
        error(
            page.source.path,
            None,
            'missing required field "date" (announcements need one, and its source has none)',
            "add `date: YYYY-MM-DD` to its front matter, such as date: 2018-08-31",
        )
        for group in groups
        for page in group.translated
        if page.source.kind == "announcements" and page.source.date is None
    ]


def _with_navigation(site: Site, problems: list[Problem] | None = None) -> SiteResult:
    """The site with its menu and footer found among its pages, or the reasons they cannot be."""
    found = {group.key: [(page.lang, page.source, page.url) for page in group.pages] for group in site.groups}
    navigation, navigation_problems = resolve_navigation(site.config, found)
    all_problems = [*(problems or []), *navigation_problems]
    if navigation_problems:
        return SiteResult(None, tuple(all_problems))
    return SiteResult(dataclasses.replace(site, navigation=navigation), tuple(all_problems))


def _sorted_sections(config: SiteConfig, groups: list[PageGroup]) -> dict[tuple[str, str], tuple[Page, ...]]:
    """Each section's pages in each language, in reading order: announcements newest first, pages by
    weight (those without one last), the others by title."""
    sections: dict[tuple[str, str], tuple[Page, ...]] = {}
    for index, lang in enumerate(config.language_codes):
        for section in config.sections:
            pages = [group.pages[index] for group in groups if group.key[0] == section.name]
            if section.kind == "announcements":
                pages.sort(
                    key=lambda page: (
                        -(page.source.date.toordinal() if page.source.date else 0),
                        page.source.title.casefold(),
                        page.url,
                    )
                )
            elif section.kind == "pages":
                pages.sort(
                    key=lambda page: (
                        page.source.weight is None,
                        page.source.weight or 0,
                        page.source.title.casefold(),
                        page.url,
                    )
                )
            else:
                pages.sort(key=lambda page: (page.source.title.casefold(), page.url))
            sections[(lang, section.name)] = tuple(pages)
    return sections


def _link_changes(
    previous: Site,
    config: SiteConfig,
    sources_by_path: dict[str, SourcePage],
    groups_by_key: dict[tuple[str, str], PageGroup],
) -> LinkChanges | None:
    """The sources added since `previous`, if that is all that changed for links (see LinkChanges)."""
    if previous.config.language_codes != config.language_codes:
        return None
    for path, source in previous.sources_by_path.items():
        now = sources_by_path.get(path)
        if now is None or now.key != source.key:
            return None
    for key, group in previous.groups_by_key.items():
        now_group = groups_by_key.get(key)
        if now_group is None or [page.url for page in now_group.pages] != [page.url for page in group.pages]:
            return None
    added = frozenset(path for path in sources_by_path if path not in previous.sources_by_path)
    return LinkChanges(previous.link_table, added)


def _patched(
    previous: Site, config: SiteConfig, sources: tuple[SourcePage, ...], alerts: tuple[AlertSource, ...]
) -> Site | None:
    """`previous` with some sources replaced, if every source is where it was, in the same page,
    language and address (an edit of a page's text, title or dates): the groups of the others, their
    order and the link table stay as they were. None if anything else changed."""
    if previous.config != config or len(previous.sources) != len(sources):
        return None
    replaced: dict[str, SourcePage] = {}
    reordered = False
    for before, now in zip(previous.sources, sources, strict=True):
        if before is now:
            continue
        if (before.path, before.key, before.lang, before.slug) != (now.path, now.key, now.lang, now.slug):
            return None
        replaced[now.path] = now
        if (before.title, before.date, before.weight) != (now.title, now.date, now.weight):
            reordered = True
    if not replaced:
        return dataclasses.replace(previous, alerts=alerts)
    affected = {previous.sources_by_path[path].key for path in replaced}
    groups_by_key = dict(previous.groups_by_key)
    new_pages: dict[str, Page] = {}
    for key in affected:
        group = previous.groups_by_key[key]
        # Made again from its sources: a translation's inherited fields follow its source's edit.
        translations = {
            source.lang: replaced.get(source.path, source)
            for source in (previous.sources_by_path[page.source.path] for page in group.translated)
        }
        regrouped = _group(config, key, translations)
        if [page.url for page in regrouped.pages] != [page.url for page in group.pages] or _missing_dates([regrouped]):
            return None
        new_pages.update((page.url, page) for page in regrouped.pages)
        groups_by_key[key] = regrouped
    groups = [groups_by_key[group.key] if group.key in affected else group for group in previous.groups]
    # Unless a title or date changed, the lists keep their order: only the replaced pages change in them.
    sections = (
        _sorted_sections(config, groups)
        if reordered
        else {
            where: tuple(new_pages.get(page.url, page) for page in pages) for where, pages in previous.sections.items()
        }
    )
    return Site(
        config,
        tuple(groups),
        {**previous.sources_by_path, **replaced},
        groups_by_key,
        sources,
        sections,
        known_link_table=previous.link_table,
        alerts=alerts,
    )


def _url_collisions(config: SiteConfig, groups: list[PageGroup]) -> list[Problem]:
    # Case and Unicode normalisation are folded, since case-insensitive file systems (and readers
    # typing an address) treat `Que` and `que` as one.
    seen: dict[str, Page] = {}
    problems = []
    taken = {}
    for language in config.languages:
        taken[_folded(f"{language.code}/search/")] = "the search page"
        for name, segment in language.segments:
            taken[_folded(f"{language.code}/{segment}/")] = f'the index of the section "{name}" ({CONFIG_FILE})'
    for group in groups:
        for page in group.pages:
            folded = _folded(page.url)
            if folded in taken:
                # A fallback's address is its language's too: the original's file is the one to rename.
                problems.append(
                    error(
                        page.source.path,
                        None,
                        f"its address /{page.url} is that of {taken[folded]}",
                        "give the page another file name or a slug: in its front matter",
                    )
                )
                continue
            if folded in seen:
                other = seen[folded]
                first, second = sorted({other.source.path, page.source.path})
                if first == second:
                    continue
                problems.append(
                    error(
                        second,
                        None,
                        f"produces the same address /{page.url} as {first}",
                        "give one of them another file name or a slug: in its front matter",
                    )
                )
            else:
                seen[folded] = page
    return problems


def _folded(address: str) -> str:
    return unicodedata.normalize("NFC", address).casefold()


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
