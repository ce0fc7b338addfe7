"""Translation groups, fallback pages, URLs, and refusing two sources for one address."""

from __future__ import annotations

from collections.abc import Callable

from .conftest import BuildRun, SiteTree, page


def test_same_path_and_translation_key_pair_pages(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    tree = site_tree(
        {
            "content/en/faq/what-is-pars.md": page("What is PARS?"),
            "content/es/faq/que-es-pars.md": page("¿Qué es PARS?", translation_key="what-is-pars"),
            "content/en/guides/rights.md": page("Rights"),
            "content/es/guides/rights.md": page("Derechos"),
        }
    )
    result = build(tree)
    assert result.code == 0, result.err
    assert "untranslated" not in result.out
    spanish = tree.html("es/preguntas-frecuentes/que-es-pars/index.html")
    assert spanish.find(".//link[@hreflang='en']").get("href") == "https://www.example.org/en/faq/what-is-pars/"
    assert tree.html("es/guias/rights/index.html").findtext(".//h1") == "Derechos"


def test_case_only_difference_in_one_address_fails_naming_both(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    tree = site_tree(
        {
            "content/en/faq/Que.md": page("One", translation_key="one"),
            "content/en/faq/que.md": page("Two", translation_key="two"),
        }
    )
    result = build(tree)
    assert result.code == 1
    assert "content/en/faq/que.md: error: produces the same address /en/faq/que/ as content/en/faq/Que.md" in result.err


def test_slug_field_that_collides_with_a_file_name(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    tree = site_tree({"content/en/faq/a.md": page("A"), "content/en/faq/b.md": page("B", slug="a")})
    result = build(tree)
    assert result.code == 1 and "produces the same address /en/faq/a/" in result.err


def test_two_translations_with_one_key_are_refused(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    tree = site_tree(
        {
            "content/en/faq/a.md": page("A"),
            "content/es/faq/uno.md": page("Uno", translation_key="a"),
            "content/es/faq/dos.md": page("Dos", translation_key="a"),
        }
    )
    result = build(tree)
    assert result.code == 1
    assert 'content/es/faq/uno.md: error: is a second "es" version of the page content/es/faq/dos.md' in result.err


def test_a_page_only_in_spanish_falls_back_in_english(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    tree = site_tree({"content/es/announcements/aviso.md": page("Aviso", date="2020-01-01")})
    result = build(tree)
    assert result.code == 0, result.err
    english = tree.html("en/announcements/aviso/index.html")
    assert english.get("lang") == "en" and english.find(".//article").get("lang") == "es"
    assert "has not been translated into English yet" in "".join(english.find(".//div[@class='notice']/p").itertext())
    assert english.find(".//link[@rel='canonical']").get("href") == "https://www.example.org/es/anuncios/aviso/"
