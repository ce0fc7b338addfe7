"""Printed editions of action guides: HTML made for paper -> PDF with WeasyPrint, cached by content.

WeasyPrint is a layout engine made for paged media; it embeds the fonts it uses, so accents, ñ, ¿
and ¡ print anywhere. It may fetch nothing but the site's own static files. A PDF is re-rendered only
when the HTML it is made from changed: the cache is keyed by that HTML, so it can never be stale.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Problem, warning

CACHE_FOLDER = "pdf"


@dataclass(frozen=True)
class PdfEngine:
    """Renders print HTML to PDF bytes, reusing the bytes of any HTML it rendered before."""

    static_dir: Path
    cache_dir: Path
    stylesheet: str
    weasyprint: Any
    used: set[str] = field(default_factory=set, compare=False)
    """Cache keys this build used; the others are pruned after it."""

    def render(self, html: str) -> bytes:
        version = self.weasyprint.__version__
        key = hashlib.sha256("\0".join((version, self.stylesheet, html)).encode("utf-8")).hexdigest()
        self.used.add(key)
        cached = self.cache_dir / f"{key}.pdf"
        if cached.is_file():
            return cached.read_bytes()
        document = self.weasyprint.HTML(string=html, base_url=str(self.static_dir), url_fetcher=self._fetch)
        pdf: bytes = document.write_pdf(stylesheets=[self.weasyprint.CSS(string=self.stylesheet)])
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        temporary = cached.with_suffix(".tmp")
        temporary.write_bytes(pdf)
        temporary.replace(cached)
        return pdf

    def _fetch(self, url: str, *args: Any, **kwargs: Any) -> Any:
        # Only the site's own static files may be read: never the network, never elsewhere on disk.
        prefix = self.static_dir.resolve().as_uri() + "/"
        if not url.startswith(prefix):
            raise ValueError(f"a printed guide may only use the site's static files, not {url}")
        return self.weasyprint.default_url_fetcher(url, *args, **kwargs)


def load_engine(static_dir: Path, cache_root: Path, stylesheet: Path) -> tuple[PdfEngine | None, list[Problem]]:
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
    if not stylesheet.is_file():
        return None, [
            warning(
                stylesheet.name,
                None,
                "printed guides (PDF) were not made: the print stylesheet is missing",
                f"restore {stylesheet.name} in the static folder",
            )
        ]
    engine = PdfEngine(static_dir, cache_root / CACHE_FOLDER, stylesheet.read_text(encoding="utf-8"), weasyprint)
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
