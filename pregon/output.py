"""Writing Outputs: into a temporary folder beside the output, swapped in only when all succeeded.

Readers of the published folder never see a half-written site: the new site is complete on disk
before it replaces the old one, and a failed build leaves the old one exactly as it was. A build killed
while it moves the changed files of an edit in, one by one, leaves some of them moved: the next build
makes them all.
Nothing is ever written outside the output folder.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import glob
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BuildFailed, Problem, error


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


class StaticFileUnreadable(Exception):
    """A static file could not be read (its permissions, or it vanished): the build stops, naming it."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(str(path))
        self.path = path
        self.reason = reason


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
    """A fresh folder beside `out_dir` to build into, removed afterwards (publish moves in what it holds).

    Only a build that holds the output folder's lock (lock.py) may call it: it removes the folders that
    killed builds into the same output folder left."""
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out_dir)
    temp = Path(tempfile.mkdtemp(prefix=_leftover_prefix(_TEMP_PREFIX, out_dir), dir=out_dir.parent))
    try:
        yield temp
    finally:
        shutil.rmtree(temp, ignore_errors=True)


@contextmanager
def unwritable_as_problem(out_dir: Path) -> Iterator[None]:
    """A disk that is full, read-only or not ours to write, met while writing the site into the folders
    beside `out_dir` or moving it in, as the build's error naming the folder (the published site is then
    as it was). Any other OSError, such as a source that cannot be read, is not this one's to explain."""
    try:
        yield
    except OSError as exc:
        if not _written_by_the_build(exc, out_dir.absolute()):
            raise
        raise BuildFailed([write_problem(out_dir, exc)]) from exc


def _written_by_the_build(exc: OSError, out_dir: Path) -> bool:
    if not isinstance(exc.filename, str):
        # A write to a file already open names no file; only writing fails so.
        return exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS)
    where = Path(os.path.abspath(exc.filename))
    if where == out_dir or where.is_relative_to(out_dir):
        return True
    if not where.is_relative_to(out_dir.parent) or where == out_dir.parent:
        return where == out_dir.parent and exc.errno in _WRITE_ERRORS
    first = where.relative_to(out_dir.parent).parts[0]
    return any(first.startswith(_leftover_prefix(prefix, out_dir)) for prefix in (_TEMP_PREFIX, _OLD_PREFIX))


def write_problem(folder: Path, exc: OSError) -> Problem:
    """The error of a disk that would not take what the build writes into `folder`."""
    reason = _WRITE_ERRORS.get(exc.errno or 0, exc.strerror or str(exc))
    hint = _WRITE_HINTS.get(exc.errno or 0, "check that pregon may write there, then build again")
    return error(
        str(folder.absolute()),
        None,
        f"the site could not be written: {reason}",
        f"{hint}; the site there was left as it was",
    )


_WRITE_ERRORS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the folder is on a read-only disk",
    errno.EACCES: "pregon may not write in this folder",
    errno.EPERM: "pregon may not write in this folder",
}
_WRITE_HINTS = {
    errno.ENOSPC: "free some space on that disk, then build again",
    errno.EDQUOT: "free some space, or ask for a larger quota, then build again",
    errno.EROFS: "build into a folder on a writable disk (--out DIR)",
    errno.EACCES: "build into a folder you may write in (--out DIR), or change its permissions",
    errno.EPERM: "build into a folder you may write in (--out DIR), or change its permissions",
}


@dataclass(frozen=True)
class Placed:
    """An output dealt with: written into the folder being built, or found identical to the published file."""

    path: str
    digest: str
    staged: bool
    """Written into the folder being built. If not, the published file already has these bytes."""


@dataclass
class Destination:
    """Where outputs go: the folder being built, and the published site whose unchanged files it reuses."""

    folder: Path
    published: Callable[[str, str], bool] | None = None
    """Whether the published file at a path has the bytes of a sha256 (last_build.PublishedSite.has)."""
    made: set[Path] = field(default_factory=set)
    """Folders this process created (or found) in `folder`."""

    def place(self, output: Output | Unchanged) -> Placed | None:
        """Write one output into the folder being built, unless the published file has the same bytes.

        An output whose path would leave the folder is not written (None); check_paths reports it and
        the build fails.
        """
        if not _is_inside(output.path):
            return None
        if isinstance(output, Unchanged):
            return Placed(output.path, output.digest, staged=False)
        digest = hashlib.sha256(output.content).hexdigest()
        if self.published is not None and self.published(output.path, digest):
            return Placed(output.path, digest, staged=False)
        target = self.folder / output.path
        if target.parent not in self.made:
            _make_folder(target.parent, self.folder, self.made)
        target.write_bytes(output.content)
        target.chmod(0o644)
        return Placed(output.path, digest, staged=True)


def write_outputs(
    outputs: Iterable[Output | Unchanged | Placed], static: Mapping[str, Path], destination: Destination
) -> list[Placed]:
    """Place every output not placed yet, and the static files (by their path under static/), in the
    destination."""
    placed = []
    for output in outputs:
        done = output if isinstance(output, Placed) else destination.place(output)
        if done is not None:
            placed.append(done)
    for name, file in static.items():
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise StaticFileUnreadable(file, exc.strerror or str(exc)) from exc
        done = destination.place(Output(f"static/{name}", data))
        if done is not None:
            placed.append(done)
    return placed


PATCH_LIMIT = 200
PATCH_SHARE = 20
"""Up to PATCH_LIMIT changed files, or a PATCH_SHARE-th of the site if that is more, are moved into the
published site one by one; more, and the whole new site is swapped in at once."""


def publish(
    folder: Path, out_dir: Path, placed: list[Placed], published: Mapping[str, str] | None, patch_always: bool = False
) -> None:
    """Make the site in `folder` (with the unchanged published files it left out) the one in `out_dir`.

    An edit changes few files: each is moved into place, an atomic rename, and files no longer made are
    removed, so the cost follows the change, not the size of the site. A large change builds the
    complete site beside the old one (linking unchanged files) and swaps the two folders at once.
    Either way nothing is touched until the whole build has succeeded. `patch_always`: for the preview,
    which only its author reads (after the build), files are always moved in one by one: a page added
    near the top of a long list moves hundreds of files, and linking thousands costs a second.
    """
    out_dir = out_dir.absolute()
    changed = [item for item in placed if item.staged]
    made_now = {item.path for item in placed}
    if published is not None and out_dir.is_dir():
        removed = sorted(path for path in published if path not in made_now)
        if patch_always or len(changed) + len(removed) <= max(PATCH_LIMIT, len(placed) // PATCH_SHARE):
            _patch(folder, out_dir, changed, removed)
            return
    made: set[Path] = set()
    for item in placed:
        if not item.staged:
            target = folder / item.path
            if target.parent not in made:
                _make_folder(target.parent, folder, made)
            try:
                os.link(out_dir / item.path, target)
            except OSError as exc:
                raise PublishedFileMissing(item.path) from exc
    folder.chmod(0o755)  # mkdtemp makes it private
    _swap_in(folder, out_dir)


def _patch(folder: Path, out_dir: Path, changed: list[Placed], removed: list[str]) -> None:
    """Move the changed files in and the removed ones out, as one change: the files replaced or removed
    are first linked into a folder beside the site, so that if any move fails (a full disk, a folder
    that may not be written) every move made so far is undone and the site is as it was."""
    backup = Path(tempfile.mkdtemp(prefix=_leftover_prefix(_OLD_PREFIX, out_dir), dir=out_dir.parent))
    made_folders: list[Path] = []
    moved: list[tuple[Path, Path | None]] = []
    """Each file changed in the site, and where its earlier version was kept (None: it is new)."""
    try:
        for item in changed:
            target = out_dir / item.path
            _make_folders(target.parent, out_dir, made_folders)
            kept = _keep_aside(target, backup / item.path) if target.exists() else None
            os.replace(folder / item.path, target)
            moved.append((target, kept))
        for path in removed:
            target = out_dir / path
            if target.exists():
                kept = backup / path
                kept.parent.mkdir(parents=True, exist_ok=True)
                os.replace(target, kept)
                moved.append((target, kept))
    except OSError:
        # If even putting back fails, the backup holds the only copies of the earlier files: it is kept,
        # and the next build (which removes it as a leftover) publishes the whole site again.
        _undo(moved, made_folders)
        shutil.rmtree(backup, ignore_errors=True)
        raise
    shutil.rmtree(backup, ignore_errors=True)
    for path in removed:
        parent = (out_dir / path).parent
        try:
            while parent != out_dir and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
        except OSError:
            pass  # an empty folder left in the published site: harmless, and removed next time


def _keep_aside(target: Path, kept: Path) -> Path:
    kept.parent.mkdir(parents=True, exist_ok=True)
    os.link(target, kept)
    return kept


def _undo(moved: list[tuple[Path, Path | None]], made_folders: list[Path]) -> None:
    """Put back every file _patch changed, newest first, then remove the folders it made."""
    for target, kept in reversed(moved):
        if kept is not None:
            os.replace(kept, target)
        else:
            target.unlink(missing_ok=True)
    for made in reversed(made_folders):
        try:
            made.rmdir()
        except OSError:
            pass


def _make_folders(folder: Path, root: Path, made: list[Path]) -> None:
    """Make `folder` and its parents below `root`, noting each one made, for _undo."""
    if folder == root or folder.is_dir():
        return
    _make_folders(folder.parent, root, made)
    folder.mkdir()
    folder.chmod(0o755)
    made.append(folder)


def _make_folder(folder: Path, root: Path, made: set[Path]) -> None:
    """Make `folder` and its parents below `root`, readable by the web server whatever the umask."""
    if folder in made or folder == root:
        return
    _make_folder(folder.parent, root, made)
    try:
        folder.mkdir()
        folder.chmod(0o755)
    except FileExistsError:
        pass  # made by another worker, or already published
    made.add(folder)


def _is_inside(path: str) -> bool:
    """A relative path with no `..`: it cannot lead out of the folder it is joined to."""
    parts = [part for part in path.split("/") if part not in ("", ".")]
    return bool(parts) and not path.startswith("/") and ".." not in parts and "\0" not in path


def remove_leftovers(out_dir: Path) -> None:
    """Delete temporary folders that an interrupted build into `out_dir` left beside it (and no other
    output folder's: `site-x`'s are not `site`'s)."""
    if not out_dir.parent.is_dir():
        return
    for prefix in (_TEMP_PREFIX, _OLD_PREFIX):
        start = _leftover_prefix(prefix, out_dir)
        for leftover in out_dir.parent.glob(f"{glob.escape(start)}*"):
            if _LEFTOVER_SUFFIX.fullmatch(leftover.name[len(start) :]):
                shutil.rmtree(leftover, ignore_errors=True)


def _leftover_prefix(prefix: str, out_dir: Path) -> str:
    # The dot ends the folder's name: what follows it is mkdtemp's random suffix, which has no dot.
    return f"{prefix}{out_dir.name}."


_LEFTOVER_SUFFIX = re.compile(r"[a-z0-9_]+")


def _swap_in(new: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        new.rename(out_dir)
        return
    if _exchange(new, out_dir):
        shutil.rmtree(new)  # now holds the previous site
        return
    old = Path(tempfile.mkdtemp(prefix=_leftover_prefix(_OLD_PREFIX, out_dir), dir=out_dir.parent))
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
