"""The build cache: results of the costly, pure steps, keyed by the content of everything they read.

Markdown conversion is most of a build's time, and reading front matter comes next; both are kept
between builds in `.pregon-cache/`. A cached Markdown result is used only if every link it resolved
still resolves to the same address, so an edit elsewhere (a page renamed, a translation added) can
never leave a stale link behind. The cache is an optimisation only: deleting it changes no output.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__

CACHE_FORMAT = f"pregon {__version__} cache 4"
"""Changes whenever what the cache holds changes meaning (4: cmark-gfm Markdown with its words, keyed by file id)."""

LinkResolution = tuple[tuple[str, Any], ...]
"""Each link target a conversion asked about, with the answer it got."""


@dataclass
class BuildCache:
    markdown: dict[str, tuple[LinkResolution, Any]] = field(default_factory=dict)
    sources: dict[str, tuple[Any, tuple[Any, ...]]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    """Keys this build used; only these are saved, so the cache holds no more than one build's worth."""
    stored: dict[str, frozenset[str]] = field(default_factory=dict)
    """The keys in each part of the cache as it is on disk: a part whose keys are still exactly the
    ones used is not written again, so saving after an edit writes a sixteenth of the cache or two."""

    def markdown_result(self, key: str, resolve: Callable[[str], Any]) -> tuple[LinkResolution, Any] | None:
        """The link answers and the conversion cached under `key`, if every link still leads there."""
        entry = self.markdown.get(key)
        if entry is None:
            return None
        resolutions, _ = entry
        if any(resolve(target) != answer for target, answer in resolutions):
            return None
        self.used.add(key)
        return entry

    def keep_markdown(self, key: str, resolutions: LinkResolution, rendered: Any) -> None:
        self.markdown[key] = (resolutions, rendered)
        self.used.add(key)

    def source(self, key: str) -> tuple[Any, tuple[Any, ...]] | None:
        entry = self.sources.get(key)
        if entry is not None:
            self.used.add(key)
        return entry

    def keep_source(self, key: str, page: Any, problems: Iterable[Any]) -> None:
        self.sources[key] = (page, tuple(problems))
        self.used.add(key)


def cache_key(*parts: str | bytes) -> str:
    digest = hashlib.sha256(CACHE_FORMAT.encode())
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


CACHE_PARTS = "0123456789abcdef"
"""Keys are hex digests; the cache is stored in one file per first digit."""


def load_cache(folder: Path) -> BuildCache:
    """The cache earlier builds saved in `folder` (an empty one where a part is missing or unreadable)."""
    cache = BuildCache()
    for part in CACHE_PARTS:
        try:
            with (folder / f"cache-{part}.pickle").open("rb") as file:
                stored = pickle.load(file)  # noqa: S301 - written by pregon itself, in the site's own folder
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            continue
        if not isinstance(stored, dict) or stored.get("format") != CACHE_FORMAT:
            continue
        cache.markdown.update(stored["markdown"])
        cache.sources.update(stored["sources"])
        cache.stored[part] = frozenset(stored["markdown"]) | frozenset(stored["sources"])
    return cache


def save_cache(folder: Path, cache: BuildCache) -> None:
    """Save the entries this build used, rewriting only the parts whose set of keys changed."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "build.pickle").unlink(missing_ok=True)  # the single file of earlier versions
    for part in CACHE_PARTS:
        keys = frozenset(key for key in cache.used if key[0] == part)
        if cache.stored.get(part) == keys:
            continue
        stored = {
            "format": CACHE_FORMAT,
            "markdown": {key: cache.markdown[key] for key in sorted(keys) if key in cache.markdown},
            "sources": {key: cache.sources[key] for key in sorted(keys) if key in cache.sources},
        }
        temporary = folder / f"cache-{part}.tmp"
        with temporary.open("wb") as file:
            pickle.dump(stored, file, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(folder / f"cache-{part}.pickle")
        cache.stored[part] = keys


FileState = tuple[int, int, int, str]
"""A file's size, modification time (ns) and inode when it was read, and the sha256 of its bytes."""

TRUST_MARGIN_NS = 2_000_000_000
"""A file changed this close before the last build read it may have changed again within the same
tick of a coarse file-system clock: it is read again rather than trusted by its size and time."""


@dataclass(frozen=True)
class Fingerprint:
    digest: str
    """One hash of every input file's path and bytes, and of the build's settings."""
    files: dict[str, FileState]
    """Each file's state, by its path below the root, for the next build to trust."""
    hashes: dict[str, str]
    """The sha256 of each file's bytes, by absolute path, so that later stages need not read it."""
    taken_ns: int


def fingerprint(
    files: Iterable[str], root: str, *settings: str, known: Mapping[str, FileState] | None = None, known_ns: int = 0
) -> Fingerprint:
    """Hash the inputs (absolute paths, below `root`); a file whose size, time and inode are those
    `known` (and old enough) is not read again.

    That is how git's index avoids reading unchanged files: a rebuild reads only what was touched.
    """
    taken_ns = time.time_ns()
    known = known or {}
    digest = hashlib.sha256(CACHE_FORMAT.encode())
    states: dict[str, FileState] = {}
    hashes: dict[str, str] = {}
    for setting in settings:
        digest.update(setting.encode() + b"\0")
    for file in sorted(files):
        name = os.path.relpath(file, root) if not file.startswith(root + os.sep) else file[len(root) + 1 :]
        digest.update(name.encode("utf-8", "surrogatepass") + b"\0")
        if os.path.islink(file):
            digest.update(b"link:" + os.path.realpath(file).encode("utf-8", "surrogatepass"))
        status = os.stat(file)
        if stat.S_ISDIR(status.st_mode):
            digest.update(b"folder")
            continue
        before = known.get(name)
        now = (status.st_size, status.st_mtime_ns, status.st_ino)
        if before is not None and before[:3] == now and status.st_mtime_ns < known_ns - TRUST_MARGIN_NS:
            sha = before[3]
        else:
            with open(file, "rb") as opened:
                sha = hashlib.sha256(opened.read()).hexdigest()
        states[name] = (*now, sha)
        hashes[file] = sha
        digest.update(sha.encode())
    return Fingerprint(digest.hexdigest(), states, hashes, taken_ns)
