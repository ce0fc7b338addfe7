"""Processes forked from the build that get ready while it goes on, then do one kind of work for it.

Some work needs a library that takes longer to import than the rest of a small build takes: WeasyPrint
(half a second) for printed guides, textstat with NLTK and the CMU dictionary (almost as long) for
reading levels. A service is forked as soon as the build knows it may need one; it imports what it
needs on the other core while the build reads the site, and then answers the build's requests, in
workers forked from it (which have everything imported already) when a request holds many items.

A service ends when the build closes its end of the pipe, or when the build's process ends, however
it ends: the copy of the build's end that the fork gave it is closed first, or it would wait for ever
(holding the build's lock) after a build killed mid-way.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
from collections.abc import Callable
from typing import Generic, TypeVar

Request = TypeVar("Request")
Answer = TypeVar("Answer")


class ServiceFailed(Exception):
    """The service could not get ready, or failed on a request: the message says why."""


class NotReady(ServiceFailed):
    """What the service needs could not be imported: the message says why."""


class Service(Generic[Request, Answer]):
    """`get_ready()` runs in the service's process; it returns what answers each request, and what the
    service says first (a library's version, say). `start` it early, `ask` when the work is ready."""

    def __init__(self, name: str, get_ready: Callable[[], tuple[Callable[[Request], Answer], object]]) -> None:
        self._name = name
        self._get_ready = get_ready
        self._connection: multiprocessing.connection.Connection | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        self._hello: object = None
        self._asked = False

    def start(self) -> None:
        context = multiprocessing.get_context("fork")
        ours, theirs = context.Pipe()
        # Not a daemon: a daemon may not fork the workers it answers in.
        self._process = context.Process(target=self._serve, args=(theirs, ours), name=f"pregon-{self._name}")
        self._process.start()
        theirs.close()
        self._connection = ours

    def hello(self) -> object:
        """What the service said once ready: waits until it is."""
        if not self._asked:
            self._asked = True
            self._hello = self._receive()
        return self._hello

    def ask(self, request: Request) -> Answer:
        self.send(request)
        return self.answer()

    def send(self, request: Request) -> None:
        """Hand the service a request and go on: `answer` waits for what it answers."""
        self.hello()
        assert self._connection is not None
        self._connection.send(request)

    def answer(self) -> Answer:
        answer: Answer = self._receive()  # type: ignore[assignment]
        return answer

    def close(self) -> None:
        """Ends the service: at once if it was never asked anything (it may still be importing)."""
        if self._connection is not None:
            try:
                self._connection.send(None)
            except OSError:
                pass  # it has stopped already
            self._connection.close()
            self._connection = None
        if self._process is not None:
            if not self._asked:
                self._process.terminate()
            self._process.join()
            self._process = None

    def _receive(self) -> object:
        assert self._connection is not None
        try:
            answer: object = self._connection.recv()
        except EOFError as exc:
            raise ServiceFailed(f"the process that {self._name} stopped") from exc
        if isinstance(answer, ServiceFailed):
            raise answer
        return answer

    def _serve(
        self, connection: multiprocessing.connection.Connection, builds_end: multiprocessing.connection.Connection
    ) -> None:
        builds_end.close()
        try:
            answer, hello = self._get_ready()
        except (ImportError, OSError) as exc:
            _say(connection, NotReady(str(exc).splitlines()[0][:80] if str(exc) else type(exc).__name__))
            return
        if not _say(connection, hello):
            return
        while True:
            try:
                request = connection.recv()
            except EOFError:
                return  # the build has gone
            if request is None:
                return
            try:
                reply: object = answer(request)
            except Exception as exc:  # whatever the library raises, the build reports
                reply = ServiceFailed(f"{type(exc).__name__}: {exc}")
            if not _say(connection, reply):
                return


def _say(connection: multiprocessing.connection.Connection, answer: object) -> bool:
    """Send `answer` to the build; False if the build is gone."""
    try:
        connection.send(answer)
    except OSError:
        return False
    return True
