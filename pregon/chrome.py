"""What every page of a language shows around its own content: the menu, the footer's links and the
site alert (content/<lang>/_alert.md), made once per language and planned with each output.

The alert is shown until its `until:` date is over in the site's time zone. "Today" comes from
SOURCE_DATE_EPOCH when it is set, so that a build of the same inputs on the same stated day gives the
same files on any machine; the fingerprint counts the day (fingerprint.py), so that the build after
midnight takes an expired alert down instead of keeping the site as it was.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

import lxml.html

from .alert_source import AlertSource
from .conversion import LinkAnswer
from .errors import Problem
from .files import fields_identity
from .markdown import MarkdownConverter
from .navigation import Navigation
from .site import Site
from .today import site_today

__all__ = ["Chrome", "ShownAlert", "make_chromes", "site_today"]

MAX_DEPTH = 5
"""The deepest output below the site's root: `es/anuncios/page/2/index.html` is 4 folders down."""


@dataclass(frozen=True)
class ShownAlert:
    lang: str
    """The language of its text: another than the page's when the page's language has no alert."""
    title: str | None
    html_by_depth: tuple[str, ...]
    """Its text as HTML for an output so many folders below the root: its links lead up to the root."""

    def html(self, here: str) -> str:
        return self.html_by_depth[here.count("/")]


@dataclass(frozen=True)
class Chrome:
    """A language's menu and footer links, and its alert when one is shown."""

    navigation: Navigation
    alert: ShownAlert | None

    @functools.cached_property
    def identity(self) -> bytes:
        return fields_identity(self)


def make_chromes(site: Site, today: datetime.date) -> tuple[dict[str, Chrome], list[Problem]]:
    """Each language's chrome, and the problems of the alerts' text (reported once, in their language)."""
    problems: list[Problem] = []
    chromes: dict[str, Chrome] = {}
    reported: set[str] = set()
    for language in site.config.languages:
        code = language.code
        alert = site.alert(code)
        shown = None
        if alert is not None and (alert.until is None or today <= alert.until):
            found: list[Problem] = []
            shown = _shown(site, alert, code, found)
            if alert.path not in reported:
                problems.extend(found)
                reported.add(alert.path)
        chromes[code] = Chrome(site.navigation[code], shown)
    return chromes, problems


def _without_headings(html: str) -> str:
    """The alert's text with its headings made bold paragraphs, without ids: it is shown above each
    page's own heading and beside its ids, which it must not take or come before."""
    if "<h" not in html:
        return html
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for heading in root.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        heading.tag = "p"
        heading.attrib.pop("id", None)
        strong = lxml.html.Element("strong")
        strong.text, heading.text = heading.text, None
        strong.extend(list(heading))
        heading.append(strong)
    serialized: str = lxml.html.tostring(root, encoding="unicode")
    return serialized[len("<div>") : -len("</div>")]


def _shown(site: Site, alert: AlertSource, reader: str, problems: list[Problem]) -> ShownAlert:
    page = alert.as_page()
    converter = MarkdownConverter()
    versions = []
    for depth in range(MAX_DEPTH + 1):

        def resolve(target: str, depth: int = depth) -> LinkAnswer:
            linked = site.find_linked_source(alert.path, target)
            if linked is None:
                return None
            url = site.group(linked.key).page(reader).url
            return "../" * depth + url + "index.html", site.config.base_url + url

        converted = converter.convert(page, resolve)
        versions.append(_without_headings(converted.html))
        if depth == 0:
            problems.extend(converted.problems)
    return ShownAlert(alert.lang, alert.title, tuple(versions))
