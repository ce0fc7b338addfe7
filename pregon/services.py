"""Processes forked from the build that get ready while it goes on, then do one kind of work for it.

Some work needs a library that takes longer to import than the rest of a small build takes: WeasyPrint
(half a second) for printed guides, textstat with NLTK and the CMU dictionary (almost as long) for
reading levels. A service is forked as soon as the build knows it may need one; it imports what it
needs on the other core while the build reads the site, and then answers the build's requests, in
workers forked from it (which have everything imported already) when a request holds many items.

A service ends when the build closes its end of the pipe, or when the build's process ends: every
process forked from the build closes its copies of the builds' ends of the services' pipes (and of
the build's locks, lock.py) as it starts, so that a service reading its pipe sees the build go. A
service busy with a request when its build is killed ends when it next answers. A build that ends
while its request is unanswered (it failed) stops the service and the workers forked from it.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import signal
import sys
from collections.abc import Callable
from types import FrameType
from typing import Generic, TypeVar

from .workers import closed_in_forked_children

Request = TypeVar("Request")
Answer = TypeVar("Answer")


_BUILD_ENDS: set[int] = set()
"""The descriptors of the builds' ends of the services' pipes open in this process: a forked process
closes its copies (see the module's docstring)."""


closed_in_forked_children(_BUILD_ENDS)


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
        self._hello_awaited = False
        self._unanswered = False

    def start(self) -> None:
        context = multiprocessing.get_context("fork")
        ours, theirs = context.Pipe()
        # Not a daemon: a daemon may not fork the workers it answers in.
        # Registered before the fork, so that the service itself closes its copy of the build's end: a
        # copy left open there, it would never see the build go.
        _BUILD_ENDS.add(ours.fileno())
        self._process = context.Process(target=self._serve, args=(theirs,), name=f"pregon-{self._name}")
        self._process.start()
        theirs.close()
        self._connection = ours

    def hello(self) -> object:
        """What the service said once ready: waits until it is. Raises what it raised, every time."""
        if not self._hello_awaited:
            self._hello_awaited = True
            try:
                self._hello = self._receive()
            except ServiceFailed as exc:
                self._hello = exc
        if isinstance(self._hello, ServiceFailed):
            raise self._hello
        return self._hello

    def ask(self, request: Request) -> Answer:
        self.send(request)
        return self.answer()

    def send(self, request: Request) -> None:
        """Hand the service a request and go on: `answer` waits for what it answers. A request smaller than
        the pipe's buffer waits in it while the service is still loading, and the build goes on; a
        larger one (a cold build's thousands of pages) waits until the service is ready to take it."""
        assert self._connection is not None
        try:
            self._connection.send(request)
        except OSError:
            self.hello()  # raises why the service stopped: it could not load, or it failed
            raise ServiceFailed(f"the process that {self._name} stopped") from None
        self._unanswered = True

    def answer(self) -> Answer:
        self.hello()
        answer: Answer = self._receive()  # type: ignore[assignment]
        self._unanswered = False
        return answer

    def close(self) -> None:
        """Ends the service: at once if it may still be importing, or working on what nobody will read."""
        if self._connection is not None:
            try:
                self._connection.send(None)
            except OSError:
                pass  # it has stopped already
            _BUILD_ENDS.discard(self._connection.fileno())
            self._connection.close()
            self._connection = None
        if self._process is not None:
            if not self._hello_awaited or self._unanswered:
                _stop(self._process)
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

    def _serve(self, connection: multiprocessing.connection.Connection) -> None:
        # Stopped by the build (close), it ends as Python ends, so that the workers a `with Pool`
        # forked are ended with it.
        signal.signal(signal.SIGTERM, _exit)
        try:
            answer, hello = self._get_ready()
        except (ImportError, OSError) as exc:
            _say(connection, NotReady(str(exc).splitlines()[0][:80] if str(exc) else type(exc).__name__))
            return
        except Exception as exc:  # a library failing as it loads: the build says what it raised
            _say(connection, NotReady(f"{type(exc).__name__}: {exc}"))
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


def _stop(process: multiprocessing.process.BaseProcess) -> None:
    """SIGTERM until the service ends, SIGKILL if it has not after a few seconds.

    Python runs a signal's handler between two steps of its own, and during a blocking call (a sleep, a
    lock's wait) only when the signal interrupts it: a SIGTERM that lands just before such a call is
    handled when the call returns, however long that is. Another SIGTERM interrupts the call."""
    for _ in range(_STOP_TRIES):
        process.terminate()
        process.join(_STOP_WAIT)
        if process.exitcode is not None:
            return
    process.kill()


_STOP_TRIES = 20
_STOP_WAIT = 0.25
"""Seconds to wait after each SIGTERM: ending the workers a service forked takes a few milliseconds."""


def _exit(number: int, frame: FrameType | None) -> None:
    # Once: a SIGTERM sent again while Python ends the workers would stop that half done (see _stop).
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.exit(0)


def _say(connection: multiprocessing.connection.Connection, answer: object) -> bool:
    """Send `answer` to the build; False if the build is gone."""
    try:
        connection.send(answer)
    except OSError:
        return False
    return True
