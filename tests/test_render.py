"""The shipped site, built and parsed: what every page must carry, and each kind's particulars."""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from pregon.site import relative_url

from .conftest import BuildRun, SiteTree, parse_html

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture
def built(built_shipped_site: SiteTree) -> SiteTree:
    return built_shipped_site


def html_pages(tree: SiteTree) -> list[Path]:
    return sorted(path for path in tree.out.rglob("*.html") if path.name != "404.html")


def link_target(tree: SiteTree, page: Path, href: str) -> Path:
    return (page.parent / href.split("#")[0]).resolve()


def test_every_page_has_language_title_description_canonical_and_alternates(built: SiteTree) -> None:
    pages = html_pages(built)
    assert len(pages) == 23  # landing, 2 homes, 6 section indexes, 2 search pages, 8 pages, 4 plain pages
    for path in pages:
        root = parse_html(path.read_bytes())
        assert root.get("lang") in ("en", "es"), path
        assert root.get("dir") == "ltr", path
        assert root.findtext(".//head/title").strip(), path
        description = root.find(".//head/meta[@name='description']")
        assert description is not None and description.get("content").strip(), path
        canonical = root.findall(".//head/link[@rel='canonical']")
        assert len(canonical) == 1 and canonical[0].get("href").startswith("https://www.example.org/pregon/"), path
        hreflangs = {link.get("hreflang") for link in root.findall(".//head/link[@rel='alternate'][@hreflang]")}
        assert hreflangs == {"en", "es", "x-default"}, path


def test_language_switch_leads_to_the_same_page_in_the_other_language(built: SiteTree) -> None:
    english = built.out / "en/faq/what-is-pars/index.html"
    switch = parse_html(english.read_bytes()).find(".//nav[@class='language-switch']")
    link = switch.find(".//a[@hreflang='es']")
    assert link.text == "Español" and link.get("lang") == "es"
    target = link_target(built, english, link.get("href"))
    assert target == (built.out / "es/preguntas-frecuentes/que-es-pars/index.html").resolve()
    back = parse_html(target.read_bytes()).find(".//nav[@class='language-switch']//a[@hreflang='en']")
    assert back.text == "English" and back.get("lang") == "en"
    assert link_target(built, target, back.get("href")) == english.resolve()


def test_every_internal_link_reaches_a_file(built: SiteTree) -> None:
    for path in html_pages(built):
        for anchor in parse_html(path.read_bytes()).iter("a", "link"):
            href = anchor.get("href") or ""
            if not href or href.startswith(("https://", "#")):
                continue
            assert link_target(built, path, href).is_file(), f"{path}: {href}"


def test_spanish_dates_and_urls(built: SiteTree) -> None:
    root = built.html("es/anuncios/fin-del-acuerdo-pars/index.html")
    time = root.find(".//article//time")
    assert time.get("datetime") == "2018-07-27"
    assert time.text == "27 de julio de 2018"
    assert root.findtext(".//h1") == "Filadelfia no renovará el acceso de ICE a la base de datos PARS"
    english = built.html("en/announcements/pars-agreement-ends/index.html")
    assert english.find(".//article//time").text == "July 27, 2018"


def test_markdown_links_are_rewritten_to_the_same_language(built: SiteTree) -> None:
    page = built.out / "es/anuncios/fin-del-acuerdo-pars/index.html"
    hrefs = [a.get("href") for a in parse_html(page.read_bytes()).findall(".//div[@class='body']//a")]
    targets = {link_target(built, page, href) for href in hrefs}
    assert (built.out / "es/preguntas-frecuentes/que-es-pars/index.html").resolve() in targets
    assert (built.out / "es/guias/sus-derechos-en-casa/index.html").resolve() in targets
    assert not any(href.endswith(".md") for href in hrefs)


def test_faq_questions_have_anchors_a_list_and_json_ld(built: SiteTree) -> None:
    root = built.html("en/faq/what-is-pars/index.html")
    questions = root.findall(".//div[@class='body']/h2")
    assert [q.text for q in questions][:2] == ["What is PARS?", "Who uses PARS?"]
    listed = root.findall(".//nav[@class='questions']//a")
    assert [a.get("href") for a in listed] == [f"#{q.get('id')}" for q in questions]
    assert questions[0].get("id") == "what-is-pars"
    data = json.loads(root.find(".//script[@type='application/ld+json']").text)
    assert data["@type"] == "FAQPage"
    assert [entity["name"] for entity in data["mainEntity"]] == [q.text for q in questions]
    assert "August 31, 2018" in data["mainEntity"][3]["acceptedAnswer"]["text"]
    spanish = built.html("es/preguntas-frecuentes/que-es-pars/index.html")
    assert spanish.findtext(".//nav[@class='questions']/h2") == "6 preguntas en esta página"


def test_guides_have_the_city_shape(built: SiteTree) -> None:
    for path, headings in (
        ("en/guides/pars-and-public-safety/index.html", ["Facts", "Ways to help", "Other resources"]),
        ("es/guias/pars-y-seguridad-publica/index.html", ["Datos", "Maneras de ayudar", "Otros recursos"]),
    ):
        root = built.html(path)
        assert [h.text for h in root.findall(".//div[@class='body']/h2")] == headings
        links = root.findall(".//div[@class='body']//a[@data-print-url]")
        assert links and all(a.get("data-print-url").startswith("https://") for a in links)


def test_home_lists_sections_and_landing_offers_both_languages(built: SiteTree) -> None:
    home = built.html("es/index.html")
    assert home.findtext(".//h1") == "Información para residentes"
    assert [h.text for h in home.findall(".//main//section/h2")] == [
        "Anuncios",
        "Preguntas y respuestas",
        "Guías de acción",
    ]
    landing = built.html("index.html")
    columns = landing.findall(".//div[@class='landing-columns']/section")
    assert [column.get("lang") for column in columns] == ["en", "es"]
    assert "".join(columns[1].find(".//a[@class='button']").itertext()) == "Leer en español"
    assert landing.find(".//head/link[@hreflang='x-default']").get("href") == "https://www.example.org/pregon/"


def test_section_index_lists_announcements_newest_first(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    from .conftest import page

    tree = site_tree(
        {
            "content/en/announcements/old.md": page("Old news", date="2018-01-02"),
            "content/en/announcements/new.md": page("New news", date="2019-03-04"),
            "content/en/announcements/middle.md": page("Middle news", date="2018-06-01"),
        }
    )
    assert build(tree).code == 0
    titles = [a.text for a in tree.html("en/announcements/index.html").findall(".//ul[@class='page-list']/li/a")]
    assert titles == ["New news", "Middle news", "Old news"]
    feed = etree.parse(str(tree.out / "en/feed.xml")).getroot()
    assert [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")] == titles
    assert feed.findtext(f"{ATOM}updated") == "2019-03-04T00:00:00Z"


def test_a_long_section_index_continues_on_numbered_pages_in_every_language(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    from .conftest import MINIMAL_CONFIG, page

    news = {f"content/en/announcements/news-{n}.md": page(f"News {n}", date=f"2020-01-{n:02d}") for n in range(1, 6)}
    tree = site_tree(news, config=MINIMAL_CONFIG + "entries_per_page: 2\n")
    assert build(tree).code == 0
    english = [
        "en/announcements/index.html",
        "en/announcements/page/2/index.html",
        "en/announcements/page/3/index.html",
    ]
    spanish = ["es/anuncios/index.html", "es/anuncios/page/2/index.html", "es/anuncios/page/3/index.html"]
    assert not (tree.out / "en/announcements/page/4").exists()
    listed = [[a.text for a in tree.html(path).findall(".//ul[@class='page-list']/li/a")] for path in english]
    assert listed == [["News 5", "News 4"], ["News 3", "News 2"], ["News 1"]]
    titles = [tree.html(path).findtext(".//head/title") for path in english]
    assert len(set(titles)) == 3 and "page 2 of 3" in titles[1]
    for number, (path, other) in enumerate(zip(english, spanish, strict=True)):
        root = tree.html(path)
        nav = root.find(".//nav[@class='pagination']")
        assert "".join(nav.find("p").itertext()) == f"Page {number + 1} of 3"
        links = {a.get("rel"): a.get("href") for a in nav.findall(".//a")}
        expected = {
            rel: english[number + step]
            for rel, step in (("prev", -1), ("next", 1))
            if 0 <= number + step < len(english)
        }
        assert {
            rel: posixpath.normpath(posixpath.join(posixpath.dirname(path), href)) for rel, href in links.items()
        } == expected
        assert root.find(".//head/link[@rel='canonical']").get(
            "href"
        ) == "https://www.example.org/" + path.removesuffix("index.html")
        alternate = root.find(".//head/link[@hreflang='es']").get("href")
        assert alternate == "https://www.example.org/" + other.removesuffix("index.html")
        # The Spanish index lists the same pages, in English, on its pages of the same number.
        assert [a.text for a in tree.html(other).findall(".//ul[@class='page-list']/li/a")] == listed[number]
    pagination = tree.html(spanish[1]).find(".//nav[@class='pagination']/p")
    assert pagination is not None and "".join(pagination.itertext()) == "Página 2 de 3"
    # Short sections have a single page and no page navigation.
    assert tree.html("en/faq/index.html").find(".//nav[@class='pagination']") is None


def test_home_feed_and_search_page_show_the_newest_and_lead_to_the_rest(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    from pregon.plans import FEED_ENTRIES, HOME_ENTRIES

    from .conftest import MINIMAL_CONFIG, page

    count = FEED_ENTRIES + 3
    news = {
        f"content/en/announcements/news-{n:02d}.md": page(f"News {n:02d}", date=f"2020-02-{n:02d}")
        for n in range(1, count + 1)
    }
    tree = site_tree(news, config=MINIMAL_CONFIG + "entries_per_page: 4\n")
    assert build(tree).code == 0
    newest = [f"News {n:02d}" for n in range(count, 0, -1)]
    home = tree.html("en/index.html").find(".//section[@aria-labelledby='home-announcements']")
    assert [a.text for a in home.findall(".//ul[@class='page-list']/li/a")] == newest[:HOME_ENTRIES]
    feed = etree.parse(str(tree.out / "en/feed.xml")).getroot()
    assert [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")] == newest[:FEED_ENTRIES]
    search = tree.html("en/search/index.html").find(".//section[@class='all-pages']")
    assert [a.text for a in search.findall(".//ul[@class='page-list']/li/a")] == newest[:4]
    more = [a for a in search.findall(".//p/a") if a.text == "All announcements"]
    assert len(more) == 1
    target = posixpath.normpath(posixpath.join("en/search", more[0].get("href")))
    assert target == "en/announcements/index.html"


def test_atom_feed_and_sitemap(built: SiteTree) -> None:
    feed = etree.parse(str(built.out / "es/feed.xml")).getroot()
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "es"
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link").get("href") == "https://www.example.org/pregon/es/anuncios/fin-del-acuerdo-pars/"
    # The root sitemap is an index of one sitemap per language, each listing that language's pages.
    index = etree.parse(str(built.out / "sitemap.xml")).getroot()
    assert [loc.text for loc in index.findall(f"{SITEMAP}sitemap/{SITEMAP}loc")] == [
        "https://www.example.org/pregon/en/sitemap.xml",
        "https://www.example.org/pregon/es/sitemap.xml",
    ]
    robots = (built.out / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "Sitemap: https://www.example.org/pregon/sitemap.xml" in robots
    urls = {}
    for code in ("en", "es"):
        sitemap = etree.parse(str(built.out / code / "sitemap.xml")).getroot()
        listed = [url.findtext(f"{SITEMAP}loc") for url in sitemap.findall(f"{SITEMAP}url")]
        # A sitemap may only list addresses below its own folder.
        assert listed and all(url.startswith(f"https://www.example.org/pregon/{code}/") for url in listed)
        urls.update({url.findtext(f"{SITEMAP}loc"): url for url in sitemap.findall(f"{SITEMAP}url")})
    assert len(urls) == 2 + 12  # each language's home, its four pages and its two plain pages
    faq = urls["https://www.example.org/pregon/es/preguntas-frecuentes/que-es-pars/"]
    alternates = {link.get("hreflang"): link.get("href") for link in faq.findall(f"{XHTML}link")}
    assert alternates == {
        "en": "https://www.example.org/pregon/en/faq/what-is-pars/",
        "es": "https://www.example.org/pregon/es/preguntas-frecuentes/que-es-pars/",
        "x-default": "https://www.example.org/pregon/en/faq/what-is-pars/",
    }


def test_not_found_page_is_bilingual_and_uses_root_paths(built: SiteTree) -> None:
    root = built.html("404.html")
    assert root.find(".//meta[@name='robots']").get("content") == "noindex"
    sections = root.findall(".//main//section")
    assert [s.get("lang") for s in sections] == ["en", "es"]
    assert sections[1].findtext("h2") == "Página no encontrada"
    assert sections[1].find(".//a").get("href") == "/pregon/es/"
    assert root.find(".//link[@rel='stylesheet']").get("href") == "/pregon/static/style.css"


def test_untranslated_page_falls_back_with_a_notice(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    from .conftest import page

    tree = site_tree(
        {
            "content/en/guides/only-english.md": page("Only in English", body="## Facts\n\nText [home](other.md)."),
            "content/en/guides/other.md": page("Other guide"),
            "content/es/guides/otra.md": page("Otra guía", translation_key="other"),
        }
    )
    result = build(tree)
    assert result.code == 0, result.err
    assert "es 2 (1 untranslated)" in result.out
    fallback = tree.html("es/guias/only-english/index.html")
    assert fallback.get("lang") == "es"
    article = fallback.find(".//article")
    assert article.get("lang") == "en"
    notice = article.find(".//div[@class='notice']")
    assert notice.get("lang") == "es"
    assert "todavía no se ha traducido al español" in "".join(notice.find("p").itertext())
    assert "inglés" in "".join(notice.find("p").itertext())
    assert fallback.find(".//meta[@name='robots']").get("content") == "noindex"
    assert fallback.find(".//link[@rel='canonical']").get("href") == "https://www.example.org/en/guides/only-english/"
    # Links inside the fallback lead to pages in the reader's language.
    link = article.find(".//div[@class='body']//a")
    assert link.get("href") == "../otra/index.html"
    # The switch from the fallback and to it never leads to a missing page.
    switch = fallback.find(".//nav[@class='language-switch']//a[@hreflang='en']")
    assert switch.get("href") == "../../../en/guides/only-english/index.html"
    english = tree.html("en/guides/only-english/index.html")
    to_spanish = english.find(".//nav[@class='language-switch']//a[@hreflang='es']")
    assert posixpath.normpath(posixpath.join("en/guides/only-english", to_spanish.get("href"))) == (
        "es/guias/only-english/index.html"
    )
    # The untranslated page is listed in the Spanish index, marked as English.
    item = tree.html("es/guias/index.html").find(".//ul[@class='page-list']/li/a[@lang='en']")
    assert item.text == "Only in English"
    # Hreflang alternates only name real translations, and the sitemap leaves out fallbacks.
    alternates = {link.get("hreflang") for link in english.findall(".//head/link[@hreflang]")}
    assert alternates == {"en", "x-default"}
    spanish_sitemap = etree.parse(str(tree.out / "es/sitemap.xml")).getroot()
    spanish_locs = [loc.text for loc in spanish_sitemap.iter(f"{SITEMAP}loc")]
    assert "https://www.example.org/es/guias/otra/" in spanish_locs
    assert not [loc for loc in spanish_locs if "only-english" in loc]
    english_sitemap = etree.parse(str(tree.out / "en/sitemap.xml")).getroot()
    assert "https://www.example.org/en/guides/only-english/" in [
        loc.text for loc in english_sitemap.iter(f"{SITEMAP}loc")
    ]


@pytest.mark.parametrize(
    ("here", "target", "expected"),
    [
        ("index.html", "en/", "en/index.html"),
        ("en/faq/x/index.html", "es/preguntas-frecuentes/y/", "../../../es/preguntas-frecuentes/y/index.html"),
        ("en/index.html", "static/style.css", "../static/style.css"),
    ],
)
def test_relative_url(here: str, target: str, expected: str) -> None:
    assert relative_url(here, target) == expected


VAGUE_LINK_TEXTS = {"click here", "here", "more", "read more", "link", "haga clic aquí", "aquí", "más", "leer más"}


def test_link_texts_say_where_they_go(built: SiteTree) -> None:
    for path in html_pages(built):
        for anchor in parse_html(path.read_bytes()).iter("a"):
            text = " ".join("".join(anchor.itertext()).split())
            assert text and text.casefold() not in VAGUE_LINK_TEXTS, f"{path}: {text!r}"


def test_english_passages_in_spanish_pages_are_marked(built: SiteTree) -> None:
    root = built.html("es/preguntas-frecuentes/que-es-pars/index.html")
    (span,) = root.findall(".//div[@class='body']//span[@lang='en']")
    assert span.text == "Preliminary Arraignment Reporting System"
