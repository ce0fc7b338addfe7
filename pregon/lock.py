"""One build at a time of a site folder, and into an output folder.

A build holds two locks while it runs: one on the site folder, one on the folder that holds its output
folder (the one its staging folders go in), taken in the order of their paths, or one when they are the
same folder.
They are `flock` locks on the folders themselves: the kernel releases them when the holder exits,
however it exits (a build killed with SIGKILL included), no lock file is ever written or left behind,
and deleting `.pregon-cache` cannot break one. A build that must wait names the holder, as the kernel
lists it in /proc/locks.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from .errors import BuildFailed, error
from .output import write_problem
from .workers import closed_in_forked_children


def locked_folders(site_dir: Path, out_dir: Path) -> list[tuple[Path, str]]:
    """The folders a build of `site_dir` into `out_dir` locks, in the order it locks them: by path, the
    same order for every build, so that two builds each waiting for the other's folder cannot happen."""
    site = site_dir.resolve()
    beside_output = out_dir.absolute().parent.resolve()
    folders = {site: "this site"}
    folders.setdefault(beside_output, f"the folder of {out_dir.name}/")
    return sorted(folders.items())


@contextmanager
def build_lock(
    site_dir: Path, out_dir: Path, wait: bool = True, waiting: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the build's locks for the block. If another build holds one: wait for it, telling `waiting`
    once, or with `wait` False raise BuildFailed naming the other process."""
    with ExitStack() as held:
        for folder, what in locked_folders(site_dir, out_dir):
            held.enter_context(_held(folder, what, wait, waiting))
        yield


_HELD: set[int] = set()
"""The descriptors of the locks this process holds. A process forked from a build (a worker, a service)
closes its copies at once: the kernel releases a lock when its last descriptor closes, and a killed
build's children, still running, would otherwise hold it on."""


closed_in_forked_children(_HELD)


@contextmanager
def _held(folder: Path, what: str, wait: bool, waiting: Callable[[str], None] | None) -> Iterator[None]:
    if what == "this site" and not folder.is_dir():
        yield  # no site to build: loading it says so
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise BuildFailed([write_problem(folder, exc)]) from exc
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(folder)
            if not wait:
                raise BuildFailed(
                    [
                        error(
                            str(folder),
                            None,
                            f"another build of {what} is running ({holder})",
                            "wait for it to finish, or run again without --no-wait",
                        )
                    ]
                ) from None
            if waiting is not None:
                waiting(f"Waiting for another build of {what} to finish ({holder})...")
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        _HELD.add(descriptor)
        yield
    finally:
        _HELD.discard(descriptor)
        os.close(descriptor)  # which releases the lock


def _holder(folder: Path) -> str:
    """The process holding a lock on `folder`, from the kernel's list of locks (Linux)."""
    try:
        status = os.stat(folder)
        wanted = f"{os.major(status.st_dev):02x}:{os.minor(status.st_dev):02x}:{status.st_ino}"
        with open("/proc/locks", encoding="ascii") as locks:
            for line in locks:
                fields = line.split()
                # "1: FLOCK  ADVISORY  WRITE 4242 fd:01:1234 0 EOF"
                if len(fields) > 5 and fields[1] == "FLOCK" and fields[5] == wanted and fields[4].isdigit():
                    return f"process {fields[4]}"
    except OSError:
        pass
    return "another process"
