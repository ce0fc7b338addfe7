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
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import Problem, error


@dataclass(frozen=True)
class Output:
    path: str
    """Where the file goes, relative to the output folder, with forward slashes."""
    content: bytes


@dataclass(frozen=True)
class Unchanged:
    """An output that would be byte-identical to the published file: linked from there, not made again."""

    path: str
    digest: str
    """The sha256 of the published file's bytes, as the build that wrote it recorded."""


class PublishedFileMissing(Exception):
    """A file the build meant to keep from the published site was removed while the build ran."""


_TEMP_PREFIX = ".pregon-build-"
_OLD_PREFIX = ".pregon-old-"
_RENAME_EXCHANGE = 2


def check_paths(outputs: Iterable[Output | Unchanged | Placed], static_dir: Path) -> list[Problem]:
    """Refuse any output path that could leave the output folder, and two outputs with one path."""
    problems = []
    seen: set[str] = set()
    for output in outputs:
        if not _is_inside(output.path):
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
        temp.chmod(0o755)  # mkdtemp makes it private
        _swap_in(temp, out_dir)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


@dataclass(frozen=True)
class Placed:
    """An output already written into the folder being built (by a worker process, as it rendered)."""

    path: str
    digest: str


@dataclass
class Destination:
    """Where outputs go: the folder being built, and the published site whose unchanged files it reuses."""

    folder: Path
    previous: Path | None = None
    published: Mapping[str, str] | None = None
    """Output path -> sha256 of the file the last build published in `previous`."""
    made: set[Path] = field(default_factory=set)
    """Folders this process created (or found) in `folder`."""

    def place(self, output: Output | Unchanged) -> str | None:
        """Write one output (or link it from the published site) and return its hash.

        A file whose hash equals the one published is linked there, not rewritten: it keeps its
        identity and time, so mirrors and caches see only real changes. An output whose path would leave
        the folder is not written (None); check_paths reports it and the build fails.
        """
        if not _is_inside(output.path):
            return None
        target = self.folder / output.path
        if target.parent not in self.made:
            self._make_folder(target.parent)
        if isinstance(output, Unchanged):
            try:
                os.link(Path(self.previous or self.folder) / output.path, target)
            except OSError as exc:
                raise PublishedFileMissing(output.path) from exc
            return output.digest
        digest = hashlib.sha256(output.content).hexdigest()
        if self.previous is not None and self.published is not None and self.published.get(output.path) == digest:
            try:
                os.link(self.previous / output.path, target)
                return digest
            except OSError:
                pass  # gone or on another file system: write it
        target.write_bytes(output.content)
        target.chmod(0o644)
        return digest

    def _make_folder(self, folder: Path) -> None:
        # A strict umask would make private folders; a published site must be readable by the web
        # server. (Linked files were made readable by the build that wrote them.)
        if folder in self.made or folder == self.folder:
            return
        self._make_folder(folder.parent)
        try:
            folder.mkdir()
        except FileExistsError:
            pass  # another worker made it first
        folder.chmod(0o755)
        self.made.add(folder)


def write_outputs(
    outputs: Iterable[Output | Unchanged | Placed], static_dir: Path, destination: Destination
) -> dict[str, str]:
    """Write every output not yet placed into the destination folder, and return each one's hash."""
    hashes: dict[str, str] = {}
    if static_dir.is_dir():
        shutil.copytree(static_dir, destination.folder / "static", symlinks=False)
        make_readable(destination.folder / "static")
    for output in outputs:
        digest = output.digest if isinstance(output, Placed) else destination.place(output)
        if digest is not None:
            hashes[output.path] = digest
    return hashes


def _is_inside(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return bool(parts) and not PurePosixPath(path).is_absolute() and ".." not in parts


def remove_leftovers(out_dir: Path) -> None:
    """Delete temporary folders that an interrupted build left beside `out_dir`."""
    if not out_dir.parent.is_dir():
        return
    for prefix in (_TEMP_PREFIX, _OLD_PREFIX):
        for leftover in out_dir.parent.glob(f"{prefix}{out_dir.name}-*"):
            shutil.rmtree(leftover, ignore_errors=True)


def make_readable(folder: Path) -> None:
    """Files copied or made by other tools keep their own modes; the web server must read them all."""
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
