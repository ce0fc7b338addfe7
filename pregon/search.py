"""Full-text search with no server and no third party: a Pagefind index of the site, read by search.js.

Pagefind (https://pagefind.app/) stems words in each language (`tenants` finds `tenant`, `desalojar`
finds `desalojo`), segments Chinese and Japanese into words (its extended build), and keeps the index in
small fragments, so a phone downloads only what a query needs. pregon gives it each page's own text as
a small HTML document (`SearchRecord.document`): the title, the summary and the converted Markdown,
never the header, menu or footer, under the page's language tag, so that each language has its own
index and a reader searches the pages of the language they read.

Pagefind cannot replace one page in an index, but it indexes each language on its own: each language's
files are keyed by its pages' text (`index_key`), and a build makes again, with one run of Pagefind per
language, only the languages whose pages changed (search_index); a build whose pages say what they said
keeps the published index as it is. Pagefind's own interface files are left out: pregon's search page shows
the results with the strings of its catalogs.
"""

from __future__ import annotations

import functools
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

    @functools.cached_property
    def digest(self) -> bytes:
        """What the index is given of the page, digested once: the keys of its language's index and of the
        whole index both count it."""
        made_from = json.dumps([self.url, self.tag, self.title, self.summary, self.html])
        return hashlib.sha256(made_from.encode("utf-8", "surrogatepass")).digest()

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


@functools.cache
def pagefind_version() -> str:
    try:
        return metadata.version("pagefind")
    except metadata.PackageNotFoundError:
        return "unknown"


def index_key(records: Iterable[SearchRecord]) -> str:
    """What an index is made from: its pages' text, in a fixed order, and Pagefind's version."""
    hasher = hashlib.sha256(f"pagefind {pagefind_version()}\n".encode())
    for record in sorted(records, key=lambda record: record.url):
        hasher.update(record.digest)
    return hasher.hexdigest()


def search_index(records: Sequence[SearchRecord], published: PublishedSite | None) -> SearchIndex:
    """The index of `records`, one language at a time: a language whose pages say what they said keeps
    its published files (if they are all still there), the others are indexed again by Pagefind. An edit
    of an English page indexes the English pages only.

    Each language's own files are recorded under the key of its pages (index_key), Pagefind's program
    files under Pagefind's version, and the entry file, which lists every language, under every page."""
    if not records:
        return SearchIndex((), {}, indexed=False)  # nothing to search: no index at all, as a cold build has
    whole = index_key(records)
    unchanged = _unchanged_index(published, whole) if published is not None else None
    if unchanged is not None:
        return unchanged
    by_tag = _by_tag(records)
    keys = {tag: index_key(pages) for tag, pages in by_tag.items()}
    program_key = index_key(())
    program = _kept_files(published, program_key) if published is not None else None
    # Without Pagefind's own files (gone, or never made), every language is indexed again.
    kept = _kept_languages(published, keys) if published is not None and program is not None else {}
    indexed = pagefind_indexes([by_tag[tag] for tag in sorted(by_tag) if tag not in kept])
    kept_codes = {code for language in kept.values() for code in language.entries}
    if kept and any(made.tag is None or set(made.entries) & kept_codes for made in indexed):
        # A new tag that Pagefind takes for a kept language: every language is indexed again, together.
        kept = {}
        indexed = pagefind_indexes([by_tag[tag] for tag in sorted(by_tag)])
    index = _IndexFiles(published)
    languages: dict[str, object] = {}
    for language in kept.values():
        languages.update(language.entries)
        for path, record in language.files.items():
            index.keep(path, record)
    for made in indexed:
        languages.update(made.entries)
        for path, content in made.own.items():
            index.add(path, content, keys[made.tag] if made.tag is not None else whole)
    if indexed:
        for path, content in indexed[0].shared.items():
            index.add(path, content, program_key)
        fields = indexed[0].fields
    else:
        for path, record in (program or {}).items():
            index.keep(path, record)
        fields = (_published_entry(published) if published is not None else None) or {}
    index.add(ENTRY_FILE, _entry_file(fields, languages), whole)
    return index.made(indexed=bool(indexed))


def _unchanged_index(published: PublishedSite, whole: str) -> SearchIndex | None:
    """The published index as it is, if its entry file was made from these very pages and every file of
    it is still there: the build that made that entry made or kept the files with it."""
    entry = published.kept(ENTRY_FILE, whole)
    if entry is None:
        return None
    index = _IndexFiles(published)
    for path, record in published.records.items():
        if path.startswith(f"{SEARCH_FOLDER}/"):
            if published.kept(path, record.key) is None:
                return None
            index.keep(path, record)
    return index.made(indexed=False)


class _IndexFiles:
    """The files of the index being made: kept from the published site, or new."""

    def __init__(self, published: PublishedSite | None) -> None:
        self.published = published
        self.outputs: dict[str, Output | Unchanged] = {}
        self.records: dict[str, OutputRecord] = {}

    def keep(self, path: str, record: OutputRecord) -> None:
        assert self.published is not None
        self.outputs[path] = Unchanged(path, self.published.digests[path])
        self.records[path] = record

    def add(self, path: str, content: bytes, key: str) -> None:
        self.outputs[path] = Output(path, content)
        self.records[path] = OutputRecord(key, _NONE_MISSING)

    def made(self, indexed: bool) -> SearchIndex:
        return SearchIndex(tuple(self.outputs[path] for path in sorted(self.outputs)), self.records, indexed)


def _entry_file(fields: Mapping[str, object], languages: Mapping[str, object]) -> bytes:
    """The entry file listing `languages`, with Pagefind's other fields (its version, the characters it
    indexes), its keys sorted: Pagefind lists the languages in an order that varies from run to run."""
    entry = {key: value for key, value in fields.items() if key != "languages"}
    return _sorted_json(json.dumps({**entry, "languages": languages}).encode("utf-8"))


_NONE_MISSING: frozenset[tuple[str, str]] = frozenset()
"""An index file shows no interface string."""


@dataclass(frozen=True)
class _Language:
    """One language's index, kept from the published site."""

    files: dict[str, OutputRecord]
    """Its own files (not Pagefind's program files nor the entry file), by path, with their records."""
    entries: Mapping[str, object]
    """What the entry file says of it, by Pagefind's name for the language (`zh-hans`)."""


@dataclass(frozen=True)
class Indexed:
    """What one run of Pagefind made: the index of one tag's pages (or of every page, see
    pagefind_indexes), split into its languages' own files and Pagefind's program files."""

    tag: str | None
    """The language tag of its pages; None when it indexed every page together."""
    own: dict[str, bytes]
    shared: dict[str, bytes]
    entries: dict[str, object]
    """What the entry file says of each of its languages."""
    fields: dict[str, object]
    """The entry file's other fields (Pagefind's version, the characters it indexes)."""

    def files(self) -> dict[str, bytes]:
        return {**self.own, **self.shared}


def _by_tag(records: Iterable[SearchRecord]) -> dict[str, list[SearchRecord]]:
    by_tag: dict[str, list[SearchRecord]] = {}
    for record in records:
        by_tag.setdefault(record.tag, []).append(record)
    return by_tag


def _published_entry(published: PublishedSite) -> dict[str, object] | None:
    try:
        entry = json.loads((published.folder / ENTRY_FILE).read_bytes())
    except (OSError, ValueError):
        return None
    return entry if isinstance(entry, dict) and isinstance(entry.get("languages"), dict) else None


def _kept_files(published: PublishedSite, key: str) -> dict[str, OutputRecord] | None:
    """The published index files made under `key`, if there are any and all are still there."""
    paths = [
        path
        for path, record in published.records.items()
        if path.startswith(f"{SEARCH_FOLDER}/") and record.key == key and path != ENTRY_FILE
    ]
    kept: dict[str, OutputRecord] = {}
    for path in paths:
        record = published.kept(path, key)
        if record is None:
            return None
        kept[path] = record
    return kept or None


def _kept_languages(published: PublishedSite, keys: Mapping[str, str]) -> dict[str, _Language]:
    """Each language whose published files were made from the pages it has now, with what the published
    entry file says of it."""
    entry = _published_entry(published)
    if entry is None:
        return {}
    listed = entry["languages"]
    assert isinstance(listed, dict)
    kept: dict[str, _Language] = {}
    for tag, key in keys.items():
        files = _kept_files(published, key)
        if files is None:
            continue
        entries = {
            code: language
            for code, language in listed.items()
            if isinstance(language, dict) and f"{SEARCH_FOLDER}/pagefind.{language.get('hash')}.pf_meta" in files
        }
        if len(entries) == 1:
            kept[tag] = _Language(files, entries)
    return kept


def pagefind_files(records: Sequence[SearchRecord]) -> dict[str, bytes]:
    """The files Pagefind makes of `records`, by their path in the site (`pagefind/...`), with one entry
    file listing every language."""
    indexed = pagefind_indexes(list(_by_tag(records).values()))
    files: dict[str, bytes] = {}
    languages: dict[str, object] = {}
    for index in indexed:
        files.update(index.files())
        languages.update(index.entries)
    if indexed:
        files[ENTRY_FILE] = _entry_file(indexed[-1].fields, languages)
    return files


def pagefind_indexes(languages: list[list[SearchRecord]]) -> list[Indexed]:
    """Pagefind's index of each language's pages (each list holds the pages of one tag), each made on its
    own. If two of them are one language to Pagefind (it lower-cases tags), all the pages given are
    indexed together instead, in one index.

    The pages are written as files into a folder, and Pagefind's own command indexes that folder, as it
    indexes any built site. Its Python API drives the same program through a pipe it polls every tenth
    of a second: three requests cost a third of a second even for a site of ten pages."""
    # Imported here: a build that keeps its index never looks for Pagefind.
    from pagefind.service import get_executable

    languages = [pages for pages in languages if pages]
    if not languages:
        return []  # a site with no page of its own has nothing to search, and Pagefind refuses an empty site
    program = get_executable()
    if program is None:
        raise IndexingFailed("its program is not installed")
    try:
        return _index_languages(str(program), languages)
    except OSError as exc:
        raise IndexingFailed(f"its files could not be written or read ({exc.strerror or exc})") from exc


def _index_languages(program: str, languages: list[list[SearchRecord]]) -> list[Indexed]:
    everything = [record for pages in languages for record in pages]
    with tempfile.TemporaryDirectory(prefix="pregon-search-", dir=_scratch(everything)) as folder:
        # One Pagefind per language, into a folder of its own: Pagefind holds every page it indexes in
        # memory until it writes, and a site's languages share none of their index files but Pagefind's
        # own program files and the entry file, which lists the languages. Each uses a core and a half,
        # mostly on one: two at a time keep both cores busy.
        runs = [
            _Run(Path(folder) / f"pages-{number}", Path(folder) / f"index-{number}", pages)
            for number, pages in enumerate(languages)
        ]
        made = _run_pagefinds(program, runs)
        indexed = [_split(pages[0].tag, files) for pages, files in zip(languages, made, strict=True)]
        codes = [code for index in indexed for code in index.entries]
        same_program = all(index.shared == indexed[0].shared for index in indexed)
        if len(set(codes)) == len(codes) and same_program:
            return indexed
        # Two tags that Pagefind counts as one language: every page is indexed together.
        (files,) = _run_pagefinds(program, [_Run(Path(folder) / "pages-all", Path(folder) / "index-all", everything)])
        return [_split(None, files)]


def _split(tag: str | None, files: dict[str, bytes]) -> Indexed:
    """A run's files: its languages' own (their fragments, index chunks, filters, metadata and stemmer:
    each named with the language), Pagefind's program files, and what its entry file says."""
    own_prefixes: list[str] = []
    try:
        entry = json.loads(files.pop(ENTRY_FILE))
        entries = entry.pop("languages")
        for code, language in entries.items():
            own_prefixes += [f"{SEARCH_FOLDER}/{folder}/{code}_" for folder in ("fragment", "index", "filter")]
            own_prefixes.append(f"{SEARCH_FOLDER}/pagefind.{language['hash']}.pf_meta")
            if language.get("wasm"):
                own_prefixes.append(f"{SEARCH_FOLDER}/wasm.{language['wasm']}.pagefind")
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise IndexingFailed(f"its entry file cannot be read: {exc!r}") from exc
    prefixes = tuple(own_prefixes)
    own = {path: content for path, content in files.items() if path.startswith(prefixes)}
    shared = {path: content for path, content in files.items() if path not in own}
    return Indexed(tag, own, shared, entries, entry)


def _write_documents(pages: Path, records: Sequence[SearchRecord]) -> None:
    folders: set[Path] = set()
    for record in records:
        target = pages / (record.url + "index.html" if record.url.endswith("/") else record.url)
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        target.write_bytes(record.document().encode("utf-8"))


@dataclass(frozen=True)
class _Run:
    """One Pagefind run: the pages it indexes, written into `pages`, and the folder it makes its index in."""

    pages: Path
    made: Path
    records: Sequence[SearchRecord]


def _run_pagefinds(program: str, runs: list[_Run]) -> list[dict[str, bytes]]:
    """Each run's index files, as many runs at once as there are cores.

    A run's pages are written just before it starts, and its index read as soon as it ends, once the
    next run has started: this process writes and reads while Pagefind indexes another language, rather
    than all the languages' pages before the first run and all their indexes after the last."""
    # Run where no configuration file of Pagefind's can be (it reads pagefind.yml and others from the
    # folder it runs in, and PAGEFIND_ settings from the environment): the same pages, the same index.
    environment = {name: value for name, value in os.environ.items() if not name.startswith("PAGEFIND_")}
    waiting = list(runs)
    running: list[tuple[_Run, subprocess.Popen[bytes]]] = []
    ended: _Run | None = None
    """The run that ended last, whose index is read once the next one has started."""
    made: dict[Path, dict[str, bytes]] = {}
    try:
        while waiting or running or ended is not None:
            while waiting and len(running) < cores():
                run = waiting.pop(0)
                _write_documents(run.pages, run.records)
                running.append((run, _start_pagefind(program, run, environment)))
            if ended is not None:
                made[ended.made] = _read_index(ended.made)
                ended = None
            if running:
                run, first = running.pop(0)
                said, _ = first.communicate()
                if first.returncode != 0:
                    lines = said.decode("utf-8", "replace").strip().splitlines()
                    raise IndexingFailed(
                        f"it stopped with exit status {first.returncode}" + (f": {lines[-1]}" if lines else "")
                    )
                ended = run
    finally:
        for _, process in running:
            process.kill()
            process.wait()
    return [made[run.made] for run in runs]


def _start_pagefind(program: str, run: _Run, environment: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [program, "--site", str(run.pages), "--output-path", str(run.made), "--silent"]
    try:
        return subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=run.made.parent, env=environment
        )
    except OSError as exc:
        raise IndexingFailed(f"{program} could not be started: {exc.strerror or exc}") from exc


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
