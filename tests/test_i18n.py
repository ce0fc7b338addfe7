"""Catalogs read from .po at build time: missing strings, placeholders, markup, syntax, escaping."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .conftest import BuildRun, SiteTree, page

PO = "translations/es/LC_MESSAGES/messages.po"


def replace_in_catalog(tree: SiteTree, old: str, new: str) -> None:
    path = tree.own(PO)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_shipped_catalog_is_complete(shipped_site: SiteTree, build: Callable[..., BuildRun]) -> None:
    result = build(shipped_site, "--strict")
    assert result.code == 0, result.err
    assert "; 0 warning(s);" in result.out


def test_every_template_string_is_in_the_shipped_catalog(tmp_path: Path, shipped_site: SiteTree) -> None:
    from pregon.i18n_commands import run

    assert run(shipped_site.root, "extract", None) == 0
    from babel.messages.pofile import read_po

    with (shipped_site.root / "translations/messages.pot").open("rb") as pot, (shipped_site.root / PO).open("rb") as po:
        template, catalog = read_po(pot), read_po(po)
    missing = [m.id for m in template if m.id and (m.id not in catalog or not catalog[m.id].string)]
    assert missing == []


OWN_FOOTER = "<footer><p>{{ _('A line of our own') }}</p></footer>\n"
"""A site's own template, with a string the theme's catalogs do not have."""


def test_a_missing_string_builds_in_english_with_a_warning_and_strict_fails(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    tree = site_tree({"content/es/faq/a.md": page("A"), "templates/footer.html": OWN_FOOTER})
    result = build(tree)
    assert result.code == 0
    assert f"{PO}: warning: 1 interface string(s) not translated into Español" in result.err
    assert '"A line of our own"' in result.err and "pregon i18n init es" in result.err
    footer = tree.html("es/index.html").find(".//footer/p")
    assert footer.text == "A line of our own"
    # The theme's strings are still translated by the theme's catalog.
    assert tree.html("es/index.html").find(".//a[@class='skip-link']").text == "Saltar al contenido principal"
    strict = build(tree, "--strict")
    assert strict.code == 1 and f"{PO}: error: 1 interface string(s)" in strict.err


def test_a_site_translates_its_own_strings_and_changes_the_themes_one_by_one(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    from pregon.i18n_commands import run

    tree = site_tree({"content/es/faq/a.md": page("A"), "templates/footer.html": OWN_FOOTER})
    assert run(tree.root, "extract", None) == 0
    assert run(tree.root, "init", "es") == 0
    text = (tree.root / PO).read_text(encoding="utf-8")
    # Only the site's own string is there to translate: the theme translates the rest into Spanish.
    assert 'msgid "A line of our own"' in text and 'msgid "Skip to main content"' not in text
    text = text.replace('msgid "A line of our own"\nmsgstr ""', 'msgid "A line of our own"\nmsgstr "Una línea propia"')
    text += '\nmsgid "Skip to main content"\nmsgstr "Ir al contenido"\n'
    (tree.root / PO).write_text(text, encoding="utf-8")
    result = build(tree, "--strict")
    assert result.code == 0, result.err
    home = tree.html("es/index.html")
    assert home.find(".//footer/p").text == "Una línea propia"
    assert home.find(".//a[@class='skip-link']").text == "Ir al contenido"
    assert home.find(".//form[@role='search']//button").text == "Buscar"  # still the theme's


def test_a_language_the_theme_lacks_gets_every_string_to_translate(shipped_site: SiteTree) -> None:
    from babel.messages.pofile import read_po

    from pregon.i18n_commands import run

    assert run(shipped_site.root, "init", "fr") == 0
    with (shipped_site.root / "translations/fr/LC_MESSAGES/messages.po").open("rb") as file:
        ids = {message.id for message in read_po(file) if message.id}
    assert "Skip to main content" in ids and "Information for the people of Philadelphia, in %(languages)s." in ids


def test_renamed_placeholder_is_an_error_with_its_line(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    tree = site_tree({"content/es/faq/a.md": page("A")})
    replace_in_catalog(tree, 'msgstr "Leer en %(language)s"', 'msgstr "Leer en %(idioma)s"')
    result = build(tree)
    assert result.code == 1
    line = next(n for n, text in enumerate((tree.own(PO)).read_text().split("\n"), 1) if "%(idioma)s" in text)
    assert f'{PO}:{line - 1}: error: the translation of "Read in %(language)s" has placeholders' in result.err


def test_markup_in_a_translation_is_refused(site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]) -> None:
    tree = site_tree({"content/es/faq/a.md": page("A")})
    replace_in_catalog(tree, 'msgstr "Idioma"', 'msgstr "<script>alert(1)</script>Idioma"')
    result = build(tree)
    assert result.code == 1 and 'the translation of "Language" contains HTML markup' in result.err


def test_a_syntax_error_names_its_line(site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]) -> None:
    tree = site_tree({"content/es/faq/a.md": page("A")})
    replace_in_catalog(tree, 'msgstr "Idioma"', 'msgstr "Idioma')
    result = build(tree)
    line = next(n for n, text in enumerate((tree.own(PO)).read_text().split("\n"), 1) if text == 'msgstr "Idioma')
    assert result.code == 1 and f"{PO}:{line}: error: is not a valid catalog line" in result.err


def test_wrong_plural_count_and_encoding(site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]) -> None:
    tree = site_tree({"content/es/faq/a.md": page("A")})
    replace_in_catalog(tree, "nplurals=2", "nplurals=3")
    result = build(tree)
    assert (
        result.code == 1
        and "this plural entry has 2 forms, but the catalog's Plural-Forms header says nplurals=3" in result.err
    )
    path = tree.own(PO)
    path.write_bytes(path.read_text().replace("nplurals=3", "nplurals=2").encode("latin-1"))
    result = build(tree)
    assert result.code == 1 and f"{PO}:" in result.err and "is not UTF-8 text" in result.err


def test_fuzzy_translations_are_not_used(site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]) -> None:
    tree = site_tree(
        {
            "content/es/faq/a.md": page("A"),
            "templates/footer.html": OWN_FOOTER,
            PO: '#, fuzzy\nmsgid "A line of our own"\nmsgstr "Una línea propia"\n',
        }
    )
    result = build(tree)
    assert result.code == 0 and "fuzzy translation(s) are not used until reviewed" in result.err
    assert tree.html("es/index.html").find(".//footer/p").text == "A line of our own"


def test_catalog_commands_extract_update_init_compile(shipped_site: SiteTree) -> None:
    from pregon.i18n_commands import run

    root = shipped_site.root
    assert run(root, "extract", None) == 0
    assert run(root, "init", "fr") == 0
    assert (root / "translations/fr/LC_MESSAGES/messages.po").is_file()
    assert run(root, "update", None) == 0
    assert run(root, "compile", None) == 0
    assert (root / "translations/es/LC_MESSAGES/messages.mo").is_file()
    assert run(root, "init", None) == 2


def test_interface_strings_take_any_variable_and_escape_it(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    """`_()` formats its string with the variables it is given, whatever they are called (`message`
    included), escaping them, with `%%` written `%`; outside autoescaping too."""
    footer = (
        "<footer><p>{{ _('Note: %(message)s, 100%%', message='<b>bold</b>') }}</p>"
        "{% autoescape false %}<p>{{ _('Plain: %(message)s', message='<i>x</i>') }}</p>{% endautoescape %}"
        "<p>{{ _('Skip to main content') }}</p></footer>\n"
    )
    tree = site_tree({"content/es/faq/a.md": page("A"), "templates/footer.html": footer})
    result = build(tree)
    assert result.code == 0, result.err
    paragraphs = [p.text for p in tree.html("es/index.html").findall(".//footer/p")]
    assert paragraphs == ["Note: <b>bold</b>, 100%", "Plain: <i>x</i>", "Saltar al contenido principal"]
    footer_element = tree.html("es/index.html").find(".//footer")
    assert footer_element.find(".//b") is None and footer_element.find(".//i") is None
    assert '"Note: %(message)s, 100%%"' in result.err and '"Plain: %(message)s"' in result.err
