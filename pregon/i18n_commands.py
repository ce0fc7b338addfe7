"""`pregon i18n extract|update|init LANG|compile`: the usual gettext workflow on a site's own catalogs.

A site's catalogs hold only what the theme does not give it: the strings of the site's own templates,
and, for a language the theme has no catalog for (or translates only in part), the theme's strings it
lacks. So `update` and `init` merge against the site's messages.pot plus those theme strings, and a fix
to a theme translation keeps reaching every site that has not translated that string itself.

Babel does the work (its extractor, and its Catalog.update, which marks changed strings fuzzy); the
build itself never needs the compiled `.mo` files that `compile` writes (for other gettext tools only).
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, write_po

from .config import load_config
from .theme import THEME_DIR, Theme

ACTIONS = ("extract", "update", "init", "compile")


@dataclass(frozen=True)
class CatalogFolder:
    """A translations/ folder and the templates whose strings it translates: a site's, or the theme's."""

    templates: Path
    translations: Path
    mapping: Path
    """babel.cfg: which files the extractor reads, and how."""
    theme: Theme | None
    """The theme behind a site's catalogs; None for the theme's own."""

    @property
    def template(self) -> Path:
        return self.translations / "messages.pot"

    def catalog(self, code: str) -> Path:
        return self.translations / code / "LC_MESSAGES" / "messages.po"

    def languages(self) -> list[str]:
        if not self.translations.is_dir():
            return []
        return sorted(folder.name for folder in self.translations.iterdir() if (folder / "LC_MESSAGES").is_dir())


def site_catalogs(site_dir: Path) -> CatalogFolder:
    own_mapping = site_dir / "babel.cfg"
    return CatalogFolder(
        site_dir / "templates",
        site_dir / "translations",
        own_mapping if own_mapping.is_file() else THEME_DIR / "babel.cfg",
        Theme(site_dir),
    )


def theme_catalogs() -> CatalogFolder:
    """The theme's own catalogs, for pregon's developers (scripts/theme_catalogs.py)."""
    return CatalogFolder(THEME_DIR / "templates", THEME_DIR / "translations", THEME_DIR / "babel.cfg", None)


def run(site_dir: Path, action: str, language: str | None) -> int:
    return run_on(site_catalogs(site_dir), action, language, site_dir)


def run_on(folder: CatalogFolder, action: str, language: str | None, site_dir: Path | None = None) -> int:
    if action == "extract":
        return _extract(folder)
    if action == "init":
        if not language:
            print("i18n init needs a language code: pregon i18n init fr", file=sys.stderr)
            return 2
        return _init(folder, language, _locale_of(site_dir, language))
    if action == "update":
        return _update(folder, site_dir)
    return _compile(folder)


def _extract(folder: CatalogFolder) -> int:
    if not folder.templates.is_dir():
        print(
            "The site has no templates of its own (templates/): every interface string is the theme's, "
            "and pregon's catalogs translate it. Nothing to extract.",
            file=sys.stderr,
        )
        return 0
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with folder.mapping.open(encoding="utf-8") as file:
        method_map, options_map = parse_mapping_cfg(file)  # type: ignore[no-untyped-call]
    template = Catalog(project="pregon", fuzzy=False)
    # Locations are written relative to the folder holding templates/ (`templates/base.html:13`), so
    # that the file reads the same on every machine.
    for filename, line, message, comments, context in extract_from_dir(folder.templates, method_map, options_map):
        location = f"{folder.templates.name}/{Path(filename).as_posix()}"
        template.add(message, None, [(location, line)], auto_comments=comments, context=context)
    _write(folder.template, template)
    print(f"Wrote {folder.template}: {len(template)} string(s)")
    return 0


def _template_for(folder: CatalogFolder, locale: str) -> Catalog:
    """What a language's catalog in this folder must translate: the folder's own messages.pot, and the
    theme's strings that the theme's catalog for that language does not translate."""
    template = _read(folder.template) if folder.template.is_file() else Catalog()
    if folder.theme is None:
        return template
    theirs = folder.theme.theme_catalog(locale)
    translated = _read(theirs) if theirs is not None else Catalog()
    for message in _read(folder.theme.theme_template):
        if message.id and message.id not in template and not _is_translated(translated, message.id):
            template[message.id] = message
    return template


def _is_translated(catalog: Catalog, msgid: object) -> bool:
    message = catalog.get(msgid)  # type: ignore[arg-type]
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, list | tuple) else [message.string]
    return all(strings)


def _init(folder: CatalogFolder, code: str, locale: str) -> int:
    path = folder.catalog(code)
    if path.exists():
        print(f"{path} already exists: run `pregon i18n update` to bring it up to date", file=sys.stderr)
        return 1
    try:
        parsed = Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        print(f'"{locale}" is not a locale Babel knows: set the language\'s locale: in site.yaml', file=sys.stderr)
        return 1
    template = _template_for(folder, str(parsed))
    catalog = Catalog(locale=parsed, project="pregon", fuzzy=False)
    catalog.update(template)
    _write(path, catalog)
    print(f"Wrote {path}: {len(catalog)} string(s) to translate")
    return 0


def _update(folder: CatalogFolder, site_dir: Path | None) -> int:
    codes = folder.languages()
    if not codes:
        print(f"No catalogs in {folder.translations} yet: start one with `pregon i18n init LANG`", file=sys.stderr)
        return 1
    for code in codes:
        path = folder.catalog(code)
        if not path.is_file():
            continue
        catalog = _read(path)
        catalog.update(_template_for(folder, _locale_of(site_dir, code)), update_header_comment=False)
        catalog.obsolete.clear()  # a string no template uses any more is dropped, not kept commented out
        _write(path, catalog)
        print(f"Updated {path}")
    return 0


def _compile(folder: CatalogFolder) -> int:
    if not folder.languages():
        print(f"No catalogs in {folder.translations} to compile", file=sys.stderr)
        return 0
    from babel.messages.frontend import CommandLineInterface

    try:
        CommandLineInterface().run(  # type: ignore[no-untyped-call]
            ["pybabel", "--quiet", "compile", "--directory", str(folder.translations), "--statistics"]
        )
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


def _locale_of(site_dir: Path | None, code: str) -> str:
    """The locale site.yaml gives a language (`locale: zh_Hant`), else the code read as one."""
    if site_dir is not None:
        config = load_config(site_dir).config
        if config is not None and code in config.language_codes:
            return config.language(code).locale
    return code.replace("-", "_")


def _read(path: Path) -> Catalog:
    try:
        with path.open("rb") as file:
            return read_po(file)
    except (OSError, PoFileError, ValueError) as exc:
        raise SystemExit(f"{path} cannot be read: {exc}") from exc


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, sort_by_file=True, ignore_obsolete=True)
    path.write_bytes(buffer.getvalue())
