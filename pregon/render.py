"""Site -> Outputs: every HTML page, feed, sitemap and the 404 page, through Jinja2 templates.

One Jinja2 environment per language, with gettext callables from that language's catalog,
autoescape on and undefined variables refused. Templates hold the markup; this module decides what
each template is given. Links between pages are relative, so the built folder reads the same from a
web server and from the disk.
"""

from __future__ import annotations

import datetime
import hashlib
import multiprocessing
import os
import posixpath
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import jinja2
from babel import Locale
from markupsafe import Markup

from . import search
from .cache import BuildCache, LinkResolution, cache_key
from .config import SECTIONS, Language, SiteConfig
from .content import SourcePage
from .errors import Problem, error, warning
from .i18n import LanguageCatalog
from .keys import OutputKeys, PreviousBuild, RenderRecord
from .markdown import ENGINE, MarkdownRenderer, Rendered
from .output import Destination, Output, Placed, Unchanged
from .pdf import PdfEngine, qr_code_svg
from .site import Page, PageGroup, Site

HOME_ENTRIES = 5
"""The home page shows this many pages of each section, and links to the section for the rest."""
LANDING_ANNOUNCEMENTS = 3
FEED_ENTRIES = 20
"""The newest announcements a feed carries: readers fetch it again and again, so it stays short."""
PARALLEL_THRESHOLD = 200
"""Below this many pages to convert, starting worker processes costs more than it saves."""


@dataclass(frozen=True)
class Alternate:
    hreflang: str
    href: str


@dataclass(frozen=True)
class LanguageLink:
    language: Language
    href: str


@dataclass(frozen=True)
class Download:
    """A printed edition of a guide, in one language or several (a bilingual handout)."""

    path: str
    languages: tuple[Language, ...]
    size: int


@dataclass(frozen=True)
class Pagination:
    """Where one page of a section's index is among them all; `previous` and `following` are links."""

    number: int
    count: int
    previous: str | None
    following: str | None


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

    @property
    def last_changed(self) -> datetime.date | None:
        return self.updated or self.date


@dataclass(frozen=True)
class ListedPage:
    lang: str
    url: str
    source: ListedSource

    @property
    def is_fallback(self) -> bool:
        return self.source.lang != self.lang


@dataclass(frozen=True)
class RenderResult:
    outputs: tuple[Output | Unchanged | Placed, ...]
    problems: tuple[Problem, ...]
    records: Mapping[str, RenderRecord]
    fresh: int
    """How many outputs were rendered rather than kept."""


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
    return "/".join([".."] * (len(here_folders) - common) + target_parts[common:])


class Renderer:
    """Renders a Site; holds the per-language environments and the Markdown converter."""

    def __init__(
        self,
        site: Site,
        catalogs: dict[str, LanguageCatalog],
        pdf_engine: PdfEngine | None = None,
        preview: bool = False,
        cache: BuildCache | None = None,
        previous: PreviousBuild | None = None,
        destination: Destination | None = None,
    ) -> None:
        self.site = site
        self.destination = destination
        """Where pages are written as soon as they are rendered; without one, they are returned."""
        self.fresh = 0
        """Outputs rendered by this build, as opposed to kept from the published site."""
        self.cache = cache if cache is not None else BuildCache()
        self._converted: dict[str, Rendered] = {}
        """Each page's converted Markdown, by output path, filled once by convert_all."""
        self.config: SiteConfig = site.config
        self.catalogs = catalogs
        self.markdown = MarkdownRenderer()
        self.preview = preview
        loader = jinja2.FileSystemLoader(self.config.templates_dir)
        compiled = _CompiledTemplates(self.cache, loader)
        self.environments = {
            code: self._environment(loader, compiled, catalogs[code]) for code in self.config.language_codes
        }
        self.keys = OutputKeys(
            self.config, catalogs, next(iter(self.environments.values())), preview, previous, self.cache
        )
        self.problems: list[Problem] = []
        self.pdf_engine = pdf_engine
        self._printed: dict[tuple[str, str], list[Download]] = {}
        self._pdf_outputs: list[Output] = []
        self._page_order: list[tuple[PageGroup, Page]] = []
        self._known_pages: list[tuple[str, Rendered, str] | None] = []
        self._listed_pages: dict[str, ListedPage] = {}
        self._page_keys: dict[str, str] = {}
        """Each page's key, found before its data is made (see OutputKeys.of_page)."""
        self._alternate_links: dict[tuple[str, str], Alternate] = {}
        self._feeds: dict[str, list[Page]] = {}
        """Each language's feed entries: every page of the announcements' index links to the feed if any."""
        self._resolved: dict[tuple[tuple[str, str, str], str], tuple[str, str] | None] = {}
        # What every link's answer is made from (_resolver): the site's pages and addresses, and the
        # address the site is published at.
        self._link_table = cache_key("links", self.site.link_table, self.config.base_url)
        # If this site only adds pages to the one the last build of this process made: that site's link
        # table, and the paths of the pages added (see _links_confirmed).
        changes = self.site.link_changes
        self._link_table_before = (
            cache_key("links", changes.since, self.config.base_url) if changes is not None else None
        )
        self._pages_added = changes.added if changes is not None else frozenset()

    def _environment(
        self, loader: jinja2.BaseLoader, compiled: jinja2.BytecodeCache, catalog: LanguageCatalog
    ) -> jinja2.Environment:
        environment = jinja2.Environment(
            loader=loader,
            bytecode_cache=compiled,
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            keep_trailing_newline=True,
        )
        environment.install_gettext_callables(  # type: ignore[attr-defined]
            catalog.gettext, catalog.ngettext, newstyle=True
        )
        environment.filters["date"] = catalog.format_date
        environment.filters["filesize"] = catalog.format_size
        environment.filters["language_list"] = lambda languages: catalog.format_list(
            [self.language_name(language.code, catalog.language) for language in languages]
        )
        environment.filters["language_name"] = lambda code: self.language_name(code, catalog.language)
        environment.globals.update(
            url=_url,
            preview_script="/__pregon/reload.js" if self.preview else None,
            lang=catalog.language,
            languages=self.config.languages,
            sections=SECTIONS,
        )
        return environment

    def language_name(self, code: str, in_language: Language) -> str:
        """A language's name in the reader's language (`inglés`), from Babel's locale data."""
        name = Locale.parse(self.config.language(code).locale).get_display_name(in_language.locale)
        return name or self.config.language(code).name

    def absolute(self, url: str) -> str:
        return self.config.base_url + url

    def render_all(self) -> RenderResult:
        outputs: list[Output | Unchanged | Placed] = []
        for produce in (self._landing, self._not_found, self._sitemap, self._robots):
            outputs.extend(self._guarded(produce))
        for language in self.config.languages:
            outputs.extend(self._guarded(lambda language=language: self._home(language)))
            outputs.extend(self._guarded(lambda language=language: self._feed(language)))
            outputs.extend(self._guarded(lambda language=language: self._search(language)))
            for section in SECTIONS:
                outputs.extend(
                    self._guarded(lambda language=language, section=section: self._section(language, section))
                )
        # Printed guides first, in this process: every page of a guide links to them, and PDFs are few.
        for group in self.site.groups:
            self._printed_editions(group)
        outputs.extend(self._render_pages())
        outputs.extend(self._pdf_outputs)
        for language in self.config.languages:
            outputs.extend(self._search_index(language))
        self.problems.extend(self._missing_strings())
        return RenderResult(tuple(outputs), tuple(self.problems), self.keys.records, self.fresh)

    def _guarded(self, produce: Any) -> list[Output | Unchanged | Placed]:
        """Run one producer, turning a template mistake into a Problem so that all are reported."""
        try:
            return list(produce())
        except jinja2.TemplateSyntaxError as exc:
            self.problems.append(
                error(
                    f"templates/{exc.name or exc.filename}",
                    exc.lineno,
                    f"template syntax error: {exc.message}",
                    "check the tag on that line against the other templates; every {% if %} needs an {% endif %}",
                )
            )
        except jinja2.UndefinedError as exc:
            where = _template_frame()
            self.problems.append(
                error(
                    where[0],
                    where[1],
                    f"template error: {exc.message}",
                    "check the variable's spelling; the README lists what each template receives",
                )
            )
        except jinja2.TemplateNotFound as exc:
            self.problems.append(
                error("templates/", None, f'template "{exc.name}" is missing', "restore it from the pregon repository")
            )
        return []

    def _listing(
        self,
        language: Language,
        template: str,
        here: str,
        shown: Iterable[Page],
        extra: tuple[Any, ...],
        make_context: Callable[[], dict[str, Any]],
    ) -> Output | Unchanged:
        """An output made from the site's configuration, the pages it lists (`shown`, which its context
        gives as ListedPage) and `extra` (plain data: whatever else of the site its context is made
        from). Kept if none of them changed, else its context is made.

        The key is made from exactly what the context may use, so `make_context` must use nothing of
        the site but `shown` and what `extra` holds: an edit then renders again only the lists that
        show what changed (one page of a section's index, not all of them)."""
        key = self.keys.of_listing(language.code, template, here, self._shown_digest(shown, extra))
        kept = self.keys.kept(language.code, here, key)
        if kept is not None:
            return kept
        return self._render(language, template, here, key, **make_context())

    def _shown_digest(self, shown: Iterable[Page], extra: tuple[Any, ...]) -> bytes:
        hasher = hashlib.sha256(repr(extra).encode("utf-8", "surrogatepass"))
        for page in shown:
            hasher.update(f"{page.lang}\0{page.url}\0".encode("utf-8", "surrogatepass"))
            hasher.update(self._listed_digest(page.source))
        return hasher.digest()

    def _listed_digest(self, source: SourcePage) -> bytes:
        """A digest of what lists show of a source (ListedSource). A source's path and file id make the
        whole source, so a process that builds again and again remembers it by them."""
        known = self.cache.listed.get((source.path, source.blob_id))
        if known is None:
            listed = repr(self._listed_source(source)).encode("utf-8", "surrogatepass")
            known = self.cache.listed[(source.path, source.blob_id)] = hashlib.sha256(listed).digest()
        return known

    def _render(self, language: Language, template: str, here: str, key: str, **context: Any) -> Output | Unchanged:
        """Render one output under `key` (a digest of everything it is made from)."""
        catalog = self.catalogs[language.code]
        environment = self.environments[language.code]
        catalog.missing_since.clear()
        text = environment.get_template(template).render(here=here, **context)
        self.keys.records[here] = RenderRecord(key, frozenset(catalog.missing_since))
        self.fresh += 1
        return Output(here, text.encode("utf-8"))

    def _fragment_bases(self, template: str) -> tuple[bytes, ...]:
        """For an output with a part rendered from `template` in each language: each language's
        catalog and that template, which the output's own key (in one language) does not cover."""
        return tuple(self.keys.fragment_base(code, template) for code in self.config.language_codes)

    def _render_fragment(self, language: Language, template: str, here: str, **context: Any) -> Markup:
        environment = self.environments[language.code]
        return Markup(environment.get_template(template).render(here=here, **context))

    def _switch(self, here: str, urls: dict[str, str]) -> list[LanguageLink]:
        return [LanguageLink(language, relative_url(here, urls[language.code])) for language in self.config.languages]

    def _alternates(self, urls: dict[str, str], default_url: str) -> list[Alternate]:
        pairs = [*urls.items(), ("x-default", default_url)]
        return [self._alternate(code, url) for code, url in pairs]

    def _alternate(self, hreflang: str, url: str) -> Alternate:
        # One object per address, shared by the page, its translations and the sitemap: digested once.
        alternate = self._alternate_links.get((hreflang, url))
        if alternate is None:
            alternate = self._alternate_links[(hreflang, url)] = Alternate(hreflang, self.absolute(url))
        return alternate

    # The pages ---------------------------------------------------------------------------------

    def _landing(self) -> Iterator[Output | Unchanged | Placed]:
        here = "index.html"
        homes = {language.code: f"{language.code}/" for language in self.config.languages}
        default = self.config.language(self.config.default_language)
        latest = [
            self.site.section_pages(language.code, "announcements")[:LANDING_ANNOUNCEMENTS]
            for language in self.config.languages
        ]
        yield self._listing(
            default,
            "landing.html",
            here,
            [page for pages in latest for page in pages],
            (tuple(len(pages) for pages in latest), self._fragment_bases("landing_column.html")),
            lambda: {
                "columns": [
                    self._render_fragment(
                        language,
                        "landing_column.html",
                        here,
                        home=relative_url(here, f"{language.code}/"),
                        announcements=self._links(here, pages),
                    )
                    for language, pages in zip(self.config.languages, latest, strict=True)
                ],
                "alternates": self._alternates(homes, ""),
                "canonical": self.absolute(""),
                "switch": self._switch(here, homes),
            },
        )

    def _not_found(self) -> Iterator[Output | Unchanged | Placed]:
        # Served for any missing address at any depth, so its links start at the site's root path.
        here = "404.html"
        root = "/" + self.config.base_url.split("://", 1)[-1].partition("/")[2]
        default = self.config.language(self.config.default_language)
        yield self._listing(
            default,
            "404.html",
            here,
            (),
            (self._fragment_bases("not_found_column.html"),),
            lambda: {
                "columns": [
                    self._render_fragment(language, "not_found_column.html", here, home=f"{root}{language.code}/")
                    for language in self.config.languages
                ],
                "root": root,
            },
        )

    def _home(self, language: Language) -> Iterator[Output | Unchanged | Placed]:
        here = f"{language.code}/index.html"
        homes = {other.code: f"{other.code}/" for other in self.config.languages}

        shown = [self.site.section_pages(language.code, section)[:HOME_ENTRIES] for section in SECTIONS]
        feed = self._feed_link(here, language)

        def context() -> dict[str, Any]:
            return {
                "home_sections": [
                    (section, self._links(here, pages)) for section, pages in zip(SECTIONS, shown, strict=True)
                ],
                "section_urls": {
                    section: relative_url(here, section_index_url(language, section, 1)) for section in SECTIONS
                },
                "alternates": self._alternates(homes, ""),
                "canonical": self.absolute(homes[language.code]),
                "switch": self._switch(here, homes),
                "feed": feed,
            }

        extra = (tuple(len(pages) for pages in shown), feed)
        yield self._listing(language, "home.html", here, [page for pages in shown for page in pages], extra, context)

    def _search(self, language: Language) -> Iterator[Output | Unchanged | Placed]:
        urls = {other.code: f"{other.code}/search/" for other in self.config.languages}
        here = urls[language.code] + "index.html"
        # Without JavaScript, the page offers the first page of each section's index instead.
        size = self.config.entries_per_page
        sections = [self.site.section_pages(language.code, section) for section in SECTIONS]
        shown = [pages[:size] for pages in sections]
        more = tuple(len(pages) > size for pages in sections)
        section_urls = {section: relative_url(here, section_index_url(language, section, 1)) for section in SECTIONS}
        yield self._listing(
            language,
            "search.html",
            here,
            [page for pages in shown for page in pages],
            (tuple(len(pages) for pages in shown), more),
            lambda: {
                "all_sections": [
                    (section, self._links(here, pages), more_pages)
                    for section, pages, more_pages in zip(SECTIONS, shown, more, strict=True)
                ],
                "section_urls": section_urls,
                "alternates": self._alternates(urls, urls[self.config.default_language]),
                "canonical": self.absolute(urls[language.code]),
                "switch": self._switch(here, urls),
                "noindex": True,
            },
        )

    def _section(self, language: Language, section: str) -> Iterator[Output | Unchanged | Placed]:
        """A section's index, in pages of `entries_per_page`: an edit renders again only the page of
        the index that lists what changed."""
        pages = self.site.section_pages(language.code, section)
        size = self.config.entries_per_page
        chunks = [pages[start : start + size] for start in range(0, len(pages), size)] or [[]]
        for number, shown in enumerate(chunks, start=1):
            yield self._section_page(language, section, shown, number, len(chunks))

    def _section_page(
        self, language: Language, section: str, shown: list[Page], number: int, count: int
    ) -> Output | Unchanged:
        # Every language's index has as many pages: each lists every page of the site, translated or not.
        urls = {other.code: section_index_url(other, section, number) for other in self.config.languages}
        here = urls[language.code] + "index.html"
        pagination = Pagination(
            number,
            count,
            relative_url(here, section_index_url(language, section, number - 1)) if number > 1 else None,
            relative_url(here, section_index_url(language, section, number + 1)) if number < count else None,
        )
        feed = self._feed_link(here, language) if section == "announcements" else None
        return self._listing(
            language,
            "section.html",
            here,
            shown,
            (pagination, feed),
            lambda: {
                "section": section,
                "pages": self._links(here, shown),
                "pagination": pagination,
                "alternates": self._alternates(urls, urls[self.config.default_language]),
                "canonical": self.absolute(urls[language.code]),
                "switch": self._switch(here, urls),
                "feed": feed,
            },
        )

    def _page(self, group: PageGroup, page: Page) -> Output | Unchanged:
        here = page.output_path
        language = self.config.language(page.lang)
        rendered = self._markdown(page)
        key = self._page_keys[here]
        kept = self.keys.kept(language.code, here, key)
        if kept is not None:
            return kept
        translated = {other.lang: other.url for other in group.translated}
        original = group.page(group.original.lang)
        urls = {other.lang: other.url for other in group.pages}
        json_ld = _faq_json_ld(page, rendered) if page.section == "faq" and rendered.questions else None
        return self._render(
            language,
            "page.html",
            here,
            key,
            page=page,
            source=page.source,
            body=Markup(rendered.html),
            content_language=self.config.language(page.source.lang),
            questions=rendered.questions,
            json_ld=json_ld,
            section_url=relative_url(here, section_index_url(language, page.section, 1)),
            alternates=[] if page.is_fallback else self._alternates(translated, original.url),
            canonical=self.absolute(original.url if page.is_fallback else page.url),
            noindex=page.is_fallback,
            switch=self._switch(here, urls),
            outdated=group.is_outdated(page),
            original=group.original,
            original_href=relative_url(here, original.url),
            downloads=[
                {"href": relative_url(here, download.path), "languages": download.languages, "size": download.size}
                for download in self._printed_editions(group)
                if page.source.lang in [language.code for language in download.languages]
            ],
        )

    # Printed guides ------------------------------------------------------------------------------

    def _printed_editions(self, group: PageGroup) -> list[Download]:
        """The PDFs of a guide: one per translation, and a bilingual handout per translated language."""
        if group.key[0] != "guides" or self.pdf_engine is None:
            return []
        if group.key not in self._printed:
            translated = group.translated
            default = next((page for page in translated if page.lang == self.config.default_language), None)
            sets: list[tuple[Page, ...]] = [(page,) for page in translated]
            if default is not None:
                sets += [(default, page) for page in translated if page is not default]
            downloads = []
            for pages in sets:
                languages_suffix = "" if len(pages) == 1 else "-" + "-".join(page.lang for page in pages)
                path = pages[0].url + pages[0].source.slug + languages_suffix + ".pdf"
                content = self._print(pages)
                self._pdf_outputs.append(Output(path, content))
                languages = tuple(self.config.language(page.lang) for page in pages)
                downloads.append(Download(path, languages, len(content)))
            self._printed[group.key] = downloads
        return self._printed[group.key]

    def _print(self, pages: tuple[Page, ...]) -> bytes:
        assert self.pdf_engine is not None
        editions = []
        for page in pages:
            language = self.config.language(page.lang)
            url = self.absolute(page.url)

            def absolute_links(target: str, page: Page = page) -> tuple[str, str] | None:
                linked = self.site.find_linked_source(page.source.path, target)
                if linked is None:
                    return None
                address = self.absolute(self.site.group(linked.key).page(page.lang).url)
                return address, address

            rendered = self.markdown.render(page.source, absolute_links)
            editions.append(
                self._render_fragment(
                    language,
                    "print_edition.html",
                    page.output_path,
                    source=page.source,
                    body=Markup(rendered.html),
                    qr_code=Markup(qr_code_svg(url)),
                    page_url=url,
                )
            )
        first = self.config.language(pages[0].lang)
        html = (
            self.environments[first.code]
            .get_template("print.html")
            .render(
                here=pages[0].output_path,
                editions=editions,
                paper=self.config.paper,
                title=" / ".join(page.source.title for page in pages),
            )
        )
        return self.pdf_engine.render(html)

    def _resolver(self, page: Page) -> Callable[[str], tuple[str, str] | None]:
        """Where a `.md` link on `page` leads: the page in the reader's language, relative and absolute."""

        # Pages in one folder, read in one language, from one output folder get the same answers:
        # every page's cached links are checked on each build, so the answers are remembered.
        where = (posixpath.dirname(page.source.path), page.lang, posixpath.dirname(page.output_path))

        def resolve(target: str) -> tuple[str, str] | None:
            if (where, target) in self._resolved:
                return self._resolved[(where, target)]
            linked = self.site.find_linked_source(page.source.path, target)
            answer = None
            if linked is not None:
                linked_page = self.site.group(linked.key).page(page.lang)
                answer = relative_url(page.output_path, linked_page.url), self.absolute(linked_page.url)
            self._resolved[(where, target)] = answer
            return answer

        return resolve

    def convert(self, page: Page) -> tuple[str, LinkResolution, Rendered]:
        """Markdown -> HTML for one page, with the link answers its cache entry depends on."""
        resolve = self._resolver(page)
        asked: list[tuple[str, Any]] = []

        def recording(target: str) -> tuple[str, str] | None:
            answer = resolve(target)
            asked.append((target, answer))
            return answer

        rendered = self.markdown.render(page.source, recording)
        return self._markdown_key(page), tuple(asked), rendered

    def _render_pages(self) -> list[Output | Unchanged | Placed]:
        """Convert and render every page, on every core when there is enough Markdown to convert.

        Starting workers costs the copy of this process and the return of every page's result, which
        only pays when pages must be converted; a rebuild after an edit stays in this process.
        """
        self._page_order = [(group, page) for group in self.site.groups for page in group.pages]
        self._known_pages = [self._known_page(group, page) for group, page in self._page_order]
        outputs = self._keep_known_pages()
        remaining = [index for index, output in enumerate(outputs) if output is None]
        to_convert = sum(
            self._markdown_key(self._page_order[index][1]) not in self.cache.markdown for index in remaining
        )
        if to_convert >= PARALLEL_THRESHOLD and (os.cpu_count() or 1) > 1:
            context = multiprocessing.get_context("fork")
            with context.Pool(os.cpu_count(), initializer=_start_worker, initargs=(self,)) as pool:
                done = pool.map(_render_page_in_worker, remaining, chunksize=32)
            for index, work in zip(remaining, done, strict=True):
                self._absorb(index, work)
        else:
            done = [self._render_page(index) for index in remaining]
        rendered = {index: work.outputs for index, work in zip(remaining, done, strict=True)}
        return [
            made
            for index, output in enumerate(outputs)
            for made in ([output] if output is not None else rendered[index])
        ]

    def _keep_known_pages(self) -> list[Output | Unchanged | Placed | None]:
        """Each published page that an earlier build of this process made from the inputs it has now
        (see _known_page), if it is still there: nothing to do but report its Markdown's problems.
        None for every other page."""
        pages = [page for _, page in self._page_order]
        wanted = [
            (page.lang, page.output_path, known[2])
            for page, known in zip(pages, self._known_pages, strict=True)
            if known is not None
        ]
        digests = iter(self.keys.kept_digests(wanted))
        outputs: list[Output | Unchanged | Placed | None] = []
        for page, known in zip(pages, self._known_pages, strict=True):
            digest = next(digests) if known is not None else None
            if known is None or digest is None:
                outputs.append(None)
                continue
            here = page.output_path
            markdown_key, rendered, page_key = known
            self.cache.used.add(markdown_key)
            self._converted[here] = rendered
            self._page_keys[here] = page_key
            self._markdown(page)
            placed = self.destination is not None
            outputs.append(Placed(here, digest, staged=False) if placed else Unchanged(here, digest))
        return outputs

    def _render_page(self, index: int) -> _PageWork:
        """One page, from its Markdown (converted, or from the cache) to its output."""
        group, page = self._page_order[index]
        problems_before, fresh_before = len(self.problems), self.fresh
        converted = None
        known = self._known_pages[index]
        if known is not None:
            key, rendered, page_key = known
            self.cache.used.add(key)
        else:
            key = self._markdown_key(page)
            cached = self.cache.markdown_result(key, self._resolver(page), self._link_table)
            if cached is None:
                _, asked, rendered = self.convert(page)
                converted = asked
                self.cache.keep_markdown(key, asked, rendered, self._link_table)
            else:
                asked, rendered = cached
            page_key = self.keys.of_page(group, page, key, asked, self._printed_editions(group))
            self.cache.pages[page.output_path] = _KnownPage(
                self._inputs_of(group, page),
                self._link_table,
                key,
                asked,
                rendered,
                page_key,
            )
        self._converted[page.output_path] = rendered
        self._page_keys[page.output_path] = page_key
        made = self._guarded(lambda: [self._page(group, page)])
        outputs: list[Output | Unchanged | Placed] = list(made)
        if self.destination is not None:
            # Written here, in the worker, so that the bytes never travel back to the main process.
            # An output that may not be written stays as it is, for check_paths to report.
            outputs = [self._placed(output, self.destination) for output in made]
        return _PageWork(
            outputs,
            self.keys.records.get(page.output_path),
            self.fresh - fresh_before,
            tuple(self.problems[problems_before:]),
            key,
            rendered,
            converted,
            page_key,
        )

    def _inputs_of(self, group: PageGroup, page: Page) -> tuple[Any, ...]:
        """Everything a page's key is made from but its links' answers (see _known_page), as objects: a
        process that builds again and again keeps each source's object while its file is unchanged, so an
        unchanged page compares equal at once."""
        sources = tuple([other.source for other in group.pages])
        return (
            self.keys.page_base(page.lang),
            group.original,
            sources,
            *self._printed_editions(group),
        )

    def _known_page(self, group: PageGroup, page: Page) -> tuple[str, Rendered, str] | None:
        """The Markdown key, converted Markdown and key of a page made from these same inputs by an
        earlier build of this process."""
        known = self.cache.pages.get(page.output_path)
        if not isinstance(known, _KnownPage) or known.inputs != self._inputs_of(group, page):
            return None
        if known.link_table != self._link_table:
            # A page was added, renamed or removed: this one is as it was if its links get the same answers.
            confirmed = self._links_confirmed(page, known)
            if confirmed is None:
                return None
            known = self.cache.pages[page.output_path] = confirmed
        return known.markdown_key, known.rendered, known.page_key

    def _links_confirmed(self, page: Page, known: _KnownPage) -> _KnownPage | None:
        """`known` under this build's link table, if the page's links still get the answers it was made
        with: found without asking when pages were only added since, at none of the paths they look at."""
        if known.link_table == self._link_table_before:
            # Where its links look depends on their targets and the languages, which have not changed.
            probes = known.probes if known.probes is not None else self._probes(page, known.asked)
            known = known._replace(probes=probes)
            if probes.isdisjoint(self._pages_added):
                if known.markdown_key in self.cache.markdown:
                    self.cache.confirm_links(known.markdown_key, self._link_table)
                return known._replace(link_table=self._link_table)
        cached = self.cache.markdown_result(known.markdown_key, self._resolver(page), self._link_table)
        if cached is None or cached[0] != known.asked:
            return None
        return known._replace(link_table=self._link_table)

    def _probes(self, page: Page, asked: LinkResolution) -> frozenset[str]:
        """Every path the answers to the page's links were looked up at (see Site.link_probes)."""
        return frozenset(probe for target, _ in asked for probe in self.site.link_probes(page.source.path, target))

    @staticmethod
    def _placed(output: Output | Unchanged | Placed, destination: Destination) -> Output | Unchanged | Placed:
        if isinstance(output, Placed):
            return output
        return destination.place(output) or output

    def _markdown_key(self, page: Page) -> str:
        # Made from the source's id rather than its text: the id is the hash of the file, text included.
        source = page.source
        return self.cache.key("markdown", ENGINE, source.path, source.blob_id, page.lang, page.output_path)

    def _absorb(self, index: int, work: _PageWork) -> None:
        """Take in what a worker process did to its own copy of this renderer for one page."""
        page = self._page_order[index][1]
        self.problems.extend(work.problems)
        self.fresh += work.fresh
        if work.record is not None:
            self.keys.records[page.output_path] = work.record
            self.catalogs[page.lang].missing.update(work.record.missing)
        self._converted[page.output_path] = work.rendered
        asked = work.link_answers if work.link_answers is not None else self.cache.markdown[work.markdown_key][0]
        self.cache.pages[page.output_path] = _KnownPage(
            self._inputs_of(*self._page_order[index]),
            self._link_table,
            work.markdown_key,
            asked,
            work.rendered,
            work.page_key,
        )
        if work.link_answers is None:
            # Found in the worker's copy of the cache, its links confirmed under this build's table.
            self.cache.used.add(work.markdown_key)
            if self.cache.markdown[work.markdown_key][2] != self._link_table:
                self.cache.confirm_links(work.markdown_key, self._link_table)
        else:
            self.cache.keep_markdown(work.markdown_key, work.link_answers, work.rendered, self._link_table)

    def _markdown(self, page: Page) -> Rendered:
        """The page's converted Markdown, which _render_page found or made before rendering it."""
        rendered = self._converted[page.output_path]
        # A fallback page repeats its original's text: report the original's problems once.
        if not page.is_fallback:
            self.problems.extend(rendered.problems)
        return rendered

    def _links(self, here: str, pages: list[Page]) -> list[dict[str, Any]]:
        listed = [self._listed(page) for page in pages]
        return [{"page": page, "source": page.source, "href": relative_url(here, page.url)} for page in listed]

    def _listed(self, page: Page) -> ListedPage:
        listed = self._listed_pages.get(page.output_path)
        if listed is None:
            listed = self._listed_pages[page.output_path] = ListedPage(
                page.lang, page.url, self._listed_source(page.source)
            )
        return listed

    @staticmethod
    def _listed_source(source: SourcePage) -> ListedSource:
        return ListedSource(
            source.path,
            source.lang,
            source.section,
            source.title,
            source.summary,
            source.date,
            source.updated,
            source.slug,
        )

    # Feeds and indexes -------------------------------------------------------------------------

    def _feed_entries(self, language: Language) -> list[Page]:
        """The newest announcements written in the language (a feed carries no fallbacks)."""
        entries = self._feeds.get(language.code)
        if entries is None:
            pages = self.site.section_pages(language.code, "announcements")
            entries = self._feeds[language.code] = [page for page in pages if not page.is_fallback][:FEED_ENTRIES]
        return entries

    def _feed_link(self, here: str, language: Language) -> str | None:
        return relative_url(here, f"{language.code}/feed.xml") if self._feed_entries(language) else None

    def _feed(self, language: Language) -> Iterator[Output | Unchanged | Placed]:
        entries = self._feed_entries(language)
        if not entries:
            return
        here = f"{language.code}/feed.xml"
        yield self._listing(
            language,
            "feed.xml",
            here,
            entries,
            (),
            lambda: {
                "entries": [self._listed(page) for page in entries],
                "updated": max(page.source.last_changed or datetime.date.min for page in entries),
                "feed_url": self.absolute(here),
                "home_url": self.absolute(f"{language.code}/"),
                "absolute": self.absolute,
            },
        )

    def _search_index(self, language: Language) -> list[Output | Unchanged]:
        """The search index of a language's translated pages, from the end of the search page's lists
        to their start (see search.build_index), patched from the one the last build of this process
        made when there is one."""
        previous = self.cache.search.get(language.code)
        texts = [
            (page.url, page.source.title, page.source.summary, self._converted[page.output_path].words)
            for section in SECTIONS
            for page in self.site.section_pages(language.code, section)
            if not page.is_fallback
        ]
        texts.reverse()
        documents = [
            (previous.known_document(*text, number=number) if previous is not None else None) or search.document(*text)
            for number, text in enumerate(texts)
        ]
        published = self.keys.previous.digests if self.keys.previous is not None else None
        outputs, index = search.build_index(language.code, documents, previous, published)
        self.cache.search[language.code] = index
        return outputs

    def _sitemap(self) -> Iterator[Output | Unchanged | Placed]:
        """A sitemap per language, and at the root an index of them (as search engines read a
        multilingual site): adding a page changes the sitemap of its language only, and no sitemap
        comes near the protocol's 50,000 addresses as the site grows."""
        default = self.config.language(self.config.default_language)
        codes = self.config.language_codes
        yield self._listing(
            default,
            "sitemap_index.xml",
            "sitemap.xml",
            (),
            codes,
            lambda: {"sitemaps": [self.absolute(f"{code}/sitemap.xml") for code in codes]},
        )
        digests = self._sitemap_digests()
        for language in self.config.languages:
            yield self._language_sitemap(language, digests[language.code])

    def _language_sitemap(self, language: Language, digest: str) -> Output | Unchanged:
        return self._listing(
            language,
            "sitemap.xml",
            f"{language.code}/sitemap.xml",
            (),
            (digest,),
            lambda: {"entries": sorted(self._sitemap_entries(language.code), key=lambda entry: entry["url"])},
        )

    def _sitemap_digests(self) -> dict[str, str]:
        """For each language, a digest of everything _sitemap_entries reads: the groups with a page
        translated into it, their translated pages, addresses and last changes, and the address of
        their original (the x-default)."""
        hashers = {code: hashlib.sha256() for code in self.config.language_codes}
        known, self.cache.sitemap = self.cache.sitemap, {}
        for group in self.site.groups:
            # A process that builds again and again keeps each unchanged group's object: digested once.
            before = known.get(group.key)
            if before is None or before[0] is not group:
                parts = [group.page(group.original.lang).url]
                for page in group.translated:
                    parts += (page.lang, page.url, str(page.source.last_changed))
                digest = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).digest()
                before = (group, digest, tuple(page.lang for page in group.translated))
            self.cache.sitemap[group.key] = before
            for code in before[2]:
                hashers[code].update(before[1])
        return {code: hasher.hexdigest() for code, hasher in hashers.items()}

    def _sitemap_entries(self, code: str) -> list[dict[str, Any]]:
        """The language's translated pages (an untranslated page's canonical address is its original's)
        and its home, each with the addresses of its translations."""
        entries: list[dict[str, Any]] = []
        for group in self.site.groups:
            translated = group.translated
            if code not in [page.lang for page in translated]:
                continue
            alternates = self._alternates(
                {page.lang: page.url for page in translated}, group.page(group.original.lang).url
            )
            entries.append(
                {
                    "url": self.absolute(group.page(code).url),
                    "lastmod": _last_changed(group.page(code)),
                    "alternates": alternates,
                }
            )
        homes = {other.code: f"{other.code}/" for other in self.config.languages}
        entries.append({"url": self.absolute(homes[code]), "lastmod": None, "alternates": self._alternates(homes, "")})
        return entries

    def _robots(self) -> Iterator[Output | Unchanged | Placed]:
        default = self.config.language(self.config.default_language)
        yield self._listing(
            default, "robots.txt", "robots.txt", (), (), lambda: {"sitemap": self.absolute("sitemap.xml")}
        )

    def _missing_strings(self) -> list[Problem]:
        problems = []
        for catalog in self.catalogs.values():
            if catalog.missing:
                names = ", ".join(f'"{message}"' for message in sorted(catalog.missing)[:8])
                more = f" and {len(catalog.missing) - 8} more" if len(catalog.missing) > 8 else ""
                problems.append(
                    warning(
                        catalog.path,
                        None,
                        f"{len(catalog.missing)} interface string(s) not translated into "
                        f"{catalog.language.name}, shown in English: {names}{more}",
                        f"run `python build.py i18n update`, then translate them in {catalog.path}",
                    )
                )
        return problems


class _KnownPage(NamedTuple):
    """What a page of an earlier build of this process was made from, and what it made."""

    inputs: tuple[Any, ...]
    """See Renderer._inputs_of."""
    link_table: str
    """The link table its links' answers were confirmed against."""
    markdown_key: str
    asked: LinkResolution
    rendered: Rendered
    page_key: str
    probes: frozenset[str] | None = None
    """Where its links' answers were looked up (Site.link_probes), found when first needed: only a
    process that builds again after a page was added needs them."""


class _PageWork(NamedTuple):
    """What rendering one page made and changed, sent back from a worker process."""

    outputs: list[Output | Unchanged | Placed]
    record: RenderRecord | None
    fresh: int
    problems: tuple[Problem, ...]
    markdown_key: str
    rendered: Rendered
    link_answers: LinkResolution | None
    """Set when the Markdown was converted rather than found in the cache."""
    page_key: str


_worker: Renderer | None = None
"""In a worker process only: the renderer it was forked with (fork copies it, nothing is sent)."""


def _start_worker(renderer: Renderer) -> None:
    global _worker
    _worker = renderer


def _render_page_in_worker(index: int) -> _PageWork:
    assert _worker is not None
    return _worker._render_page(index)


class _CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled by earlier builds, kept in the build cache under their names: Jinja checks
    each against its source's checksum (and Python's version) before using it, so an edited template
    is compiled again. Every template of the site stays in the cache, used in this build or not."""

    def __init__(self, cache: BuildCache, loader: jinja2.BaseLoader) -> None:
        self.cache = cache
        for name in loader.list_templates():
            cache.template(self.get_cache_key(name))

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return cache_key("compiled template", name)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.cache.template(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.cache.keep_template(bucket.key, bucket.bytecode_to_string())


@jinja2.pass_context
def _url(context: jinja2.runtime.Context, target: str) -> str:
    return relative_url(context["here"], target)


def section_index_url(language: Language, section: str, number: int) -> str:
    """The address of page `number` (from 1) of a section's index in a language."""
    first = f"{language.code}/{language.segment(section)}/"
    return first if number == 1 else f"{first}page/{number}/"


def _last_changed(page: Page) -> datetime.date | None:
    return page.source.last_changed


def _faq_json_ld(page: Page, rendered: Rendered) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "inLanguage": page.source.lang,
        "mainEntity": [
            {
                "@type": "Question",
                "name": question.question,
                "acceptedAnswer": {"@type": "Answer", "text": question.answer},
            }
            for question in rendered.questions
        ],
    }


def _template_frame() -> tuple[str, int | None]:
    """The template file and line being rendered when Jinja raised, read from the traceback."""
    for frame in reversed(traceback.extract_tb(sys.exc_info()[2])):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            return f"templates/{posixpath.basename(frame.filename)}", frame.lineno
    return "templates/", None
