"""What the shipped site's privacy notice and accessibility statement say of its pages, read from the pages
themselves: the only script is the site's own search, no page lets the browser send its address to
another site, and the footer of every page links to both notices and to the City's website. (The
browser tests check the rest: no request to another site, no cookie, nothing stored.)"""

from __future__ import annotations

from pathlib import PurePosixPath

from .conftest import SiteTree

SEARCH_SCRIPT = PurePosixPath("static/search.js")


def html_pages(tree: SiteTree) -> list[str]:
    return sorted(path.relative_to(tree.out).as_posix() for path in tree.out.rglob("*.html"))


def test_the_only_script_of_any_page_is_the_sites_own_search(built_shipped_site: SiteTree) -> None:
    pages = html_pages(built_shipped_site)
    assert len(pages) > 20
    for path in pages:
        document = built_shipped_site.html(path)
        for script in document.iter("script"):
            if script.get("type") == "application/ld+json":
                assert script.get("src") is None, path  # data about the page, never run
                continue
            source = script.get("src")
            assert source is not None and "://" not in source, path
            resolved = PurePosixPath(path).parent.joinpath(source)
            assert PurePosixPath(*[part for part in resolved.parts if part != ".."][-2:]) == SEARCH_SCRIPT, path
        assert document.find(".//iframe") is None, path
        assert [element.get("src") for element in document.iter() if "://" in (element.get("src") or "")] == [], path


def test_no_page_lets_the_browser_tell_another_site_where_the_reader_came_from(
    built_shipped_site: SiteTree,
) -> None:
    for path in html_pages(built_shipped_site):
        referrer = built_shipped_site.html(path).findall(".//meta[@name='referrer']")
        assert [meta.get("content") for meta in referrer] == ["no-referrer"], path


def test_every_page_links_to_the_accessibility_statement_the_privacy_notice_and_the_citys_website(
    built_shipped_site: SiteTree,
) -> None:
    expected = {
        "en": ["Accessibility", "Privacy", "City of Philadelphia official website"],
        "es": ["Accesibilidad", "Privacidad", "Sitio web oficial de la Ciudad de Filadelfia"],
    }
    targets = {"en": ["en/accessibility/", "en/privacy/"], "es": ["es/accesibilidad/", "es/privacidad/"]}
    checked = 0
    for path in html_pages(built_shipped_site):
        document = built_shipped_site.html(path)
        lang = path.split("/")[0]
        # The landing and 404 pages hold a column per language, each with its language's links.
        sets = (
            [(lang, document.find(".//footer"))]
            if lang in expected
            else [(column.get("lang"), column) for column in document.iter("section") if column.get("lang") in expected]
        )
        assert [code for code, _ in sets] in ([lang], ["en", "es"]), path
        for code, where in sets:
            assert where is not None
            links = where.findall(".//nav[@class='footer-nav']//a")
            assert [" ".join("".join(a.itertext()).split()) for a in links] == expected[code], path
            hrefs = [a.get("href") or "" for a in links]
            for href, target in zip(hrefs, targets[code], strict=False):
                if path == "404.html":  # served at any depth: its links start at the site's path
                    assert href == f"/pregon/{target}", path
                    continue
                resolved = (built_shipped_site.out / path).parent.joinpath(href).resolve()
                assert resolved == (built_shipped_site.out / target / "index.html").resolve(), path
            assert hrefs[2] == "https://www.phila.gov/"
            checked += 1
    assert checked >= 24
