"""Facts checked across languages: the mistakes translators make, planted in a Spanish guide, are each
found with the translation's file and line and the source's; a faithful translation raises none.

The phone numbers are from the 555-01xx range set aside for fiction, the addresses from example.org."""

from __future__ import annotations

import bisect
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pregon.cli import run
from pregon.errors import Problem
from pregon.facts import facts_of
from pregon.front_matter import blob_id

from .conftest import SiteTree

SOURCE = """\
---
title: Your rights at work
summary: What your employer may not do, and where to get help.
translation_key: rights-at-work
---
Every worker has these rights, whatever their immigration status.

## Report a problem

Call the workers' line at 215-555-0123, or write to help@example.org.
Claims must be filed by August 31, 2018.

## Fees

Filing a claim costs $25, and a lawyer may keep at most 10% of what you recover.
Read [the questions and answers](../claims.md) and [the labor office's site](https://labor.example.org/claims).
"""

FAITHFUL = """\
---
title: Sus derechos en el trabajo
summary: Lo que su empleador no puede hacer y dónde conseguir ayuda.
translation_key: rights-at-work
---
Todos los trabajadores tienen estos derechos, sea cual sea su situación migratoria.

## Denunciar un problema

Llame a la línea para trabajadores al (215) 555-0123 o escriba a help@example.org.
Las reclamaciones deben presentarse a más tardar el 31 de agosto de 2018.

## Costos

Presentar una reclamación cuesta 25 dólares, y un abogado puede quedarse como máximo con el 10 % de lo
que usted recupere: es decir, con una décima parte.
Lea [las preguntas y respuestas](../reclamaciones.md) y [el sitio de la oficina de trabajo](https://labor.example.org/claims#es).
"""

FAQ = {
    "content/en/claims.md": "---\ntitle: Claims\nsummary: About claims.\n---\nHow a claim works.\n",
    "content/es/reclamaciones.md": "---\ntitle: Reclamaciones\nsummary: Sobre las reclamaciones.\n"
    "translation_key: claims\n---\nCómo funciona una reclamación.\n",
    "content/en/other.md": "---\ntitle: Other\nsummary: Something else.\n---\nAnother page.\n",
}

SOURCE_PATH = "content/en/guides/rights-at-work.md"
TRANSLATION_PATH = "content/es/guides/derechos-en-el-trabajo.md"


def _site(site_tree: Callable[..., SiteTree], translation: str) -> SiteTree:
    return site_tree({SOURCE_PATH: SOURCE, TRANSLATION_PATH: translation, **FAQ})


def _check(tree: SiteTree, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    capsys.readouterr()
    code = run(["check", "--site", str(tree.root)])
    return code, [line for line in capsys.readouterr().err.splitlines() if not line.startswith("    ")]


def test_a_faithful_translation_in_spanish_formats_raises_nothing(
    site_tree: Callable[..., SiteTree], capsys: pytest.CaptureFixture[str]
) -> None:
    # Spanish dates, "25 dólares" for "$25", "10 %" with a space, the phone number written another way,
    # a fraction in words, and links to the Spanish edition and to a #fragment of the same address.
    code, lines = _check(_site(site_tree, FAITHFUL), capsys)
    assert (code, lines) == (0, [])


@pytest.mark.parametrize(
    ("planted", "replacement", "expected"),
    [
        (
            "(215) 555-0123",
            "(215) 555-0132",
            f"{TRANSLATION_PATH}:10: error: (215) 555-0132 is not in the English source, "
            f"which gives 215-555-0123 ({SOURCE_PATH}:10)",
        ),
        (
            "31 de agosto de 2018",
            "1 de septiembre de 2018",
            f"{TRANSLATION_PATH}:11: error: 1 de septiembre de 2018 is not in the English source, "
            f"which gives August 31, 2018 ({SOURCE_PATH}:11)",
        ),
        (
            " o escriba a help@example.org",
            "",
            # Pointed at the translation's section that matches the source's ("## Denunciar un problema").
            f"{TRANSLATION_PATH}:8: error: the English source gives help@example.org ({SOURCE_PATH}:10), "
            "which this translation leaves out",
        ),
        (
            "../reclamaciones.md",
            "../other.md",
            f"{TRANSLATION_PATH}:17: error: ../other.md is not in the English source, "
            f"which gives ../claims.md ({SOURCE_PATH}:16)",
        ),
        (
            "cuesta 25 dólares",
            "cuesta $250",
            f"{TRANSLATION_PATH}:15: error: $250 is not in the English source, which gives $25 ({SOURCE_PATH}:15)",
        ),
    ],
    ids=["swapped-digits", "deadline-a-day-off", "email-left-out", "another-page", "amount"],
)
def test_each_planted_mistake_is_found_with_both_files_and_lines(
    site_tree: Callable[..., SiteTree],
    capsys: pytest.CaptureFixture[str],
    planted: str,
    replacement: str,
    expected: str,
) -> None:
    assert planted in FAITHFUL
    code, lines = _check(_site(site_tree, FAITHFUL.replace(planted, replacement)), capsys)
    assert code == 1
    assert lines == [expected]


def test_a_build_warns_and_a_strict_build_fails(
    site_tree: Callable[..., SiteTree], capsys: pytest.CaptureFixture[str]
) -> None:
    tree = _site(site_tree, FAITHFUL.replace("cuesta 25 dólares", "cuesta 250 dólares"))
    capsys.readouterr()
    assert run(["build", "--site", str(tree.root)]) == 0
    assert "warning: 250 dólares is not in the English source" in capsys.readouterr().err
    assert run(["build", "--site", str(tree.root), "--strict"]) == 1
    assert "error: 250 dólares is not in the English source" in capsys.readouterr().err


def test_an_intended_difference_once_marked_passes_and_status_lists_it(
    site_tree: Callable[..., SiteTree], capsys: pytest.CaptureFixture[str]
) -> None:
    hotline = FAITHFUL.replace(
        "o escriba a help@example.org.", "o escriba a help@example.org. En español: 215-555-0188."
    )
    code, lines = _check(_site(site_tree, hotline), capsys)
    assert code == 1 and lines == [
        f"{TRANSLATION_PATH}:10: error: 215-555-0188 is not in the English source",
    ]
    marked = hotline.replace(
        "translation_key: rights-at-work\n", 'translation_key: rights-at-work\ndiffers:\n  - "215-555-0188"\n'
    )
    tree = _site(site_tree, marked)
    assert _check(tree, capsys) == (0, [])
    capsys.readouterr()
    assert run(["status", "--site", str(tree.root), "--json"]) == 0
    pages = json.loads(capsys.readouterr().out)["pages"]
    spanish = next(page for page in pages if page["path"] == TRANSLATION_PATH)
    assert spanish["differs"] == ["215-555-0188 (listed under differs:, line 6)"]


def test_an_entry_of_differs_that_names_no_fact_is_an_error(
    site_tree: Callable[..., SiteTree], capsys: pytest.CaptureFixture[str]
) -> None:
    marked = FAITHFUL.replace(
        "translation_key: rights-at-work\n", "translation_key: rights-at-work\ndiffers: [hotline]\n"
    )
    code, lines = _check(_site(site_tree, marked), capsys)
    assert code == 1
    assert lines == [
        f'{TRANSLATION_PATH}:5: error: differs: "hotline" is not a phone number, email address, link, date, '
        "amount or percentage"
    ]


def test_in_a_translation_marked_out_of_date_a_difference_stays_a_warning(
    site_tree: Callable[..., SiteTree], capsys: pytest.CaptureFixture[str]
) -> None:
    # Made from an earlier version of the source than the one published now.
    earlier = blob_id(SOURCE.replace("costs $25", "costs $20").encode())
    outdated = FAITHFUL.replace(
        "translation_key: rights-at-work\n", f"translation_key: rights-at-work\ntranslation_of: {earlier}\n"
    ).replace("cuesta 25 dólares", "cuesta 20 dólares")
    tree = _site(site_tree, outdated)
    capsys.readouterr()
    assert run(["build", "--site", str(tree.root), "--strict"]) == 0
    err = capsys.readouterr().err
    assert "warning: 20 dólares is not in the English source, which gives $25" in err
    assert "(this translation is marked out of date)" in err
    code, lines = _check(tree, capsys)
    assert code == 0 and len(lines) == 1 and ": warning: 20 dólares" in lines[0]


def test_years_parts_of_numbers_and_names_are_not_facts() -> None:
    facts = facts_of(
        "Philly311 opened in 2008. Call 215-555-0123 by May 5, 2026. It costs 1,250.50 dollars.",
        1,
        "en_US",
        "US",
    )
    assert [(fact.kind, fact.value) for fact in facts] == [
        ("phone", "+12155550123"),
        ("date", "2026-05-05"),
        ("money", "USD 1250.50"),
    ]
    assert [fact.value for fact in facts_of("Cuesta $1.250,50 el 5 de mayo.", 1, "es", "US")] == [
        "--05-05",
        "USD 1250.50",
    ]


def test_the_shipped_site_raises_no_alarm(shipped_site: SiteTree) -> None:
    from pregon.fact_check import fact_differences
    from pregon.pipeline import load_site

    problems: list[Problem] = []
    _config, site = load_site(shipped_site.root, None, problems)
    assert site is not None and problems == []
    translated = [group for group in site.groups if len(group.translated) > 1]
    assert len(translated) >= 6  # every page of the shipped site is in English and Spanish
    assert fact_differences(site) == []


_FRAGMENTS = [
    "Call 215-555-0123",
    "(267) 555-0188",
    "+1 215 555 0100",
    "215.555.0142 ext. 3",
    "in 2026",
    "| 1 | 2 |",
    "May 5, 2026",
    "$1,250.50",
    "12 %",
    "word",
    "Philly311",
    "\n",
    "\n\n",
    "\n  \n",
    " ",
    "-",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=40))
def test_every_phone_number_the_matcher_finds_in_the_whole_text_is_found(fragments: list[str]) -> None:
    """facts.py gives the matcher only the paragraphs with four digits close together: it must find
    there every number it would find in the whole text."""
    text = " ".join(fragments)
    whole = [
        (phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164), match.start)
        for match in phonenumbers.PhoneNumberMatcher(text, "US", leniency=phonenumbers.Leniency.VALID)
    ]
    starts = [0] + [index + 1 for index, char in enumerate(text) if char == "\n"]
    expected = sorted((1 + bisect.bisect_right(starts, start) - 1, value) for value, start in whole)
    found = sorted((fact.line, fact.value) for fact in facts_of(text, 1, "en_US", "US") if fact.kind == "phone")
    assert found == expected


def test_differences_kept_from_build_to_build_are_those_a_cold_build_finds(
    site_tree: Callable[..., SiteTree], tmp_path: Path
) -> None:
    """Each group's differences are kept in the build cache: after each change (a translation's text; a
    linked page that becomes another, which changes no linking page's file) a build finds what a build
    with no cache finds."""
    from pregon.pipeline import BuildOptions, build

    other_in_spanish = "---\ntitle: Otra\nsummary: Otra cosa.\ntranslation_key: other\n---\nOtra página.\n"
    tree = _site(site_tree, FAITHFUL.replace("../reclamaciones.md", "../otra.md"))
    tree.write({"content/es/otra.md": other_in_spanish})
    changes = [
        lambda: None,
        lambda: tree.write({TRANSLATION_PATH: FAITHFUL.replace("(215) 555-0123", "(215) 555-0132")}),
        lambda: tree.write({TRANSLATION_PATH: FAITHFUL.replace("../reclamaciones.md", "../otra.md")}),
        lambda: (
            (tree.root / "content/es/reclamaciones.md").unlink(),
            tree.write({"content/es/otra.md": other_in_spanish.replace("key: other", "key: claims")}),
        ),
    ]
    found = []
    for number, change in enumerate(changes):
        change()
        warm = build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
        cold_copy = tmp_path / f"cold-{number}"
        shutil.copytree(tree.root, cold_copy, ignore=shutil.ignore_patterns(".pregon-cache", "site"))
        cold = build(BuildOptions(site_dir=cold_copy, out_dir=cold_copy / "site"))
        facts = [problem.message for problem in warm.warnings if "English source" in problem.message]
        assert facts == [problem.message for problem in cold.warnings if "English source" in problem.message]
        found.append(len(facts))
    assert found == [1, 1, 1, 0]
