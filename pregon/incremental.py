"""What a rebuild decides: each output's key, and whether the published file can be kept.

An output's key is a digest of its plan (plans.py: every field of it), of its template with every
template that one includes, of its language's catalog, of the site's settings and of pregon's and its
libraries' versions. An output whose template renders fragments in every language (the landing and
404 pages) counts each language's catalog and that template too. If the last build published a file
under the same key, and the file is still there, it is kept as it is (last_build.PublishedSite);
otherwise it is rendered.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import NamedTuple

import babel
import jinja2

from .cache import CACHE_FORMAT
from .environments import Templates
from .files import digest_bytes_of, fields_identity, same_fields
from .i18n import LanguageCatalog
from .plans import Plan
from .site_config import SiteConfig


class KnownKey(NamedTuple):
    plan: Plan
    base: bytes
    key: str


class OutputKeys:
    """The keys of one build's outputs."""

    def __init__(
        self,
        config: SiteConfig,
        catalogs: Mapping[str, LanguageCatalog],
        templates: Templates,
        preview: bool,
        known: MutableMapping[str, KnownKey] | None = None,
    ) -> None:
        """`known`: the keys an earlier build of this process found, by output path, which it keeps."""
        self._known = known if known is not None else {}
        self._codes = config.language_codes
        self._catalogs = catalogs
        self._templates = templates
        # Where the site folder is does not change what is built in it: the same site built by a
        # relative or an absolute path, or after the folder moved, keeps its outputs.
        settings = (dataclasses.replace(config, root=Path("."), content_dir=Path("content")), preview)
        self._settings = digest_bytes_of(settings)
        self._bases: dict[tuple[str, str], bytes] = {}

    def of(self, plan: Plan) -> str:
        base = self._plan_base(plan)
        known = self._known.get(plan.path)
        # A process that builds again and again plans most outputs from the very objects it planned them
        # from last time: their key is the one found then, without digesting them again.
        if known is not None and known.base == base and same_fields(known.plan, plan):
            return known.key
        key = hashlib.sha256(base + fields_identity(plan)).hexdigest()
        self._known[plan.path] = KnownKey(plan, base, key)
        return key

    def _plan_base(self, plan: Plan) -> bytes:
        if not plan.fragments:
            return self.base(plan.lang, plan.template)
        hasher = hashlib.sha256(self.base(plan.lang, plan.template))
        for fragment in plan.fragments:
            for code in self._codes:
                hasher.update(self.base(code, fragment))
        return hasher.digest()

    def base(self, lang: str, template: str) -> bytes:
        """Everything but its plan that an output of `template` in language `lang` is made from."""
        base = self._bases.get((lang, template))
        if base is None:
            hasher = hashlib.sha256()
            for part in (
                CACHE_FORMAT,
                f"jinja2 {jinja2.__version__}",
                f"babel {babel.__version__}",
                lang,
                self._catalogs[lang].digest,
                template,
            ):
                hasher.update(part.encode() + b"\0")
            hasher.update(self._settings)
            hasher.update(self._templates.source_digest(template))
            base = self._bases[(lang, template)] = hasher.digest()
        return base
