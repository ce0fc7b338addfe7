"""Markdown: anchors, `.md` links, sanitizing raw HTML, FAQ questions."""

from __future__ import annotations

import re
from pathlib import Path

from pregon.errors import Severity
from pregon.front_matter import SourcePage
from pregon.markdown import _ALLOWED_ATTRIBUTES, _ALLOWED_TAGS, TEMPLATE_IDS, Converted, MarkdownConverter

from .conftest import parse_html


def source(body: str, section: str = "guides") -> SourcePage:
    return SourcePage(
        path="content/en/guides/x.md",
        lang="en",
        section=section,
        stem="x",
        title="T",
        summary="S",
        date=None,
        updated=None,
        slug="x",
        translation_key="x",
        draft=False,
        body=body,
        body_line=5,
        blob_id="0" * 40,
        translation_of=None,
        kind=section,
    )


def render(body: str, section: str = "guides") -> Converted:
    targets = {"other.md": ("../other/index.html", "https://example.org/en/guides/other/")}
    return MarkdownConverter().convert(source(body, section), targets.get)


def body_of(rendered: Converted):  # type: ignore[no-untyped-def]
    return parse_html(f"<div id='root'>{rendered.html}</div>".encode()).find(".//div[@id='root']")


def test_md_links_are_rewritten_with_their_print_address() -> None:
    rendered = render("See [the other guide](other.md#facts).")
    link = body_of(rendered).find(".//a")
    assert link.get("href") == "../other/index.html#facts"
    assert link.get("data-print-url") == "https://example.org/en/guides/other/#facts"
    assert rendered.problems == ()


def test_a_link_to_no_page_is_an_error_on_its_line() -> None:
    rendered = render("Intro\n\nSee [this](missing.md).")
    (problem,) = rendered.problems
    assert problem.severity is Severity.ERROR and problem.line == 7 and "missing.md" in problem.message


def test_heading_anchors_are_stable_ascii_and_unique() -> None:
    rendered = render("## ¿Qué es PARS?\n\ntext\n\n## ¿Qué es PARS?\n")
    ids = [h.get("id") for h in body_of(rendered).findall("h2")]
    assert ids == ["que-es-pars", "que-es-pars_1"]
    assert [h.text for h in rendered.headings] == ["¿Qué es PARS?", "¿Qué es PARS?"]


def test_faq_questions_and_answers_are_collected() -> None:
    rendered = render("## One?\n\nFirst *answer* & more.\n\n- a\n- b\n\n## Two?\n\nSecond.", section="faq")
    assert [(q.anchor, q.question, q.answer) for q in rendered.questions] == [
        ("one", "One?", "First answer & more. a b"),
        ("two", "Two?", "Second."),
    ]


def test_raw_html_is_sanitized_and_the_author_warned() -> None:
    rendered = render(
        'Hello\n\n<script>alert(1)</script>\n\n<p onclick="steal()">Hi</p>\n\n<iframe src="https://x"></iframe>\n\n'
        '<span lang="en">kept</span>'
    )
    root = body_of(rendered)
    assert root.find(".//script") is None and root.find(".//iframe") is None
    assert root.find(".//p[@onclick]") is None
    assert root.find(".//span[@lang='en']").text == "kept"
    (problem,) = rendered.problems
    assert problem.severity is Severity.WARNING
    assert "<script>" in problem.message and "onclick attribute" in problem.message and "<iframe>" in problem.message


def test_javascript_links_in_any_case_are_removed() -> None:
    rendered = render("[a](JaVaScRiPt:alert(1)) [b](data:text/html,x) [c](https://example.org/)")
    hrefs = [a.get("href") for a in body_of(rendered).findall(".//a")]
    assert hrefs == [None, None, "https://example.org/"]
    assert len([p for p in rendered.problems if p.severity is Severity.WARNING]) == 2


def test_image_alt_text_and_link_titles_are_escaped() -> None:
    rendered = render('![x"><svg onload=alert(1)>](a.png) [t](https://e.org "\\"><script>x</script>")')
    root = body_of(rendered)
    assert root.find(".//svg") is None and root.find(".//script") is None
    assert root.find(".//img").get("alt") == 'x"><svg onload=alert(1)>'


def test_commonmark_with_github_tables_strikethrough_and_autolinks() -> None:
    rendered = render("| Day | Hours |\n|:--|:-:|\n| Monday | 9–5 |\n\n~~closed~~ see www.phila.gov\n")
    root = body_of(rendered)
    assert [th.get("align") for th in root.findall(".//th")] == ["left", "center"]
    assert root.find(".//del").text == "closed"
    assert root.find(".//p/a").get("href") == "http://www.phila.gov"
    assert root.find(".//*[@data-sourcepos]") is None


def test_a_broken_link_in_a_nested_list_names_its_own_line() -> None:
    rendered = render("- one\n- two\n  - [three](gone.md)\n\nText with [other](other.md) and [x](gone.md#a).")
    assert [(p.line, "gone.md" in p.message) for p in rendered.problems] == [(7, True), (9, True)]


def test_markdown_without_raw_html_gives_only_the_tags_the_sanitizer_allows() -> None:
    body = (
        '# T\n\n## A *b* `c`\n\n> quote\n\n1. one\n2. [two](https://e.org "t")\n\n```python\nx < 1\n```\n\n'
        "| a | b |\n|:-|-:|\n| 1 | 2 |\n\n![alt](p.png)\n\nline  \nbreak ~~x~~ www.example.org\n\n---\n"
    )
    rendered = render(body)
    for element in body_of(rendered).iter():
        if element.get("id") == "root":
            continue
        assert element.tag in _ALLOWED_TAGS, element.tag
        allowed = _ALLOWED_ATTRIBUTES["*"] | _ALLOWED_ATTRIBUTES.get(element.tag, set())
        assert set(element.attrib) <= allowed, (element.tag, element.attrib)


def test_ids_authors_give_in_raw_html_are_kept_and_their_links_lead_there() -> None:
    rendered = render('<h2 id="statement">Accessibility statement</h2>\n\nSee [the statement](#statement).')
    body = body_of(rendered)
    assert body.find(".//h2").get("id") == "statement"
    assert body.find(".//a").get("href") == "#statement"
    assert [heading.anchor for heading in rendered.headings] == ["statement"]
    assert "statement" in rendered.ids and rendered.problems == ()


def test_a_repeated_id_or_one_the_templates_use_is_renamed_with_a_warning() -> None:
    rendered = render('<p id="main">First</p>\n\n<p id="twice">A</p>\n\n<p id="twice">B</p>\n\n## Main')
    ids = [element.get("id") for element in body_of(rendered).iter() if element.get("id") and element.tag != "div"]
    assert ids == ["main_1", "twice", "twice_1", "main_2"]  # the heading's anchor avoids them all
    messages = [(problem.line, problem.message) for problem in rendered.problems]
    assert messages == [
        (5, 'the id "main" was changed to "main_1": the page\'s template uses it'),
        (9, 'the id "twice" was changed to "twice_1": an earlier element has it'),
    ]
    assert all(problem.severity.value == "warning" for problem in rendered.problems)


def test_other_tools_template_syntax_is_a_warning_on_its_line_but_not_in_code() -> None:
    body = "\n".join(
        [
            "Intro.",  # line 5
            "",
            "{{< inenglish >}}",  # line 7
            "",
            '<a href="{{< homepath >}}">Home</a> and {% include note %}',  # line 9
            "",
            "`{{ jinja }}` in code, and:",  # line 11
            "",
            "```",
            "{% raw %}{{ x }}",
            "```",
        ]
    )
    rendered = render(body)
    found = sorted((problem.line, problem.message.split('"')[1]) for problem in rendered.problems)
    assert found == [(7, "{{< inenglish >}}"), (9, "{% include note %}"), (9, "{{< homepath >}}")]
    assert all("another tool's template syntax" in problem.message for problem in rendered.problems)


def test_nesting_deeper_than_the_limit_is_an_error_not_text_silently_lost() -> None:
    (problem,) = render("Intro.\n\n" + "> " * 150 + "deep").problems
    assert problem.is_error and problem.line == 7 and "100 levels deep" in problem.message
    assert render("> " * 50 + "deep").problems == ()


def test_the_ids_a_pages_text_avoids_are_those_its_templates_use() -> None:
    templates = Path(__file__).resolve().parent.parent / "pregon" / "default_theme" / "templates"
    used = {
        found
        for name in ("base.html", "page.html", "search.html")
        for found in re.findall(r'id="([^"{}]+)"', (templates / name).read_text(encoding="utf-8"))
    }
    assert used == TEMPLATE_IDS


def test_end_tags_html_lets_authors_leave_out_do_not_count_as_nesting() -> None:
    rendered = render("<table>\n" + "<tr><td>row\n" * 150 + "</table>")
    assert rendered.problems == () and rendered.html.count("<tr>") == 150


def test_ids_written_in_capitals_or_with_spaces_are_ids_too() -> None:
    """HTML reads `ID="main"` and `id = "x"` as ids: they are renamed like any other."""
    rendered = render('<p ID="main">First</p>\n\n<p id = "x">A</p>\n\n## X')
    ids = [element.get("id") for element in body_of(rendered).iter() if element.get("id") and element.tag != "div"]
    assert ids == ["main_1", "x", "x_1"]
    assert [problem.message for problem in rendered.problems] == [
        'the id "main" was changed to "main_1": the page\'s template uses it'
    ]


def test_text_that_reads_like_a_line_mark_is_kept_and_never_named_unsafe() -> None:
    """cmark-gfm's line marks are taken off the elements, not out of the text; the sanitizer's warning names
    only what it removed."""
    rendered = render('Writing data-sourcepos="1:1-2:3" in a sentence.\n\n<p onclick="steal()">Hi</p>')
    assert 'data-sourcepos="1:1-2:3"' in body_of(rendered).findtext("p")
    (problem,) = rendered.problems
    assert problem.message == "removed unsafe HTML: onclick attribute"
