"""Services (services.py): processes forked from a build that get ready while it goes on."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pregon.services import NotReady, Service

from .conftest import REPO


def _slow(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def test_a_service_answers_and_says_what_it_could_not_load() -> None:
    service: Service[float, float] = Service("waits", lambda: (_slow, "ready"))
    service.start()
    try:
        assert service.hello() == "ready"
        assert service.ask(0.01) == 0.01
    finally:
        service.close()

    def cannot_load() -> tuple[object, object]:
        raise ImportError("No module named weasyprint")

    broken: Service[float, float] = Service("cannot load", cannot_load)  # type: ignore[arg-type]
    broken.start()
    try:
        for _ in range(2):  # said again each time it is asked, never "stopped"
            with pytest.raises(NotReady, match="No module named weasyprint"):
                broken.ask(0.01)
    finally:
        broken.close()


def test_a_build_that_ends_before_its_answer_stops_the_service_at_once() -> None:
    service: Service[float, float] = Service("works long", lambda: (_slow, None))
    service.start()
    service.hello()
    service.send(60.0)  # what a build that failed while rendering would never read
    started = time.perf_counter()
    service.close()
    assert time.perf_counter() - started < 5


def test_a_stop_that_lands_just_before_the_service_blocks_still_stops_it() -> None:
    """A SIGTERM that lands between Python's last look at its signals and a blocking call (the sleep
    here) is handled only when that call returns: with threads busy in the build, one stop in a few
    lands there. Each of these must end at once all the same."""
    busy = threading.Event()

    def spin() -> None:
        while not busy.is_set():
            sum(range(10_000))

    spinners = [threading.Thread(target=spin) for _ in range(2)]
    for spinner in spinners:
        spinner.start()
    slowest = 0.0
    try:
        for _ in range(40):
            service: Service[float, float] = Service("works long", lambda: (_slow, None))
            service.start()
            service.hello()
            service.send(60.0)
            started = time.perf_counter()
            service.close()
            slowest = max(slowest, time.perf_counter() - started)
    finally:
        busy.set()
        for spinner in spinners:
            spinner.join()
    assert slowest < 5


def test_a_service_ends_when_its_build_is_killed(tmp_path: Path) -> None:
    """A build killed with SIGKILL runs no cleanup: its service must see the pipe close and end."""
    script = tmp_path / "build.py"
    script.write_text(
        "import sys, time\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "from pregon.services import Service\n"
        "service = Service('waits', lambda: ((lambda seconds: seconds), None))\n"
        "service.start()\n"
        "print(service._process.pid, flush=True)\n"
        "time.sleep(60)\n",
        encoding="utf-8",
    )
    with subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True) as build:
        assert build.stdout is not None
        service_pid = int(build.stdout.readline())
        build.send_signal(signal.SIGKILL)
        build.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _running(service_pid):
        time.sleep(0.05)
    assert not _running(service_pid), "the service outlived its killed build"


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its parent (gone) would reap it
