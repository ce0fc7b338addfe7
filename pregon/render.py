"""Site -> outputs: every output planned (plans.py), then each one kept from the published site or
rendered, the pages on every core when there is Markdown enough to convert.

The work follows the data: the lists; the guides handed to the print service; the pages without
printed editions, made while it lays the guides out; then the guides' pages, which link to their PDFs
with their sizes. The outputs stay in the site's order (lists, pages, PDFs), and with the pages comes
what the search index is made of (search.py, the stage after this one). One place decides for every
output whether to keep or to render it (OutputMaker.make).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass

import jinja2

from . import search
from .cache import SavedCache
from .chrome import Chrome, make_chromes, site_today
from .contexts import context_of
from .conversion import Conversion, Conversions
from .environments import MissingStrings, Templates, template_problem
from .errors import Problem, warning
from .i18n import LanguageCatalog
from .incremental import KnownKey, OutputKeys
from .last_build import OutputRecord, PublishedSite
from .output import Destination, Output, Placed, Unchanged
from .plans import Download, PagePlan, Plan, plan_lists
from .printed import PdfEngine, PendingPrints, PrintedGuides, start_printing
from .site import Site
from .workers import cores, map_in_workers

PARALLEL_THRESHOLD = 200
"""Below this many pages to convert, starting worker processes costs more than it saves."""

Made = Output | Unchanged | Placed


@dataclass(frozen=True)
class RenderedSite:
    outputs: tuple[Made, ...]
    problems: tuple[Problem, ...]
    records: Mapping[str, OutputRecord]
    rendered: int
    """How many outputs were rendered rather than kept."""
    search_records: tuple[search.SearchRecord, ...]
    """What the search index is made of (search.py, the next stage): every translated page's text."""


@dataclass(frozen=True)
class MadeOutput:
    output: Output | Unchanged
    record: OutputRecord
    rendered: bool


class OutputMaker:
    """Keeps an output whose plan and key are those of the published file, or renders it."""

    def __init__(self, site: Site, keys: OutputKeys, templates: Templates, published: PublishedSite | None) -> None:
        self.config = site.config
        self.keys = keys
        self.templates = templates
        self.published = published

    def kept(self, plan: Plan, key: str) -> tuple[Unchanged, OutputRecord] | None:
        """The published file, if it was made under this key and is still there, and its record."""
        record = self.published.kept(plan.path, key) if self.published is not None else None
        if record is None or self.published is None:
            return None
        return Unchanged(plan.path, self.published.digests[plan.path]), record

    def make(self, plan: Plan) -> MadeOutput:
        key = self.keys.of(plan)
        kept = self.kept(plan, key)
        if kept is not None:
            return MadeOutput(kept[0], kept[1], rendered=False)
        text = self.templates.render(
            plan.lang, plan.template, plan.path, lambda: context_of(plan, self.config, self.templates)
        )
        return MadeOutput(Output(plan.path, text.text.encode("utf-8")), OutputRecord(key, text.missing), rendered=True)


@dataclass(frozen=True)
class PageResult:
    """What making one page gave: sent back from a worker process, applied in render_site. It holds
    no bytes when the page was written into the destination by the process that rendered it."""

    output: Made | None
    """None when its template failed (see problems)."""
    record: OutputRecord | None
    rendered: bool
    problems: tuple[Problem, ...]
    conversion: Conversion


def render_site(
    site: Site,
    catalogs: Mapping[str, LanguageCatalog],
    cache: SavedCache,
    *,
    pdf_engine: PdfEngine | None = None,
    preview: bool = False,
    published: PublishedSite | None = None,
    destination: Destination | None = None,
    link_probes: MutableMapping[str, frozenset[str]] | None = None,
    known_keys: MutableMapping[str, KnownKey] | None = None,
    today: datetime.date | None = None,
) -> RenderedSite:
    """Every output of the site. `destination`: where pages are written as soon as they are rendered
    (by the worker that rendered them); without one, they are returned. `link_probes`, `known_keys`:
    what a process that builds again and again kept from its last build (conversion.py,
    incremental.py). `today`: the day whose alerts are shown (by default,
    today in the site's time zone, see chrome.site_today)."""
    templates = Templates(site.config, catalogs, cache, preview)
    chromes, chrome_problems = make_chromes(site, today or site_today(site.config.timezone))
    keys = OutputKeys(site.config, catalogs, templates, preview, known_keys)
    maker = OutputMaker(site, keys, templates, published)
    conversions = Conversions(site, cache, link_probes if link_probes is not None else {})
    problems: list[Problem] = list(chrome_problems)
    outputs: list[Made] = []
    records: dict[str, OutputRecord] = {}
    rendered = 0
    missing: set[tuple[str, str]] = set()

    def take(output: Made, record: OutputRecord, made_now: bool) -> None:
        nonlocal rendered
        outputs.append(output)
        records[output.path] = record
        missing.update(record.missing)
        rendered += made_now

    for plan in plan_lists(site, chromes, preview):
        try:
            made = maker.make(plan)
        except jinja2.TemplateError as exc:
            problems.append(template_problem(exc, site.config))
            continue
        take(made.output, made.record, made.rendered)

    pages = _PageMaker(site, maker, conversions, destination, chromes)
    results, printed = _made_pages(pages, start_printing(site, templates, pdf_engine))
    problems.extend(printed.problems)
    missing.update(printed.missing)
    search_records: list[search.SearchRecord] = []
    for (_, page), result in zip(pages.order, results, strict=True):
        # A fallback page repeats its original's text: its original reports the text's problems once,
        # and is the one the index finds (the search page offers to search the default language).
        if not page.is_fallback:
            problems.extend(result.conversion.converted.problems)
            search_records.append(
                search.SearchRecord(
                    page.url,
                    site.config.language(page.lang).tag,
                    page.source.title,
                    page.source.summary,
                    result.conversion.converted.html,
                )
            )
        problems.extend(result.problems)
        if result.output is not None and result.record is not None:
            take(result.output, result.record, result.rendered)
    outputs.extend(printed.outputs)

    problems.extend(_missing_strings(catalogs, missing))
    if known_keys is not None:
        for gone in [path for path in known_keys if path not in records]:
            del known_keys[gone]  # a page removed, or a template that failed: not kept for ever
    return RenderedSite(tuple(outputs), _once(problems), records, rendered, tuple(search_records))


def _made_pages(pages: _PageMaker, printing: PendingPrints) -> tuple[list[PageResult], PrintedGuides]:
    """Every page's result, in the site's order, and the printed guides. The pages without printed
    editions are made while the print service lays the guides out; then the guides' pages, which show
    their PDFs' sizes."""
    printed_groups = printing.printed_groups
    results = pages.make_all(
        [index for index, (group, _) in enumerate(pages.order) if group.key not in printed_groups], {}
    )
    printed = printing.finish()
    guides = [index for index, (group, _) in enumerate(pages.order) if group.key in printed_groups]
    results.update(pages.make_all(guides, printed.downloads))
    return [results[index] for index in range(len(pages.order))], printed


class _PageMaker:
    """Every page of the site, in the order of its groups: a pure function per page (make), run in this
    process or in workers, given its guide's printed editions (make_all)."""

    def __init__(
        self,
        site: Site,
        maker: OutputMaker,
        conversions: Conversions,
        destination: Destination | None,
        chromes: Mapping[str, Chrome],
    ) -> None:
        self.order = [(group, page) for group in site.groups for page in group.pages]
        self.chromes = chromes
        self.maker = maker
        self.conversions = conversions
        self.destination = destination
        self.found = [conversions.found(page) for _, page in self.order]
        # Decided once for the site, not for each part of it that make_all is given: starting workers
        # costs a copy of this process, which only pays when there is Markdown enough to convert.
        self.parallel = sum(conversion is None for conversion in self.found) >= PARALLEL_THRESHOLD and cores() > 1
        self._downloads: Mapping[tuple[str, str], tuple[Download, ...]] = {}

    def make_all(
        self, indexes: list[int], downloads: Mapping[tuple[str, str], tuple[Download, ...]]
    ) -> dict[int, PageResult]:
        """The pages at `indexes` (in self.order), by index; `downloads`: the printed editions of their
        guides, by group key. Pages whose conversion is cached and whose key is the published file's are
        kept here, in one pass over them; the others are made, on every core if the site is large."""
        self._downloads = downloads
        results: dict[int, PageResult] = {}
        remaining: list[int] = []
        for index in indexes:
            kept = self._kept(index)
            if kept is None:
                remaining.append(index)
            else:
                results[index] = kept
        if self.parallel and remaining:
            made = map_in_workers(self.make, remaining)
        else:
            made = [self.make(index) for index in remaining]
        for index, result in zip(remaining, made, strict=True):
            # Made here or in a worker, whose copy of the cache is gone: kept in this process's.
            self.conversions.keep(result.conversion)
            results[index] = result
        return results

    def _plan(self, index: int, conversion: Conversion) -> PagePlan:
        group, page = self.order[index]
        return PagePlan(
            page.output_path,
            page.lang,
            self.chromes[page.lang],
            page,
            group,
            conversion,
            self._downloads.get(group.key, ()),
        )

    def _kept(self, index: int) -> PageResult | None:
        """The page kept from the published site, if its conversion is cached: decided here, without
        starting workers."""
        conversion = self.found[index]
        if conversion is None or self.maker.published is None:
            return None
        plan = self._plan(index, conversion)
        kept = self.maker.kept(plan, self.maker.keys.of(plan))
        if kept is None:
            return None
        unchanged, record = kept
        placed: Made = Placed(plan.path, unchanged.digest, staged=False) if self.destination is not None else unchanged
        return PageResult(placed, record, False, (), conversion)

    def make(self, index: int) -> PageResult:
        """One page, from its Markdown (converted, or from the cache) to its output, written into the
        destination here, so that its bytes never travel back from a worker process."""
        conversion = self.found[index] or self.conversions.convert(self.order[index][1])
        try:
            made = self.maker.make(self._plan(index, conversion))
        except jinja2.TemplateError as exc:
            return PageResult(None, None, False, (template_problem(exc, self.maker.config),), conversion)
        placed: Made = made.output
        if self.destination is not None:
            # An output that may not be written stays as it is, for check_paths to report.
            placed = self.destination.place(made.output) or made.output
        return PageResult(placed, made.record, made.rendered, (), conversion)


def _missing_strings(
    catalogs: Mapping[str, LanguageCatalog], shown: MissingStrings | set[tuple[str, str]]
) -> list[Problem]:
    problems = []
    for code, catalog in catalogs.items():
        missing = catalog.untranslated | {message for lang, message in shown if lang == code}
        if missing:
            names = ", ".join(f'"{message}"' for message in sorted(missing)[:8])
            more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
            problems.append(
                warning(
                    catalog.path,
                    None,
                    f"{len(missing)} interface string(s) not translated into "
                    f"{catalog.language.name}, shown in English: {names}{more}",
                    f"run `pregon i18n update`, then translate them in {catalog.path}"
                    if catalog.path in catalog.files
                    else f"run `pregon i18n init {code}`, then translate them in {catalog.path}",
                )
            )
    return problems


def _once(problems: Sequence[Problem]) -> tuple[Problem, ...]:
    """Each problem once, in the order found: a mistake in a template is met by every output made with it."""
    return tuple(dict.fromkeys(problems))
