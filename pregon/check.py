"""`pregon check`: what a careful editor would catch before publishing, one line per problem.

Checks what the build tolerates but readers would stumble on: anchors that lead nowhere, images
without alt text, headings that skip levels, link text that does not say where it goes, an FAQ
without questions, and a translation whose structure has drifted from its source. Outside links
are only checked with `--external`, so that no network is needed otherwise.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from .errors import Problem, error
from .fact_check import fact_differences
from .front_matter import SourcePage
from .markdown import Converted, MarkdownConverter
from .site import Site
from .site_config import PLAIN

VAGUE_LINK_TEXTS = frozenset(
    {
        "click here",
        "here",
        "this",
        "link",
        "more",
        "read more",
        "this page",
        "this link",
        "haga clic aquí",
        "haz clic aquí",
        "aquí",
        "clic aquí",
        "más",
        "leer más",
        "este enlace",
        "esta página",
    }
)
"""Link text that says nothing about where it goes, in the shipped languages; others can be added."""


def check_site(
    site: Site, check_external: bool = False, fetch_status: Callable[[str], int | None] | None = None
) -> list[Problem]:
    markdown = MarkdownConverter()
    rendered: dict[str, Converted] = {}
    for source in site.sources_by_path.values():
        rendered[source.path] = markdown.convert(source, lambda target: ("#", "#"))
    problems: list[Problem] = []
    for source in site.sources_by_path.values():
        problems += _page_problems(site, source, rendered)
    problems += _structure_problems(site, rendered)
    problems += fact_differences(site)
    if check_external:
        problems += _external_problems(site, rendered, fetch_status or _status_of)
    return problems


_ADDRESS = re.compile(r"[^\s<>{}|\\^`\"\x00-\x1f\x7f]*")
"""What a link's address may hold: no spaces, and none of the characters that an address must
percent-encode and that template syntax is made of (letters of any script are fine)."""


def _is_address(written: str) -> bool:
    return bool(written.strip()) and _ADDRESS.fullmatch(written.strip()) is not None


def _page_problems(site: Site, source: SourcePage, rendered: dict[str, Converted]) -> list[Problem]:
    problems = []
    page = rendered[source.path]
    for link in page.links:
        parts = urlsplit(link.written)
        if not link.text:
            problems.append(
                error(
                    source.path,
                    link.line,
                    f'the link to "{link.written}" has no text',
                    "write the words readers will see between the [ ]",
                )
            )
        elif link.text.casefold().strip(" .:") in VAGUE_LINK_TEXTS:
            problems.append(
                error(
                    source.path,
                    link.line,
                    f'the link text "{link.text}" does not say where it goes',
                    "name the page or document, such as [questions and answers about PARS](...)",
                )
            )
        if not _is_address(link.written):
            problems.append(
                error(
                    source.path,
                    link.line,
                    f'the link to "{link.written}" is not a valid address',
                    "write a full web address (https://...), a page's .md file, or #an-anchor; "
                    "another generator's {{< >}} or {% %} does nothing here",
                )
            )
            continue
        if parts.scheme or parts.netloc:
            continue
        if parts.path.endswith(".md"):
            target = site.find_linked_source(source.path, unquote(parts.path))
            if target is None:
                problems.append(
                    error(
                        source.path,
                        link.line,
                        f'link to "{link.written}": there is no such page',
                        "link to another page's .md file by its path relative to this file",
                    )
                )
                continue
            anchors_of = target
        elif not parts.path:
            anchors_of = source
        else:
            continue
        anchors = set(rendered[anchors_of.path].ids)
        fragment = unquote(parts.fragment)
        if fragment and fragment not in anchors:
            problems.append(
                error(
                    source.path,
                    link.line,
                    f'link to "{link.written}": {anchors_of.path} has no heading with the anchor "{fragment}"',
                    f"anchors there: {', '.join(sorted(anchors)) or 'none'}",
                )
            )
    for image in page.images:
        if not (image.alt or "").strip():
            problems.append(
                error(
                    source.path,
                    image.line,
                    f'the image "{image.source}" has no alt text',
                    "describe it between the [ ] of ![...](...), for readers who cannot see it",
                )
            )
    previous = 1  # the page's title is its h1
    for heading in page.headings:
        if heading.level > previous + 1:
            problems.append(
                error(
                    source.path,
                    _line_of_heading(source, heading.text),
                    f'the heading "{heading.text}" skips from level {previous} to {heading.level}',
                    f"use {'#' * (previous + 1)} for it, or add the missing level above it",
                )
            )
        if heading.level == 1:
            problems.append(
                error(
                    source.path,
                    _line_of_heading(source, heading.text),
                    f'"{heading.text}" is a second main heading: the title is the page\'s only one',
                    "start the sections of the text with ##",
                )
            )
        previous = heading.level
    if source.kind == "faq" and not page.questions:
        problems.append(
            error(
                source.path,
                source.body_line,
                "this FAQ has no questions",
                "write each question as a ## heading, with its answer below it",
            )
        )
    return problems


def _structure_problems(site: Site, rendered: dict[str, Converted]) -> list[Problem]:
    problems = []
    for group in site.groups:
        kind = group.original.kind
        if group.key[0] == PLAIN or kind not in ("faq", "guides"):
            continue
        expected = _sections(rendered[group.original.path])
        for page in group.translated:
            if page.source is group.original:
                continue
            found = _sections(rendered[page.source.path])
            if len(found) != len(expected):
                what = "questions" if kind == "faq" else "sections (## headings)"
                problems.append(
                    error(
                        page.source.path,
                        page.source.body_line,
                        f"has {len(found)} {what}, but its source {group.original.path} has {len(expected)}",
                        "translate every section of the source, in the same order",
                    )
                )
    return problems


def _sections(page: Converted) -> list[str]:
    return [heading.anchor for heading in page.headings if heading.level == 2]


def _external_problems(
    site: Site, rendered: dict[str, Converted], fetch_status: Callable[[str], int | None]
) -> list[Problem]:
    problems = []
    checked: dict[str, int | None] = {}
    for source in site.sources_by_path.values():
        for link in rendered[source.path].links:
            if urlsplit(link.written).scheme not in ("http", "https"):
                continue
            if link.written not in checked:
                checked[link.written] = fetch_status(link.written)
            status = checked[link.written]
            if status is None or status >= 400:
                problems.append(
                    error(
                        source.path,
                        link.line,
                        f'the outside link "{link.written}" does not answer' + (f" (HTTP {status})" if status else ""),
                        "check the address in a browser; update or remove the link",
                    )
                )
    return problems


def _status_of(url: str) -> int | None:
    request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "pregon link check"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - http(s) only, checked above
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, TimeoutError, OSError):
        return None


def _line_of_heading(source: SourcePage, text: str) -> int:
    for offset, line in enumerate(source.body.split("\n")):
        if line.lstrip().startswith("#") and text in line:
            return source.body_line + offset
    return source.body_line
