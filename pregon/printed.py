"""Printed editions of action guides: one PDF per translation and a bilingual handout per translated
language, each made from HTML for paper with WeasyPrint, and cached by that HTML.

WeasyPrint is a layout engine made for paged media; it embeds the fonts it uses, so accents, ñ, ¿
and ¡ print anywhere. It may fetch nothing but the site's own static files. A PDF is re-rendered only
when the HTML it is made from changed: the cache is keyed by that HTML, so it can never be stale.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import jinja2
from markupsafe import Markup

from .conversion import LinkAnswer
from .environments import MissingStrings, Templates, template_problem
from .errors import Problem, warning
from .files import atomic_write
from .markdown import MarkdownConverter
from .output import Output
from .plans import Download
from .site import Page, PageGroup, Site, web_address
from .site_config import PLAIN, Language

CACHE_FOLDER = "pdf"


@dataclass(frozen=True)
class PdfEngine:
    """Renders print HTML to PDF bytes, reusing the bytes of any HTML it rendered before."""

    static_folders: tuple[Path, ...]
    """The site's static folder, then the theme's: the only files a printed guide may read."""
    cache_dir: Path
    stylesheet: str
    weasyprint: ModuleType
    used: set[str] = field(default_factory=set, compare=False)
    """Cache keys this build used; the others are pruned after it."""

    def render(self, html: str) -> bytes:
        version = self.weasyprint.__version__
        key = hashlib.sha256("\0".join((version, self.stylesheet, html)).encode("utf-8")).hexdigest()
        self.used.add(key)
        cached = self.cache_dir / f"{key}.pdf"
        if cached.is_file():
            return cached.read_bytes()
        document = self.weasyprint.HTML(string=html, base_url=str(self.static_folders[0]), url_fetcher=self._fetch)
        pdf: bytes = document.write_pdf(stylesheets=[self.weasyprint.CSS(string=self.stylesheet)])
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        atomic_write(cached, pdf)
        return pdf

    def _fetch(self, url: str, *args: object, **kwargs: object) -> object:
        # Only the site's own static files may be read: never the network, never elsewhere on disk.
        prefixes = tuple(folder.resolve().as_uri() + "/" for folder in self.static_folders)
        if not url.startswith(prefixes):
            raise ValueError(f"a printed guide may only use the site's static files, not {url}")
        fetched: object = self.weasyprint.default_url_fetcher(url, *args, **kwargs)
        return fetched


def load_engine(
    static_folders: tuple[Path, ...], cache_root: Path, stylesheet: Path | None
) -> tuple[PdfEngine | None, list[Problem]]:
    """The PDF engine, or None with a warning saying how to install it; the rest of the site still builds."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        return None, [
            warning(
                "site.yaml",
                None,
                f"printed guides (PDF) were not made: WeasyPrint cannot be loaded ({str(exc).splitlines()[0][:80]})",
                "install it with: pip install weasyprint==70.0 (it needs the system's pango library: "
                "apt-get install libpango-1.0-0 libpangoft2-1.0-0)",
            )
        ]
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
    engine = PdfEngine(static_folders, cache_root / CACHE_FOLDER, style, weasyprint)
    return engine, []


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


def print_guides(site: Site, templates: Templates, engine: PdfEngine | None) -> PrintedGuides:
    """The PDFs of every guide: one per translation, and a bilingual handout per translated language."""
    downloads: dict[tuple[str, str], tuple[Download, ...]] = {}
    outputs: list[Output] = []
    missing: set[tuple[str, str]] = set()
    problems: list[Problem] = []
    if engine is None:
        return PrintedGuides(downloads, (), frozenset(), ())
    printer = _Printer(site, templates, engine)
    for group in site.groups:
        if not printed(site, group):
            continue
        try:
            made = [printer.edition(pages) for pages in _editions(site, group)]
        except jinja2.TemplateError as exc:
            problems.append(template_problem(exc, site.config))
            continue
        outputs += [output for output, _, _ in made]
        downloads[group.key] = tuple(download for _, download, _ in made)
        for _, _, noted in made:
            missing.update(noted)
    return PrintedGuides(downloads, tuple(outputs), frozenset(missing), tuple(problems))


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


def _editions(site: Site, group: PageGroup) -> list[tuple[Page, ...]]:
    translated = tuple(page for page in group.translated if _prints(site, page))
    default = next((page for page in translated if page.lang == site.config.default_language), None)
    sets: list[tuple[Page, ...]] = [(page,) for page in translated]
    if default is not None:
        sets += [(default, page) for page in translated if page is not default]
    return sets


class _Printer:
    def __init__(self, site: Site, templates: Templates, engine: PdfEngine) -> None:
        self.site = site
        self.templates = templates
        self.engine = engine
        self.converter = MarkdownConverter()

    def edition(self, pages: tuple[Page, ...]) -> tuple[Output, Download, MissingStrings]:
        config = self.site.config
        languages_suffix = "" if len(pages) == 1 else "-" + "-".join(page.lang for page in pages)
        path = pages[0].url + pages[0].source.slug + languages_suffix + ".pdf"
        first = pages[0]
        html = self.templates.render(
            first.lang,
            "print.html",
            first.output_path,
            lambda: {
                "editions": [self._edition_html(page) for page in pages],
                "paper": config.paper,
                "title": " / ".join(page.source.title for page in pages),
            },
        )
        content = self.engine.render(html.text)
        languages = tuple(config.language(page.lang) for page in pages)
        return Output(path, content), Download(path, languages, len(content)), html.missing

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
