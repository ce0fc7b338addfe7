"""Reading content files: front matter per kind, slugs, encodings, and every mistake reported with its line."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from pregon.errors import Problem
from pregon.front_matter import parse_page
from pregon.slugs import slugify

from .conftest import BuildRun, SiteTree, page


def parse(text: str | bytes, section: str = "faq") -> tuple[object, list[Problem]]:
    problems: list[Problem] = []
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_page(raw, "content/en/faq/x.md", "en", section, "x", problems), problems


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("¿Qué es PARS?", "que-es-pars"),
        ("Guía: Sus derechos", "guia-sus-derechos"),
        ("  Año 2018  ", "ano-2018"),
        ("Straße", "strasse"),
        ("what_is PARS", "what-is-pars"),
    ],
)
def test_slugify_folds_accents_to_lower_case_ascii(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_a_valid_page_is_read_with_its_body_line() -> None:
    source, problems = parse(page("Title", date="2018-08-31", updated="2018-09-01", body="Line one"))
    assert problems == []
    assert source.title == "Title" and source.date == datetime.date(2018, 8, 31)
    assert source.updated == datetime.date(2018, 9, 1)
    assert source.body.strip() == "Line one" and source.body_line == 7


def test_bom_and_crlf_are_accepted() -> None:
    text = "\ufeff" + page("Título", summary="Resumen.").replace("\n", "\r\n")
    source, problems = parse(text)
    assert problems == [] and source.title == "Título" and "\r" not in source.body


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (page(title="no"), 2, ["yes/no value false", "quotes"]),
        (page(title="2018-08-31"), 2, ["reads as a date"]),
        (page(title="10:00"), 2, ["number 600"]),
        ("---\ntitle: A\nsummary: B\n", 1, ["not closed"]),
        ("", 1, ["empty"]),
        ("Just text\n", 1, ["does not start with front matter"]),
        ("---\ntitle: [unclosed\nsummary: B\n---\n", 3, ["invalid YAML"]),
        ("---\ntitle: A\ntitle: B\nsummary: C\n---\n", 3, ["given twice", "line 2"]),
        ("---\n- a\n- b\n---\n", 2, ["is a list"]),
        ("---\ntitle: A\n\tsummary: B\n---\n", 3, ["invalid YAML"]),
        ("---\nsummary: B\n---\n", 2, ['missing required field "title"']),
        (page(draft="yes please"), 4, ["draft must be true or false"]),
        (page(slug="../../etc"), 4, ["cannot be used in a URL", "etc"]),
        (page(summary="x" * 2000), 3, ["characters long"]),
        (page(tittle="typo"), 4, ['unknown front matter field "tittle"', 'did you mean "title"']),
        (page(date="31/08/2018"), 4, ["must be a date", "2018-08-31"]),
        (page(date="2018-02-30"), 4, ["must be a date"]),
        (page(date="2018-09-01", updated="2018-08-01"), 5, ["before date"]),
    ],
)
def test_front_matter_mistakes_name_their_line(text: str, line: int, words: list[str]) -> None:
    source, problems = parse(text)
    assert source is None
    assert problems, "a mistake must be reported"
    first = problems[0]
    assert first.path == "content/en/faq/x.md" and first.line == line, problems
    described = first.message + " " + first.hint
    for word in words:
        assert word in described, described


def test_announcements_need_a_date() -> None:
    source, problems = parse(page("News"), section="announcements")
    assert source is None and 'missing required field "date"' in problems[0].message


def test_not_utf8_names_the_line() -> None:
    raw = page("Title", body="first\nsecond caf\xe9").encode("latin-1")
    source, problems = parse(raw)
    assert source is None and problems[0].line == 6 and "UTF-8" in problems[0].message


def test_all_problems_are_reported_at_once(site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]) -> None:
    tree = site_tree(
        {
            "content/en/faq/one.md": page(title="no"),
            "content/en/faq/two.md": "---\ntitle: A\n",
            "content/en/anouncements/three.md": page(),
            "content/fr/faq/four.md": page(),
        }
    )
    result = build(tree)
    assert result.code == 1
    assert "content/en/faq/one.md:2: error:" in result.err
    assert "content/en/faq/two.md:1: error:" in result.err
    assert 'unknown section "anouncements"' in result.err and 'did you mean "announcements"?' in result.err
    assert '"fr" is not a language configured in site.yaml' in result.err
    assert "Traceback" not in result.err


def test_symlink_outside_content_is_refused(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun], tmp_path: object
) -> None:
    tree = site_tree({"content/en/faq/real.md": page()})
    secret = tree.root.parent / "secret.md"
    secret.write_text(page("Secret"))
    (tree.root / "content/en/faq/leak.md").symlink_to(secret)
    result = build(tree)
    assert result.code == 1 and "content/en/faq/leak.md: error: is a link to a file outside" in result.err


def test_file_names_with_spaces_and_accents_get_clean_slugs(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    tree = site_tree({"content/es/guides/Guía de Derechos.md": page("Guía")})
    assert build(tree).code == 0
    assert (tree.out / "es/guias/guia-de-derechos/index.html").is_file()


def test_drafts_are_not_published(site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]) -> None:
    tree = site_tree({"content/en/faq/draft.md": page("Draft", draft="true"), "content/en/faq/real.md": page()})
    assert build(tree).code == 0
    assert not (tree.out / "en/faq/draft").exists() and (tree.out / "en/faq/a-title").exists() is False
    assert (tree.out / "en/faq/real/index.html").is_file()


def test_invisible_control_characters_are_removed_with_a_warning() -> None:
    source, problems = parse(page(body="one\ntw\x0bo\x00"))
    assert source is not None and source.body == "one\ntwo\n"
    (problem,) = problems
    assert not problem.is_error and problem.line == 6 and "U+000B" in problem.message
