"""site.yaml's menu and footer -> each language's links: what every entry names, found among the pages.

An entry names a page (by its translation key, or by its file under content/), a section's index, or
an outside address with a label in each language. It is resolved in every language: a page shows its
own title in the reader's language, or its fallback's, marked as in another language. An entry that
names nothing that exists is an error on its line of site.yaml. Pure: it reads no files.
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .errors import Problem, did_you_mean, error
from .files import fields_identity
from .front_matter import SourcePage
from .site_config import CONFIG_FILE, PLAIN, Language, MenuEntry, SiteConfig


@dataclass(frozen=True)
class NavLink:
    """One link of a menu or of the footer, in one language."""

    label: str
    """Its text; empty for a section's index, whose title the template gives (section_title.html)."""
    label_lang: str
    """The language of `label`: another than the reader's for a page shown untranslated."""
    url: str
    """From the site's root (`es/accesibilidad/`), or an outside address."""
    section: str | None = None
    """For a section's index: the section."""
    outside: bool = False
    is_fallback: bool = False
    """Whether it leads to a page not yet translated into the reader's language."""


@dataclass(frozen=True)
class Navigation:
    """A language's menu and footer links."""

    menu: tuple[NavLink, ...]
    footer: tuple[NavLink, ...]

    @functools.cached_property
    def identity(self) -> bytes:
        return fields_identity(self)


@dataclass(frozen=True)
class _Target:
    """What an entry names, once found: a page in every language, or a section."""

    titles: Mapping[str, tuple[str, str, str]] | None = None
    """For a page: language -> (title shown, its language, address)."""
    section: str | None = None


def resolve_navigation(
    config: SiteConfig, pages: Mapping[tuple[str, str], Sequence[tuple[str, SourcePage, str]]]
) -> tuple[dict[str, Navigation], list[Problem]]:
    """Each language's menu and footer. `pages`: every page's key -> (language, the source shown there,
    its address) for each language."""
    problems: list[Problem] = []
    menu_entries = config.menu if config.menu is not None else _section_entries(config)
    resolved_menu = [_resolve(config, entry, pages, problems) for entry in menu_entries]
    resolved_footer = [_resolve(config, entry, pages, problems) for entry in config.footer]
    navigation = {
        language.code: Navigation(
            _links(language, menu_entries, resolved_menu), _links(language, config.footer, resolved_footer)
        )
        for language in config.languages
    }
    return navigation, problems


def _links(language: Language, entries: Sequence[MenuEntry], targets: Sequence[_Target | None]) -> tuple[NavLink, ...]:
    return tuple(
        _link(language, entry, target) for entry, target in zip(entries, targets, strict=True) if target is not None
    )


def _section_entries(config: SiteConfig) -> tuple[MenuEntry, ...]:
    """The menu of a site.yaml that sets none: every section's index, in order."""
    return tuple(MenuEntry("section", section.name, (), 0) for section in config.sections)


def _resolve(
    config: SiteConfig,
    entry: MenuEntry,
    pages: Mapping[tuple[str, str], Sequence[tuple[str, SourcePage, str]]],
    problems: list[Problem],
) -> _Target | None:
    if entry.kind == "section":
        return _Target(section=entry.target)
    if entry.kind == "url":
        return _Target()
    key = _page_key(config, entry.target, pages, entry.line, problems)
    if key is None:
        return None
    return _Target(titles={lang: (source.title, source.lang, url) for lang, source, url in pages[key]})


def _page_key(
    config: SiteConfig,
    target: str,
    pages: Mapping[tuple[str, str], Sequence[tuple[str, SourcePage, str]]],
    line: int,
    problems: list[Problem],
) -> tuple[str, str] | None:
    """The page a `page:` entry names: a file (`en/accessibility.md`, under content/) or a translation
    key, a plain page's before a section's."""
    if target.endswith(".md"):
        content = config.shown(config.content_dir)
        wanted = posixpath.normpath(posixpath.join(content, target.removeprefix(content + "/")))
        for translations in pages.values():
            for _, source, _ in translations:
                if source.path == wanted:
                    return source.key
        problems.append(
            error(
                CONFIG_FILE,
                line,
                f'the link to "{target}" names no page: there is no {wanted}',
                "give the page's file under content/, such as en/accessibility.md, or its translation key",
            )
        )
        return None
    if (PLAIN, target) in pages:
        return (PLAIN, target)
    found = sorted(key for key in pages if key[1] == target)
    if len(found) == 1:
        return found[0]
    if found:
        files = [pages[key][0][1].path for key in found]
        problems.append(
            error(
                CONFIG_FILE,
                line,
                f'the link to "{target}" could be any of {len(found)} pages: {", ".join(files)}',
                "name the page by its file instead, such as " + files[0].split("/", 1)[-1],
            )
        )
        return None
    keys = sorted({key[1] for key in pages})
    problems.append(
        error(
            CONFIG_FILE,
            line,
            f'the link to "{target}" names no page: no page has that translation key',
            did_you_mean(target, keys) + " (a page's key is its file name without .md, or its translation_key)",
        )
    )
    return None


def _link(language: Language, entry: MenuEntry, target: _Target) -> NavLink:
    lang = language.code
    label = entry.label(lang)
    if target.section is not None:
        return NavLink(label or "", lang, f"{lang}/{language.segment(target.section)}/", target.section)
    if target.titles is None:
        return NavLink(label or entry.target, lang, entry.target, outside=True)
    title, title_lang, url = target.titles[lang]
    # A label given in the reader's language is in it, even for a page not translated yet.
    return NavLink(label or title, lang if label else title_lang, url, is_fallback=title_lang != lang)
