"""What a process that builds again and again (the preview server) keeps in memory between builds.

Each build of such a process starts from what the last one learnt, instead of from the disk: the
saved cache (not read or written per build), the records of the last build, what the fingerprint
walked, the content stage's files, the site (patched when only what pages say changed), where links
looked and what the search index is made of. Every field is a value a build returned; nothing here is written to the
disk but `cache`, by the caller, when it stops.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .cache import SavedCache
from .content import ContentMemory
from .fingerprint import WalkMemory
from .incremental import KnownKey
from .last_build import RecordMemory
from .readability import ReadingLevels
from .search import SearchRecord
from .site import Site


@dataclass
class PreviewMemory:
    cache: SavedCache = field(default_factory=SavedCache)
    built: bool = False
    """Whether a build of this process got through: the first one always builds for real, so that the
    builds after an edit find every page here."""
    records: RecordMemory = field(default_factory=dict)
    """The records of the last builds (last_build.py), with the stat of the file each was read from."""
    walk: WalkMemory = field(default_factory=WalkMemory)
    content: ContentMemory | None = None
    site: Site | None = None
    link_probes: dict[str, frozenset[str]] = field(default_factory=dict)
    """Where each conversion's links looked, by its key (conversion.py)."""
    known_keys: dict[str, KnownKey] = field(default_factory=dict)
    """Each output's plan and key as the last build found them (incremental.py)."""
    reading_levels: ReadingLevels | None = None
    """What measures reading levels, kept with the dictionary it loaded once."""
    search_records: tuple[SearchRecord, ...] = ()
    """What the last build's search index is made of, for the preview server to index in the
    background (preview_search.py)."""
