"""Any page a public-information site publishes: plain pages, sections of its own, menus and footer links
set in site.yaml, fields of a site's own (`extra:`), guides without printed editions, translations that
inherit what is not text, and a site alert with an end date. Every behaviour is read from parsed HTML."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable

import pytest
from lxml import etree

from pregon.cli import run

from .conftest import BuildRun, SiteTree, page

CONFIG = """\
base_url: "https://www.example.org/"
default_language: en
timezone: America/New_York
sections:
  register:
    kind: pages
languages:
  - code: en
    name: English
    direction: ltr
    site_name: Example County
    sections:
      announcements: announcements
      faq: faq
      guides: guides
      register: {segment: register, title: Register to vote}
  - code: es
    name: Español
    direction: ltr
    site_name: Condado de Ejemplo
    sections:
      announcements: anuncios
      faq: preguntas-frecuentes
      guides: guias
      register: {segment: inscribirse, title: Inscríbase para votar}
menu:
  - page: about
  - section: register
  - url: https://www.example.org/elections/
    label: {en: Elections office, es: Oficina electoral}
footer:
  - page: en/accessibility.md
  - section: faq
"""

STATE_FIELDS = "extra:\n  state_name: Pennsylvania\n  registration_type: online"
FILES = {
    "site.yaml": CONFIG,
    "content/en/about.md": page("About us", body="Who we are."),
    "content/es/acerca.md": page("Quiénes somos", translation_key="about", body="Quiénes somos."),
    "content/en/accessibility.md": page("Accessibility", body="What we check."),
    # Made from its front matter alone, by the site's template.
    "content/en/register/pennsylvania.md": f"---\ntitle: Pennsylvania\nsummary: S.\nweight: 2\n{STATE_FIELDS}\n---\n",
    "content/en/register/alabama.md": page("Alabama", weight="1", body="Register by mail."),
    # Only its title, its summary and one of the extra fields are its own; the rest is its source's.
    "content/es/register/pensilvania.md": (
        "---\ntitle: Pensilvania\nsummary: R.\ntranslation_key: pennsylvania\n"
        "extra:\n  registration_type: en línea\n---\n"
    ),
    "content/en/guides/rights.md": page("Your rights", body="## Facts\n\nA fact."),
    "content/en/guides/flyer.md": page("Flyer", body="## Facts\n\nShort.", print="false"),
    "content/en/announcements/news.md": page("News", date="2026-01-05", body="The news."),
    "content/es/announcements/noticia.md": page("Noticia", translation_key="news", body="La noticia."),
    "content/en/faq/what.md": page("What?", body="## One?\n\nYes."),
    "content/en/_alert.md": (
        "---\ntitle: Offices closed\nuntil: 2026-03-01\n---\nSee [the news](announcements/news.md).\n"
    ),
    "content/es/_alert.md": (
        "---\ntitle: Oficinas cerradas\nuntil: 2026-03-01\n---\nLea [la noticia](announcements/noticia.md).\n"
    ),
    "content/en/_notes.md": "Not a page: kept aside by its name.\n",
    # A template of the site's own that shows the fields the site gives its pages.
    "templates/page_list.html": (
        '<ul class="page-list">{% for item in items %}<li><a href="{{ item.href }}">{{ item.source.title }}</a>'
        '{% if item.extra.state_name %} <span class="state">{{ item.extra.state_name }}</span>'
        "{% endif %}</li>{% endfor %}</ul>\n"
    ),
}


def epoch(year: int, month: int, day: int, hour: int = 12) -> str:
    moment = datetime.datetime(year, month, day, hour, tzinfo=datetime.UTC)
    return str(int(moment.timestamp()))


@pytest.fixture
def built(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun], monkeypatch: pytest.MonkeyPatch
) -> SiteTree:
    tree = site_tree(FILES, config=CONFIG)
    page_html = tree.override("templates/page.html")
    text = page_html.read_text(encoding="utf-8")
    page_html.write_text(
        text.replace(
            '<p class="summary">',
            '{% if extra.state_name %}<p class="state">{{ extra.state_name }}: {{ extra.registration_type }}</p>\n'
            '{% endif %}<p class="summary">',
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(2026, 2, 28))
    result = build(tree)
    assert result.code == 0, result.err
    assert "no text after its front matter" not in result.err  # their extra fields make those pages
    return tree


def texts(elements: list[etree._Element]) -> list[str]:
    return [" ".join("".join(element.itertext()).split()) for element in elements]


def test_a_plain_page_is_at_its_languages_root_paired_with_its_translation(built: SiteTree) -> None:
    about = built.html("en/about/index.html")
    assert texts(about.findall(".//h1")) == ["About us"]
    switch = about.find(".//nav[@class='language-switch']")
    assert switch is not None
    assert [a.get("href") for a in switch.iter("a")] == ["../../es/acerca/index.html"]
    assert {link.get("hreflang") for link in about.findall(".//link[@rel='alternate']")} == {"en", "es", "x-default"}
    assert about.find(".//nav[@class='breadcrumb']") is None  # a plain page belongs to no section
    # An untranslated plain page has its fallback in Spanish, like any other page.
    fallback = built.html("es/accessibility/index.html")
    assert fallback.find(".//article").get("lang") == "en"
    sitemap = etree.parse(str(built.out / "en/sitemap.xml"))
    locations = [element.text for element in sitemap.iter("{*}loc")]
    assert "https://www.example.org/en/about/" in locations
    assert not (built.out / "en/_notes").exists() and not (built.out / "en/notes").exists()


def test_a_section_of_kind_pages_is_ordered_by_weight_and_titled_in_each_language(built: SiteTree) -> None:
    english = built.html("en/register/index.html")
    assert texts(english.findall(".//h1")) == ["Register to vote"]
    assert texts(english.findall(".//ul[@class='page-list']/li/a")) == ["Alabama", "Pennsylvania"]
    spanish = built.html("es/inscribirse/index.html")
    assert texts(spanish.findall(".//h1")) == ["Inscríbase para votar"]
    assert texts(spanish.findall(".//ul[@class='page-list']/li/a")) == ["Alabama", "Pensilvania"]


def test_extra_fields_reach_the_sites_templates_on_pages_and_list_items_and_are_inherited_key_by_key(
    built: SiteTree,
) -> None:
    assert texts(built.html("en/register/pennsylvania/index.html").findall(".//p[@class='state']")) == [
        "Pennsylvania: online"
    ]
    # The translation sets registration_type itself and takes state_name from its source.
    assert texts(built.html("es/inscribirse/pensilvania/index.html").findall(".//p[@class='state']")) == [
        "Pennsylvania: en línea"
    ]
    listed = built.html("en/register/index.html").findall(".//span[@class='state']")
    assert texts(listed) == ["Pennsylvania"]


def test_the_menu_shows_each_entry_in_the_readers_language_and_marks_the_current_page(built: SiteTree) -> None:
    english = built.html("en/about/index.html")
    menu = english.find(".//nav[@class='site-nav']")
    assert menu is not None and menu.get("aria-label") == "Menu"
    links = menu.findall(".//a")
    assert texts(links) == ["About us", "Register to vote", "Elections office"]
    assert [a.get("aria-current") for a in links] == ["page", None, None]
    assert links[1].get("href") == "../register/index.html"
    assert links[2].get("href") == "https://www.example.org/elections/"
    spanish = built.html("es/inscribirse/index.html").find(".//nav[@class='site-nav']")
    assert spanish is not None and spanish.get("aria-label") == "Menú"
    spanish_links = spanish.findall(".//a")
    assert texts(spanish_links) == ["Quiénes somos", "Inscríbase para votar", "Oficina electoral"]
    assert [a.get("aria-current") for a in spanish_links] == [None, "page", None]


def test_the_footer_shows_an_untranslated_page_with_its_fallbacks_title_marked(built: SiteTree) -> None:
    footer = built.html("es/index.html").find(".//footer//nav")
    assert footer is not None and footer.get("aria-label") == "Acerca de este sitio"
    accessibility, faq = footer.findall(".//li")
    link = accessibility.find("a")
    assert link is not None and link.get("href") == "accessibility/index.html" and link.get("hreflang") == "en"
    label = link.find("span")
    assert label is not None and label.get("lang") == "en" and label.text == "Accessibility"
    assert texts(accessibility.findall("span[@class='badge']")) == ["En inglés"]
    assert texts([faq]) == ["Preguntas y respuestas"]


def test_a_guide_with_print_false_has_no_printed_editions(built: SiteTree) -> None:
    assert (built.out / "en/guides/rights/rights.pdf").is_file()
    assert not list((built.out / "en/guides/flyer").glob("*.pdf"))
    assert built.html("en/guides/flyer/index.html").find(".//section[@class='downloads']") is None
    assert built.html("en/guides/rights/index.html").find(".//section[@class='downloads']") is not None


def test_a_translation_without_a_date_takes_its_sources(built: SiteTree) -> None:
    spanish = built.html("es/anuncios/noticia/index.html")
    assert [time.get("datetime") for time in spanish.findall(".//p[@class='meta']/time")] == ["2026-01-05"]
    # It is the Spanish feed's entry, dated as its source.
    feed = etree.parse(str(built.out / "es/feed.xml"))
    assert [element.text for element in feed.iter("{*}published")] == ["2026-01-05T00:00:00Z"]


def test_the_alert_is_a_region_above_the_menu_on_every_page_of_its_language(built: SiteTree) -> None:
    for path, title, target in [
        ("en/index.html", "Offices closed", "en/announcements/news/index.html"),
        ("en/register/pennsylvania/index.html", "Offices closed", "en/announcements/news/index.html"),
        ("es/acerca/index.html", "Oficinas cerradas", "es/anuncios/noticia/index.html"),
    ]:
        document = built.html(path)
        body = document.find("body")
        assert body is not None
        alert = body.find("section[@class='site-alert']")
        assert alert is not None, path
        assert alert.get("aria-label") in ("Site alert", "Alerta del sitio")
        children = list(body)
        assert children.index(alert) < children.index(body.find("header")), "the alert comes before the menu"
        assert texts(alert.findall(".//strong")) == [title]
        (link,) = [a.get("href") for a in alert.iter("a")]
        # Its links lead to the linked page in the reader's language, from any folder.
        assert (built.out / path).parent.joinpath(link).resolve() == (built.out / target).resolve()


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (epoch(2026, 3, 1, 23), True),
        # 03:00 on 2 March in UTC is still 1 March in New York, the site's time zone.
        (epoch(2026, 3, 2, 3), True),
        (epoch(2026, 3, 2, 6), False),
    ],
)
def test_the_alert_ends_after_its_until_date_in_the_sites_time_zone(
    built: SiteTree, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], moment: str, shown: bool
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", moment)
    assert run(["build", "--site", str(built.root)]) == 0, capsys.readouterr().err
    for path in ("en/index.html", "es/index.html", "en/about/index.html"):
        found = built.html(path).find(".//section[@class='site-alert']")
        assert (found is not None) is shown, path


def test_an_alerts_headings_take_no_id_and_come_before_no_page_heading(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    files = {name: text for name, text in FILES.items() if name != "content/es/_alert.md"}
    files["content/en/_alert.md"] = "---\n---\n## What?\n\nOffices closed.\n"
    files["content/en/faq/what.md"] = page("What?", body="## What?\n\nYes.")
    tree = site_tree(files, config=CONFIG)
    assert build(tree).code == 0
    document = tree.html("en/faq/what/index.html")
    alert = document.find(".//section[@class='site-alert']")
    assert alert is not None and alert.find(".//h2") is None and texts(alert.findall(".//strong")) == ["What?"]
    assert [element.get("id") for element in document.iter() if element.get("id") == "what"] == ["what"]
    # The root page shows each language's alert in its column.
    landing = tree.html("index.html").findall(".//section[@class='site-alert']")
    assert len(landing) == 2


def test_without_an_alert_for_its_language_a_page_shows_the_default_languages(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    files = {name: text for name, text in FILES.items() if name != "content/es/_alert.md"}
    files["content/en/_alert.md"] = "---\ntitle: Offices closed\n---\nThe offices are closed.\n"
    tree = site_tree(files, config=CONFIG)
    assert build(tree).code == 0
    alert = tree.html("es/index.html").find(".//section[@class='site-alert']")
    # Its label in the reader's language, its text in its own.
    assert alert is not None and alert.get("aria-label") == "Alerta del sitio" and alert.get("lang") is None
    text = alert.find("div")
    assert text is not None and text.get("lang") == "en"


def test_new_makes_a_plain_page_and_a_page_of_a_sites_own_section(
    site_tree: Callable[..., SiteTree], capsys: pytest.CaptureFixture[str]
) -> None:
    tree = site_tree(FILES, config=CONFIG)
    assert run(["new", "page", "Contact us", "--site", str(tree.root)]) == 0, capsys.readouterr().err
    assert run(["new", "register", "Ohio", "--site", str(tree.root)]) == 0, capsys.readouterr().err
    assert run(["new", "page", "Contáctenos", "--lang", "es", "--site", str(tree.root)]) == 0
    contact = (tree.root / "content/en/contact-us.md").read_text(encoding="utf-8")
    assert "draft: true" in contact and "Write the page here." in contact
    assert "draft: true" in (tree.root / "content/en/register/ohio.md").read_text(encoding="utf-8")
    assert "Escriba aquí el texto de la página." in (tree.root / "content/es/contactenos.md").read_text("utf-8")
    assert run(["new", "registr", "Ohio", "--site", str(tree.root)]) == 1
    assert 'did you mean "register"?' in capsys.readouterr().err


def test_status_lists_what_a_translation_sets_itself_and_each_languages_alert(
    site_tree: Callable[..., SiteTree], capsys: pytest.CaptureFixture[str]
) -> None:
    files = dict(FILES)
    files["content/es/announcements/noticia.md"] = page(
        "Noticia", translation_key="news", date="2026-01-06", body="La noticia."
    )
    tree = site_tree(files, config=CONFIG)
    capsys.readouterr()
    run(["status", "--site", str(tree.root)])
    table = capsys.readouterr().out
    section = table.split("Translations that differ from their source on purpose\n", 1)[1]
    own = section.split("\n\n", 1)[0].split("\n")
    assert own == [
        "  content/es/announcements/noticia.md: date: 2026-01-06 (source: 2026-01-05)",
        "  content/es/register/pensilvania.md: extra.registration_type: en línea (source: online)",
    ]
    assert "  es: content/es/_alert.md" in table
    capsys.readouterr()
    run(["status", "--json", "--site", str(tree.root)])
    report = json.loads(capsys.readouterr().out)
    by_path = {entry["path"]: entry for entry in report["pages"]}
    assert by_path["content/es/register/pensilvania.md"]["differs"] == [
        "extra.registration_type: en línea (source: online)"
    ]


@pytest.mark.parametrize("value", ["99999999999999999", "1700000000x", "yesterday"])
def test_a_source_date_epoch_that_is_no_moment_fails_the_build_naming_it(
    built: SiteTree, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    before = built.snapshot()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert run(["build", "--site", str(built.root)]) == 1
    assert "SOURCE_DATE_EPOCH: error: the environment variable SOURCE_DATE_EPOCH is" in capsys.readouterr().err
    assert built.snapshot() == before
