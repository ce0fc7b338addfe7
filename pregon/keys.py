"""Output keys: what each output is made from, so that a rebuild renders only what would change.

An output's key is a digest of its template (with every template it includes), its language's
catalog, the site's settings, pregon's and its libraries' versions, and its data. If the last build
published a file under the same key, that file is kept as it is. A page's key is made from what its
data is made from (its group's files, its converted Markdown and link answers, its printed editions),
which is much cheaper than making the data; the key of a list, feed or sitemap, from the entries it
shows (Renderer._listing).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import babel
import jinja2
import jinja2.meta

from .cache import CACHE_FORMAT, BuildCache, LinkResolution, cache_key
from .config import SiteConfig
from .i18n import LanguageCatalog
from .output import Unchanged
from .site import Page, PageGroup


@dataclass(frozen=True)
class RenderRecord:
    """What one output was made from, and the interface strings it showed untranslated, so that
    keeping it reports them just as rendering it would."""

    key: str
    missing: frozenset[str]


@dataclass(frozen=True)
class PreviousBuild:
    """The site the last build published, and what each of its outputs was made from."""

    folder: Path
    digests: Mapping[str, str]
    """Output path -> sha256 of the published file."""
    records: Mapping[str, RenderRecord]

    @functools.cached_property
    def folder_name(self) -> str:
        """The folder as a string ending in a slash, to which an output path is appended."""
        return os.path.join(self.folder, "")


class OutputKeys:
    """Keys of one build's outputs, and the records of what each was made from."""

    def __init__(
        self,
        config: SiteConfig,
        catalogs: Mapping[str, LanguageCatalog],
        environment: jinja2.Environment,
        preview: bool,
        previous: PreviousBuild | None,
        cache: BuildCache,
    ) -> None:
        self.previous = previous
        self._cache = cache
        self.records: dict[str, RenderRecord] = {}
        """Filled as outputs are rendered or kept: what the next build compares with."""
        self._catalogs = catalogs
        self._environment = environment
        """Any of the build's environments: they share one loader, so templates parse alike."""
        # Where the site folder is does not change what is built in it: the same site built by a
        # relative or an absolute path, or after the folder moved, keeps its outputs.
        settings = (dataclasses.replace(config, root=Path("."), content_dir=Path("content")), preview)
        # Plain frozen data (strings, paths, tuples of them): its repr is the same in every process.
        self._settings = hashlib.sha256(repr(settings).encode("utf-8", "surrogatepass")).digest()
        self._base_keys: dict[tuple[str, str], bytes] = {}
        self._group_identities: dict[tuple[str, str], bytes] = {}

    def of_listing(self, code: str, template: str, here: str, listed: bytes) -> str:
        """The key of an output made from the configuration and from `listed`, a digest of the entries
        it shows and whatever else of the site it uses (Renderer._shown_digest)."""
        hasher = hashlib.sha256(self._base_key(code, template))
        hasher.update(here.encode("utf-8", "surrogatepass") + b"\0" + listed)
        return hasher.hexdigest()

    def of_page(
        self, group: PageGroup, page: Page, markdown_key: str, asked: LinkResolution, printed: list[Any]
    ) -> str:
        """The key of a page, from what its data is made from, without making it.

        Renderer._page gives the template: the page and its group's pages (their languages, addresses
        and sources, which are made from each file's path and bytes), the converted Markdown (made from
        its key and the link answers it got), the guide's printed editions, and the configuration,
        catalog and templates that the base key covers. Whatever _page starts to use must be added here.
        """
        identity = self._group_identities.get(group.key)
        if identity is None:
            members = [(other.lang, other.url, other.source.path, other.source.blob_id) for other in group.pages]
            original = (group.original.path, group.original.blob_id)
            identity = hashlib.sha256(repr((group.key, members, original)).encode()).digest()
            self._group_identities[group.key] = identity
        hasher = hashlib.sha256(self._base_key(page.lang, "page.html"))
        hasher.update(identity)
        for part in (page.output_path, markdown_key, repr(asked), repr(printed)):
            hasher.update(part.encode("utf-8", "surrogatepass") + b"\0")
        return hasher.hexdigest()

    def page_base(self, code: str) -> bytes:
        """What every page in language `code` is made from besides its own data (see _base_key)."""
        return self._base_key(code, "page.html")

    def fragment_base(self, code: str, template: str) -> bytes:
        """What a fragment of `template` rendered in language `code` is made from besides its data: for
        an output with a part in each language (the landing and 404 pages)."""
        return self._base_key(code, template)

    def kept(self, code: str, here: str, key: str) -> Unchanged | None:
        """The published file, if the last build made it under this same key and it is still there."""
        (digest,) = self.kept_digests([(code, here, key)])
        return Unchanged(here, digest) if digest is not None else None

    def kept_digests(self, outputs: Iterable[tuple[str, str, str]]) -> list[str | None]:
        """For each output (language, path, key): the sha256 of the published file, if the last build
        made it under this same key and it is still there; it is then kept. None otherwise.

        One call for thousands of pages: a rebuild after an edit keeps nearly all of them.
        """
        previous = self.previous
        if previous is None:
            return [None for _ in outputs]
        records, digests, folder = previous.records, previous.digests, previous.folder_name
        missing = {code: catalog.missing for code, catalog in self._catalogs.items()}
        found: list[str | None] = []
        for code, here, key in outputs:
            record = records.get(here)
            digest = digests.get(here)
            if record is None or digest is None or record.key != key or not os.path.isfile(folder + here):
                found.append(None)
                continue
            self.records[here] = record
            # Reported as if rendered: the interface strings it shows untranslated.
            missing[code].update(record.missing)
            found.append(digest)
        return found

    def _base_key(self, code: str, template: str) -> bytes:
        """Everything but the data that an output of `template` in language `code` is made from."""
        base = self._base_keys.get((code, template))
        if base is None:
            hasher = hashlib.sha256()
            for part in (
                CACHE_FORMAT,
                f"jinja2 {jinja2.__version__}",
                f"babel {babel.__version__}",
                code,
                self._catalogs[code].digest,
                template,
            ):
                hasher.update(part.encode() + b"\0")
            hasher.update(self._settings)
            hasher.update(self._template_digest(template, set()))
            base = self._base_keys[(code, template)] = hasher.digest()
        return base

    def _template_digest(self, name: str, seen: set[str]) -> bytes:
        """A template's source and that of every template it extends, includes or imports."""
        seen.add(name)
        loader = self._environment.loader
        assert loader is not None
        source, _, _ = loader.get_source(self._environment, name)
        hasher = hashlib.sha256(name.encode() + b"\0" + source.encode("utf-8", "surrogatepass"))
        for other in self._references(name, source, loader):
            if other not in seen:
                hasher.update(self._template_digest(other, seen))
        return hasher.digest()

    def _references(self, name: str, source: str, loader: jinja2.BaseLoader) -> list[str]:
        """The templates `source` extends, includes or imports (parsing is the slow part: it is cached)."""
        key = cache_key("template references", jinja2.__version__, name, source)
        known = self._cache.template(key)
        if known is not None:
            referenced: list[str | None] = list(known)
        else:
            referenced = list(jinja2.meta.find_referenced_templates(self._environment.parse(source, name=name)))
            if None not in referenced:
                self._cache.keep_template(key, tuple(referenced))
        if None in referenced:
            # A template named by a variable could be any of them (and more may be added).
            return sorted(loader.list_templates())
        return sorted(str(reference) for reference in referenced)
