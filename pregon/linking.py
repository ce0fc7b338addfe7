"""Sources -> Site: each page paired with its translations into a group, fallbacks made for the languages
it lacks (inheriting the fields translations leave out), the sections sorted, and every address checked
for collisions. A process that builds again and again patches the last Site when only what pages say
changed (_patched)."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from .alert_source import AlertSource
from .errors import Problem, error
from .front_matter import SourcePage
from .navigation import resolve_navigation
from .site import LinkChanges, Page, PageGroup, Site
from .site_config import CONFIG_FILE, PLAIN, SiteConfig


@dataclass(frozen=True)
class SiteResult:
    site: Site | None
    problems: tuple[Problem, ...]


def link_translations(
    config: SiteConfig,
    sources: tuple[SourcePage, ...],
    previous: Site | None = None,
    alerts: tuple[AlertSource, ...] = (),
    complete: bool = True,
) -> SiteResult:
    """Group the sources into pages; `previous`: the site an earlier build of this process made, which
    is patched instead when only what sources say changed, not which pages there are or where.
    `alerts`: each language's alert, carried to the render stage. `complete`: whether every content
    file could be read; if not, the menu is not looked for among the pages, which would report the
    pages that failed as missing."""
    if previous is not None and complete:
        patched = _patched(previous, config, sources, alerts)
        if patched is not None:
            return _with_navigation(patched)
    problems: list[Problem] = []
    by_key: dict[tuple[str, str], dict[str, SourcePage]] = {}
    for source in sources:
        translations = by_key.setdefault(source.key, {})
        if source.lang in translations:
            other = translations[source.lang]
            problems.append(
                error(
                    source.path,
                    None,
                    f'is a second "{source.lang}" version of the page '
                    f'{other.path} (both have the translation key "{source.translation_key}")',
                    "give one of them another file name or translation_key",
                )
            )
            continue
        translations[source.lang] = source

    groups = []
    order = {name: index for index, name in enumerate((PLAIN, *config.section_names))}
    for key in sorted(by_key, key=lambda key: (order[key[0]], key[1])):
        groups.append(_group(config, key, by_key[key]))

    problems.extend(_missing_dates(groups))
    problems.extend(_url_collisions(config, groups))
    if any(problem.is_error for problem in problems):
        return SiteResult(None, tuple(problems))
    by_path = {source.path: source for source in sources}
    groups_by_key = {group.key: group for group in groups}
    changes = _link_changes(previous, config, by_path, groups_by_key) if previous is not None else None
    site = Site(
        config,
        tuple(groups),
        by_path,
        groups_by_key,
        sources,
        _sorted_sections(config, groups),
        link_changes=changes,
        alerts=alerts,
    )
    return _with_navigation(site, problems) if complete else SiteResult(site, tuple(problems))


def _group(config: SiteConfig, key: tuple[str, str], translations: Mapping[str, SourcePage]) -> PageGroup:
    """A page in every language: its translations, given what they do not set of their source, and its
    original shown where it is not translated."""
    codes = config.language_codes
    original = next(translations[code] for code in codes if code in translations)
    pages = []
    for language in config.languages:
        code = language.code
        source = inherit(translations[code], original) if code in translations else original
        folder = f"{code}/" if key[0] == PLAIN else f"{code}/{language.segment(key[0])}/"
        pages.append(Page(code, source, f"{folder}{source.slug}/"))
    return PageGroup(key, original, tuple(pages))


def inherit(translation: SourcePage, original: SourcePage) -> SourcePage:
    """A translation with what is not text (date, weight, print, extra, key by key) taken from its
    source where it sets none of its own. `updated` is not taken: a translation is updated when it is."""
    if translation is original:
        return translation
    changes: dict[str, object] = {}
    for field_name, attribute in (("date", "date"), ("weight", "weight"), ("print", "prints")):
        if field_name not in translation.sets and getattr(original, attribute) is not None:
            changes[attribute] = getattr(original, attribute)
    extra = {**original.extra, **translation.extra}
    if extra != translation.extra:
        changes["extra"] = extra
    if not changes:
        return translation
    return dataclasses.replace(translation, **changes, inherited_from=(original.path, original.blob_id))  # type: ignore[arg-type]


def _missing_dates(groups: list[PageGroup]) -> list[Problem]:
    """Dated pages (announcements) whose translation has no date and whose source gives none either."""
    return [
        error(
            page.source.path,
            None,
            'missing required field "date" (announcements need one, and its source has none)',
            "add `date: YYYY-MM-DD` to its front matter, such as date: 2018-08-31",
        )
        for group in groups
        for page in group.translated
        if page.source.kind == "announcements" and page.source.date is None
    ]


def _with_navigation(site: Site, problems: list[Problem] | None = None) -> SiteResult:
    """The site with its menu and footer found among its pages, or the reasons they cannot be."""
    found = {group.key: [(page.lang, page.source, page.url) for page in group.pages] for group in site.groups}
    navigation, navigation_problems = resolve_navigation(site.config, found)
    all_problems = [*(problems or []), *navigation_problems]
    if navigation_problems:
        return SiteResult(None, tuple(all_problems))
    return SiteResult(dataclasses.replace(site, navigation=navigation), tuple(all_problems))


def _sorted_sections(config: SiteConfig, groups: list[PageGroup]) -> dict[tuple[str, str], tuple[Page, ...]]:
    """Each section's pages in each language, in reading order: announcements newest first, pages by
    weight (those without one last), the others by title."""
    sections: dict[tuple[str, str], tuple[Page, ...]] = {}
    for index, lang in enumerate(config.language_codes):
        for section in config.sections:
            pages = [group.pages[index] for group in groups if group.key[0] == section.name]
            if section.kind == "announcements":
                pages.sort(
                    key=lambda page: (
                        -(page.source.date.toordinal() if page.source.date else 0),
                        page.source.title.casefold(),
                        page.url,
                    )
                )
            elif section.kind == "pages":
                pages.sort(
                    key=lambda page: (
                        page.source.weight is None,
                        page.source.weight or 0,
                        page.source.title.casefold(),
                        page.url,
                    )
                )
            else:
                pages.sort(key=lambda page: (page.source.title.casefold(), page.url))
            sections[(lang, section.name)] = tuple(pages)
    return sections


def _link_changes(
    previous: Site,
    config: SiteConfig,
    sources_by_path: dict[str, SourcePage],
    groups_by_key: dict[tuple[str, str], PageGroup],
) -> LinkChanges | None:
    """The sources added since `previous`, if that is all that changed for links (see LinkChanges)."""
    if previous.config.language_codes != config.language_codes:
        return None
    for path, source in previous.sources_by_path.items():
        now = sources_by_path.get(path)
        if now is None or now.key != source.key:
            return None
    for key, group in previous.groups_by_key.items():
        now_group = groups_by_key.get(key)
        if now_group is None or [page.url for page in now_group.pages] != [page.url for page in group.pages]:
            return None
    added = frozenset(path for path in sources_by_path if path not in previous.sources_by_path)
    return LinkChanges(previous.link_table, added)


def _patched(
    previous: Site, config: SiteConfig, sources: tuple[SourcePage, ...], alerts: tuple[AlertSource, ...]
) -> Site | None:
    """`previous` with some sources replaced, if every source is where it was, in the same page,
    language and address (an edit of a page's text, title or dates): the groups of the others, their
    order and the link table stay as they were. None if anything else changed."""
    if previous.config != config or len(previous.sources) != len(sources):
        return None
    replaced: dict[str, SourcePage] = {}
    reordered = False
    for before, now in zip(previous.sources, sources, strict=True):
        if before is now:
            continue
        if (before.path, before.key, before.lang, before.slug) != (now.path, now.key, now.lang, now.slug):
            return None
        replaced[now.path] = now
        if (before.title, before.date, before.weight) != (now.title, now.date, now.weight):
            reordered = True
    if not replaced:
        return dataclasses.replace(previous, alerts=alerts)
    affected = {previous.sources_by_path[path].key for path in replaced}
    groups_by_key = dict(previous.groups_by_key)
    new_pages: dict[str, Page] = {}
    for key in affected:
        group = previous.groups_by_key[key]
        # Made again from its sources: a translation's inherited fields follow its source's edit.
        translations = {
            source.lang: replaced.get(source.path, source)
            for source in (previous.sources_by_path[page.source.path] for page in group.translated)
        }
        regrouped = _group(config, key, translations)
        if [page.url for page in regrouped.pages] != [page.url for page in group.pages] or _missing_dates([regrouped]):
            return None
        new_pages.update((page.url, page) for page in regrouped.pages)
        groups_by_key[key] = regrouped
    groups = [groups_by_key[group.key] if group.key in affected else group for group in previous.groups]
    # Unless a title or date changed, the lists keep their order: only the replaced pages change in them.
    sections = (
        _sorted_sections(config, groups)
        if reordered
        else {
            where: tuple(new_pages.get(page.url, page) for page in pages) for where, pages in previous.sections.items()
        }
    )
    return Site(
        config,
        tuple(groups),
        {**previous.sources_by_path, **replaced},
        groups_by_key,
        sources,
        sections,
        known_link_table=previous.link_table,
        alerts=alerts,
    )


def _url_collisions(config: SiteConfig, groups: list[PageGroup]) -> list[Problem]:
    # Case and Unicode normalisation are folded, since case-insensitive file systems (and readers
    # typing an address) treat `Que` and `que` as one.
    seen: dict[str, Page] = {}
    problems = []
    taken = {}
    for language in config.languages:
        taken[_folded(f"{language.code}/search/")] = "the search page"
        for name, segment in language.segments:
            taken[_folded(f"{language.code}/{segment}/")] = f'the index of the section "{name}" ({CONFIG_FILE})'
    for group in groups:
        for page in group.pages:
            folded = _folded(page.url)
            if folded in taken:
                # A fallback's address is its language's too: the original's file is the one to rename.
                problems.append(
                    error(
                        page.source.path,
                        None,
                        f"its address /{page.url} is that of {taken[folded]}",
                        "give the page another file name or a slug: in its front matter",
                    )
                )
                continue
            if folded in seen:
                other = seen[folded]
                first, second = sorted({other.source.path, page.source.path})
                if first == second:
                    continue
                problems.append(
                    error(
                        second,
                        None,
                        f"produces the same address /{page.url} as {first}",
                        "give one of them another file name or a slug: in its front matter",
                    )
                )
            else:
                seen[folded] = page
    return problems


def _folded(address: str) -> str:
    return unicodedata.normalize("NFC", address).casefold()
