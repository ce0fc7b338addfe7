"""Printed editions of action guides: one PDF per translation and a bilingual handout per translated
language, made from HTML for paper with WeasyPrint, and cached by that HTML.

WeasyPrint is a layout engine made for paged media; it embeds the fonts it uses, so accents, ñ, ¿
and ¡ print anywhere. It may fetch nothing but the site's own static files. A PDF is made again only
when the HTML it is made from changed: the cache is keyed by that HTML, so it can never be stale.
Each edition is laid out once, and a handout is made of its two editions' layouts, in the print
service's processes (print_service.py).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import jinja2
from markupsafe import Markup

from .conversion import LinkAnswer
from .environments import MissingStrings, Templates, template_problem
from .errors import Problem, error, warning
from .files import atomic_write
from .markdown import MarkdownConverter
from .output import Output
from .plans import Download
from .print_service import GuideJob, GuidePdfs, Handout, import_weasyprint, print_service
from .services import NotReady, Service, ServiceFailed
from .site import Page, PageGroup, Site, web_address
from .site_config import PLAIN, Language

CACHE_FOLDER = "pdf"


@dataclass(frozen=True)
class PdfEngine:
    """Gives each printed edition its PDF: from the cache when its HTML was printed before, else from
    the print service."""

    service: Service[list[GuideJob], list[GuidePdfs]]
    cache_dir: Path
    stylesheet: str
    used: set[str] = field(default_factory=set, compare=False)
    """Cache keys this build used; the others are pruned after it."""

    def key(self, *parts: str) -> str:
        return hashlib.sha256("\0".join((_weasyprint_version(), self.stylesheet, *parts)).encode("utf-8")).hexdigest()

    def cached(self, key: str) -> bytes | None:
        self.used.add(key)
        cached = self.cache_dir / f"{key}.pdf"
        return cached.read_bytes() if cached.is_file() else None

    def keep(self, key: str, pdf: bytes) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        atomic_write(self.cache_dir / f"{key}.pdf", pdf)

    def close(self) -> None:
        self.service.close()


def _weasyprint_version() -> str:
    """Read from the package's metadata: a build whose PDFs are all cached never waits for the import."""
    try:
        return metadata.version("weasyprint")
    except metadata.PackageNotFoundError:
        return "none"


def start_engine(
    static_folders: tuple[Path, ...], cache_root: Path, stylesheet: Path | None, *, load_here: bool = False
) -> tuple[PdfEngine | None, list[Problem]]:
    """The PDF engine, its service importing WeasyPrint from now on; None with a warning when the print
    stylesheet cannot be read. (That WeasyPrint cannot be loaded is found when guides are printed.)
    `load_here`: import WeasyPrint in this process first, once, so that the service of every later
    build of this process (the preview's) starts with it loaded."""
    try:
        if stylesheet is None:
            raise FileNotFoundError("neither the site's static/ nor the theme has print.css")
        style = stylesheet.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [
            warning(
                str(stylesheet or "static/print.css"),
                None,
                f"printed guides (PDF) were not made: the print stylesheet cannot be read ({exc})",
                "restore static/print.css, or delete the site's own copy to use the theme's",
            )
        ]
    if load_here:
        try:
            import_weasyprint()  # loaded for the services forked from this process
        except (ImportError, OSError):
            pass  # the service says so, when guides are printed
    service = print_service(static_folders, style)
    service.start()
    return PdfEngine(service, cache_root / CACHE_FOLDER, style), []


def _not_loaded(exc: ServiceFailed) -> Problem:
    return warning(
        "site.yaml",
        None,
        f"printed guides (PDF) were not made: WeasyPrint cannot be loaded ({exc})",
        "install it with: pip install weasyprint==70.0 (it needs the system's pango library: "
        "apt-get install libpango-1.0-0 libpangoft2-1.0-0)",
    )


def qr_code_svg(url: str) -> str:
    """A QR code leading to `url`, as inline SVG for the printed page."""
    buffer = io.BytesIO()
    # Loaded here: it brings much of the standard library's web modules, and only guides print.
    import segno

    segno.make(url, error="m").save(buffer, kind="svg", xmldecl=False, svgns=True, scale=4, border=2, title=url)
    return buffer.getvalue().decode("utf-8")


def prune_cache(engine: PdfEngine) -> None:
    """Forget PDFs no longer made from the current sources, so the cache does not grow forever."""
    if engine.cache_dir.is_dir():
        for cached in engine.cache_dir.glob("*.pdf"):
            if cached.stem not in engine.used:
                cached.unlink()


@dataclass(frozen=True)
class PrintedGuides:
    downloads: Mapping[tuple[str, str], tuple[Download, ...]]
    """Each guide's printed editions, by its group's key: every page of the guide links to them."""
    outputs: tuple[Output, ...]
    missing: MissingStrings
    problems: tuple[Problem, ...]


def start_printing(site: Site, templates: Templates, engine: PdfEngine | None) -> PendingPrints:
    """The PDFs of every guide, one per translation and a bilingual handout per translated language,
    begun: every guide's print HTML made, and what the PDF cache does not hold handed to the print
    service, which lays it out while the build goes on (PendingPrints.finish waits for it). A request
    larger than a pipe holds (the HTML of dozens of guides) is taken only once the service has loaded
    WeasyPrint: the build waits for that here."""
    if engine is None:
        return PendingPrints(frozenset(), [], (), None)
    printer = _Printer(site, templates)
    problems: list[Problem] = []
    guides: list[_Guide] = []
    printed_groups: set[tuple[str, str]] = set()
    for group in site.groups:
        if not printed(site, group):
            continue
        printed_groups.add(group.key)
        try:
            guides.append(printer.guide(group))
        except jinja2.TemplateError as exc:
            problems.append(template_problem(exc, site.config))
    try:
        sent = _send_jobs(guides, engine)
    except ServiceFailed as exc:
        return PendingPrints(frozenset(printed_groups), guides, (*problems, _service_problem(exc)), None)
    return PendingPrints(frozenset(printed_groups), guides, tuple(problems), sent)


class PendingPrints:
    """The guides being laid out by the print service."""

    def __init__(
        self,
        printed_groups: frozenset[tuple[str, str]],
        guides: list[_Guide],
        problems: tuple[Problem, ...],
        sent: _SentJobs | None,
    ) -> None:
        """`sent`: what the service was asked for; None if nothing could be (no engine, or it failed)."""
        self.printed_groups = printed_groups
        """The keys of the groups with printed editions: their pages wait for finish()."""
        self._guides = guides
        self._problems = problems
        self._sent = sent
        self._finished: PrintedGuides | None = None

    def finish(self) -> PrintedGuides:
        """Waits for the PDFs the service is laying out: each guide's editions, and what its pages link
        to. Asked again, it gives the same answer without asking the service again."""
        if self._finished is None:
            self._finished = self._printed()
        return self._finished

    def _printed(self) -> PrintedGuides:
        if self._sent is None:
            return PrintedGuides({}, (), frozenset(), self._problems)
        try:
            pdfs = self._sent.received()
        except ServiceFailed as exc:
            return PrintedGuides({}, (), frozenset(), (*self._problems, _service_problem(exc)))
        downloads: dict[tuple[str, str], tuple[Download, ...]] = {}
        outputs: list[Output] = []
        missing: set[tuple[str, str]] = set()
        for guide in self._guides:
            editions = (*guide.singles, *guide.handouts)
            outputs += [Output(edition.path, pdfs[edition.path]) for edition in editions]
            downloads[guide.key] = tuple(
                Download(edition.path, edition.languages, len(pdfs[edition.path])) for edition in editions
            )
            for edition in editions:
                missing.update(edition.missing)
        return PrintedGuides(downloads, tuple(outputs), frozenset(missing), self._problems)


def _service_problem(exc: ServiceFailed) -> Problem:
    """What the build says when the print service could not load WeasyPrint, or failed on a guide."""
    if isinstance(exc, NotReady):
        return _not_loaded(exc)
    return error("static/print.css", None, f"the printed guides could not be laid out: {exc}", _LAYOUT_HINT)


_LAYOUT_HINT = "undo the last change to a guide or to print.css, and report it if it persists"


@dataclass(frozen=True)
class _Edition:
    path: str
    languages: tuple[Language, ...]
    missing: MissingStrings


@dataclass(frozen=True)
class _Single(_Edition):
    html: str


@dataclass(frozen=True)
class _Pair(_Edition):
    halves: tuple[int, int]
    """The singles (indexes into _Guide.singles) it is made of."""
    title: str


@dataclass(frozen=True)
class _Guide:
    key: tuple[str, str]
    singles: tuple[_Single, ...]
    handouts: tuple[_Pair, ...]


@dataclass(frozen=True)
class _SentJobs:
    engine: PdfEngine
    cached: dict[str, bytes]
    """The PDFs of the editions the cache holds, by path."""
    awaited: list[list[tuple[str, str]]]
    """For each job sent, the path and cache key of each PDF it makes, in the order it answers them."""

    def received(self) -> dict[str, bytes]:
        """Every edition's PDF by its path: those cached, and the others once the service answers (asked
        once: see PendingPrints.finish)."""
        found = dict(self.cached)
        if self.awaited:
            for made, printed_pdfs in zip(self.awaited, self.engine.service.answer(), strict=True):
                for (path, key), pdf in zip(made, printed_pdfs.singles + printed_pdfs.handouts, strict=True):
                    self.engine.keep(key, pdf)
                    found[path] = pdf
        return found


def _send_jobs(guides: list[_Guide], engine: PdfEngine) -> _SentJobs:
    """Takes what the cache holds, and hands the print service the rest, all at once."""
    cached: dict[str, bytes] = {}
    jobs: list[GuideJob] = []
    awaited: list[list[tuple[str, str]]] = []
    for guide in guides:
        job, made = _job(guide, engine, cached)
        if job is not None:
            jobs.append(job)
            awaited.append(made)
    if jobs:
        engine.service.send(jobs)
    return _SentJobs(engine, cached, awaited)


def _job(guide: _Guide, engine: PdfEngine, cached: dict[str, bytes]) -> tuple[GuideJob | None, list[tuple[str, str]]]:
    """What the print service must make of the guide (None: everything is cached, now in `cached`), and
    the path and cache key of each PDF it makes: its singles, then its handouts."""
    single_keys = [engine.key(single.html) for single in guide.singles]
    singles: list[tuple[int, str]] = []
    handouts: list[tuple[_Pair, str]] = []
    for index, (single, key) in enumerate(zip(guide.singles, single_keys, strict=True)):
        pdf = engine.cached(key)
        if pdf is None:
            singles.append((index, key))
        else:
            cached[single.path] = pdf
    for pair in guide.handouts:
        key = engine.key("handout", single_keys[pair.halves[0]], single_keys[pair.halves[1]], pair.title)
        pdf = engine.cached(key)
        if pdf is None:
            handouts.append((pair, key))
        else:
            cached[pair.path] = pdf
    if not singles and not handouts:
        return None, []
    # Each edition laid out once in the job, whether for its own PDF, a handout, or both.
    laid_out: dict[int, int] = {}  # an edition's index in the guide -> its index in the job
    single_numbers = tuple(laid_out.setdefault(index, len(laid_out)) for index, _ in singles)
    pairs = tuple(
        Handout(
            laid_out.setdefault(pair.halves[0], len(laid_out)),
            laid_out.setdefault(pair.halves[1], len(laid_out)),
            pair.title,
        )
        for pair, _ in handouts
    )
    editions = tuple(guide.singles[index].html for index in sorted(laid_out, key=laid_out.__getitem__))
    made = [(guide.singles[index].path, key) for index, key in singles] + [(pair.path, key) for pair, key in handouts]
    return GuideJob(editions, single_numbers, pairs), made


def printed_languages(site: Site) -> tuple[Language, ...]:
    """The languages guides are printed in."""
    codes = {page.lang for group in site.groups for page in group.translated if _prints(site, page)}
    return tuple(language for language in site.config.languages if language.code in codes)


def printed(site: Site, group: PageGroup) -> bool:
    """Whether a page has printed editions in any language (see _prints)."""
    return any(_prints(site, page) for page in group.translated)


def _prints(site: Site, page: Page) -> bool:
    """Whether a translation is printed: a guide's, unless it (or its source, from which it inherits
    `print:`) or its section says `print: false`."""
    source = page.source
    if source.kind != "guides" or source.section == PLAIN:
        return False
    return site.config.section(source.section).prints if source.prints is None else source.prints


class _Printer:
    def __init__(self, site: Site, templates: Templates) -> None:
        self.site = site
        self.templates = templates
        self.converter = MarkdownConverter()

    def guide(self, group: PageGroup) -> _Guide:
        """The guide's editions: each translation alone, and the default language's with each other."""
        translated = tuple(page for page in group.translated if _prints(self.site, page))
        singles = tuple(self._single(page) for page in translated)
        default = next(
            (index for index, page in enumerate(translated) if page.lang == self.site.config.default_language), None
        )
        handouts: tuple[_Pair, ...] = ()
        if default is not None:
            handouts = tuple(
                self._pair(translated, singles, default, index) for index in range(len(translated)) if index != default
            )
        return _Guide(group.key, singles, handouts)

    def _single(self, page: Page) -> _Single:
        html = self.templates.render(
            page.lang,
            "print.html",
            page.output_path,
            lambda: {
                "editions": [self._edition_html(page)],
                "paper": self.site.config.paper,
                "title": page.source.title,
            },
        )
        path = page.url + page.source.slug + ".pdf"
        return _Single(path, (self.site.config.language(page.lang),), html.missing, html.text)

    def _pair(self, pages: tuple[Page, ...], singles: tuple[_Single, ...], first: int, second: int) -> _Pair:
        both = (pages[first], pages[second])
        path = both[0].url + both[0].source.slug + "-" + "-".join(page.lang for page in both) + ".pdf"
        languages = singles[first].languages + singles[second].languages
        title = " / ".join(page.source.title for page in both)
        return _Pair(path, languages, singles[first].missing | singles[second].missing, (first, second), title)

    def _edition_html(self, page: Page) -> Markup:
        url = self.site.config.base_url + page.url

        # On paper, links are printed after their text: they lead to the page's address on the web.
        def absolute_links(target: str) -> LinkAnswer:
            linked = self.site.find_linked_source(page.source.path, target)
            if linked is None:
                return None
            address = self.site.config.base_url + self.site.group(linked.key).page(page.lang).url
            return address, address

        converted = self.converter.convert(page.source, absolute_links)
        return self.templates.fragment(
            page.lang,
            "print_edition.html",
            page.output_path,
            source=page.source,
            body=Markup(converted.html),
            qr_code=Markup(qr_code_svg(web_address(url))),
            page_url=url,
        )
