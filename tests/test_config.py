"""site.yaml: languages, URL segments, and mistakes reported with their line."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .conftest import MINIMAL_CONFIG, BuildRun, SiteTree, page


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("  - code: es\n", "  - code: en\n"),
            'site.yaml:9: error: language "en" is configured twice (also on line 4)',
        ),
        (("faq: preguntas-frecuentes, ", "faq: búsqueda-Rápida, "), 'URL segment for "faq" must be lower-case'),
        (
            ("direction: ltr\n    site_name: Ciudad", "direction: sideways\n    site_name: Ciudad"),
            'site.yaml:11: error: direction "sideways" must be ltr or rtl',
        ),
        (("default_language: en", "default_language: eng"), 'default_language "eng" is not one of the languages'),
        (("base_url:", "base_ulr:"), 'site.yaml:1: error: unknown setting "base_ulr"'),
        (("guides: guias}", "guides: anuncios}"), 'sections "announcements" and "guides" both use the URL segment'),
        (("guides: guias}", "guides: Guías}"), 'URL segment for "guides" must be lower-case'),
        (
            ("name: Español", "name: no"),
            '"name" must be text, but it is `no`, which YAML reads as the yes/no value false',
        ),
        (("languages:\n", "languages: x\n"), "invalid YAML"),
        (("  - code: es\n", "  - code: es\n    locale: xx_YY\n"), '"xx_YY" is not a locale Babel knows'),
        (
            ("default_language: en\n", "default_language: en\nentries_per_page: yes\n"),
            "site.yaml:3: error: entries_per_page must be a whole number from 1 to 1000, but it is `yes`, "
            "which YAML reads as the yes/no value true",
        ),
        (
            ("default_language: en\n", 'default_language: en\nentries_per_page: "20"\n'),
            "entries_per_page must be a whole number from 1 to 1000",
        ),
        (("default_language: en\n", "default_language: en\nentries_per_page: 0\n"), "but it is `0`"),
    ],
)
def test_config_mistakes(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun], change: tuple[str, str], expected: str
) -> None:
    assert change[0] in MINIMAL_CONFIG
    tree = site_tree({"content/en/faq/a.md": page()}, config=MINIMAL_CONFIG.replace(*change))
    result = build(tree)
    assert result.code == 1
    assert expected in result.err, result.err
    assert "Traceback" not in result.err


def test_missing_config(tmp_path: object, build: Callable[..., BuildRun]) -> None:
    from pathlib import Path

    tree = SiteTree(Path(str(tmp_path)))
    result = build(tree)
    assert result.code == 1 and "site.yaml: error: no site.yaml in" in result.err


def test_a_document_that_is_a_list(site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]) -> None:
    tree = site_tree({}, config="- one\n- two\n")
    result = build(tree)
    assert (
        result.code == 1
        and "site.yaml:1: error: site.yaml must be a set of `key: value` lines, but it is a list" in result.err
    )


def test_a_section_a_language_does_not_name_is_at_its_own_name(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    config = MINIMAL_CONFIG.replace("faq: preguntas-frecuentes, ", "")
    tree = site_tree({"content/en/faq/a.md": page("A", body="## Q?\n\nA.")}, config=config)
    assert build(tree).code == 0
    assert tree.html("es/faq/a/index.html").get("lang") == "es"
    assert (tree.out / "es/faq/index.html").is_file()
