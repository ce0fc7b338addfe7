"""Every page of the shipped site in a real browser: accessible, private, reflowing, working without scripts."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Request

from pregon.pipeline import BuildOptions, build

from ..browser import serve
from ..conftest import copy_shipped_site
from .conftest import AXE

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page: Page, axe: str) -> dict[str, str]:
    """What axe-core finds against WCAG's A and AA rules on the page loaded: rule id -> help and where."""
    page.add_script_tag(content=axe)
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: tags})", WCAG_TAGS)
    return {
        violation["id"]: f"{violation['help']} {[node['target'] for node in violation['nodes']][:3]}"
        for violation in result["violations"]
    }


def test_every_page_has_no_axe_violations(browser: Browser, base_url: str, page_paths: list[str]) -> None:
    if not AXE.is_file():
        pytest.fail("axe-core is missing: run `npm ci` (scripts/test.sh does)")
    axe = AXE.read_text(encoding="utf-8")
    found = {}
    for width in (360, 1280):
        # The CSP rightly forbids the injected checker; it is bypassed for the checker only.
        context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 800})
        page = context.new_page()
        for path in page_paths:
            page.goto(base_url + path)
            for rule, what in axe_violations(page, axe).items():
                found[f"{width}px /{path}: {rule}"] = what
        context.close()
    assert found == {}
    assert len(page_paths) >= 20


def test_no_request_leaves_the_site_and_nothing_is_stored(
    browser: Browser, base_url: str, page_paths: list[str]
) -> None:
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    for path in [*page_paths, "es/search/?q=acuerdo", "en/search/?q=agreement"]:
        page.goto(base_url + path, wait_until="networkidle" if "?q=" in path else "load")
        storage = page.evaluate("() => [localStorage.length, sessionStorage.length, document.cookie]")
        assert storage == [0, 0, ""], path
    assert len(requests) > len(page_paths)
    assert [url for url in requests if not url.startswith(base_url)] == []
    assert context.cookies() == []
    context.close()


def test_no_content_security_policy_violation(browser: Browser, base_url: str, page_paths: list[str]) -> None:
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda exception: problems.append(str(exception)))
    for path in [*page_paths, "es/search/?q=derechos"]:
        page.goto(base_url + path, wait_until="networkidle" if "?q=" in path else "load")
    assert problems == []
    page.close()


def test_a_section_index_in_several_pages_is_accessible_and_followed_without_javascript(
    browser: Browser, tmp_path: Path
) -> None:
    """The shipped site with one entry per page of an index, so that every index has page links."""
    tree = copy_shipped_site(tmp_path / "paged")
    config = tree.root / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "entries_per_page: 1\n", encoding="utf-8")
    build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
    axe = AXE.read_text(encoding="utf-8")
    with serve(tree.out) as url:
        context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 640})
        page = context.new_page()
        page.goto(url + "es/guias/")
        assert page.locator(".pagination p").inner_text() == "Página 1 de 2"
        page.get_by_role("link", name="Página siguiente").click()
        assert page.url == url + "es/guias/page/2/index.html"
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
        page.get_by_role("link", name="Página anterior").click()
        assert page.url == url + "es/guias/index.html"
        context.close()
        found = {}
        for width in (360, 1280):
            context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 800})
            page = context.new_page()
            for path in ("en/guides/page/2/", "es/guias/page/2/", "en/search/"):
                page.goto(url + path)
                for rule, what in axe_violations(page, axe).items():
                    found[f"{width}px /{path}: {rule}"] = what
            context.close()
    assert found == {}


def test_pages_reflow_at_320_pixels_without_horizontal_scrolling(
    browser: Browser, base_url: str, page_paths: list[str]
) -> None:
    # 320 CSS pixels is also what a 1280-pixel window shows at 400% zoom, and a 640-pixel one at 200%.
    page = browser.new_page(viewport={"width": 320, "height": 640})
    too_wide = {}
    for path in page_paths:
        page.goto(base_url + path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 320:
            too_wide[path] = width
    assert too_wide == {}
    page.close()


def test_a_typical_page_weighs_under_50_kilobytes(browser: Browser, base_url: str, page_paths: list[str]) -> None:
    page = browser.new_page()
    weights = {}
    for path in page_paths:
        if "search/" in path:
            continue  # the search page loads the index on purpose
        sizes: list[int] = []

        def record(request: Request, sizes: list[int] = sizes) -> None:
            response = request.response()
            if response is not None:
                sizes.append(len(response.body()))

        page.on("requestfinished", record)
        page.goto(base_url + path, wait_until="load")
        page.remove_listener("requestfinished", record)
        weights[path] = sum(sizes)
    assert max(weights.values()) < 50_000, weights
    page.close()


def test_skip_link_comes_first_and_focus_is_visible(browser: Browser, base_url: str, page_paths: list[str]) -> None:
    """On every page, as the accessibility statement says: the first Tab reaches a visible link to the
    main content."""
    page = browser.new_page()
    for path in page_paths:
        page.goto(base_url + path)
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
              const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
              return {text: e.textContent, href: e.getAttribute('href'), outline: s.outlineStyle,
                      width: parseFloat(s.outlineWidth), visible: r.top >= 0 && r.bottom <= innerHeight && r.width > 0};
            }"""
        )
        assert focused["href"] == "#main", path
        assert focused["outline"] != "none" and focused["width"] >= 2 and focused["visible"], path
        if path == "es/preguntas-frecuentes/que-es-pars/":
            assert focused["text"] == "Saltar al contenido principal"
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == "main", path
    page.close()


def test_everything_works_without_javascript(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url)
    page.get_by_role("link", name="Leer en español").click()
    assert page.locator("h1").inner_text() == "Información para residentes"
    page.get_by_role("link", name="¿Qué es PARS?").first.click()
    page.get_by_role("link", name="English").click()
    assert page.locator("h1").inner_text() == "What is PARS?"
    assert page.evaluate("() => document.documentElement.lang") == "en"
    page.get_by_role("searchbox", name="Search").fill("agreement")
    page.get_by_role("button", name="Search").click()
    assert "/en/search/" in page.url
    listed = page.locator(".all-pages a").all_inner_texts()
    assert "What is PARS?" in listed and "If immigration agents come to your door" in listed
    context.close()


def test_a_spanish_query_finds_the_spanish_faq(browser: Browser, base_url: str) -> None:
    page = browser.new_page()
    page.goto(base_url + "es/search/")
    page.get_by_role("searchbox", name="Palabras que desea buscar").fill("base de datos")
    page.get_by_role("button", name="Buscar").last.click()
    results = page.locator(".search-results li a")
    results.first.wait_for()
    titles = results.all_inner_texts()
    assert "¿Qué es PARS?" in titles
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert all(href.startswith(urlsplit(base_url).path + "es/") for href in hrefs), hrefs
    assert page.locator(".all-pages").is_hidden()
    results.get_by_text("¿Qué es PARS?").click()
    assert page.locator("h1").inner_text() == "¿Qué es PARS?"
    page.goto(base_url + "en/search/?q=database")
    page.locator(".search-results li a").first.wait_for()
    assert "What is PARS?" in page.locator(".search-results li a").all_inner_texts()
    # Without accents, in capitals, and the last word unfinished: "policía" and "inmigración" are found.
    page.goto(base_url + "es/search/?q=POLICIA%20inmigra")
    page.locator(".search-results li a").first.wait_for()
    assert "El fin del acceso de ICE a PARS: qué significa para usted" in (
        page.locator(".search-results li a").all_inner_texts()
    )
    page.goto(base_url + "es/search/?q=zzzzqqq")
    page.locator(".no-results").wait_for()
    assert page.locator(".no-results").inner_text().startswith("Ninguna página coincide")
    page.close()


def test_language_switch_is_announced_in_the_target_language(browser: Browser, base_url: str) -> None:
    page = browser.new_page()
    page.goto(base_url + "en/guides/know-your-rights-at-home/")
    switch = page.get_by_role("navigation", name="Language").get_by_role("link")
    assert switch.all_inner_texts() == ["Español"]
    assert switch.get_attribute("lang") == "es" and switch.get_attribute("hreflang") == "es"
    switch.click()
    assert re.search(r"/es/guias/sus-derechos-en-casa/", page.url)
    page.close()


def test_the_alert_menu_footer_and_a_sites_own_section_are_accessible_and_reflow(
    browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A site with everything site.yaml and the content folder can add around a page: a site alert above
    the menu, a menu and a footer of its own with an untranslated page among their links, plain pages
    and a section of kind pages, in English and Spanish."""
    from ..test_content_model import CONFIG, FILES

    root = tmp_path / "own"
    for name, text in FILES.items():
        if name.startswith("templates/"):
            continue  # the theme's own templates, as most sites use them
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "site.yaml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1772280000")  # 28 February 2026: the alert is shown
    build(BuildOptions(site_dir=root, out_dir=root / "site"))
    paths = ["en/", "es/", "en/about/", "es/acerca/", "es/accessibility/", "en/register/", "es/inscribirse/"]
    paths += ["es/inscribirse/pensilvania/", "en/guides/flyer/"]
    axe = AXE.read_text(encoding="utf-8")
    found: dict[str, str] = {}
    too_wide: dict[str, int] = {}
    with serve(root / "site") as url:
        for width in (320, 360, 1280):
            context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 800})
            page = context.new_page()
            for path in paths:
                page.goto(url + path)
                assert page.get_by_role("region", name=re.compile("Site alert|Alerta del sitio")).count() == 1
                if width == 320:
                    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
                    if scroll_width > 320:
                        too_wide[path] = scroll_width
                    continue
                for rule, what in axe_violations(page, axe).items():
                    found[f"{width}px /{path}: {rule}"] = what
            context.close()
    assert found == {}
    assert too_wide == {}
