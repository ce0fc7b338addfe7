"""Services (services.py): processes forked from a build that get ready while it goes on."""

from __future__ import annotations

import time

import pytest

from pregon.services import NotReady, Service


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
