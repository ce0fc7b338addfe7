"""Markdown -> HTML: stable heading anchors, `.md` links rewritten to page URLs, raw HTML sanitized.

Authors write links to other pages as relative `.md` paths; this stage asks its caller where each one
leads, so it stays pure and knows nothing of URLs. Raw HTML is allowed in Markdown but passes
through nh3, a sanitizer made for the job: no script, event handler, `javascript:` URL or iframe
survives, and the author is told what was removed.
"""

from __future__ import annotations

import importlib.metadata
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import cmarkgfm
import lxml.etree
import lxml.html
import nh3
from cmarkgfm.cmark import Options

from .errors import Problem, error, warning
from .front_matter import SourcePage
from .slugs import slugify

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
    "code": {"class"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start", "type", "reversed"},
    "time": {"datetime"},
}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}
ENGINE = f"cmark-gfm {importlib.metadata.version('cmarkgfm')}"
"""Part of every cached conversion's key: a new parser version converts again."""
_CMARK_OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_SOURCEPOS
"""Raw HTML is kept so that nh3 can clean it and tell the author what it removed."""
_EXTENSIONS = ["table", "strikethrough", "autolink"]
_HEADING_TAGS = {"h2", "h3", "h4", "h5", "h6"}
"""The page's own title is its only h1; the body's sections start at h2."""
TEMPLATE_IDS = frozenset({"main", "search-q", "search-page-q", "downloads-title", "questions-title"})
"""The ids the templates give the elements around a page's text (templates/base.html, page.html,
search.html): an id in the text must not take one of them. A test reads them from the templates."""
_WALKED_TAGS = ("a", "img", *sorted(_HEADING_TAGS))


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
class Converted:
    html: str
    headings: tuple[Heading, ...]
    questions: tuple[Question, ...]
    links: tuple[Link, ...]
    images: tuple[Image, ...]
    problems: tuple[Problem, ...]
    ids: tuple[str, ...] = ()
    """Every id in the text (the headings' anchors and the ids authors gave in raw HTML): where a link
    with a #fragment may lead."""


class MarkdownConverter:
    """Markdown (CommonMark with GitHub's tables, strikethrough and autolinks) -> safe HTML.

    cmark-gfm does the parsing, in C and about forty times faster than a pure-Python parser; it
    marks each block with the source lines it came from, which is how problems name their line.
    The result is then walked once with lxml: anchors on headings, `.md` links resolved, unsafe
    URL schemes removed, and the line marks dropped.
    """

    def convert(self, source: SourcePage, resolve: LinkResolver) -> Converted:
        raw_html = cmarkgfm.markdown_to_html_with_extensions(
            source.body, options=_CMARK_OPTIONS, extensions=_EXTENSIONS
        )
        if not raw_html.strip():
            return Converted("", (), (), (), (), ())
        root = lxml.html.fragment_fromstring(raw_html, create_parent="div")
        too_deep = _too_deep(root, raw_html, source, source.body.split("\n"))
        if too_deep is not None:
            return Converted("", (), (), (), (), (too_deep,))
        problems: list[Problem] = []
        headings: list[Heading] = []
        links: list[Link] = []
        images: list[Image] = []
        lines = source.body.split("\n")
        if "{{" in source.body or "{%" in source.body:
            problems.extend(_template_syntax(root, source, lines))
        anchors = _author_ids(root, source, lines, problems)
        for element in root.iter(*_WALKED_TAGS):
            if element.tag in _HEADING_TAGS:
                headings.append(_anchor_heading(element, anchors))
                continue
            attribute = "href" if element.tag == "a" else "src"
            target = element.get(attribute)
            if target is None:
                continue
            line = _line_of(source, lines, element, target)
            if element.tag == "a":
                links.append(Link(target, " ".join(element.text_content().split()), line))
            else:
                images.append(Image(target, element.get("alt"), line))
            scheme = urlsplit(target.strip()).scheme.lower() if ":" in target else ""
            if scheme and scheme not in _URL_SCHEMES:
                del element.attrib[attribute]
                problems.append(
                    warning(
                        source.path,
                        line,
                        f'removed the link "{target[:60]}": only web, mail and phone links are allowed',
                    )
                )
                continue
            parts = urlsplit(target)
            if scheme or parts.netloc or not parts.path.endswith(".md"):
                continue
            # cmark-gfm writes the letters of other scripts percent-encoded; the file has them as letters.
            resolved = resolve(unquote(parts.path))
            if resolved is None:
                problems.append(
                    error(
                        source.path,
                        line,
                        f'link to "{unquote(target)}": there is no such page',
                        "link to another page's .md file by its path relative to this file",
                    )
                )
                continue
            fragment = f"#{parts.fragment}" if parts.fragment else ""
            element.set(attribute, resolved[0] + fragment)
            element.set("data-print-url", resolved[1] + fragment)
        # The line marks go from the tree, not from its text: a page may write `data-sourcepos="1:1-2:3"`.
        lxml.etree.strip_attributes(root, "data-sourcepos")
        walked = lxml.html.tostring(root, encoding="unicode")[len("<div>") : -len("</div>")]
        # Without a "<" the text holds no raw HTML, and what cmark-gfm writes by itself is safe once
        # the walk above removed unsafe URL schemes; the sanitizer is needed only for raw HTML.
        html = (
            nh3.clean(
                walked,
                tags=_ALLOWED_TAGS,
                attributes=_ALLOWED_ATTRIBUTES,
                url_schemes=_URL_SCHEMES,
                link_rel=None,
                strip_comments=True,
            )
            if "<" in source.body
            else walked
        )
        if html != walked:
            removed = sorted(_inventory(root) - _inventory(lxml.html.fragment_fromstring(html, create_parent="div")))
            if removed:
                problems.append(
                    warning(
                        source.path,
                        _line_of(source, lines, None, removed[0].split(" ")[0].strip("<>")),
                        f"removed unsafe HTML: {', '.join(removed)}",
                        "pages may not carry script, event handlers, frames or styles",
                    )
                )
        questions: tuple[Question, ...] = ()
        if source.kind == "faq":
            # The walked tree is the page's text unless the sanitizer changed it: read from it, not parsed again.
            questions = _questions(root if html == walked else lxml.html.fragment_fromstring(html, create_parent="div"))
        ids = tuple(sorted(anchors - TEMPLATE_IDS))
        return Converted(html, tuple(headings), questions, tuple(links), tuple(images), tuple(problems), ids)


MAX_NESTING = 100
"""How deep quotes, lists and HTML elements may nest in a page's text. The HTML parser keeps 256 levels
(libxml2's limit) and silently drops what is deeper, and no reader can follow a hundred."""


def _too_deep(root: lxml.html.HtmlElement, raw_html: str, source: SourcePage, lines: list[str]) -> Problem | None:
    """An error if the converted text nests deeper than MAX_NESTING, at the line where it does. Depth is
    the parsed tree's, so end tags that HTML lets authors leave out (`</li>`, `</td>`) count right."""
    if raw_html.count("<") <= 2 * MAX_NESTING:
        return None  # too few tags to nest that deep: most pages stop here
    depth = 0
    for event, element in lxml.etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > MAX_NESTING + 1:  # the root is the div that holds the text
            return error(
                source.path,
                _line_of(source, lines, element, ""),
                f"the text nests quotes, lists or HTML elements more than {MAX_NESTING} levels deep",
                "flatten it: readers cannot follow that many levels, and what is deeper would be lost",
            )
    return None


_TEMPLATE_SYNTAX = re.compile(r"\{\{[<%].*?[>%]\}\}|\{%.*?%\}|\{\{.*?\}\}|\{\{[<%]|\{%")
"""Other generators' template syntax: Hugo's shortcodes {{< >}} and {{% %}}, Jinja's and Liquid's {% %}
and {{ }}. Markdown passes it through as text, so readers would see it, or follow it as a link."""


def _template_syntax(root: lxml.html.HtmlElement, source: SourcePage, lines: list[str]) -> list[Problem]:
    """A warning for each piece of another tool's template syntax in the text or in an address, outside
    code, where writing about templates is fine."""
    problems = []
    seen: set[tuple[int, str]] = set()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        # An element's text is inside it, its tail inside its parent.
        tail_in_code = any(ancestor.tag in ("code", "pre") for ancestor in element.iterancestors())
        text_in_code = tail_in_code or element.tag in ("code", "pre")
        texts = ([] if text_in_code else [element.text or ""]) + ([] if tail_in_code else [element.tail or ""])
        texts += [value for name, value in element.attrib.items() if name != "data-sourcepos"]
        for text in texts:
            for match in _TEMPLATE_SYNTAX.finditer(text):
                found = match.group(0)
                line = _line_of(source, lines, element, found[:3])
                if (line, found) in seen:
                    continue
                seen.add((line, found))
                problems.append(
                    warning(
                        source.path,
                        line,
                        f'"{found[:60]}" is another tool\'s template syntax: pregon shows it as it is',
                        "write the text or the address itself; pregon has no shortcodes",
                    )
                )
    return problems


_ID_ATTRIBUTE = re.compile(r"[iI](?<!\w[iI])[dD]\s*=")
"""Where raw HTML may give an id, as the HTML parser reads it (`ID="x"`, `id = "x"`). The word boundary
is checked after the first letter, not before it, so that `re` skips ahead to each `i` (a pattern that
starts with a boundary is tried at every character: 67 against 27 µs for a 4 KB page); the letters are
ASCII only, as they are to the HTML parser."""


def _author_ids(root: lxml.html.HtmlElement, source: SourcePage, lines: list[str], problems: list[Problem]) -> set[str]:
    """The ids authors gave in raw HTML, kept as written (their own `href="#id"` links lead there), and
    the ids the templates use: the taken ids, which headings' anchors avoid. Where two collide, or one
    collides with a template's, the later one is renamed, with a warning."""
    taken = set(TEMPLATE_IDS)
    if not _ID_ATTRIBUTE.search(source.body):
        return taken  # cmark-gfm gives no element an id: only raw HTML can
    seen: dict[str, int] = {}
    for element in root.iter():
        given = element.get("id") if isinstance(element.tag, str) else None
        if given is None:
            continue
        seen[given] = seen.get(given, 0) + 1
        if given in taken:
            renamed = _unique(given, taken)
            element.set("id", renamed)
            reason = "the page's template uses it" if given in TEMPLATE_IDS else "an earlier element has it"
            problems.append(
                warning(
                    source.path,
                    _nth_line(source, lines, f'id="{given}"', seen[given]) or _line_of(source, lines, element, given),
                    f'the id "{given}" was changed to "{renamed}": {reason}',
                    "give each id on the page a name of its own",
                )
            )
            given = renamed
        taken.add(given)
    return taken


def _nth_line(source: SourcePage, lines: list[str], needle: str, nth: int) -> int | None:
    """The source line of the `nth` time `needle` is written in the text (raw HTML carries no line marks)."""
    for offset, line in enumerate(lines):
        nth -= line.count(needle)
        if nth <= 0:
            return source.body_line + offset
    return None


def _anchor_heading(element: lxml.html.HtmlElement, taken: set[str]) -> Heading:
    """Give a heading a stable id made from its words (`¿Qué es PARS?` -> `que-es-pars`), unique on the page,
    unless its author gave it one."""
    text = element.text_content()
    given = element.get("id")
    if given is not None:
        return Heading(int(element.tag[1]), given, text)
    anchor = _unique(slugify(text) or "section", taken)
    taken.add(anchor)
    element.set("id", anchor)
    return Heading(int(element.tag[1]), anchor, text)


def _unique(anchor: str, taken: set[str]) -> str:
    if anchor not in taken:
        return anchor
    number = 1
    while f"{anchor}_{number}" in taken:
        number += 1
    return f"{anchor}_{number}"


def _line_of(source: SourcePage, lines: list[str], element: lxml.html.HtmlElement | None, needle: str) -> int:
    """The source line of `needle`: searched within the block it came from, else in the whole body."""
    first, last = 0, len(lines) - 1
    block = element
    while block is not None and block.get("data-sourcepos") is None:
        block = block.getparent()
    if block is not None:
        start, _, end = block.get("data-sourcepos", "").partition("-")
        first = int(start.split(":")[0]) - 1
        last = max(first, int(end.split(":")[0]) - 1)
    for offset in range(first, min(last, len(lines) - 1) + 1):
        if needle and needle in lines[offset]:
            return source.body_line + offset
    for offset, line in enumerate(lines):
        if needle and needle in line:
            return source.body_line + offset
    return source.body_line + first


def _questions(root: lxml.html.HtmlElement) -> tuple[Question, ...]:
    """Each `##` heading among the text's top-level elements, and the text of what follows it."""
    questions: list[Question] = []
    anchor, question = "", ""
    answer: list[str] = []
    for element in root:
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


def _inventory(root: lxml.html.HtmlElement) -> set[str]:
    """The tags and attributes in a tree, to name what the sanitizer took out."""
    found: set[str] = set()
    for element in root.iter():
        if element is root or not isinstance(element.tag, str):
            continue
        found.add(f"<{element.tag}>")
        found.update(f"{name} attribute" for name in element.attrib)
    return found
