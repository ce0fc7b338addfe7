"""The theme in the package: a site with only site.yaml and content builds with it, overrides it file by
file, and translates on top of its catalogs message by message; the theme's catalogs are complete."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from lxml import etree

from pregon.theme import THEME_DIR, Theme

from .conftest import BuildRun, SiteTree, page, parse_html

FILES = {
    "content/en/faq/what.md": page("What?", body="## One?\n\nAn answer."),
    "content/en/announcements/news.md": page("News", date="2020-01-02", body="Text of the news."),
    "content/en/guides/help.md": page("Help", body="## Facts\n\n- One fact."),
}

CATALOGS = {"es": 2, "zh_Hans": 1, "vi": 1, "ar": 6}
"""The theme's catalogs and the number of plural forms each language has (CLDR, as gettext counts them)."""


def hashes(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()
    }


def test_a_site_of_only_site_yaml_and_content_builds_with_the_theme(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    tree = site_tree(FILES)
    assert sorted(path.name for path in tree.root.iterdir()) == ["content", "site.yaml"]
    result = build(tree, "--strict")
    assert result.code == 0, result.err
    for name in (path.relative_to(THEME_DIR / "static").as_posix() for path in (THEME_DIR / "static").rglob("*")):
        assert (tree.out / "static" / name).read_bytes() == (THEME_DIR / "static" / name).read_bytes()
    assert tree.html("es/preguntas-frecuentes/what/index.html").get("lang") == "es"


def without_footer(data: bytes) -> bytes:
    root = parse_html(data)
    footer = root.find(".//footer")
    assert footer is not None
    footer.getparent().remove(footer)
    return etree.tostring(root)


def test_overriding_one_template_changes_only_what_it_makes_and_removing_it_restores_the_theme(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    tree = site_tree(FILES)
    assert build(tree).code == 0
    before = hashes(tree.out)
    tree.write({"templates/footer.html": '<footer class="site-footer"><p>{{ lang.site_name }}, 2026</p></footer>\n'})
    result = build(tree, "--profile")
    assert result.code == 0, result.err
    after = hashes(tree.out)
    assert after.keys() == before.keys()
    changed = {path for path in after if after[path] != before[path]}
    # Exactly the pages made with base.html, which includes the footer: not the feeds, sitemaps, search
    # index, PDFs, static files, or the landing and 404 pages, which have no footer.
    made_with_base = {
        path
        for path in after
        if path.endswith(".html") and b'class="skip-link"' in before[path] and path not in ("index.html", "404.html")
    }
    assert changed == made_with_base and len(changed) > 10
    for path in changed:
        assert without_footer(after[path]) == without_footer(before[path])
        assert parse_html(after[path]).find(".//footer/p").text.endswith(", 2026")
    # Only those were rendered again: every other output was kept from the last build.
    assert (
        f"  {len(changed)} of {len(after) - len(list((tree.out / 'static').iterdir()))} files rendered again"
        in result.out
    )

    (tree.root / "templates/footer.html").unlink()
    assert build(tree).code == 0
    assert hashes(tree.out) == before


def test_a_site_static_file_replaces_the_themes_of_the_same_name(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    tree = site_tree({**FILES, "static/style.css": "body { color: #111; }\n", "static/logo.svg": "<svg/>"})
    assert build(tree).code == 0
    assert (tree.out / "static/style.css").read_text() == "body { color: #111; }\n"
    assert (tree.out / "static/logo.svg").read_text() == "<svg/>"
    assert (tree.out / "static/search.js").read_bytes() == (THEME_DIR / "static/search.js").read_bytes()


def test_a_broken_override_is_an_error_naming_it_and_the_theme_file_it_replaces(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    tree = site_tree(FILES)
    assert build(tree).code == 0
    before = tree.snapshot()
    tree.write({"templates/section.html": "{% extends 'base.html' %}\n{% block main %}{% if %}{% endblock %}\n"})
    result = build(tree)
    assert result.code == 1
    assert "templates/section.html:2: error: template syntax error" in result.err
    assert f"it replaces the theme's {(THEME_DIR / 'templates/section.html').as_posix()}" in result.err
    assert tree.snapshot() == before


def test_a_template_including_one_that_exists_nowhere_is_an_error_with_its_line(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    tree = site_tree({**FILES, "templates/footer.html": "<footer>\n{% include 'no-such-part.html' %}\n</footer>\n"})
    result = build(tree)
    assert result.code == 1 and "crashed" not in result.err
    assert 'templates/footer.html:2: error: template "no-such-part.html" is missing' in result.err


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("es", "es"), ("es_MX", "es"), ("zh", "zh_Hans"), ("zh_Hans", "zh_Hans"), ("ar", "ar"), ("vi", "vi")],
)
def test_a_language_reads_the_themes_catalog_for_its_language_and_script(locale: str, expected: str) -> None:
    found = Theme(Path("/nowhere")).theme_catalog(locale)
    assert found == THEME_DIR / "translations" / expected / "LC_MESSAGES" / "messages.po"


@pytest.mark.parametrize("locale", ["zh_Hant", "zh_TW", "fr", "en"])
def test_a_language_in_another_script_or_without_a_theme_catalog_reads_none(locale: str) -> None:
    assert Theme(Path("/nowhere")).theme_catalog(locale) is None


@pytest.mark.parametrize(("code", "forms"), CATALOGS.items())
def test_every_theme_catalog_translates_every_string_with_every_plural_form(code: str, forms: int) -> None:
    with (THEME_DIR / "translations/messages.pot").open("rb") as file:
        expected = {message.id if isinstance(message.id, str) else message.id[0] for message in read_po(file)}
    path = THEME_DIR / "translations" / code / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as file:
        catalog = read_po(file)
    assert catalog.num_plurals == forms
    found = {}
    for message in catalog:
        if message.id:
            assert not message.fuzzy, message.id
            strings = list(message.string) if isinstance(message.string, tuple | list) else [message.string]
            assert all(strings) and len(strings) == (forms if message.pluralizable else 1), message.id
            found[message.id if isinstance(message.id, str) else message.id[0]] = strings
    assert set(found) == expected - {""}
    if code != "es":
        assert "not yet reviewed by a native speaker" in catalog.header_comment.lower()


def test_the_arabic_catalog_chooses_each_of_its_six_forms() -> None:
    with (THEME_DIR / "translations/ar/LC_MESSAGES/messages.po").open("rb") as file:
        catalog = read_po(file)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    translations = Translations(buffer)
    # zero, one, two, few (3-10), many (11-99), other (100-102): each count takes its own msgstr.
    assert [translations.plural(n) for n in (0, 1, 2, 5, 11, 100)] == [0, 1, 2, 3, 4, 5]
    (message,) = [message for message in catalog if message.pluralizable]
    for index, count in enumerate((0, 1, 2, 5, 11, 100)):
        assert translations.ngettext(*message.id, count) == message.string[index]


def test_the_themes_messages_pot_lists_every_string_its_templates_use(tmp_path: Path) -> None:
    from pregon.i18n_commands import CatalogFolder, run_on

    copy = tmp_path / "theme"
    shutil.copytree(THEME_DIR / "templates", copy / "templates")
    folder = CatalogFolder(copy / "templates", copy / "translations", THEME_DIR / "babel.cfg", None)
    assert run_on(folder, "extract", None) == 0
    with (
        (copy / "translations/messages.pot").open("rb") as fresh,
        (THEME_DIR / "translations/messages.pot").open("rb") as shipped,
    ):
        assert {m.id for m in read_po(fresh)} == {m.id for m in read_po(shipped)}


def test_status_says_which_catalogs_no_native_speaker_has_reviewed(
    site_tree: Callable[..., SiteTree], capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from pregon.cli import run

    config = """\
base_url: "https://www.example.org/"
default_language: en
languages:
  - {code: en, name: English, site_name: Example, sections: {announcements: announcements, faq: faq, guides: guides}}
  - {code: es, name: Español, site_name: Ejemplo, sections: {announcements: anuncios, faq: faq, guides: guias}}
  - code: ar
    name: العربية
    direction: rtl
    site_name: مثال
    sections: {announcements: announcements, faq: faq, guides: guides}
"""
    tree = site_tree(FILES, config=config)
    capsys.readouterr()
    assert run(["status", "--site", str(tree.root), "--json"]) == 0
    catalogs = {catalog["lang"]: catalog for catalog in json.loads(capsys.readouterr().out)["catalogs"]}
    arabic = (THEME_DIR / "translations/ar/LC_MESSAGES/messages.po").as_posix()
    assert catalogs["ar"]["unreviewed"] == [arabic] and catalogs["ar"]["missing"] == 0
    assert catalogs["es"]["unreviewed"] == []
    assert run(["status", "--site", str(tree.root)]) == 0
    assert f"{arabic}: not yet reviewed by a native speaker" in capsys.readouterr().out


def test_upgrading_pregon_renders_every_output_again(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pregon import cache, fingerprint, incremental

    tree = site_tree(FILES)
    cold = re.search(r"  (\d+) of (\d+) files rendered again", build(tree, "--profile").out)
    assert cold is not None
    assert "Nothing changed" in build(tree).out
    # What a new release changes: the version every build records, and with it the cache's format.
    monkeypatch.setattr(fingerprint, "__version__", "99.0")
    monkeypatch.setattr(cache, "CACHE_FORMAT", "pregon 99.0 cache")
    monkeypatch.setattr(incremental, "CACHE_FORMAT", "pregon 99.0 cache")
    result = build(tree, "--profile")
    assert result.code == 0 and "Nothing changed" not in result.out
    rendered = re.search(r"  (\d+) of (\d+) files rendered again", result.out)
    # As many as a cold build renders (the search index and the PDFs are counted apart).
    assert rendered is not None and rendered.groups() == cold.groups()
