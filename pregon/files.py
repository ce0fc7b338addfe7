"""The small file and digest helpers every stage shares: one way to write a file safely, to tell whether
a file is as it was, and to digest plain data.

Nothing here knows about pages or builds.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path

FileStat = tuple[int, int, int]
"""A file's size, modification time (ns) and inode: equal stats mean a file not touched since."""


def stat_of(status: os.stat_result) -> FileStat:
    return status.st_size, status.st_mtime_ns, status.st_ino


def file_stat(path: str | Path) -> FileStat:
    """Raises OSError if there is no such file."""
    return stat_of(os.stat(path))


def atomic_write(path: Path, content: bytes) -> FileStat:
    """Write `content` to `path` so that a reader sees the old file or the new one, never a part of one:
    written beside it, then renamed over it. Returns the new file's stat."""
    # Named for the process: two processes saving the same file (the preview stopping, a build) never
    # write into one temporary file.
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(content)
        written = file_stat(temporary)
        temporary.replace(path)
    except OSError:
        temporary.unlink(missing_ok=True)  # a full disk leaves no half-written file
        raise
    return written


def digest_bytes_of(value: object) -> bytes:
    """A sha256 of plain data (strings, numbers, dates, paths, and tuples and frozen dataclasses of them),
    whose repr is the same in every process: for digests that are only ever fed into other digests."""
    return hashlib.sha256(repr(value).encode("utf-8", "surrogatepass")).digest()


def fields_identity(value: object) -> bytes:
    """The identity of a dataclass from all its fields: what an `identity` property returns."""
    hasher = hashlib.sha256(type(value).__name__.encode())
    for name in _field_names(type(value)):
        _feed(hasher, getattr(value, name))
    return hasher.digest()


def same_fields(before: object, now: object) -> bool:
    """Whether two dataclasses of one type have equal fields (by identity where a field carries one): if
    so they have the same fields_identity, which need not be computed."""
    if type(before) is not type(now):
        return False
    for name in _field_names(type(now)):
        old, new = getattr(before, name), getattr(now, name)
        if old is new:
            continue
        known = getattr(new, "identity", None)
        if isinstance(known, bytes) and getattr(old, "identity", None) == known:
            continue
        if known is not None or old != new:
            return False
    return True


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
"""Each dataclass's field names: dataclasses.fields is slow for the thousands of plans of a build."""


def _field_names(kind: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(item.name for item in dataclasses.fields(kind))
    return names


def _feed(hasher: hashlib._Hash, value: object) -> None:
    kind = type(value)
    if kind in _PLAIN:
        # Most fields are strings, numbers or None: fed as the last branch below feeds them, without first
        # asking each for an identity it cannot have (the pass over every output of a rebuild digests
        # hundreds of thousands of them).
        hasher.update(b"r" + repr(value).encode("utf-8", "surrogatepass") + b"\0")
        return
    known = getattr(value, "identity", None)
    if isinstance(known, bytes):
        hasher.update(b"i" + known)
    elif isinstance(value, tuple):
        hasher.update(b"(%d" % len(value))
        for item in value:
            _feed(hasher, item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        hasher.update(b"d" + fields_identity(value))
    else:
        hasher.update(b"r" + repr(value).encode("utf-8", "surrogatepass") + b"\0")


_PLAIN = frozenset({str, int, float, bool, type(None), bytes})
"""Types with no identity of their own, fed by their repr."""
