"""The Jinja2 environments: one per language, with gettext callables from that language's catalog,
autoescape on and undefined variables refused; and what a template is made of, for output keys.

Rendering returns the text with the interface strings it showed untranslated, as a value, so that
an output kept from the last build reports them just as rendering it would. Template mistakes become
Problems with the template's file and line.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import sys
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

import jinja2
import jinja2.meta
from babel import Locale
from markupsafe import Markup

from .cache import SavedCache, cache_key
from .errors import Problem, error
from .i18n import LanguageCatalog
from .site import relative_url
from .site_config import Language, SiteConfig

MissingStrings: TypeAlias = frozenset[tuple[str, str]]
"""(language, msgid) of each interface string shown untranslated."""

Context: TypeAlias = Mapping[str, object]
"""What a template receives (contexts.py), besides `here`."""


@dataclass(frozen=True)
class RenderedText:
    text: str
    missing: MissingStrings


class Templates:
    """Every language's environment, sharing one loader and one cache of compiled templates."""

    def __init__(self, config: SiteConfig, catalogs: Mapping[str, LanguageCatalog], cache: SavedCache, preview: bool):
        self.config = config
        # The site's templates first, then the theme's: a site replaces a theme template by giving its own.
        self.loader = jinja2.FileSystemLoader(config.theme.template_folders)
        compiled = _CompiledTemplates(cache, self.loader)
        self._cache = cache
        self._noted: set[tuple[str, str]] = set()
        """The untranslated strings of the output being rendered (see render)."""
        self._language_names: dict[tuple[str, str], str] = {}
        self.environments = {
            code: self._environment(compiled, catalogs[code], preview) for code in config.language_codes
        }

    def render(self, lang: str, template: str, here: str, context: Callable[[], Context]) -> RenderedText:
        """One output: `context()` is made first (it may render fragments in any language, whose
        untranslated strings count as the output's), then `template` in language `lang`."""
        self._noted = set()
        made = context()
        text = self.environments[lang].get_template(template).render(here=here, **made)
        return RenderedText(text, frozenset(self._noted))

    def fragment(self, lang: str, template: str, here: str, **context: object) -> Markup:
        """A part of the output being rendered, in language `lang` (a column of the landing page)."""
        return Markup(self.environments[lang].get_template(template).render(here=here, **context))

    def language_name(self, code: str, in_language: Language) -> str:
        """A language's name in the reader's language (`inglés`), from Babel's locale data."""
        known = self._language_names.get((code, in_language.code))
        if known is None:
            language = self.config.language(code)
            known = Locale.parse(language.locale).get_display_name(in_language.locale) or language.name
            self._language_names[(code, in_language.code)] = known
        return known

    def _environment(
        self, compiled: jinja2.BytecodeCache, catalog: LanguageCatalog, preview: bool
    ) -> jinja2.Environment:
        environment = jinja2.Environment(
            loader=self.loader,
            bytecode_cache=compiled,
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            keep_trailing_newline=True,
            # Every build makes its environments anew, so a template cannot change while one renders:
            # without this, each include (a dozen per page) asked the disk whether its file changed.
            auto_reload=False,
            # A theme has a few dozen templates: all kept, in a plain dict. Jinja's default cache keeps the
            # 400 last used in order, and moved each include's template to the front of that order.
            cache_size=-1,
        )
        code = catalog.language.code
        # Every page asks for the same few dozen strings, and a list of 2,000 pages shows hundreds of
        # dates, each tens of microseconds in Babel: both are answered once per build.
        messages: dict[str, Markup] = {}
        dates: dict[datetime.date, str] = {}

        def gettext(message: str) -> Markup:
            if catalog.lacks(message):
                self._noted.add((code, message))
            answer = messages.get(message)
            if answer is None:
                answer = messages[message] = catalog.gettext(message)
            return answer

        def ngettext(singular: str, plural: str, count: int) -> Markup:
            if catalog.lacks(singular):
                self._noted.add((code, singular))
            return catalog.ngettext(singular, plural, count)

        def date(value: datetime.date) -> str:
            written = dates.get(value)
            if written is None:
                written = dates[value] = catalog.format_date(value)
            return written

        environment.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
        # `_()` shows a dozen strings on every page. Jinja's `_` goes through the template's context twice
        # (its alias looks `gettext` up, then the newstyle wrapper calls it) and formats the string each
        # time; this one gives the same result (the wrapper's, since gettext gives markup whether the
        # template escapes or not: `%%` written `%`, the variables escaped into it) with one call, and
        # keeps each string without variables once formatted.
        shown: dict[str, Markup] = {}

        def translated(message: str, /, **variables: object) -> Markup:
            if variables:
                return gettext(message) % variables
            if catalog.lacks(message):
                self._noted.add((code, message))
            known = shown.get(message)
            if known is None:
                known = shown[message] = gettext(message) % {}
            return known

        environment.globals["_"] = translated
        environment.filters["date"] = date
        environment.filters["filesize"] = catalog.format_size
        environment.filters["language_list"] = lambda languages: catalog.format_list(
            [self.language_name(language.code, catalog.language) for language in languages]
        )
        environment.filters["language_name"] = lambda code: self.language_name(code, catalog.language)
        tags = {language.code: language.tag for language in self.config.languages}
        environment.filters["language_tag"] = lambda code: tags.get(code, code)
        environment.filters["bdi"] = _isolated
        environment.globals.update(
            url=_url,
            preview_script="/__pregon/reload.js" if preview else None,
            lang=catalog.language,
            languages=self.config.languages,
            sections=self.config.sections,
            sections_by_name={section.name: section for section in self.config.sections},
        )
        return environment

    def source_digest(self, name: str) -> bytes:
        """A template's source and that of every template it extends, includes or imports."""
        return _sources_digest(self, name, set())

    def references(self, name: str, source: str, filename: str | None = None) -> list[str]:
        """The templates `source` extends, includes or imports (parsing is the slow part: it is cached)."""
        key = cache_key("template references", jinja2.__version__, name, source)
        known = self._cache.template(key)
        if isinstance(known, tuple):
            referenced: list[str | None] = list(known)
        else:
            environment = next(iter(self.environments.values()))
            parsed = environment.parse(source, name=name, filename=filename)
            referenced = list(jinja2.meta.find_referenced_templates(parsed))
            if None not in referenced:
                self._cache.keep_template(key, tuple(str(reference) for reference in referenced))
        if None in referenced:
            # A template named by a variable could be any of them (and more may be added).
            return sorted(self.loader.list_templates())
        return sorted(str(reference) for reference in referenced)


def _sources_digest(templates: Templates, name: str, seen: set[str]) -> bytes:
    seen.add(name)
    environment = next(iter(templates.environments.values()))
    source, filename, _ = templates.loader.get_source(environment, name)
    hasher = hashlib.sha256(name.encode() + b"\0" + source.encode("utf-8", "surrogatepass"))
    for other in templates.references(name, source, filename):
        if other in seen:
            continue
        try:
            hasher.update(_sources_digest(templates, other, seen))
        except jinja2.TemplateNotFound:
            # Rendering reports it, at the line of the template that names it.
            hasher.update(b"missing\0" + other.encode())
    return hasher.digest()


def template_problem(exc: jinja2.TemplateError, config: SiteConfig) -> Problem:
    """A template mistake, with the template's file and line, and what to do."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        shown, replaces = _template_file(config, exc.filename, exc.name)
        return error(
            shown,
            exc.lineno,
            f"template syntax error: {exc.message}{replaces}",
            "check the tag on that line against the other templates; every {% if %} needs an {% endif %}",
        )
    if isinstance(exc, jinja2.TemplateNotFound):
        where = _template_frame(config)
        return error(
            where[0],
            where[1],
            f'template "{exc.name}" is missing: neither the site\'s templates/ nor the theme has it',
            "check the name where it is extended or included; the README lists the theme's templates",
        )
    where = _template_frame(config)
    return error(
        where[0],
        where[1],
        f"template error: {exc.message}",
        "check the variable's spelling; the README lists what each template receives",
    )


def _template_file(config: SiteConfig, filename: str | None, name: str | None) -> tuple[str, str]:
    """How a template file is named in a problem, and which theme file it replaces, if any."""
    if filename is None:
        return f"templates/{name or ''}", ""
    path = Path(filename)
    return config.shown(path), config.overrides(path)


def _template_frame(config: SiteConfig) -> tuple[str, int | None]:
    """The template file and line being rendered when Jinja raised, read from the traceback."""
    folders = tuple(str(folder) for folder in config.theme.template_folders)
    for frame in reversed(traceback.extract_tb(sys.exc_info()[2])):
        if frame.filename.startswith(folders):
            return config.shown(Path(frame.filename)), frame.lineno
    return "templates/", None


class _CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled by earlier builds, kept in the build cache under their names and files: Jinja
    checks each against its source's checksum (and Python's version) before using it, so an edited
    template is compiled again. The file counts because compiled code names it in tracebacks, which is
    how a template error finds its file: a site's copy of a theme template must not borrow the theme's.
    Every template of the site stays in the cache, used in this build or not."""

    def __init__(self, cache: SavedCache, loader: jinja2.FileSystemLoader) -> None:
        self.cache = cache
        for name in loader.list_templates():
            folder = next(folder for folder in loader.searchpath if os.path.isfile(os.path.join(folder, name)))
            cache.template(self.get_cache_key(name, os.path.join(folder, *name.split("/"))))

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return cache_key("compiled template", name, filename or "")

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.cache.template(bucket.key)
        if isinstance(code, bytes):
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.cache.keep_template(bucket.key, bucket.bytecode_to_string())


def _isolated(value: object) -> Markup:
    """A name, number, date, size or address put inside a sentence, isolated from the sentence's
    direction: an English name inside an Arabic sentence, or a Hebrew one inside an English sentence,
    keeps its own order and leaves the sentence's alone."""
    return Markup("<bdi>%s</bdi>") % value


@jinja2.pass_context
def _url(context: jinja2.runtime.Context, target: str) -> str:
    return relative_url(context["here"], target)
