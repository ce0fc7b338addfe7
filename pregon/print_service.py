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

import copy
import multiprocessing
import multiprocessing.connection
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Protocol

from .workers import cores, map_in_workers


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
    paper: str
    """The paper size, as CSS writes it (`letter`, `A4`): the blank page before a handout's second half."""


@dataclass(frozen=True)
class GuidePdfs:
    singles: tuple[bytes, ...]
    handouts: tuple[bytes, ...]


@dataclass(frozen=True)
class _Settings:
    static_folders: tuple[Path, ...]
    """The site's static folder, then the theme's: the only files a printed guide may read."""
    stylesheet: str


class PrintingFailed(Exception):
    """WeasyPrint failed on a guide: the message says what it raised."""


class WeasyPrintMissing(PrintingFailed):
    """WeasyPrint could not be loaded: the message says why."""


class _Metadata(Protocol):
    title: str


class _Document(Protocol):
    """What is used here of a WeasyPrint Document (weasyprint.document.Document)."""

    pages: list[object]
    metadata: _Metadata

    def copy(self, pages: list[object]) -> _Document: ...

    def write_pdf(self) -> bytes: ...


class PrintService:
    """The process that prints; `start` it early, `print` when the HTML is ready, `close` at the end."""

    def __init__(self, static_folders: tuple[Path, ...], stylesheet: str) -> None:
        self._settings = _Settings(static_folders, stylesheet)
        self._connection: multiprocessing.connection.Connection | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        self._version: str | None = None

    def start(self) -> None:
        context = multiprocessing.get_context("fork")
        ours, theirs = context.Pipe()
        # Not a daemon: a daemon may not fork the workers it lays guides out in.
        self._process = context.Process(target=_serve, args=(theirs, ours, self._settings), name="pregon-print")
        self._process.start()
        theirs.close()
        self._connection = ours

    def version(self) -> str:
        """WeasyPrint's version (a printed guide is cached by it): waits for the import to end."""
        if self._version is None:
            self._version = str(self._receive())
        return self._version

    def print(self, jobs: Sequence[GuideJob]) -> list[GuidePdfs]:
        self.version()
        assert self._connection is not None
        self._connection.send(list(jobs))
        answer = self._receive()
        assert isinstance(answer, list)
        return answer

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.send(None)
            except OSError:
                pass  # it has stopped already
            self._connection.close()
            self._connection = None
        if self._process is not None:
            self._process.join()
            self._process = None

    def _receive(self) -> object:
        assert self._connection is not None
        try:
            answer: object = self._connection.recv()
        except EOFError as exc:
            raise PrintingFailed("the process that prints guides stopped") from exc
        if isinstance(answer, PrintingFailed):
            raise answer
        return answer


def _serve(
    connection: multiprocessing.connection.Connection,
    builds_end: multiprocessing.connection.Connection,
    settings: _Settings,
) -> None:
    """The service's process: import WeasyPrint, say its version, then print each list of jobs sent.
    It ends when the build closes its end of the pipe, or when the build's process ends, however it
    ends: the copy of the build's end that the fork gave this process is closed first, or it would
    wait for ever (holding the build's lock) after a build killed mid-way."""
    builds_end.close()
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        _say(connection, WeasyPrintMissing(str(exc).splitlines()[0][:80] if str(exc) else type(exc).__name__))
        return
    if not _say(connection, weasyprint.__version__):
        return
    printer = _Printer(weasyprint, settings)
    while True:
        try:
            jobs = connection.recv()
        except EOFError:
            return  # the build has gone
        if jobs is None:
            return
        try:
            answer: object = printer.lay_out_all(jobs)
        except Exception as exc:  # WeasyPrint raises what its parsers and pango raise
            answer = PrintingFailed(f"{type(exc).__name__}: {exc}")
        if not _say(connection, answer):
            return


def _say(connection: multiprocessing.connection.Connection, answer: object) -> bool:
    """Send `answer` to the build; False if the build is gone."""
    try:
        connection.send(answer)
    except OSError:
        return False
    return True


class _Printer:
    def __init__(self, weasyprint: ModuleType, settings: _Settings) -> None:
        self._weasyprint = weasyprint
        self._settings = settings
        self._stylesheet = weasyprint.CSS(string=settings.stylesheet)
        self._blank: dict[str, object] = {}
        """The blank page of each paper size, laid out once."""

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
                pages.append(self._blank_page(job.paper))
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

    def _blank_page(self, paper: str) -> object:
        """A page with nothing on it, not even a page number, of the guide's paper size."""
        blank = self._blank.get(paper)
        if blank is None:
            # Without the print stylesheet: its page boxes would number the blank page.
            html = f"<!DOCTYPE html><style>@page {{ size: {paper}; }}</style>"
            document: _Document = self._weasyprint.HTML(string=html, url_fetcher=self._fetch).render()
            blank = self._blank[paper] = document.pages[0]
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
