"""Printed guides laid out on every core, with WeasyPrint imported while the rest of the build goes on.

Importing WeasyPrint takes about half a second, and laying out a guide about a quarter of a second a
language. The build starts this service as soon as it knows that the site prints guides: one process,
forked from the build, imports WeasyPrint while the build reads, checks and renders the site, then
lays guides out, in workers forked from it (which have WeasyPrint already) when there are several.

A job is one guide: the HTML of each of its editions, each laid out once, and the bilingual handouts,
assembled from those layouts: WeasyPrint writes the pages of several rendered documents into one PDF.
Each half of a handout is the same layout as its single-language PDF, numbered on its own ("Page 1 / 3"
in each language), so that either half can be handed out alone; the second half starts on a
right-hand page, a blank one put before it when the first half has an odd number of pages.
"""

from __future__ import annotations

import contextlib
import copy
import ctypes.util
import importlib
import io
import os
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Protocol

from .services import Service
from .workers import cores, map_in_workers

FONT_TIMESTAMP = "1577836800"
"""The moment (2020-01-01, UTC) written as the modification time of every font embedded in a PDF."""


@dataclass(frozen=True)
class Handout:
    first: int
    second: int
    """The editions (indexes into GuideJob.editions) whose pages it puts together, in that order."""
    title: str


@dataclass(frozen=True)
class GuideJob:
    """What to print of one guide: only what the PDF cache does not hold."""

    editions: tuple[str, ...]
    """The print HTML of each edition the job needs laid out, in one language each."""
    singles: tuple[int, ...]
    """The editions to write as PDFs of their own."""
    handouts: tuple[Handout, ...]


@dataclass(frozen=True)
class GuidePdfs:
    singles: tuple[bytes, ...]
    handouts: tuple[bytes, ...]


@dataclass(frozen=True)
class _Settings:
    static_folders: tuple[Path, ...]
    """The site's static folder, then the theme's: the only files a printed guide may read."""
    stylesheet: str


class _Metadata(Protocol):
    title: str


class _Page(Protocol):
    width: float
    height: float
    """In CSS pixels."""


class _Document(Protocol):
    """What is used here of a WeasyPrint Document (weasyprint.document.Document)."""

    pages: list[_Page]
    metadata: _Metadata

    def copy(self, pages: list[_Page]) -> _Document: ...

    def write_pdf(self) -> bytes: ...


def print_service(static_folders: tuple[Path, ...], stylesheet: str) -> Service[list[GuideJob], list[GuidePdfs]]:
    """The service (services.py) that lays guides out; it says WeasyPrint's version once it is loaded."""
    settings = _Settings(static_folders, stylesheet)

    def get_ready() -> tuple[Callable[[list[GuideJob]], list[GuidePdfs]], object]:
        # Where HarfBuzz cannot subset fonts (Debian's libharfbuzz-subset0 missing), WeasyPrint has
        # fontTools do it, which stamps each font it writes with the time, or with SOURCE_DATE_EPOCH:
        # a fixed moment, in this process only, keeps the PDFs byte-identical from build to build.
        os.environ["SOURCE_DATE_EPOCH"] = FONT_TIMESTAMP
        weasyprint = import_weasyprint()
        printer = _Printer(weasyprint, settings)
        printer.warm_up()
        return printer.lay_out_all, weasyprint.__version__

    return Service("prints guides", get_ready)


def import_weasyprint() -> ModuleType:
    """WeasyPrint, imported. Raises ImportError or OSError (its system libraries missing) as it does.

    WeasyPrint looks for each of its system libraries (Pango, HarfBuzz, fontconfig...) under the names
    of every platform in turn: Windows' and macOS' before the Linux soname (`libpango-1.0.so.0`). cffi
    hands each name the loader refuses to ctypes' find_library, which on Linux runs ldconfig, gcc and
    ld to look for it: 22 misses, a sixth of a second on the shipped site's critical path, before the
    soname the loader finds. On Linux, the import is first tried with find_library answering nothing,
    so that each library is found where the loader finds it, by its soname. If a library it needs is
    not found so, it is imported again as WeasyPrint would be, probes and all (a library only a compiler
    can find). One it can do without (HarfBuzz's subsetter, say) is not looked for again: a system whose
    loader cannot load it by its soname builds as if it had none."""
    if sys.platform.startswith("linux"):
        try:
            # Before raising, WeasyPrint prints how to install its libraries: said by the import below if
            # they are really missing, not by this one.
            with _loader_names_only(), contextlib.redirect_stdout(io.StringIO()):
                return importlib.import_module("weasyprint")
        except OSError:
            for name in [name for name in sys.modules if name.split(".")[0] == "weasyprint"]:
                del sys.modules[name]
    return importlib.import_module("weasyprint")


@contextlib.contextmanager
def _loader_names_only() -> Iterator[None]:
    """ctypes' find_library answers nothing to this thread meanwhile; other threads (the preview's) are
    answered as usual."""
    find_library = ctypes.util.find_library
    importer = threading.get_ident()

    def found_by_loader_only(name: str) -> str | None:
        return None if threading.get_ident() == importer else find_library(name)

    ctypes.util.find_library = found_by_loader_only
    try:
        yield
    finally:
        ctypes.util.find_library = find_library


class _Printer:
    def __init__(self, weasyprint: ModuleType, settings: _Settings) -> None:
        self._weasyprint = weasyprint
        self._settings = settings
        self._stylesheet = weasyprint.CSS(string=settings.stylesheet)
        self._blank: dict[str, _Page] = {}
        """The blank page of each page size, laid out once."""

    def warm_up(self) -> None:
        """Lay out a line of text once, while the build is still busy: WeasyPrint finds and loads its
        fonts on its first document, which each worker forked later then has already."""
        self._document("<!DOCTYPE html><p>Ready</p>").write_pdf()

    def lay_out_all(self, jobs: list[GuideJob]) -> list[GuidePdfs]:
        """Each guide in a worker of its own when there are several, forked from this process."""
        if len(jobs) > 1 and cores() > 1:
            return map_in_workers(lambda index: self.lay_out(jobs[index]), range(len(jobs)))
        return [self.lay_out(job) for job in jobs]

    def lay_out(self, job: GuideJob) -> GuidePdfs:
        documents = [self._document(html) for html in job.editions]
        singles = tuple(_pdf(documents[index]) for index in job.singles)
        handouts = []
        for handout in job.handouts:
            first, second = documents[handout.first], documents[handout.second]
            pages = list(first.pages)
            if len(pages) % 2:
                pages.append(self._blank_page(pages[-1]))
            combined = first.copy(pages + list(second.pages))
            # Its own metadata: the first half's is that of its single-language PDF too.
            combined.metadata = copy.copy(first.metadata)
            combined.metadata.title = handout.title
            handouts.append(_pdf(combined))
        return GuidePdfs(singles, tuple(handouts))

    def _document(self, html: str) -> _Document:
        document = self._weasyprint.HTML(
            string=html, base_url=str(self._settings.static_folders[0]), url_fetcher=self._fetch
        )
        rendered: _Document = document.render(stylesheets=[self._stylesheet])
        return rendered

    def _blank_page(self, like: _Page) -> _Page:
        """A page with nothing on it, not even a page number, of the size of page `like`."""
        size = f"{like.width}px {like.height}px"
        blank = self._blank.get(size)
        if blank is None:
            # Without the print stylesheet: its page boxes would number the blank page.
            html = f"<!DOCTYPE html><style>@page {{ size: {size}; margin: 0; }}</style>"
            document: _Document = self._weasyprint.HTML(string=html, url_fetcher=self._fetch).render()
            blank = self._blank[size] = document.pages[0]
        return blank

    def _fetch(self, url: str, *args: object, **kwargs: object) -> object:
        # Only the site's own static files may be read: never the network, never elsewhere on disk.
        prefixes = tuple(folder.resolve().as_uri() + "/" for folder in self._settings.static_folders)
        if not url.startswith(prefixes):
            raise ValueError(f"a printed guide may only use the site's static files, not {url}")
        fetched: object = self._weasyprint.default_url_fetcher(url, *args, **kwargs)
        return fetched


def _pdf(document: _Document) -> bytes:
    return document.write_pdf()
