"""Gettext catalogs read from `.po` files with Babel at build time; dates per locale.

The build never reads `.mo` files, so a stale compiled catalog can never show. Translated strings
are treated as plain text: they are escaped like any variable, so a catalog cannot put markup into
a page, and a msgstr carrying markup its msgid lacks is refused at load time.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from babel.dates import format_date
from babel.lists import format_list
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from markupsafe import Markup, escape

from .errors import Problem, error, warning
from .site_config import Language, SiteConfig

MESSAGES_LANGUAGE = "en"
"""The language the interface strings (msgids) of the templates are written in: it needs no catalog."""

_PO_LINE = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr|msgstr\[(\d+)\])\s+"(?:[^"\\]|\\.)*"\s*$')
_CONTINUATION = re.compile(r'^"(?:[^"\\]|\\.)*"\s*$')
_PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]")
_MARKUP = re.compile(r"<[a-zA-Z/!]|&[#a-zA-Z0-9]+;")
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")


@dataclass(frozen=True)
class LanguageCatalog:
    """The interface strings of one language, and its ways of writing dates, sizes and lists.

    Made of the site's catalog for the language, if it has one, read first, and the theme's behind it:
    a msgid the site translates takes the site's translation, any other the theme's.
    """

    language: Language
    translations: NullTranslations
    translated_ids: frozenset[str]
    path: str
    """The site's catalog for this language, where a missing string is to be translated (it may not
    exist yet: `i18n init` makes it)."""
    digest: str = ""
    """Of the catalog files' bytes: an output is rendered again when a catalog it used changed."""
    untranslated: frozenset[str] = frozenset()
    """The msgids of the theme's and the site's messages.pot that this catalog does not translate:
    reported whether or not a template asks for them in this build (a date that no page has yet)."""
    files: tuple[str, ...] = ()
    """The catalog files read, the site's first."""
    unreviewed: tuple[str, ...] = ()
    """Those of them whose header says a native speaker has not reviewed them yet."""

    @property
    def needs_translation(self) -> bool:
        return not self.language.locale.startswith(MESSAGES_LANGUAGE)

    def lacks(self, message: str) -> bool:
        """Whether asking for this msgid shows it untranslated, in English."""
        return self.needs_translation and message not in self.translated_ids

    def gettext(self, message: str) -> Markup:
        return escape(self.translations.gettext(message))

    def ngettext(self, singular: str, plural: str, count: int) -> Markup:
        return escape(self.translations.ngettext(singular, plural, count))

    def format_date(self, date: datetime.date) -> str:
        return format_date(date, format="long", locale=self.language.locale)

    def format_size(self, size: int) -> str:
        """A file size for readers deciding whether to download: `38 KB`, `1,2 MB`."""
        if size < 1_000_000:
            return f"{format_decimal(max(1, round(size / 1000)), locale=self.language.locale)} KB"
        return f"{format_decimal(round(size / 1_000_000, 1), locale=self.language.locale)} MB"

    def format_list(self, items: list[str]) -> str:
        """`English and Spanish`, `inglés y español`, in the reader's language."""
        return format_list(items, locale=self.language.locale)


@dataclass(frozen=True)
class CatalogResult:
    catalogs: dict[str, LanguageCatalog]
    problems: tuple[Problem, ...]


UNREVIEWED = "not yet reviewed by a native speaker"
"""Written in a catalog's header comment until a native speaker has reviewed it: `status` lists it."""


def catalog_path(config: SiteConfig, code: str) -> Path:
    """The site's own catalog for a language."""
    return config.theme.site_catalog(code)


def catalog_files(config: SiteConfig, language: Language) -> tuple[Path, ...]:
    """The catalog files a language's strings are read from, the site's first, those that exist."""
    candidates = (catalog_path(config, language.code), config.theme.theme_catalog(language.locale))
    return tuple(path for path in candidates if path is not None and path.is_file())


def expected_ids(config: SiteConfig) -> set[str]:
    """Every msgid the theme's and the site's templates use, from their messages.pot files."""
    return template_ids(config.theme.theme_template) | template_ids(config.theme.site_template)


def load_catalogs(config: SiteConfig) -> CatalogResult:
    catalogs: dict[str, LanguageCatalog] = {}
    problems: list[Problem] = []
    expected = expected_ids(config)
    for language in config.languages:
        before = len(problems)
        layers = [
            read_catalog(path.read_bytes(), config.shown(path), language, problems)
            for path in catalog_files(config, language)
        ]
        if len(problems) > before and any(problem.is_error for problem in problems[before:]):
            continue
        catalogs[language.code] = stack_catalogs(
            language,
            [layer for layer in layers if layer is not None],
            config.shown(catalog_path(config, language.code)),
        )
    # Strings the templates use only in some cases (a date that no page has yet) are reported too.
    for code, catalog in catalogs.items():
        if catalog.needs_translation:
            catalogs[code] = dataclasses.replace(catalog, untranslated=frozenset(expected - catalog.translated_ids))
    return CatalogResult(catalogs, tuple(problems))


def stack_catalogs(language: Language, layers: list[LanguageCatalog], path: str) -> LanguageCatalog:
    """One language's catalogs as one, the first answering first (gettext's own fallbacks, so that each
    keeps its own plural rule)."""
    if not layers:
        return LanguageCatalog(language, NullTranslations(), frozenset(), path)
    translations = layers[0].translations
    for layer in layers[1:]:
        translations.add_fallback(layer.translations)
    return LanguageCatalog(
        language,
        translations,
        frozenset().union(*(layer.translated_ids for layer in layers)),
        path,
        digest=hashlib.sha256("\0".join(layer.digest for layer in layers).encode()).hexdigest(),
        files=tuple(layer.path for layer in layers),
        unreviewed=tuple(layer.path for layer in layers if layer.unreviewed),
    )


def template_ids(template: Path) -> set[str]:
    """The msgids of a messages.pot, if there is one and it reads; the build itself never needs it."""
    try:
        with template.open("rb") as file:
            return {message_id(m) for m in read_po(file) if m.id}
    except (OSError, PoFileError, ValueError):
        return set()


def read_catalog(raw: bytes, shown: str, language: Language, problems: list[Problem]) -> LanguageCatalog | None:
    """A `.po` file's bytes -> LanguageCatalog, refusing syntax, placeholder and markup mistakes."""
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        problems.append(
            error(
                shown,
                raw[: exc.start].count(b"\n") + 1,
                "is not UTF-8 text",
                'save it as UTF-8 and keep "charset=UTF-8" in its header',
            )
        )
        return None
    before = len(problems)
    problems.extend(_syntax_problems(text, shown))
    if len(problems) > before:
        return None
    try:
        catalog = read_po(io.StringIO(text), locale=language.locale, abort_invalid=True)
    except (PoFileError, ValueError) as exc:
        problems.append(
            error(
                shown,
                getattr(exc, "lineno", None),
                f"cannot be read: {exc}",
                "compare it with translations/messages.pot, or run pregon i18n update",
            )
        )
        return None
    problems.extend(_message_problems(catalog, text, shown))
    if len(problems) > before:
        return None
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out, as gettext itself would
    buffer.seek(0)
    translated = frozenset(
        message_id(message)
        for message in catalog
        if message.id and not message.fuzzy and _is_translated(message.string)
    )
    fuzzy = sorted(str(message.id) for message in catalog if message.id and message.fuzzy)
    if fuzzy:
        problems.append(
            warning(
                shown,
                None,
                f"{len(fuzzy)} fuzzy translation(s) are not used until reviewed: "
                + ", ".join(f'"{message}"' for message in fuzzy[:5]),
                "check each one, then remove its `#, fuzzy` line",
            )
        )
    return LanguageCatalog(
        language,
        Translations(buffer),
        translated,
        shown,
        digest=hashlib.sha256(raw).hexdigest(),
        files=(shown,),
        unreviewed=(shown,) if UNREVIEWED in catalog.header_comment.lower() else (),
    )


def message_id(message: Message) -> str:
    """A message's msgid; for a plural entry, its singular."""
    return str(message.id if isinstance(message.id, str) else message.id[0])


def _is_translated(string: str | tuple[str, ...] | list[str] | None) -> bool:
    if isinstance(string, list | tuple):
        return all(string)
    return bool(string)


def _syntax_problems(text: str, shown: str) -> list[Problem]:
    """Babel's reader forgives broken lines silently; gettext's msgfmt would not, and neither do we."""
    problems = []
    header = re.search(r'"Plural-Forms:[^"]*', text)
    nplurals_match = _NPLURALS.search(header.group(0)) if header else None
    nplurals = int(nplurals_match.group(1)) if nplurals_match else None
    plural_forms: list[tuple[int, list[str]]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _PO_LINE.match(stripped)
        if match is None and not _CONTINUATION.match(stripped):
            problems.append(
                error(
                    shown,
                    number,
                    f"is not a valid catalog line: {stripped[:60]}",
                    'each line is msgid "...", msgstr "...", or a "..." continuation; check for a missing quote',
                )
            )
            continue
        if match is None:
            if plural_forms and plural_forms[-1][1]:
                plural_forms[-1][1][-1] += stripped
            continue
        if match.group(1) == "msgid":
            plural_forms.append((number, []))
        elif match.group(2) is not None and plural_forms:
            plural_forms[-1][1].append(stripped)
    if nplurals is not None:
        for number, forms in plural_forms:
            filled = [form for form in forms if not form.endswith('""')]
            if forms and filled and len(forms) != nplurals:
                problems.append(
                    error(
                        shown,
                        number,
                        f"this plural entry has {len(forms)} forms, but the catalog's "
                        f"Plural-Forms header says nplurals={nplurals}",
                        f"give it msgstr[0] to msgstr[{nplurals - 1}]",
                    )
                )
    return problems


def _message_problems(catalog: Catalog, text: str, shown: str) -> list[Problem]:
    problems = []
    for message in catalog:
        if not message.id or message.fuzzy or not _is_translated(message.string):
            continue  # fuzzy entries are guesses that gettext does not use; they are reported apart
        line = message.lineno
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string or ())
        expected = sorted(set().union(*(_placeholders(msgid) for msgid in ids)))
        for string in strings:
            found = sorted(_placeholders(string))
            if found and found != expected or not found and expected and len(ids) == 1:
                problems.append(
                    error(
                        shown,
                        line,
                        f'the translation of "{ids[0]}" has placeholders {found or "none"}, '
                        f"but the original has {expected or 'none'}",
                        "keep every %(name)s exactly as in the msgid; translate only the words around it",
                    )
                )
                break
            if _MARKUP.search(string) and not any(_MARKUP.search(msgid) for msgid in ids):
                problems.append(
                    error(
                        shown,
                        line,
                        f'the translation of "{ids[0]}" contains HTML markup',
                        "interface strings are plain text; remove the tags or entities",
                    )
                )
                break
    for message, errors in catalog.check():
        if message.fuzzy:
            continue
        for problem in errors:
            if "placeholder" in str(problem):
                continue  # already reported above, in plainer words
            problems.append(error(shown, message.lineno, f'the translation of "{message.id}": {problem}'))
    return problems


def _placeholders(text: str) -> set[str]:
    return {match.group(1) or match.group(0) for match in _PLACEHOLDER.finditer(text)}
