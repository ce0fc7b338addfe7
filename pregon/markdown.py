"""Markdown -> HTML: stable heading anchors, `.md` links rewritten to page URLs, raw HTML sanitized.

Authors write links to other pages as relative `.md` paths; this stage asks its caller where each one
leads, so it stays pure and knows nothing of URLs. Raw HTML is allowed in Markdown but passes
through nh3, a sanitizer made for the job: no script, event handler, `javascript:` URL or iframe
survives, and the author is told what was removed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import lxml.html
import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension
from markdown.treeprocessors import Treeprocessor

from .content import SourcePage, slugify
from .errors import Problem, error, warning

LinkResolver = Callable[[str], tuple[str, str] | None]
"""Given a `.md` path as written in a link: the link to put in its place and the page's full address
(printed after the link on paper), or None if no page is there."""

_ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
}
_ALLOWED_ATTRIBUTES = {
    "*": {"id", "lang", "dir", "title"},
    "a": {"href", "hreflang", "data-print-url"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start", "type", "reversed"},
    "time": {"datetime"},
}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}
_STASH_PLACEHOLDER = re.compile("\x02wzxhzdk:\\d+\x03")


@dataclass(frozen=True)
class Heading:
    level: int
    anchor: str
    text: str


@dataclass(frozen=True)
class Question:
    """One `##` heading of an FAQ and the plain text of its answer."""

    anchor: str
    question: str
    answer: str


@dataclass(frozen=True)
class Link:
    written: str
    """The target as the author wrote it: `../faq/what-is-pars.md#when`."""
    text: str
    line: int


@dataclass(frozen=True)
class Image:
    source: str
    alt: str | None
    line: int


@dataclass(frozen=True)
class Rendered:
    html: str
    headings: tuple[Heading, ...]
    questions: tuple[Question, ...]
    links: tuple[Link, ...]
    images: tuple[Image, ...]
    problems: tuple[Problem, ...]


class _LinkRewriter(Treeprocessor):
    """Rewrites `.md` links through the resolver and refuses unsafe URL schemes."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.resolve: LinkResolver = lambda target: None
        self.unresolved: list[str] = []
        self.unsafe: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.images: list[tuple[str, str | None]] = []

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            if attribute is None or element.get(attribute) is None:
                continue
            target = element.get(attribute, "")
            if element.tag == "a":
                self.links.append((target, _STASH_PLACEHOLDER.sub("", "".join(element.itertext())).strip()))
            else:
                self.images.append((target, element.get("alt")))
            scheme = urlsplit(target.strip()).scheme.lower() if ":" in target else ""
            if scheme and scheme not in _URL_SCHEMES:
                self.unsafe.append(target)
                del element.attrib[attribute]
                continue
            parts = urlsplit(target)
            if not scheme and not parts.netloc and parts.path.endswith(".md"):
                resolved = self.resolve(parts.path)
                if resolved is None:
                    self.unresolved.append(target)
                    continue
                fragment = f"#{parts.fragment}" if parts.fragment else ""
                target = resolved[0] + fragment
                element.set(attribute, target)
                element.set("data-print-url", resolved[1] + fragment)


class _PregonExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.treeprocessors.register(_LinkRewriter(md), "pregon_links", 1)


class MarkdownRenderer:
    """A reusable converter; one per process, since building Python-Markdown's parser is costly."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(
            extensions=[
                TocExtension(slugify=lambda text, _separator: slugify(text) or "section", toc_depth="2-6"),
                TableExtension(use_align_attribute=True),
                "sane_lists",
                _PregonExtension(),
            ],
            output_format="html",
        )
        self._links: _LinkRewriter = self._md.treeprocessors["pregon_links"]  # type: ignore[assignment]

    def render(self, source: SourcePage, resolve: LinkResolver) -> Rendered:
        md, links = self._md, self._links
        md.reset()
        links.resolve, links.unresolved, links.unsafe, links.links, links.images = resolve, [], [], [], []
        raw_html = md.convert(source.body)
        had_raw_html = bool(md.htmlStash.rawHtmlBlocks)
        problems: list[Problem] = []
        for target in links.unresolved:
            problems.append(
                error(
                    source.path,
                    self._line_of(source, target),
                    f'link to "{target}": there is no such page',
                    "link to another page's .md file by its path relative to this file",
                )
            )
        for target in links.unsafe:
            problems.append(
                warning(
                    source.path,
                    self._line_of(source, target),
                    f'removed the link "{target[:60]}": only web, mail and phone links are allowed',
                )
            )
        html = nh3.clean(
            raw_html,
            tags=_ALLOWED_TAGS,
            attributes=_ALLOWED_ATTRIBUTES,
            url_schemes=_URL_SCHEMES,
            link_rel=None,
            strip_comments=True,
        )
        if had_raw_html and html != raw_html:
            removed = _removed_markup(raw_html, html)
            if removed:
                problems.append(
                    warning(
                        source.path,
                        self._line_of(source, removed[0].split(" ")[0].strip("<>")),
                        f"removed unsafe HTML: {', '.join(removed)}",
                        "pages may not carry script, event handlers, frames or styles",
                    )
                )
        headings = tuple(_headings(md.toc_tokens))  # type: ignore[attr-defined]
        questions = _questions(html) if source.section == "faq" else ()
        found_links = tuple(Link(target, text, self._line_of(source, target)) for target, text in links.links)
        images = tuple(Image(target, alt, self._line_of(source, target)) for target, alt in links.images)
        return Rendered(html, headings, questions, found_links, images, tuple(problems))

    @staticmethod
    def _line_of(source: SourcePage, needle: str) -> int:
        for offset, line in enumerate(source.body.split("\n")):
            if needle and needle in line:
                return source.body_line + offset
        return source.body_line


def _headings(tokens: list[dict[str, object]]) -> list[Heading]:
    found = []
    for token in tokens:
        name = lxml.html.fragment_fromstring(str(token["name"]), create_parent="span").text_content()
        found.append(Heading(int(str(token["level"])), str(token["id"]), name))
        found.extend(_headings(token["children"]))  # type: ignore[arg-type]
    return found


def _questions(html: str) -> tuple[Question, ...]:
    if not html.strip():
        return ()
    questions: list[Question] = []
    anchor, question = "", ""
    answer: list[str] = []
    for element in lxml.html.fragments_fromstring(html):
        if not isinstance(element, lxml.html.HtmlElement):
            continue
        if element.tag == "h2":
            if question:
                questions.append(Question(anchor, question, " ".join(answer)))
            anchor, question, answer = element.get("id", ""), " ".join(element.text_content().split()), []
        elif question:
            answer.append(" ".join(element.text_content().split()))
    if question:
        questions.append(Question(anchor, question, " ".join(answer)))
    return tuple(questions)


def _removed_markup(before: str, after: str) -> list[str]:
    """Names of the tags and attributes the sanitizer took out, for the author."""

    def inventory(html: str) -> set[str]:
        found: set[str] = set()
        for element in lxml.html.fragment_fromstring(html, create_parent="div").iter():
            if not isinstance(element.tag, str):
                continue
            found.add(f"<{element.tag}>")
            found.update(f"{name} attribute" for name in element.attrib)
        return found

    return sorted(inventory(before) - inventory(after))
