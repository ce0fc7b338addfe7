"""What a build reads, as one fingerprint: equal fingerprints build equal sites.

A file whose size, time and inode are as the last build saw them is not read again, as git's index
avoids reading unchanged files; a file watcher (the preview server) can also say which files changed,
and then only those are looked at.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import os
import stat
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from . import __version__
from .alert_source import ALERT_FILE
from .cache import CACHE_FORMAT
from .config import load_config
from .files import stat_of
from .options import BuildOptions
from .theme import FOLDERS, THEME_DIR
from .today import site_today

FileState = tuple[int, int, int, str]
"""A file's size, modification time (ns) and inode when it was read, and the sha256 of its bytes."""

TRUST_MARGIN_NS = 2_000_000_000
"""A file changed this close before the last build read it may have changed again within the same
tick of a coarse file-system clock: it is read again rather than trusted by its size and time."""


@dataclass(frozen=True)
class WalkMemory:
    """In memory only, for a process that a file watcher tells what changed (the preview server): what
    the last fingerprint walked, so that the next one looks only at what changed."""

    digest: str = ""
    """The fingerprint these are from; trusted only while the last build's record has this one."""
    roots: tuple[str, ...] = ()
    files: frozenset[str] = frozenset()
    folders: frozenset[str] = frozenset()
    links: frozenset[str] = frozenset()


@dataclass(frozen=True)
class LastInputs:
    """What the last build into the same folder read, as its record keeps it."""

    digest: str
    files: Mapping[str, FileState]
    taken_ns: int


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
    walked: WalkMemory = WalkMemory()
    """What was walked, for the next fingerprint of a process that a file watcher tells what changed."""


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
    # The file system's root (inputs in the theme and in the site) ends in a separator already.
    prefix = root if root.endswith(os.sep) else root + os.sep
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
        now = stat_of(status)
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


def input_fingerprint(
    options: BuildOptions,
    previous: LastInputs | None = None,
    memory: WalkMemory | None = None,
    changed: frozenset[str] | None = None,
) -> Fingerprint | None:
    """Everything a build reads, and how it was asked to build: equal fingerprints build equal sites.

    Files the previous build read and that were not touched since are not read again. None if a file
    vanished while reading: the build then runs for real, and says what is wrong.

    `changed`: the paths a file watcher saw change since the last build of this process, which kept
    what it walked in `memory`; only those are looked at, unless one is a folder or a link (then, and
    whenever in doubt, everything is walked again).
    """
    root = str(options.site_dir.absolute())
    # The theme's files count as inputs too: a site that overrides none of them is made of them, and
    # upgrading pregon changes them.
    roots = tuple(
        str(folder.absolute())
        for folder in [options.content_dir or options.site_dir / "content"]
        + [options.site_dir / name for name in FOLDERS]
        + [THEME_DIR / name for name in FOLDERS]
    )
    site_file = os.path.join(root, "site.yaml")
    walked = _walked_after(memory, changed, previous, roots, site_file)
    if walked is None:
        files = [site_file] if os.path.isfile(site_file) else []
        for folder in roots:
            # Folders count too: an empty folder named like a page is a mistake the build must report.
            for parent, folder_names, file_names in os.walk(folder, followlinks=True):
                files += [os.path.join(parent, name) for name in folder_names + file_names]
        trusted: frozenset[str] = frozenset()
    else:
        files = list(walked)
        assert memory is not None and changed is not None
        trusted = walked - changed - memory.links
    tools = [name for name in ("weasyprint",) if importlib.util.find_spec(name) is not None]
    settings = [
        str(options.out_dir.absolute()),
        str(options.strict),
        str(options.preview),
        ",".join(tools),
        f"pregon {__version__}",
        _alert_day(options, files),
    ]
    known = previous.files if previous is not None else None
    known_ns = previous.taken_ns if previous is not None else 0
    base = root if all(file.startswith(root + os.sep) for file in files) else os.sep
    try:
        found = fingerprint(
            files,
            base,
            *settings,
            known=known,
            known_ns=known_ns,
            trusted=trusted,
            known_folders=memory.folders if memory is not None else frozenset(),
        )
    except OSError:
        return None
    return dataclasses.replace(
        found, walked=WalkMemory(found.digest, roots, frozenset(files), found.folders, found.links)
    )


def _alert_day(options: BuildOptions, files: Iterable[str]) -> str:
    """The site's day, when it has an alert: the day an alert ends, the same inputs make another site."""
    suffix = os.sep + ALERT_FILE
    if not any(file.endswith(suffix) for file in files):
        return ""
    loaded = load_config(options.site_dir, options.content_dir)
    # A site.yaml with mistakes fails the build anyway; its day is then as good as any.
    timezone = loaded.config.timezone if loaded.config is not None else "UTC"
    return f"alerts on {site_today(timezone).isoformat()}"


def _walked_after(
    memory: WalkMemory | None,
    changed: frozenset[str] | None,
    previous: LastInputs | None,
    roots: tuple[str, ...],
    site_file: str,
) -> frozenset[str] | None:
    """The inputs, from those walked last time and the files that changed since; None when they must
    be walked again: no memory of the last walk, a last build by another process, other folders, or
    a change to a folder or a link (a folder moved in is one change, not one per file in it)."""
    if memory is None or changed is None or previous is None or previous.digest != memory.digest:
        return None
    if memory.roots != roots:
        return None
    files = set(memory.files)
    for path in changed:
        if path in memory.folders or path in memory.links:
            return None
        if path != site_file and not any(path.startswith(folder + os.sep) for folder in roots):
            return None
        if os.path.islink(path) or os.path.isdir(path):
            return None
        if os.path.lexists(path):
            files.add(path)
        else:
            files.discard(path)
    return frozenset(files)
