"""The build cache: results of the costly, pure steps, keyed by the content of everything they read.

Markdown conversion is most of a build's time, and reading front matter comes next; both are kept
between builds in `.pregon-cache/`. A cached Markdown result is used only if every link it resolved
still resolves to the same address, so an edit elsewhere (a page renamed, a translation added) can
never leave a stale link behind. The cache is an optimisation only: deleting it changes no output.
"""

from __future__ import annotations

import gc
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

CACHE_FORMAT = f"pregon {__version__} cache 5"
"""Changes whenever what the cache holds changes meaning (5: Markdown entries record the link table
their answers were last confirmed against)."""

LinkResolution = tuple[tuple[str, Any], ...]
"""Each link target a conversion asked about, with the answer it got."""

RecordMemory = dict[str, tuple[tuple[int, int, int], Any]]
"""Record file -> its size, time and inode when read or written, and the record (see last_build.py)."""


@dataclass
class WalkMemory:
    """In memory only, for a process that a file watcher tells what changed (the preview server): what
    the last fingerprint walked, so that the next one looks only at what changed."""

    digest: str = ""
    """The fingerprint these are from; trusted only while the last build's record has this one."""
    roots: tuple[str, ...] = ()
    files: frozenset[str] = frozenset()
    folders: frozenset[str] = frozenset()
    links: frozenset[str] = frozenset()


@dataclass
class BuildCache:
    markdown: dict[str, tuple[LinkResolution, Any, str]] = field(default_factory=dict)
    """Conversions: key -> (the link answers they got, the result, the link table those answers were
    last confirmed against)."""
    sources: dict[str, tuple[Any, tuple[Any, ...]]] = field(default_factory=dict)
    templates: dict[str, Any] = field(default_factory=dict)
    """What is learnt from a template's source: the templates it references, its compiled code."""
    used: set[str] = field(default_factory=set)
    """Keys this build used; only these are saved, so the cache holds no more than one build's worth."""
    stored: dict[str, frozenset[str]] = field(default_factory=dict)
    """The keys in each part of the cache as it is on disk: a part whose keys are still exactly the
    ones used is not written again, so saving after an edit writes a few of its 256 parts."""
    pages: dict[str, Any] = field(default_factory=dict)
    """In memory only: what each page of the last build was made from and its key (Renderer._known_page)."""
    listed: dict[tuple[str, str], bytes] = field(default_factory=dict)
    """In memory only: a digest of what lists show of each source, by its path and file id."""
    sitemap: dict[tuple[str, str], tuple[Any, bytes, tuple[str, ...]]] = field(default_factory=dict)
    """In memory only: a digest of what the sitemaps show of each page group, with the group it is of and
    the languages whose sitemaps show it."""
    search: dict[str, Any] = field(default_factory=dict)
    """In memory only: each language's search index as the last build made it (search.SearchIndex)."""
    records: RecordMemory = field(default_factory=dict)
    """In memory only, for a process that builds again and again (the preview server): the records of
    the last builds (last_build.py), with the size, time and inode of the file each was read from."""
    content: Any = None
    """In memory only: what the last content stage found (content.ContentMemory)."""
    site: Any = None
    """In memory only: the site the last build made (site.Site), patched by the next one."""
    walk: WalkMemory = field(default_factory=WalkMemory)
    """In memory only: what the last fingerprint walked (see WalkMemory)."""
    _keys: dict[tuple[str, ...], str] = field(default_factory=dict, repr=False)
    changed_parts: set[str] = field(default_factory=set)
    """Parts holding an entry updated in place since they were saved: written again even if their
    keys are the same."""

    def key(self, *parts: str) -> str:
        """cache_key(*parts), remembered: a process that builds again and again asks for the same
        thousands of keys each time."""
        known = self._keys.get(parts)
        if known is None:
            known = self._keys[parts] = cache_key(*parts)
        return known

    def markdown_result(
        self, key: str, resolve: Callable[[str], Any], link_table: str
    ) -> tuple[LinkResolution, Any] | None:
        """The link answers and the conversion cached under `key`, if every link still leads there.

        `link_table`: a digest of everything a link's answer is made from (see Site.link_table). Under
        the table the answers were confirmed against, they are not asked again: an edit that renames
        or adds no page costs no link checks at all.
        """
        entry = self.markdown.get(key)
        if entry is None:
            return None
        resolutions, rendered, confirmed = entry
        if confirmed != link_table:
            if any(resolve(target) != answer for target, answer in resolutions):
                return None
            self.confirm_links(key, link_table)
        self.used.add(key)
        return resolutions, rendered

    def confirm_links(self, key: str, link_table: str) -> None:
        """Record that the links of the entry under `key` still get the answers it holds under `link_table`."""
        resolutions, rendered, _ = self.markdown[key]
        self.markdown[key] = (resolutions, rendered, link_table)
        self.changed_parts.add(part_of(key))

    def keep_markdown(self, key: str, resolutions: LinkResolution, rendered: Any, link_table: str) -> None:
        self.markdown[key] = (resolutions, rendered, link_table)
        self.used.add(key)

    def source(self, key: str) -> tuple[Any, tuple[Any, ...]] | None:
        entry = self.sources.get(key)
        if entry is not None:
            self.used.add(key)
        return entry

    def keep_source(self, key: str, page: Any, problems: Iterable[Any]) -> None:
        self.sources[key] = (page, tuple(problems))
        self.used.add(key)

    def template(self, key: str) -> Any:
        entry = self.templates.get(key)
        if entry is not None:
            self.used.add(key)
        return entry

    def keep_template(self, key: str, entry: Any) -> None:
        # A compiled template is kept under its name, so an edit replaces an entry in place.
        self.templates[key] = entry
        self.used.add(key)
        self.changed_parts.add(part_of(key))


def cache_key(*parts: str) -> str:
    """A hex digest of the parts (and the cache format); the repr of the tuple keeps the parts apart."""
    return hashlib.sha256((CACHE_FORMAT + repr(parts)).encode("utf-8", "surrogatepass")).hexdigest()


CACHE_PARTS = [f"{number:02x}" for number in range(256)]
"""Keys are hex digests; the cache is stored in one file per first two digits, so that saving after
an edit rewrites a few small files (the entries of the page before and after it), not a large one."""


def part_of(key: str) -> str:
    return key[:2]


def load_cache(folder: Path) -> BuildCache:
    """The cache earlier builds saved in `folder` (an empty one where a part is missing or unreadable).

    The cache is hundreds of thousands of objects that live as long as the build and hold no cycles
    to collect: the garbage collector is kept off while they are made, then told to leave them alone
    (its full passes over them took a third of a rebuild after an edit)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_parts(folder)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _load_parts(folder: Path) -> BuildCache:
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
        cache.templates.update(stored["templates"])
        cache.stored[part] = (
            frozenset(stored["markdown"]) | frozenset(stored["sources"]) | frozenset(stored["templates"])
        )
    return cache


def save_cache(folder: Path, cache: BuildCache) -> None:
    """Save the entries this build used, rewriting only the parts whose set of keys changed."""
    folder.mkdir(parents=True, exist_ok=True)
    # The files of earlier versions: one file, then one per first digit.
    (folder / "build.pickle").unlink(missing_ok=True)
    for digit in "0123456789abcdef":
        (folder / f"cache-{digit}.pickle").unlink(missing_ok=True)
    used: dict[str, set[str]] = {part: set() for part in CACHE_PARTS}
    for key in cache.used:
        used[part_of(key)].add(key)
    for part in CACHE_PARTS:
        keys = frozenset(used[part])
        if cache.stored.get(part, frozenset()) == keys and part not in cache.changed_parts:
            continue
        stored = {
            "format": CACHE_FORMAT,
            "markdown": {key: cache.markdown[key] for key in sorted(keys) if key in cache.markdown},
            "sources": {key: cache.sources[key] for key in sorted(keys) if key in cache.sources},
            "templates": {key: cache.templates[key] for key in sorted(keys) if key in cache.templates},
        }
        temporary = folder / f"cache-{part}.tmp"
        with temporary.open("wb") as file:
            pickle.dump(stored, file, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(folder / f"cache-{part}.pickle")
        cache.stored[part] = keys
    cache.changed_parts.clear()


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
    folders: frozenset[str] = frozenset()
    """The inputs that are folders, and those that are links (absolute paths)."""
    links: frozenset[str] = frozenset()


def fingerprint(
    files: Iterable[str],
    root: str,
    *settings: str,
    known: Mapping[str, FileState] | None = None,
    known_ns: int = 0,
    trusted: frozenset[str] = frozenset(),
    known_folders: frozenset[str] = frozenset(),
) -> Fingerprint:
    """Hash the inputs (absolute paths, below `root`); a file whose size, time and inode are those
    `known` (and old enough) is not read again.

    That is how git's index avoids reading unchanged files: a rebuild reads only what was touched.
    `trusted`: files that a watcher says have not changed since `known` was taken, and of them
    `known_folders` the folders; they are taken as they were, without a look at the disk.
    """
    taken_ns = time.time_ns()
    known = known or {}
    digest = hashlib.sha256(CACHE_FORMAT.encode())
    states: dict[str, FileState] = {}
    hashes: dict[str, str] = {}
    for setting in settings:
        digest.update(setting.encode() + b"\0")
    # Thousands of files: the loop does as little as it can per file, and hashes once at the end.
    parts: list[str] = []
    prefix = root + os.sep
    trusted_before = known_ns - TRUST_MARGIN_NS
    folders: list[str] = []
    links: list[str] = []
    for file in sorted(files):
        name = file[len(prefix) :] if file.startswith(prefix) else os.path.relpath(file, root)
        parts.append(name + "\0")
        if file in trusted:
            if file in known_folders:
                parts.append("folder")
                folders.append(file)
                continue
            state = known.get(name)
            if state is not None:
                states[name] = state
                hashes[file] = state[3]
                parts.append(state[3])
                continue
        status = os.lstat(file)
        if stat.S_ISLNK(status.st_mode):
            parts.append("link:" + os.path.realpath(file))
            links.append(file)
            status = os.stat(file)
        if stat.S_ISDIR(status.st_mode):
            parts.append("folder")
            folders.append(file)
            continue
        before = known.get(name)
        now = (status.st_size, status.st_mtime_ns, status.st_ino)
        if before is not None and before[:3] == now and status.st_mtime_ns < trusted_before:
            sha = before[3]
        else:
            with open(file, "rb") as opened:
                sha = hashlib.sha256(opened.read()).hexdigest()
        states[name] = (*now, sha)
        hashes[file] = sha
        parts.append(sha)
    digest.update("".join(parts).encode("utf-8", "surrogatepass"))
    return Fingerprint(digest.hexdigest(), states, hashes, taken_ns, frozenset(folders), frozenset(links))
