"""Writing Outputs: into a temporary folder beside the output, swapped in only when all succeeded.

Readers of the published folder never see a half-written site: the new site is complete on disk
before it replaces the old one, and a failed or killed build leaves the old one exactly as it was.
Nothing is ever written outside the output folder.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import Problem, error


@dataclass(frozen=True)
class Output:
    path: str
    """Where the file goes, relative to the output folder, with forward slashes."""
    content: bytes


_TEMP_PREFIX = ".pregon-build-"
_OLD_PREFIX = ".pregon-old-"
_RENAME_EXCHANGE = 2


def check_paths(outputs: Iterable[Output], static_dir: Path) -> list[Problem]:
    """Refuse any output path that could leave the output folder, and two outputs with one path."""
    problems = []
    seen: set[str] = set()
    for output in outputs:
        path = PurePosixPath(output.path)
        if path.is_absolute() or ".." in path.parts or not path.parts:
            problems.append(error(output.path, None, "would be written outside the output folder"))
        folded = output.path.casefold()
        if folded in seen:
            problems.append(
                error(output.path, None, "two outputs would be written to this one file", "rename one of the sources")
            )
        seen.add(folded)
    if static_dir.is_dir():
        for file in sorted(static_dir.rglob("*")):
            if file.is_symlink() and not file.resolve().is_relative_to(static_dir.resolve()):
                problems.append(
                    error(
                        f"static/{file.relative_to(static_dir).as_posix()}",
                        None,
                        "is a link to a file outside the static folder",
                        "copy the file in instead",
                    )
                )
    return problems


@contextmanager
def staged_site(out_dir: Path) -> Iterator[Path]:
    """A fresh folder beside `out_dir` to build into; swapped in if the block succeeds, removed if not."""
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out_dir)
    temp = Path(tempfile.mkdtemp(prefix=_TEMP_PREFIX + out_dir.name + "-", dir=out_dir.parent))
    try:
        yield temp
        _normalise_permissions(temp)
        _swap_in(temp, out_dir)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def write_outputs(
    outputs: Iterable[Output],
    static_dir: Path,
    folder: Path,
    previous: Path | None = None,
    published: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Write every output into `folder` and return each one's hash.

    A file whose hash equals the one published in `previous` (as `published` records) is linked there,
    not rewritten: it keeps its identity and time, so mirrors and caches see only real changes.
    """
    hashes: dict[str, str] = {}
    if static_dir.is_dir():
        shutil.copytree(static_dir, folder / "static", symlinks=False)
    made: set[Path] = set()
    for output in outputs:
        target = folder / output.path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        digest = hashlib.sha256(output.content).hexdigest()
        hashes[output.path] = digest
        if previous is not None and published is not None and published.get(output.path) == digest:
            try:
                os.link(previous / output.path, target)
                continue
            except OSError:
                pass  # gone or on another file system: write it
        target.write_bytes(output.content)
    return hashes


def remove_leftovers(out_dir: Path) -> None:
    """Delete temporary folders that an interrupted build left beside `out_dir`."""
    if not out_dir.parent.is_dir():
        return
    for prefix in (_TEMP_PREFIX, _OLD_PREFIX):
        for leftover in out_dir.parent.glob(f"{prefix}{out_dir.name}-*"):
            shutil.rmtree(leftover, ignore_errors=True)


def _normalise_permissions(folder: Path) -> None:
    # mkdtemp makes a private folder; a published site must be readable by the web server.
    folder.chmod(0o755)
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def _swap_in(new: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        new.rename(out_dir)
        return
    if _exchange(new, out_dir):
        shutil.rmtree(new)  # now holds the previous site
        return
    old = Path(tempfile.mkdtemp(prefix=_OLD_PREFIX + out_dir.name + "-", dir=out_dir.parent))
    old.rmdir()
    out_dir.rename(old)
    new.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically with Linux's renameat2; False where the system has no such call."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), _RENAME_EXCHANGE)
    return bool(result == 0)
