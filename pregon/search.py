"""Full-text search with no server and no third party: a Pagefind index of the site, read by search.js.

Pagefind (https://pagefind.app/) stems words in each language (`tenants` finds `tenant`, `desalojar`
finds `desalojo`), segments Chinese and Japanese into words (its extended build), and keeps the index in
small fragments, so a phone downloads only what a query needs. pregon gives it each page's own text as
a small HTML document (`SearchRecord.document`): the title, the summary and the converted Markdown,
never the header, menu or footer, under the page's language tag, so that each language has its own
index and a reader searches the pages of the language they read.

Pagefind cannot replace one page in an index: a change to any page's text means indexing every page
again. So the index is keyed by every page's text (`index_key`): a build whose pages say what they said
keeps the published index as it is, and one whose text changed makes it again, in a fraction of a
second for a few hundred pages. Pagefind's own interface files are left out: pregon's search page shows
the results with the strings of its catalogs.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .last_build import OutputRecord, PublishedSite
from .output import Output, Unchanged
from .workers import cores

SEARCH_FOLDER = "pagefind"
"""Where the index goes in the site, and the address search.js loads `pagefind.js` from."""
ENTRY_FILE = f"{SEARCH_FOLDER}/pagefind-entry.json"
_INTERFACE_FILES = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")
"""Pagefind's ready-made interfaces, whose strings would bypass the catalogs: never published."""


class IndexingFailed(Exception):
    """Pagefind could not be started, or failed: the message says what it reported."""


@dataclass(frozen=True)
class SearchRecord:
    """What the index is given of one page."""

    url: str
    """From the site's root: `es/preguntas/que-es-pars/`."""
    tag: str
    """The page's language as a BCP 47 tag (`zh-Hans`): Pagefind keeps one index per language."""
    title: str
    summary: str
    html: str
    """The page's converted Markdown: its headings carry the ids that sub-results lead to."""

    def document(self) -> str:
        """The page as Pagefind reads it: only what the page says, with its title as the result's."""
        summary = f"<p>{html.escape(self.summary)}</p>" if self.summary else ""
        return (
            f'<!DOCTYPE html><html lang="{html.escape(self.tag)}"><head><meta charset="utf-8">'
            f"<title>{html.escape(self.title)}</title></head><body><main data-pagefind-body>"
            f'<h1 data-pagefind-meta="title">{html.escape(self.title)}</h1>{summary}{self.html}'
            "</main></body></html>"
        )


@dataclass(frozen=True)
class SearchIndex:
    """The index files of a build, and what each was made from."""

    outputs: tuple[Output | Unchanged, ...]
    records: Mapping[str, OutputRecord]
    indexed: bool
    """Whether Pagefind ran (False: the published index was kept as it is)."""


def pagefind_version() -> str:
    try:
        return metadata.version("pagefind")
    except metadata.PackageNotFoundError:
        return "unknown"


def index_key(records: Iterable[SearchRecord]) -> str:
    """What the whole index is made from: every page's text, in a fixed order, and Pagefind's version."""
    hasher = hashlib.sha256(f"pagefind {pagefind_version()}\n".encode())
    for record in sorted(records, key=lambda record: record.url):
        hasher.update(json.dumps([record.url, record.tag, record.title, record.summary, record.html]).encode())
        hasher.update(b"\n")
    return hasher.hexdigest()


def search_index(records: Sequence[SearchRecord], published: PublishedSite | None) -> SearchIndex:
    """The index of `records`: the published one if it was made from the same pages and every one of its
    files is still there, else made again by Pagefind."""
    key = index_key(records)
    if published is not None:
        kept = _kept_index(key, published)
        if kept is not None:
            return kept
    made = tuple(Output(path, content) for path, content in sorted(pagefind_files(records).items()))
    no_missing: frozenset[tuple[str, str]] = frozenset()
    return SearchIndex(made, {output.path: OutputRecord(key, no_missing) for output in made}, indexed=True)


def _kept_index(key: str, published: PublishedSite) -> SearchIndex | None:
    paths = [path for path in published.digests if path.startswith(f"{SEARCH_FOLDER}/")]
    if ENTRY_FILE not in paths:
        return None
    kept: list[Output | Unchanged] = []
    records: dict[str, OutputRecord] = {}
    for path in sorted(paths):
        record = published.kept(path, key)
        if record is None:
            return None
        kept.append(Unchanged(path, published.digests[path]))
        records[path] = record
    return SearchIndex(tuple(kept), records, indexed=False)


def pagefind_files(records: Sequence[SearchRecord]) -> dict[str, bytes]:
    """The files Pagefind makes of `records`, by their path in the site (`pagefind/...`).

    The pages are written as files into a folder, and Pagefind's own command indexes that folder, as it
    indexes any built site. Its Python API drives the same program through a pipe it polls every tenth
    of a second: three requests cost a third of a second even for a site of ten pages."""
    # Imported here: a build that keeps its index never looks for Pagefind.
    from pagefind.service import get_executable

    if not records:
        return {}  # a site with no page of its own has nothing to search, and Pagefind refuses an empty site
    program = get_executable()
    if program is None:
        raise IndexingFailed("its program is not installed")
    try:
        return _index_files(str(program), records)
    except OSError as exc:
        raise IndexingFailed(f"its files could not be written or read ({exc.strerror or exc})") from exc


def _index_files(program: str, records: Sequence[SearchRecord]) -> dict[str, bytes]:
    by_language: dict[str, list[SearchRecord]] = {}
    for record in records:
        by_language.setdefault(record.tag, []).append(record)
    with tempfile.TemporaryDirectory(prefix="pregon-search-", dir=_scratch(records)) as folder:
        # One Pagefind per language, into a folder of its own: Pagefind holds every page it indexes in
        # memory until it writes, and a site's languages share none of their index files but Pagefind's
        # own program files and the entry file, which lists the languages. Each uses a core and a half,
        # mostly on one: two at a time keep both cores busy.
        runs = []
        for number, tag in enumerate(sorted(by_language)):
            pages = Path(folder) / f"pages-{number}"
            _write_documents(pages, by_language[tag])
            runs.append((pages, Path(folder) / f"index-{number}"))
        _run_pagefinds(program, runs)
        merged = _merged([made for _, made in runs])
        if merged is None:
            # Two tags that Pagefind counts as one language: they are indexed together.
            everything, made = Path(folder) / "pages-all", Path(folder) / "index-all"
            _write_documents(everything, records)
            _run_pagefinds(program, [(everything, made)])
            return _read_index(made)
        return merged


def _merged(parts: list[Path]) -> dict[str, bytes] | None:
    """The files of every language's index, with one entry file listing every language; None if two
    indexes are of the same language, or give one file different bytes."""
    languages: dict[str, object] = {}
    files: dict[str, bytes] = {}
    for part in parts:
        indexed = _entry_languages(part)
        if set(indexed) & set(languages):
            return None
        languages.update(indexed)
        for path, content in _read_index(part).items():
            if path != ENTRY_FILE and files.setdefault(path, content) != content:
                return None
    entry = json.loads((parts[-1] / "pagefind-entry.json").read_bytes())
    entry["languages"] = languages
    files[ENTRY_FILE] = _sorted_json(json.dumps(entry).encode("utf-8"))
    return files


def _write_documents(pages: Path, records: Sequence[SearchRecord]) -> None:
    folders: set[Path] = set()
    for record in records:
        target = pages / (record.url + "index.html" if record.url.endswith("/") else record.url)
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        target.write_bytes(record.document().encode("utf-8"))


def _run_pagefinds(program: str, runs: list[tuple[Path, Path]]) -> None:
    """Index each folder of pages into its index folder, as many at once as there are cores."""
    # Run where no configuration file of Pagefind's can be (it reads pagefind.yml and others from the
    # folder it runs in, and PAGEFIND_ settings from the environment): the same pages, the same index.
    environment = {name: value for name, value in os.environ.items() if not name.startswith("PAGEFIND_")}
    waiting = list(runs)
    running: list[subprocess.Popen[bytes]] = []
    try:
        while waiting or running:
            while waiting and len(running) < cores():
                pages, made = waiting.pop(0)
                command = [program, "--site", str(pages), "--output-path", str(made), "--silent"]
                try:
                    running.append(
                        subprocess.Popen(
                            command,
                            stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT,
                            cwd=made.parent,
                            env=environment,
                        )
                    )
                except OSError as exc:
                    raise IndexingFailed(f"{program} could not be started: {exc.strerror or exc}") from exc
            first = running.pop(0)
            said, _ = first.communicate()
            if first.returncode != 0:
                lines = said.decode("utf-8", "replace").strip().splitlines()
                raise IndexingFailed(
                    f"it stopped with exit status {first.returncode}" + (f": {lines[-1]}" if lines else "")
                )
    finally:
        for process in running:
            process.kill()
            process.wait()


def _entry_languages(made: Path) -> dict[str, object]:
    """The languages of the index Pagefind last wrote into `made`, as its entry file lists them."""
    try:
        entry = json.loads((made / "pagefind-entry.json").read_bytes())
        languages = entry["languages"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexingFailed(f"its entry file cannot be read: {exc}") from exc
    if not isinstance(languages, dict):
        raise IndexingFailed("its entry file lists no languages")
    return languages


def _scratch(records: Sequence[SearchRecord]) -> str | None:
    """Where the documents and the index Pagefind makes of them go, before the index is read back: a
    folder in memory where the system has one with room to spare. Thousands of small files, each
    written once and read once: on a disk, making them took longer than indexing them (1.2 s against
    0.15 s for 4,000). A container's is often small (64 MB): the system's temporary folder then."""
    memory = Path("/dev/shm")
    if not (memory.is_dir() and os.access(memory, os.W_OK | os.X_OK)):
        return None
    needed = 4 * sum(len(record.html) + len(record.title) + len(record.summary) + 400 for record in records)
    try:
        return str(memory) if shutil.disk_usage(memory).free > needed else None
    except OSError:
        return None


def _read_index(folder: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for parent, _, names in os.walk(folder):
        for name in names:
            relative = (Path(parent) / name).relative_to(folder).as_posix()
            if relative.startswith(_INTERFACE_FILES) or relative.startswith("playground/"):
                continue
            content = (Path(parent) / name).read_bytes()
            if relative == "pagefind-entry.json":
                content = _sorted_json(content)
            files[f"{SEARCH_FOLDER}/{relative}"] = content
    return files


def _sorted_json(content: bytes) -> bytes:
    """Pagefind lists the languages of its entry file in an order that varies from run to run."""
    data: object = json.loads(content)
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
