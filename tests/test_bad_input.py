"""The catalogue of bad input: each mistake fails the build with exit 1, names its file (and line), says
what to do, and leaves the previously built site exactly as it was. docs/ERRORS.md lists the same cases."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import MINIMAL_CONFIG, BuildRun, SiteTree, page

PO = "translations/es/LC_MESSAGES/messages.po"
GOOD = {
    "content/en/faq/what.md": page("What?", body="## One?\n\nYes. See [the guide](../guides/guide.md)."),
    "content/es/faq/que.md": page("¿Qué?", translation_key="what", body="## ¿Una?\n\nSí."),
    "content/en/guides/guide.md": page("Guide", body="## Facts\n\nText."),
}
FAQ = "content/en/faq/bad.md"


@dataclass(frozen=True)
class Case:
    name: str
    change: Callable[[SiteTree], None]
    where: str
    """`file:line` (or `file` where a line means nothing) that the first error must start with."""
    message: str


def write(files: dict[str, str | bytes]) -> Callable[[SiteTree], None]:
    return lambda tree: tree.write(files)


def edit(name: str, old: str, new: str) -> Callable[[SiteTree], None]:
    def change(tree: SiteTree) -> None:
        path = tree.own(name)
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return change


def symlink_outside(tree: SiteTree) -> None:
    outside = tree.root.parent / "outside.md"
    outside.write_text(page("Outside"))
    (tree.root / FAQ).symlink_to(outside)


def folder_named_like_a_page(tree: SiteTree) -> None:
    (tree.root / "content/en/faq/extra.md").mkdir()


def configure(extra: str) -> Callable[[SiteTree], None]:
    """Add settings to the end of site.yaml."""
    return lambda tree: tree.write({"site.yaml": MINIMAL_CONFIG + extra})


MENU_LINE = MINIMAL_CONFIG.count("\n") + 3
"""The line of a menu's second entry, added at the end of site.yaml."""


def catalog_line(tree: SiteTree, text: str) -> int:
    return next(n for n, line in enumerate((tree.root / PO).read_text().split("\n"), 1) if text in line)


CASES = [
    # Front matter and YAML's surprises
    Case("title: no (a YAML boolean)", write({FAQ: page(title="no")}), f"{FAQ}:2", "yes/no value false"),
    Case(
        "on: as a key",
        write({FAQ: "---\ntitle: T\nsummary: S\non: x\n---\nText\n"}),
        f"{FAQ}:4",
        "the key `on` is not read as a word",
    ),
    Case("unquoted date as a title", write({FAQ: page(title="2018-08-31")}), f"{FAQ}:2", "reads as a date"),
    Case("a time read as a number", write({FAQ: page(title="10:00")}), f"{FAQ}:2", "number 600"),
    Case("tab indentation", write({FAQ: "---\ntitle: T\n\tsummary: S\n---\nText\n"}), f"{FAQ}:3", "invalid YAML"),
    Case(
        "duplicate key",
        write({FAQ: "---\ntitle: A\nsummary: S\ntitle: B\n---\nText\n"}),
        f"{FAQ}:4",
        '"title" is given twice (first on line 2)',
    ),
    Case("front matter that is a list", write({FAQ: "---\n- a\n- b\n---\nText\n"}), f"{FAQ}:2", "is a list"),
    Case("malformed YAML", write({FAQ: "---\ntitle: [oops\nsummary: S\n---\nText\n"}), f"{FAQ}:3", "invalid YAML"),
    Case("front matter not closed", write({FAQ: "---\ntitle: T\nsummary: S\n"}), f"{FAQ}:1", "not closed"),
    Case("no front matter", write({FAQ: "# Just a heading\n"}), f"{FAQ}:1", "does not start with front matter"),
    Case("empty file", write({FAQ: ""}), f"{FAQ}:1", "the file is empty"),
    Case(
        "missing required field",
        write({FAQ: "---\ntitle: T\n---\nText\n"}),
        f"{FAQ}:2",
        'missing required field "summary"',
    ),
    Case(
        "announcement without a date",
        write({"content/en/announcements/bad.md": page()}),
        "content/en/announcements/bad.md:2",
        'missing required field "date"',
    ),
    Case("date in the wrong order", write({FAQ: page(date="31/08/2018")}), f"{FAQ}:4", "2018-08-31"),
    Case("title of 10 000 characters", write({FAQ: page(title="x" * 10_000)}), f"{FAQ}:2", "10000 characters long"),
    Case("unknown field", write({FAQ: page(summmary="x")}), f"{FAQ}:4", 'did you mean "summary"?'),
    Case("draft that is not true or false", write({FAQ: page(draft="maybe")}), f"{FAQ}:4", "draft must be true"),
    # Files and folders
    Case("Markdown file of 5 MB", write({FAQ: page(body="word " * 1_000_000)}), FAQ, "5.0 MB"),
    Case("Markdown file of 20 MB", write({FAQ: page(body="word " * 4_000_000)}), FAQ, "20.0 MB"),
    Case("10,000 nested quotes", write({FAQ: page(body="> " * 10_000 + "deep")}), f"{FAQ}:5", "100 levels deep"),
    Case("10,000 nested lists", write({FAQ: page(body="- " * 10_000 + "deep")}), f"{FAQ}:5", "100 levels deep"),
    Case(
        "10,000 nested HTML elements",
        write({FAQ: page(body="<div>" * 10_000 + "deep" + "</div>" * 10_000)}),
        f"{FAQ}:5",
        "100 levels deep",
    ),
    Case(
        "front matter of 10,000 fields",
        write({FAQ: "---\ntitle: T\nsummary: S\n" + "".join(f"k{n}: v\n" for n in range(10_000)) + "---\nText\n"}),
        f"{FAQ}:14",
        "and 9,990 more unknown front matter fields",
    ),
    Case("not UTF-8", write({FAQ: page(body="caf\xe9").encode("cp1252")}), f"{FAQ}:5", "is not UTF-8 text"),
    Case("folder named like a page", folder_named_like_a_page, "content/en/faq/extra.md", "a folder inside a section"),
    Case("symlink outside the content folder", symlink_outside, FAQ, "link to a file outside the content folder"),
    Case(
        "file name with no letters",
        write({"content/en/faq/¿¿.md": page()}),
        "content/en/faq/¿¿.md",
        "gives an empty URL slug",
    ),
    Case(
        "unknown section folder",
        write({"content/en/anouncements/x.md": page()}),
        "content/en/anouncements",
        'did you mean "announcements"?',
    ),
    Case("unknown language folder", write({"content/de/faq/x.md": page()}), "content/de", '"de" is not a language'),
    Case(
        "two files, one address",
        write({"content/en/faq/What.md": page(translation_key="other")}),
        "content/en/faq/what.md",
        "produces the same address /en/faq/what/",
    ),
    Case(
        "slug that would leave the output folder",
        write({FAQ: page(slug="../../../etc")}),
        f"{FAQ}:4",
        '"slug" cannot be used in a URL',
    ),
    Case(
        "link to a missing page",
        write({FAQ: page(body="Intro.\n\n[x](nowhere.md)")}),
        f"{FAQ}:7",
        'link to "nowhere.md": there is no such page',
    ),
    # site.yaml
    Case(
        "two languages with the same code",
        edit("site.yaml", "  - code: es\n", "  - code: en\n"),
        "site.yaml:9",
        'language "en" is configured twice',
    ),
    Case(
        "a URL segment pregon uses itself",
        edit("site.yaml", "faq: preguntas-frecuentes, ", "faq: search, "),
        "site.yaml:13",
        'the URL segment "search" of section "faq" is one pregon uses itself',
    ),
    Case(
        "unknown setting in site.yaml",
        edit("site.yaml", "base_url:", "baseurl:"),
        "site.yaml:1",
        'did you mean "base_url"?',
    ),
    # Templates
    Case(
        "template syntax error",
        write({"templates/section.html": "{% extends 'base.html' %}\n{% block main %}{% if %}{% endblock %}"}),
        "templates/section.html:2",
        "template syntax error",
    ),
    Case(
        "unknown template variable",
        write({"templates/section.html": "{% extends 'base.html' %}\n{% block main %}{{ nope }}{% endblock %}"}),
        "templates/section.html:2",
        "'nope' is undefined",
    ),
    Case(
        "template including one that exists nowhere",
        write({"templates/footer.html": "<footer>\n{% include 'nowhere.html' %}\n</footer>\n"}),
        "templates/footer.html:2",
        'template "nowhere.html" is missing',
    ),
    # Catalogs
    Case("catalog syntax error", edit(PO, 'msgstr "Idioma"', 'msgstr "Idioma'), PO, "is not a valid catalog line"),
    Case("wrong plural count", edit(PO, "nplurals=2", "nplurals=3"), PO, "nplurals=3"),
    Case(
        "catalog not in UTF-8",
        lambda tree: tree.own(PO).write_bytes(
            tree.own(PO)
            .read_bytes()
            .replace("Búsqueda".encode(), b"B\xfasqueda")
            .replace("Página".encode(), b"P\xe1gina")
        ),
        PO,
        "is not UTF-8 text",
    ),
    Case(
        "renamed placeholder",
        edit(PO, 'msgstr "Leer en %(language)s"', 'msgstr "Leer en %(idioma)s"'),
        PO,
        "has placeholders ['idioma'], but the original has ['language']",
    ),
    Case("HTML in a translation", edit(PO, 'msgstr "Idioma"', 'msgstr "<b>Idioma</b>"'), PO, "contains HTML markup"),
    # Sections, menus, fields of a site's own, the alert
    Case(
        "a menu entry naming no page",
        configure("menu:\n  - section: faq\n  - page: acessibility\n"),
        f"site.yaml:{MENU_LINE}",
        'the link to "acessibility" names no page',
    ),
    Case(
        "an alert's until: that is no date",
        write({"content/en/_alert.md": "---\nuntil: 2026-02-30\n---\nThe offices are closed.\n"}),
        "content/en/_alert.md:2",
        '"until" must be a date',
    ),
    Case(
        "a section of an unknown kind",
        configure("sections:\n  register:\n    kind: page\n"),
        f"site.yaml:{MENU_LINE}",
        'unknown kind "page" of section "register"',
    ),
    Case(
        "extra: that is not a mapping",
        write({FAQ: page(extra="[a, b]", body="## Q?\n\nA.")}),
        f"{FAQ}:4",
        "extra must be a set of `name: value` lines",
    ),
    Case(
        "a YAML alias inside extra",
        write({FAQ: "---\ntitle: T\nsummary: S\nextra:\n  a: &x [1, 2]\n  b: *x\n---\n## Q?\n\nA.\n"}),
        f"{FAQ}:6",
        "a YAML alias (*name)",
    ),
    Case(
        "a plain page at a section's address",
        write({"content/en/faq.md": page("Questions")}),
        "content/en/faq.md",
        'its address /en/faq/ is that of the index of the section "faq"',
    ),
    Case(
        "differs: names no fact",
        write(
            {
                "content/es/faq/que.md": page(
                    "¿Qué?", translation_key="what", differs="[hotline]", body="## ¿Una?\n\nSí."
                )
            }
        ),
        "content/es/faq/que.md:5",
        'differs: "hotline" is not a phone number, email address, link, date, amount or percentage',
    ),
    Case("region: unknown", configure('region: "USA"\n'), "site.yaml", 'region "USA" is not a region code'),
    Case(
        "reading_grade: not a number",
        configure("reading_grade: eight\n"),
        "site.yaml",
        "reading_grade must be a number from 1 to 20",
    ),
]


def test_the_catalogue_has_at_least_30_distinct_cases() -> None:
    assert len({case.name for case in CASES}) == len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_fails_clearly_and_keeps_the_previous_site(
    case: Case, site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    tree = site_tree(GOOD, config=MINIMAL_CONFIG)
    assert build(tree).code == 0
    before = tree.snapshot()
    case.change(tree)
    result = build(tree)
    assert result.code == 1
    assert "Traceback" not in result.err
    lines = result.err.split("\n")
    # Each error is followed by its hint, indented: what to do.
    reports = [(line, lines[number + 1]) for number, line in enumerate(lines[:-1]) if ": error: " in line]
    for error, hint in reports:
        assert hint.startswith("    ") and hint.strip(), f"no hint after: {error}"
    matching = [error for error, hint in reports if case.message in error + hint]
    assert matching, result.err
    assert re.match(re.escape(case.where) + r"(:\d+)?: error: ", matching[0]), matching[0]
    assert result.err.rstrip().endswith("was left as it was.")
    assert tree.snapshot() == before
    assert [p.name for p in tree.root.iterdir() if p.name.startswith((".pregon-build", ".pregon-old"))] == []


def test_the_error_catalogue_is_documented() -> None:
    documented = (Path(__file__).resolve().parent.parent / "docs/ERRORS.md").read_text(encoding="utf-8")
    missing = [case.name for case in CASES if f"| {case.name} |" not in documented]
    assert missing == []
