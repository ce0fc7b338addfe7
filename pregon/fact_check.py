"""Each translation's facts against its source's: the phone numbers, email addresses, links, dates,
amounts and percentages (facts.py) must be the same sets.

A difference is reported on the translation's line, with the source's file and line beside it: a
fact the translation gives that its source does not (`215-555-0132 is not in the English source,
which gives 215-555-0123 (content/en/...:10)`), or one it leaves out, at the translation's section
that matches the source's (the same heading, counted in order). Every build reports differences as
warnings; `check` and `build --strict` make them errors, except in a translation already marked out
of date, which its translator has yet to bring up to date anyway.

A translation lists what it gives differently on purpose under `differs:` in its front matter (a
hotline for its own language's speakers): each entry is read as facts in the translation's language,
and those pass. `status` lists them with the fields the translation sets itself.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from babel import Locale

from .cache import SavedCache, cache_key
from .errors import Problem, advice, error, warning
from .facts import KINDS, RULES, WEB, Fact, facts_of
from .front_matter import SourcePage, text_id
from .site import Page, PageGroup, Site

_HEADING = re.compile(r"^ {0,3}#{1,6}\s", re.MULTILINE)
_HINT = (
    "correct it to match the source; if the difference is meant (a number for this language's speakers), "
    "list it under differs: in this file's front matter"
)


@dataclass(frozen=True)
class Difference:
    """One fact given by only one side of a translation and its source."""

    kind: str
    translation: SourcePage
    source: SourcePage
    given: Fact | None
    """What the translation gives that the source does not."""
    expected: tuple[Fact, ...]
    """What the source gives, of the same kind, that the translation does not."""
    outdated: bool

    def problem(self, site: Site) -> Problem:
        source_language = _language_name(site, self.source.lang)
        expected = ", ".join(f"{fact.shown} ({self.source.path}:{fact.line})" for fact in self.expected)
        if self.given is not None:
            message = f"{self.given.shown} is not in the {source_language} source"
            message += f", which gives {expected}" if expected else ""
            line: int | None = self.given.line
        else:
            message = f"the {source_language} source gives {expected}, which this translation leaves out"
            line = _matching_section_line(self.source, self.translation, self.expected[0].line)
        if self.outdated:
            message += " (this translation is marked out of date)"
            return advice(self.translation.path, line, message, "bring it up to date with its source: `pregon status`")
        return warning(self.translation.path, line, message, _HINT)


COMPARING = "1"
"""The version of the comparison and of its messages: a change to either makes every group compared again."""


def fact_differences(site: Site, cache: SavedCache | None = None) -> list[Problem]:
    """Every difference between a translation's facts and its source's, and every `differs:` entry that
    names no fact. `cache`: see page_facts; it also keeps each group's differences, so that a build
    compares again only the groups whose pages, or whose links' answers, changed."""
    problems: list[Problem] = []
    links: dict[tuple[str, str], str] = {}
    settings = repr(
        (RULES, site.config.region, [(lang.code, lang.locale, lang.name) for lang in site.config.languages])
    )
    for group in site.groups:
        translations = [page for page in group.translated if page.source is not group.original]
        if not translations:
            continue
        # Not cache.key, which remembers its parts for the process: these change with every link table.
        key = cache_key("fact differences", COMPARING, settings, site.link_table, _compared(group))
        known = cache.known_differences(key) if cache is not None else None
        if known is None:
            known = tuple(_group_differences(site, group, translations, cache, links))
            if cache is not None:
                cache.keep_differences(key, known)
        problems.extend(known)
    return problems


def _compared(group: PageGroup) -> str:
    """What a group's differences are made from besides the site's settings and link table: each translated
    page's text, where it is, what it is, what it says differs and whether it is out of date."""
    return repr(
        [
            (
                page.lang,
                page.source.path,
                text_id(page.source),
                page.source.body_line,
                page.source.section,
                page.source.translation_key,
                page.source.differs,
                page.source is group.original,
                group.is_outdated(page),
            )
            for page in group.translated
        ]
    )


def _group_differences(
    site: Site, group: PageGroup, translations: list[Page], cache: SavedCache | None, links: dict[tuple[str, str], str]
) -> list[Problem]:
    problems: list[Problem] = []
    source_facts = page_facts(site, group.original, cache, links)
    for page in translations:
        translation = page.source
        intended, unreadable = _intended(site, translation)
        problems.extend(unreadable)
        translation_facts = page_facts(site, translation, cache, links)
        for difference in differences(group, translation, source_facts, translation_facts, intended):
            problems.append(difference.problem(site))
    return problems


def checked_sources(site: Site) -> list[SourcePage]:
    """The pages whose facts are compared: each translation, and the original it is compared with."""
    checked = []
    for group in site.groups:
        translations = [page.source for page in group.translated if page.source is not group.original]
        if translations:
            checked.append(group.original)
            checked.extend(translations)
    return checked


def facts_key(site: Site, source: SourcePage, cache: SavedCache) -> str:
    """The facts found in a text depend on the text, its language, the region and the rules only. The
    text is named by its file's id (text_id): digesting thousands of texts took a quarter of a second
    of every build."""
    return cache.key(
        RULES, text_id(source), str(source.body_line), site.config.language(source.lang).locale, site.config.region
    )


def text_facts(site: Site, source: SourcePage) -> tuple[Fact, ...]:
    """The facts of the page's text, as written (links unresolved): what the cache keeps."""
    return tuple(facts_of(source.body, source.body_line, site.config.language(source.lang).locale, site.config.region))


def page_facts(
    site: Site, source: SourcePage, cache: SavedCache | None = None, links: dict[tuple[str, str], str] | None = None
) -> list[Fact]:
    """The page's facts, its links resolved to the pages they lead to. `cache`: where the facts found
    in a text are kept (analysis.py fills it on every core). `links`: the pages links lead to, by the
    linking file's folder and the link, kept by the caller from page to page (thousands of pages link
    to the same few)."""
    key = facts_key(site, source, cache) if cache is not None else ""
    found = cache.known_facts(key) if cache is not None else None
    if found is None:
        found = text_facts(site, source)
        if cache is not None:
            cache.keep_facts(key, found)
    return [_resolved(site, source, fact, links if links is not None else {}) for fact in found]


def _resolved(site: Site, source: SourcePage, fact: Fact, links: dict[tuple[str, str], str]) -> Fact:
    if fact.kind != "link" or fact.value.startswith(WEB):
        return fact
    path = urlsplit(fact.value).path
    if not path:
        return Fact(fact.kind, f"page:{source.section}/{source.translation_key}", fact.shown, fact.line)
    where = (posixpath.dirname(source.path), path)
    resolved = links.get(where)
    if resolved is None:
        resolved = links[where] = _page_link(site, source, path)
    return Fact(fact.kind, resolved, fact.shown, fact.line)


def differences(
    group: PageGroup,
    translation: SourcePage,
    source_facts: Iterable[Fact],
    translation_facts: Iterable[Fact],
    intended: frozenset[str],
) -> list[Difference]:
    """The facts of each kind that only one side gives, paired in the order they come: the first fact
    the translation gives wrongly with the first the source gives that it lacks, which is how a
    mistyped number reads."""
    outdated = group.is_outdated(group.page(translation.lang))
    found: list[Difference] = []
    for kind in KINDS:
        source_values = {fact.value for fact in source_facts if fact.kind == kind}
        given_values = {fact.value for fact in translation_facts if fact.kind == kind}
        extra = _first_of_each(
            fact
            for fact in translation_facts
            if fact.kind == kind and fact.value not in source_values and fact.value not in intended
        )
        missing = _first_of_each(
            fact
            for fact in source_facts
            if fact.kind == kind and fact.value not in given_values and fact.value not in intended
        )
        for number, given in enumerate(extra):
            paired = (missing[number],) if number < len(missing) else ()
            found.append(Difference(kind, translation, group.original, given, paired, outdated))
        for left_out in missing[len(extra) :]:
            found.append(Difference(kind, translation, group.original, None, (left_out,), outdated))
    return found


def _first_of_each(facts: Iterable[Fact]) -> list[Fact]:
    """Each value once, where it first comes."""
    seen: dict[str, Fact] = {}
    for fact in facts:
        seen.setdefault(fact.value, fact)
    return sorted(seen.values(), key=lambda fact: fact.line)


def _intended(site: Site, translation: SourcePage) -> tuple[frozenset[str], list[Problem]]:
    """The facts named under `differs:`, and an error for each entry that names none."""
    values: set[str] = set()
    problems = []
    locale = site.config.language(translation.lang).locale
    for written, line in translation.differs:
        facts = [_resolved(site, translation, fact, {}) for fact in facts_of(written, line, locale, site.config.region)]
        if not facts:
            problems.append(
                error(
                    translation.path,
                    line,
                    f'differs: "{written}" is not a phone number, email address, link, date, amount or percentage',
                    'write the fact as the page writes it, such as `  - "215-555-0100"`',
                )
            )
        values.update(fact.value for fact in facts)
    return frozenset(values), problems


def _page_link(site: Site, source: SourcePage, path: str) -> str:
    """A link's path within the site -> the page it leads to, whatever its language: a link to the
    Spanish edition of a page is the same link as one to its English original. It depends on the
    linking file's folder only (link_probes)."""
    # The paths a link is looked for at, checked here as plain look-ups: find_linked_source's answers are
    # what conversions record and keep (conversion.py); the fact check only compares, build after build.
    found = (site.sources_by_path.get(candidate) for candidate in site.link_probes(source.path, path))
    linked = next((candidate for candidate in found if candidate is not None), None)
    if linked is None:
        return "page:" + posixpath.normpath(posixpath.join(posixpath.dirname(source.path), path))
    return f"page:{linked.section}/{linked.translation_key}"


def _matching_section_line(source: SourcePage, translation: SourcePage, source_line: int) -> int:
    """The translation's line that matches `source_line` of its source: the start of the same section
    (the n-th heading of each, counted in order), or the translation's first line of text."""
    before = sum(1 for line in _heading_lines(source) if line <= source_line)
    headings = _heading_lines(translation)
    return headings[before - 1] if 0 < before <= len(headings) else translation.body_line


def _heading_lines(page: SourcePage) -> list[int]:
    return [page.body_line + page.body.count("\n", 0, match.start()) for match in _HEADING.finditer(page.body)]


def _language_name(site: Site, code: str) -> str:
    """A language's name in English, as messages are written (`Spanish`), from CLDR."""
    language = site.config.language(code)
    try:
        return Locale.parse(language.locale).get_display_name("en") or language.name
    except (ValueError, TypeError):
        return language.name
