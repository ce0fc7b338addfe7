"""The preview's search index, made in the background so that an edit shows in the page at once.

Pagefind indexes every page of a language again on any change to one (search.py), which takes a second
or more on a large site: far too long to hold back the reload a writer waits for after saving. So the preview build
leaves the index out, and the server hands what the index is made of (the pages' text, which the
build holds in memory) to an indexer running in a thread of its own. When the index is made it
replaces the preview's `pagefind/` folder in one rename; until then, search shows the index of the
build before, which is what the writer had a moment ago.

Only the latest pages are indexed: saves that arrive while Pagefind runs are gathered into one more
run. The `pagefind/` folder belongs to the indexer alone; a preview build never writes into it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .last_build import OutputRecord, PublishedSite
from .output import Output
from .search import ENTRY_FILE, SEARCH_FOLDER, IndexingFailed, SearchRecord, index_key, search_index

_TEMPORARY_PREFIX = ".pagefind-"
"""The folders an index is written into, inside the preview folder, before it is renamed into place."""


class BackgroundIndexer:
    """Keeps `out_dir/pagefind/` the index of the pages last given to `follow`."""

    def __init__(self, out_dir: Path, report: Callable[[str], None] = print) -> None:
        self.out_dir = out_dir
        self._report = report
        self._condition = threading.Condition()
        self._wanted: tuple[SearchRecord, ...] | None = None
        self._stopping = False
        self._made: _Made | None = None
        self._thread = threading.Thread(target=self._work, name="pregon-search-index", daemon=True)
        self._thread.start()

    def follow(self, records: Sequence[SearchRecord]) -> None:
        """Index `records` when the indexer is free; returns at once."""
        with self._condition:
            self._wanted = tuple(records)
            self._condition.notify_all()

    def stop(self) -> None:
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
        self._thread.join(timeout=30)

    def _work(self) -> None:
        _remove_leftovers(self.out_dir)
        while True:
            with self._condition:
                self._condition.wait_for(lambda: self._wanted is not None or self._stopping)
                if self._stopping:
                    return
                records, self._wanted = self._wanted or (), None
            try:
                self._index(records)
            except (IndexingFailed, OSError) as exc:
                self._report(f"Search index not updated: {exc}")

    def _index(self, records: tuple[SearchRecord, ...]) -> None:
        key = index_key(records)
        made = self._made
        files: dict[str, bytes]
        if made is not None and made.key == key:
            if (self.out_dir / ENTRY_FILE).is_file():
                return
            files = made.files  # a build replaced the preview folder: the same index, written again
        else:
            # As a build does (search.py): the languages whose pages did not change keep their files.
            index = search_index(records, made.published(self.out_dir) if made is not None else None)
            files = {}
            for output in index.outputs:
                if isinstance(output, Output):
                    files[output.path] = output.content
                else:
                    assert made is not None  # only an index made before has files to keep
                    files[output.path] = made.files[output.path]
            self._made = _Made(key, files, index.records)
        _write_index(self.out_dir, files)


@dataclass(frozen=True)
class _Made:
    """The last index the indexer made: its key, its files and their records."""

    key: str
    files: dict[str, bytes]
    records: Mapping[str, OutputRecord]

    def published(self, out_dir: Path) -> PublishedSite:
        """The index as search_index sees a published one: its files in the preview folder."""
        digests = {path: hashlib.sha256(content).hexdigest() for path, content in self.files.items()}
        return PublishedSite(out_dir, digests, self.records)


def _write_index(out_dir: Path, files: dict[str, bytes]) -> None:
    """Replace `out_dir/pagefind/` with `files` in one rename, so that a search never reads half an index."""
    if not out_dir.is_dir():
        return  # the first preview build failed: there is no site to search yet
    staging = Path(tempfile.mkdtemp(prefix=_TEMPORARY_PREFIX, dir=out_dir))
    try:
        for path, content in files.items():
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        current = out_dir / SEARCH_FOLDER
        if current.exists():
            os.replace(current, staging / "previous")
        os.replace(staging / SEARCH_FOLDER, current)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _remove_leftovers(out_dir: Path) -> None:
    """What an indexer stopped halfway left behind."""
    if out_dir.is_dir():
        for entry in out_dir.iterdir():
            if entry.name.startswith(_TEMPORARY_PREFIX) and entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
