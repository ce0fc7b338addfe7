"""`pregon serve`: build, serve on 127.0.0.1, rebuild on every saved change, reload the browser.

The preview is built into its own folder with a small reload script added to each page; the
published build never carries it. A mistake shows as a readable error page in the browser and in the
terminal, and the server keeps running: fixing the mistake brings the page back by itself.
"""

from __future__ import annotations

import functools
import gc
import http.server
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import watchfiles

from .errors import BuildFailed, Problem, error, format_problem, sorted_problems

PREVIEW_FOLDER = ".pregon-preview"
ASSETS = Path(__file__).parent / "preview"
WATCHED = ("content", "templates", "translations", "static", "site.yaml")


def settle_memory() -> None:
    """After a build in a process that builds again and again: free what the build left behind, then
    set what it keeps for the next build (the cache, a few hundred MB of small objects on a large
    site) aside from the garbage collector, whose full passes would otherwise walk all of it, adding
    a tenth of a second at random moments to later builds."""
    gc.collect()
    gc.freeze()


@dataclass
class PreviewState:
    """What the server shows: the number of the latest build, and its problems if it failed."""

    version: int = 0
    problems: list[Problem] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, problems: list[Problem]) -> None:
        with self.changed:
            self.version += 1
            self.problems = problems
            self.changed.notify_all()


@dataclass(frozen=True)
class _Either:
    """Set when either event is: how a watch is stopped for the server's stop or for a restart."""

    first: threading.Event
    other: threading.Event

    def is_set(self) -> bool:
        return self.first.is_set() or self.other.is_set()


class PreviewServer:
    """Serves the preview folder and rebuilds it with `rebuild` whenever a watched source changes.

    `rebuild(out_dir, changed)`: `changed` holds the absolute paths of the files the watcher saw
    change since the last build (None for the first build, when nothing is known yet)."""

    def __init__(
        self,
        site_dir: Path,
        rebuild: Callable[[Path, frozenset[str] | None], list[Problem]],
        host: str = "127.0.0.1",
        port: int = 8000,
        report: Callable[[str], None] = print,
        dashboard: Callable[[], bytes | None] | None = None,
    ) -> None:
        self.site_dir = site_dir
        self.dashboard = dashboard
        """The translators' dashboard (dashboard.py) as of the last build; None before a first one."""
        self.out_dir = site_dir / PREVIEW_FOLDER
        self._rebuild = rebuild
        self._report = report
        self.state = PreviewState()
        self._stop = threading.Event()
        error_page = jinja2.Environment(loader=jinja2.FileSystemLoader(ASSETS), autoescape=True)
        self._error_template = error_page.get_template("error.html")
        handler = functools.partial(_PreviewHandler, self)
        self.http = _PreviewHTTPServer((host, port), handler)

    @property
    def url(self) -> str:
        host, port = self.http.server_address[:2]
        return f"http://{host!s}:{port}/"

    def build(self, changed: frozenset[str] | None = None) -> None:
        try:
            problems = self._rebuild(self.out_dir, changed)
        except BuildFailed as failure:
            problems = failure.problems
        except Exception as exc:  # noqa: BLE001 - the preview must outlive a bug in pregon itself
            problems = [
                error(
                    "pregon",
                    None,
                    f"crashed while building the preview: {exc!r}",
                    "this is a bug in pregon, not in your content: please report it",
                )
            ]
        errors = [problem for problem in sorted_problems(problems) if problem.is_error]
        for problem in sorted_problems(problems):
            self._report(format_problem(problem))
        self._report("Preview failed: fix the errors above." if errors else f"Preview rebuilt: {self.url}")
        self.state.publish(errors)
        settle_memory()

    def error_page(self) -> bytes:
        return self._error_template.render(problems=self.state.problems).encode("utf-8")

    def watch(self) -> None:
        """Rebuild on every change to the watched files. A watched folder the site did not have (its
        first `templates/`, when staff start to override the theme) is watched from when it appears:
        the site folder itself is watched, not recursively, for it."""
        while not self._stop.is_set():
            present = frozenset(name for name in WATCHED if (self.site_dir / name).exists())
            appeared = _Either(self._stop, threading.Event())
            lookout = threading.Thread(target=self._look_out, args=(present, appeared), daemon=True)
            lookout.start()
            paths = [self.site_dir / name for name in sorted(present)]
            for changes in watchfiles.watch(*paths, stop_event=appeared, debounce=100, step=20) if paths else ():
                self.build(frozenset(os.path.abspath(path) for _, path in changes))
            lookout.join()
            if not self._stop.is_set():
                self.build()  # everything new in the folder that appeared, read afresh

    def _look_out(self, present: frozenset[str], appeared: _Either) -> None:
        """Until `appeared` is set: set it when a watched name the site lacked comes into being."""

        def is_new(change: watchfiles.Change, path: str) -> bool:
            name = os.path.basename(path)
            return name in WATCHED and name not in present and os.path.exists(path)

        for _ in watchfiles.watch(self.site_dir, watch_filter=is_new, recursive=False, stop_event=appeared, step=50):
            appeared.other.set()
            return

    @contextmanager
    def running(self) -> Iterator[PreviewServer]:
        """Build once, then serve and watch in the background until the block ends."""
        self.build()
        threads = [
            threading.Thread(target=self.http.serve_forever, daemon=True),
            threading.Thread(target=self.watch, daemon=True),
        ]
        for thread in threads:
            thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            with self.state.changed:
                self.state.changed.notify_all()
            self.http.shutdown()
            self.http.server_close()
            for thread in threads:
                thread.join(timeout=5)

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()


class _PreviewHTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    """Connections waiting to be taken: the default of 5 makes the 6th of many pages opened at once (a
    page and its styles, several tabs, reload connections) wait seconds for the system to retry."""

    def handle_error(self, request: object, client_address: object) -> None:
        # A reader who closed the page before its answer was sent is no error of the preview's.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class _PreviewHandler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, server_state: PreviewServer, *args: object, **kwargs: object) -> None:
        self.preview = server_state
        super().__init__(*args, directory=str(server_state.out_dir), **kwargs)  # type: ignore[arg-type]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the standard library's name
        pass

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        path = self.path.split("?", 1)[0]
        if path == "/__pregon/reload.js":
            return self._send(200, "text/javascript", (ASSETS / "reload.js").read_bytes())
        if path == "/__pregon/version":
            return self._send(200, "text/plain", str(self.preview.state.version).encode())
        if path == "/__pregon/events":
            return self._events()
        if path == "/__pregon/status.css":
            return self._send(200, "text/css", (ASSETS / "status.css").read_bytes())
        if path in ("/_status", "/_status/") and self.preview.dashboard is not None:
            page = self.preview.dashboard()
            if page is None:
                return self._send(503, "text/plain; charset=utf-8", b"The preview has not been built yet.")
            return self._send(200, "text/html; charset=utf-8", page)
        if self.preview.state.problems and (path.endswith("/") or path.endswith(".html")):
            return self._send(500, "text/html; charset=utf-8", self.preview.error_page())
        super().do_GET()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # A missing address gets the site's own 404 page, as a web server set up for the site would send.
        not_found = self.preview.out_dir / "404.html"
        if code == 404 and self.command == "GET" and not_found.is_file():
            try:
                return self._send(404, "text/html; charset=utf-8", not_found.read_bytes())
            except OSError:
                pass
        super().send_error(code, message, explain)

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        # Server-sent events: the build number now, then every new one, in order (none skipped when two
        # rebuilds end between two writes), until the page or the server goes.
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        state = self.preview.state
        sent = -1
        try:
            while not self.preview.stopping:
                with state.changed:
                    if state.version == sent:
                        state.changed.wait(timeout=15)
                    version = state.version
                numbers = range(version if sent < 0 else sent + 1, version + 1)
                message = "".join(f"data: {number}\n\n" for number in numbers) or ": still here\n\n"
                self.wfile.write(message.encode())
                self.wfile.flush()
                sent = version
        except (BrokenPipeError, ConnectionResetError):
            pass
