"""What the last successful build read and made, so that a build with nothing new returns at once.

Kept apart from the pipeline, and light to import: a build whose inputs have not changed must not pay
for loading Markdown, Jinja2, Babel or WeasyPrint only to find there is nothing to do.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import os
import pickle
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cache import Fingerprint, RecordMemory, WalkMemory, fingerprint
from .errors import Problem
from .output import remove_leftovers

CACHE_FOLDER = ".pregon-cache"
"""Beside site.yaml: what earlier builds made that a later one may reuse (printed guides)."""


@dataclass(frozen=True)
class BuildOptions:
    site_dir: Path
    out_dir: Path
    content_dir: Path | None = None
    strict: bool = False
    preview: bool = False
    """Adds the live-reload script to every page: for `serve` only, never for publishing."""


@dataclass(frozen=True)
class BuildReport:
    pages_per_language: dict[str, int]
    untranslated_per_language: dict[str, int]
    files_written: int
    warnings: tuple[Problem, ...]
    seconds: float
    stage_seconds: dict[str, float]
    rendered: int = 0
    """Outputs rendered again; the others were unchanged and kept from the published site."""
    unchanged: bool = False
    """Nothing had changed since the last build into the same folder, so nothing was redone."""

    def summary(self) -> str:
        """One line: pages per language, how many of them are untranslated, warnings and time."""
        counts = ", ".join(
            f"{code} {count}"
            + (
                f" ({self.untranslated_per_language[code]} untranslated)"
                if self.untranslated_per_language[code]
                else ""
            )
            for code, count in self.pages_per_language.items()
        )
        total = sum(self.pages_per_language.values())
        if self.unchanged:
            return f"Nothing changed: {total} pages ({counts}) are up to date; {self.seconds:.2f} s"
        return f"Built {total} pages: {counts}; {len(self.warnings)} warning(s); {self.seconds:.2f} s"


def input_fingerprint(
    options: BuildOptions,
    previous: dict[str, Any] | None = None,
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
    roots = tuple(
        str(folder.absolute())
        for folder in [options.content_dir or options.site_dir / "content"]
        + [options.site_dir / name for name in ("templates", "translations", "static")]
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
    settings = [str(options.out_dir.absolute()), str(options.strict), str(options.preview), ",".join(tools)]
    known = previous.get("files") if previous is not None else None
    known_ns = previous.get("taken_ns", 0) if previous is not None else 0
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
    if memory is not None:
        memory.digest, memory.roots, memory.files = found.digest, roots, frozenset(files)
        memory.folders, memory.links = found.folders, found.links
    return found


def _walked_after(
    memory: WalkMemory | None,
    changed: frozenset[str] | None,
    previous: dict[str, Any] | None,
    roots: tuple[str, ...],
    site_file: str,
) -> frozenset[str] | None:
    """The inputs, from those walked last time and the files that changed since; None when they must
    be walked again: no memory of the last walk, a last build by another process, other folders, or
    a change to a folder or a link (a folder moved in is one change, not one per file in it)."""
    if memory is None or changed is None or previous is None or previous.get("inputs") != memory.digest:
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


def _record_path(cache_dir: Path, out_dir: Path, kind: str = "last-build") -> Path:
    # One record per output folder: the preview and the published site do not undo each other's.
    name = hashlib.sha256(str(out_dir.absolute()).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return cache_dir / f"{kind}-{name}.pickle"


def read_last_build(
    cache_dir: Path, out_dir: Path, kind: str = "last-build", memory: RecordMemory | None = None
) -> dict[str, Any] | None:
    """The record the last build into `out_dir` left; `kind` "rendered" is the part only a real build
    needs (what each output was made from), kept apart so that a build with nothing to do reads less.

    `memory`: records this process read or wrote before, by file; one whose file has not changed
    since (same size, time and inode) is not read again.
    """
    path = _record_path(cache_dir, out_dir, kind)
    try:
        state = _file_state(path)
        if memory is not None and str(path) in memory and memory[str(path)][0] == state:
            record = memory[str(path)][1]
        else:
            with path.open("rb") as file:
                record = pickle.load(file)  # noqa: S301 - written by pregon itself, in the site's own folder
            if memory is not None:
                memory[str(path)] = (state, record)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def remember_build(
    cache_dir: Path,
    out_dir: Path,
    record: dict[str, Any],
    kind: str = "last-build",
    memory: RecordMemory | None = None,
) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    final = _record_path(cache_dir, out_dir, kind)
    temporary = final.with_suffix(".tmp")
    with temporary.open("wb") as file:
        pickle.dump(record, file, protocol=pickle.HIGHEST_PROTOCOL)
    if memory is not None:
        memory[str(final)] = (_file_state(temporary), record)
    temporary.replace(final)


def forget_build(cache_dir: Path, out_dir: Path) -> None:
    """Remove the records of the last build into `out_dir`, before the folder changes: a build stopped
    after changing it but before recording what it made must not leave records of an older site."""
    for kind in ("last-build", "rendered"):
        _record_path(cache_dir, out_dir, kind).unlink(missing_ok=True)


def _file_state(path: Path) -> tuple[int, int, int]:
    status = path.stat()
    return status.st_size, status.st_mtime_ns, status.st_ino


def unchanged_report(
    options: BuildOptions, inputs: Fingerprint | None, previous: dict[str, Any] | None
) -> BuildReport | None:
    """The last build's report, if it read exactly these inputs into this same, still existing folder."""
    if previous is None or inputs is None or previous.get("inputs") != inputs.digest or not options.out_dir.is_dir():
        return None
    # A file deleted from the published folder by hand is put back by building again.
    if not all((options.out_dir / path).is_file() for path in previous.get("outputs", {})):
        return None
    remove_leftovers(options.out_dir.absolute())
    report: BuildReport = previous["report"]
    return dataclasses.replace(report, unchanged=True)


def unchanged_build(options: BuildOptions) -> BuildReport | None:
    """For the command line: the report of a build that has nothing to do, without loading the pipeline."""
    started = time.perf_counter()
    previous = read_last_build(options.site_dir / CACHE_FOLDER, options.out_dir)
    report = unchanged_report(options, input_fingerprint(options, previous), previous)
    return None if report is None else dataclasses.replace(report, seconds=time.perf_counter() - started)
