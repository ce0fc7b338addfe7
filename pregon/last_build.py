"""What the last successful build read and made, so that a build with nothing new returns at once, and
a build with something new keeps every output whose inputs did not change.

Kept apart from the pipeline, and light to import: a build whose inputs have not changed must not pay
for loading Markdown, Jinja2, Babel or WeasyPrint only to find there is nothing to do.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import pickle
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .files import FileStat, atomic_write, file_stat
from .fingerprint import FileState, Fingerprint, LastInputs, input_fingerprint
from .options import BuildOptions, BuildReport
from .today import source_date_problem

CACHE_FOLDER = ".pregon-cache"
"""Beside site.yaml: what earlier builds made that a later one may reuse."""


@dataclass(frozen=True)
class OutputRecord:
    """What one output was made from (its key, see incremental.py), and the interface strings it showed
    untranslated, so that keeping it reports them just as rendering it would."""

    key: str
    missing: frozenset[tuple[str, str]]
    """(language, msgid) of each string a template asked for that the language's catalog lacks."""


@dataclass(frozen=True)
class LastBuild:
    """The record of the last build into one output folder."""

    inputs: str
    """Its fingerprint's digest (see fingerprint.py): equal digests build equal sites."""
    files: Mapping[str, FileState]
    taken_ns: int
    report: BuildReport
    outputs: Mapping[str, str]
    """Output path -> sha256 of the file it published."""
    out_dir: str
    build_id: str
    """Ties it to its OutputRecords, which are saved after it (see read_output_records)."""

    @property
    def last_inputs(self) -> LastInputs:
        return LastInputs(self.inputs, self.files, self.taken_ns)


@dataclass(frozen=True)
class OutputRecords:
    """What each output of a build was made from; kept apart from LastBuild so that a build with nothing
    to do reads less."""

    build_id: str
    records: Mapping[str, OutputRecord]


@dataclass(frozen=True)
class PublishedSite:
    """The site the last build published, and what each of its outputs was made from."""

    folder: Path
    digests: Mapping[str, str]
    """Output path -> sha256 of the published file."""
    records: Mapping[str, OutputRecord]

    @functools.cached_property
    def _prefix(self) -> str:
        return os.path.join(self.folder, "")

    def kept(self, path: str, key: str) -> OutputRecord | None:
        """The record of the published file at `path`, if it was made under `key` and is still there."""
        record = self.records.get(path)
        if record is None or record.key != key or path not in self.digests:
            return None
        return record if os.path.isfile(self._prefix + path) else None

    def has(self, path: str, digest: str) -> bool:
        """Whether the published file at `path` has the bytes whose sha256 is `digest`."""
        return self.digests.get(path) == digest and os.path.isfile(self._prefix + path)


RecordMemory = dict[str, tuple[FileStat, LastBuild | OutputRecords]]
"""Record file -> its stat when read or written, and the record: for a process that builds again and
again, which then reads a record again only if its file changed."""


def _record_path(cache_dir: Path, out_dir: Path, kind: str) -> Path:
    # One record per output folder: the preview and the published site do not undo each other's.
    name = hashlib.sha256(str(out_dir.absolute()).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return cache_dir / f"{kind}-{name}.pickle"


def _read(path: Path, memory: RecordMemory | None) -> object:
    try:
        state = file_stat(path)
        if memory is not None and str(path) in memory and memory[str(path)][0] == state:
            return memory[str(path)][1]
        with path.open("rb") as file:
            record: object = pickle.load(file)  # noqa: S301 - written by pregon itself, in the site's own folder
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    if memory is not None and isinstance(record, LastBuild | OutputRecords):
        memory[str(path)] = (state, record)
    return record


def _write(path: Path, record: LastBuild | OutputRecords, memory: RecordMemory | None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    written = atomic_write(path, pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
    if memory is not None:
        memory[str(path)] = (written, record)


def read_last_build(cache_dir: Path, out_dir: Path, memory: RecordMemory | None = None) -> LastBuild | None:
    """The record the last build into `out_dir` left, if any."""
    record = _read(_record_path(cache_dir, out_dir, "last-build"), memory)
    return record if isinstance(record, LastBuild) else None


def read_output_records(
    cache_dir: Path, out_dir: Path, last: LastBuild, memory: RecordMemory | None = None
) -> Mapping[str, OutputRecord]:
    """What each output published by `last` was made from. The two records are saved one after the
    other; after a build interrupted between them they would describe different sites, and trusting
    them could keep a stale file: then there are none."""
    record = _read(_record_path(cache_dir, out_dir, "rendered"), memory)
    if not isinstance(record, OutputRecords) or record.build_id != last.build_id:
        return {}
    return record.records


def remember_build(
    cache_dir: Path, out_dir: Path, last: LastBuild, records: OutputRecords, memory: RecordMemory | None = None
) -> None:
    _write(_record_path(cache_dir, out_dir, "last-build"), last, memory)
    _write(_record_path(cache_dir, out_dir, "rendered"), records, memory)


def forget_build(cache_dir: Path, out_dir: Path) -> None:
    """Remove the records of the last build into `out_dir`, before the folder changes: a build stopped
    after changing it but before recording what it made must not leave records of an older site."""
    for kind in ("last-build", "rendered"):
        _record_path(cache_dir, out_dir, kind).unlink(missing_ok=True)


def new_build_id() -> str:
    return f"{time.time_ns()}-{os.getpid()}"


def unchanged_report(options: BuildOptions, inputs: Fingerprint | None, last: LastBuild | None) -> BuildReport | None:
    """The last build's report, if it read exactly these inputs into this same, still existing folder."""
    if last is None or inputs is None or last.inputs != inputs.digest or not options.out_dir.is_dir():
        return None
    # A file deleted from the published folder by hand is put back by building again.
    if not all((options.out_dir / path).is_file() for path in last.outputs):
        return None
    return dataclasses.replace(last.report, unchanged=True)


def unchanged_build(options: BuildOptions) -> BuildReport | None:
    """For the command line: the report of a build that has nothing to do, without loading the pipeline."""
    started = time.perf_counter()
    if source_date_problem() is not None:
        return None  # the build says what is wrong with it
    last = read_last_build(options.site_dir / CACHE_FOLDER, options.out_dir)
    inputs = input_fingerprint(options, last.last_inputs if last is not None else None)
    report = unchanged_report(options, inputs, last)
    return None if report is None else dataclasses.replace(report, seconds=time.perf_counter() - started)
