"""Worker processes: one pure function applied to many items on every core, its results returned in order.

The function's inputs are copied into each worker by fork, not sent: a build's state is hundreds of
megabytes, and only the items' numbers go out and their results come back. The caller applies the
results, in its own process, in one place.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from typing import TypeVar

Result = TypeVar("Result")

_job: Callable[[int], object] | None = None
"""In a worker process only: the function it was forked with."""


def closed_in_forked_children(descriptors: set[int]) -> None:
    """Close the descriptors in `descriptors` (a set kept up to date by its owner) in every process forked
    from this one, as it starts, and forget them there: what was open in the parent is not the child's."""

    def close() -> None:
        for descriptor in descriptors:
            try:
                os.close(descriptor)
            except OSError:
                pass
        descriptors.clear()

    os.register_at_fork(after_in_child=close)


def cores() -> int:
    return os.cpu_count() or 1


def map_in_workers(job: Callable[[int], Result], items: Sequence[int]) -> list[Result]:
    """`job(item)` for each item, spread over every core."""
    context = multiprocessing.get_context("fork")
    # Items go out in chunks, fewer round trips for thousands of pages; a few items (the guides of a
    # small site) go one by one, or a single chunk would put them all on one core.
    chunk = max(1, min(32, len(items) // (4 * cores())))
    with context.Pool(cores(), initializer=_start, initargs=(job,)) as pool:
        return pool.map(_run, items, chunksize=chunk)  # type: ignore[arg-type]


def _start(job: Callable[[int], object]) -> None:
    global _job
    _job = job
    # The pool ends its workers with SIGTERM; a worker forked from a service, which ends itself on SIGTERM
    # through Python (services.py), must die at once instead, wherever it is, even waiting on a lock.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _run(item: int) -> object:
    assert _job is not None
    return _job(item)
