"""Search in Chromium on a site in English, Spanish and Chinese: other word forms, words inside Chinese
sentences, excerpts that mark what matched, FAQ questions as sub-results, and the pages left
untranslated offered in their own language."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Browser, Page
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from pregon.pipeline import BuildOptions, build

from ..browser import get_text, preview_server, serve, wait_for
from ..conftest import THREE_LANGUAGES, SiteTree
from .conftest import AXE
from .test_pages import axe_violations


def _page(title: str, summary: str, body: str, key: str, **fields: str) -> str:
    lines = [f"title: {title}", f"summary: {summary}", f"translation_key: {key}"]
    lines += [f"{name}: {value}" for name, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


FILES = {
    "content/en/announcements/legal-help.md": _page(
        "Free legal help for renters",
        "The City pays for lawyers who stand beside renters in housing court.",
        "Renters who receive an eviction notice can ask for a free lawyer before their hearing.\n\n"
        "The program also helps tenants whose landlord refuses to make repairs.",
        "legal-help",
        date="2026-10-01",
    ),
    "content/es/announcements/ayuda-legal.md": _page(
        "Ayuda legal gratuita para inquilinos",
        "La Ciudad paga abogados que acompañan a los inquilinos ante el tribunal de vivienda.",
        "Quienes reciben un aviso de desalojo pueden pedir un abogado gratuito antes de la audiencia.\n\n"
        "El programa también ayuda a los inquilinos cuyo arrendador se niega a hacer reparaciones.",
        "legal-help",
        date="2026-10-01",
    ),
    "content/zh-Hans/announcements/legal-help.md": _page(
        "为租户提供免费法律援助",
        "市政府出资聘请律师，在住房法庭上为租户提供帮助。",
        "收到驱逐通知的租户可以在听证会之前申请免费律师为自己辩护。\n\n如果房东拒绝维修房屋，该项目同样可以提供帮助。",
        "legal-help",
        date="2026-10-01",
    ),
    "content/en/announcements/library-hours.md": _page(
        "Libraries open later in winter",
        "Neighborhood libraries stay open two more hours on weekdays.",
        "Every neighborhood library now closes later on weekdays, so that students can study after school.",
        "library-hours",
        date="2026-11-15",
    ),
    "content/en/faq/status-questions.md": _page(
        "Questions about immigration status",
        "What City workers may and may not ask.",
        "## Can a City worker ask about my immigration status?\n\n"
        "No. City workers do not ask about immigration status to give you a service.\n\n"
        "## Will the police share my information?\n\n"
        "The police do not share what you tell them with federal immigration agents, except as the law requires.\n",
        "status-questions",
    ),
    "content/es/faq/preguntas-estatus.md": _page(
        "Preguntas sobre el estatus migratorio",
        "Lo que el personal de la Ciudad puede y no puede preguntar.",
        "## ¿Puede un empleado de la Ciudad preguntar por mi estatus migratorio?\n\n"
        "No. El personal de la Ciudad no pregunta por el estatus migratorio para darle un servicio.\n\n"
        "## ¿Compartirá la policía mi información?\n\n"
        "La policía no comparte lo que usted le dice con los agentes federales de inmigración, "
        "salvo cuando la ley lo exige.\n",
        "status-questions",
    ),
}


@pytest.fixture(scope="module")
def three_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built: its output folder."""
    tree = SiteTree(tmp_path_factory.mktemp("three") / "site-root")
    tree.root.mkdir()
    tree.write({"site.yaml": THREE_LANGUAGES, **FILES})
    build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
    return tree.out


@pytest.fixture(scope="module")
def three(three_site: Path) -> Iterator[str]:
    """The site served at its root; yields its address."""
    with serve(three_site) as url:
        yield url


def _results(page: Page, address: str, timeout: float = 30_000) -> list[str]:
    page.goto(address)
    page.locator(".search-results > ol > li > a, .no-results").first.wait_for(timeout=timeout)
    return page.locator(".search-results > ol > li > a").all_inner_texts()


def _found_in_preview(page: Page, address: str) -> list[str]:
    """The results, or none while the preview has no index yet (search.js then shows nothing), or while
    the preview reloads the open page after a rebuild (which interrupts going to another address)."""
    try:
        return _results(page, address, timeout=2_000)
    except PlaywrightTimeout:
        return []
    except PlaywrightError as exc:
        if "interrupted by another navigation" not in str(exc):
            raise
        return []


@pytest.fixture
def tab(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def test_other_word_forms_are_found_in_english_and_spanish(tab: Page, three: str) -> None:
    # "tenant", "evicted", "repair": the pages say "tenants", "eviction", "repairs".
    for query in ("tenant", "evicted", "repair", "lawyers"):
        assert _results(tab, f"{three}en/search/?q={query}")[:1] == ["Free legal help for renters"], query
    # "desalojar", "abogados gratuitos", "reparacion": the page says "desalojo", "abogado gratuito",
    # "reparaciones", and the query has lost its accent.
    for query in ("desalojar", "abogados gratuitos", "reparacion", "inquilino"):
        found = _results(tab, f"{three}es/search/?q={quote(query)}")
        assert found[:1] == ["Ayuda legal gratuita para inquilinos"], query
    assert _results(tab, f"{three}es/search/?q={quote('policia')}")[:1] == ["Preguntas sobre el estatus migratorio"]


def test_a_chinese_word_is_found_in_the_middle_of_a_sentence(tab: Page, three: str) -> None:
    # Each of these stands inside a sentence, with no space or punctuation around it.
    for query in ("律师", "驱逐", "维修"):
        assert _results(tab, f"{three}zh-Hans/search/?q={quote(query)}")[:1] == ["为租户提供免费法律援助"], query


def test_the_first_excerpt_marks_the_words_found(tab: Page, three: str) -> None:
    _results(tab, f"{three}en/search/?q=eviction")
    first = tab.locator(".search-results > ol > li").first
    marked = [text.lower() for text in first.locator("p.excerpt mark").all_inner_texts()]
    assert "eviction" in marked
    assert "receive an eviction notice" in first.locator("p.excerpt").first.inner_text()
    _results(tab, f"{three}zh-Hans/search/?q={quote('律师')}")
    assert "律师" in tab.locator(".search-results > ol > li").first.locator("p.excerpt mark").all_inner_texts()


def test_a_faq_question_is_a_sub_result_leading_to_its_anchor(tab: Page, three: str) -> None:
    assert _results(tab, f"{three}en/search/?q=police")[:1] == ["Questions about immigration status"]
    sub = tab.locator(".search-results .sub-results a").first
    assert sub.inner_text() == "Will the police share my information?"
    href = sub.get_attribute("href") or ""
    assert href.startswith("/en/faq/") and "#" in href
    sub.click()
    tab.wait_for_load_state()
    anchor = urlsplit(tab.url).fragment
    assert tab.locator(f"[id='{anchor}']").inner_text() == "Will the police share my information?"


def test_results_are_announced_and_in_the_readers_language(tab: Page, three: str) -> None:
    _results(tab, f"{three}es/search/?q=zzzqqq")
    results = tab.locator(".search-results")
    assert results.get_attribute("aria-live") == "polite"
    assert tab.locator(".no-results").inner_text().startswith("Ninguna página coincide")
    assert results.locator("h2").inner_text() == "Resultados"


def test_pages_left_untranslated_are_offered_in_their_own_language(tab: Page, three: str) -> None:
    # The library page and the FAQ exist in Chinese only as English fallbacks, which the Chinese
    # index leaves out: the search page offers the same query in English.
    assert _results(tab, f"{three}zh-Hans/search/?q=library") == []
    offer = tab.locator(".search-elsewhere a")
    assert offer.is_visible() and offer.get_attribute("hreflang") == "en"
    assert "英语" in offer.inner_text()
    offer.click()
    tab.locator(".search-results > ol > li > a").first.wait_for()
    assert urlsplit(tab.url).path.startswith("/en/search/") and "q=library" in tab.url
    assert tab.locator(".search-results > ol > li > a").all_inner_texts()[:1] == ["Libraries open later in winter"]
    # Spanish lacks the library page too; English, the default language, lacks nothing: no offer there.
    _results(tab, f"{three}es/search/?q=biblioteca")
    assert tab.locator(".search-elsewhere").is_visible()
    _results(tab, f"{three}en/search/?q=library")
    assert tab.locator(".search-elsewhere").count() == 0


def test_search_results_have_no_axe_violations(browser: Browser, three: str) -> None:
    axe = AXE.read_text(encoding="utf-8")
    context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 800})
    page = context.new_page()
    found = {}
    for address in ("en/search/?q=police", "es/search/?q=desalojo", f"zh-Hans/search/?q={quote('律师')}"):
        _results(page, three + address)
        for rule, what in axe_violations(page, axe).items():
            found[f"/{address}: {rule}"] = what
    context.close()
    assert found == {}


def test_search_keeps_to_the_site_and_its_content_security_policy(browser: Browser, three: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    violations: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: violations.append(message.text) if "Content Security" in message.text else None)
    for address in ("en/search/?q=tenant", f"zh-Hans/search/?q={quote('律师')}"):
        assert _results(page, three + address)
    page.wait_for_load_state("networkidle")
    assert violations == []
    assert any("/pagefind/" in url for url in requests)
    assert all(url.startswith(three) for url in requests), [url for url in requests if not url.startswith(three)]
    # Each index file is fetched once, however many results are shown.
    fetched = [url for url in requests if "/pagefind/fragment/" in url or "/pagefind/index/" in url]
    assert len(fetched) == len(set(fetched))
    context.close()


def test_in_the_preview_an_edit_shows_at_once_and_the_index_follows(browser: Browser, tmp_path: Path) -> None:
    tree = SiteTree(tmp_path / "site-root")
    tree.root.mkdir()
    tree.write({"site.yaml": THREE_LANGUAGES, **FILES})
    library = ["Libraries open later in winter"]
    with preview_server(tree.root) as url:
        tab = browser.new_page()
        wait_for(lambda: _found_in_preview(tab, f"{url}en/search/?q=library")[:1] == library)
        before = get_text(f"{url}__pregon/version")
        edited = FILES["content/en/announcements/library-hours.md"] + "\nThe main branch also lends telescopes.\n"
        tree.write({"content/en/announcements/library-hours.md": edited})
        wait_for(lambda: get_text(f"{url}__pregon/version") != before)
        assert "lends telescopes" in get_text(f"{url}en/announcements/library-hours/")
        wait_for(lambda: _found_in_preview(tab, f"{url}en/search/?q=telescope")[:1] == library)
        # The preview's index is the preview's own: nothing of it is left in the folder `build` publishes.
        assert not tree.out.exists()
        tab.close()


HEADER_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@pytest.mark.parametrize("exception_for_the_index", [True, False])
def test_a_policy_sent_as_a_header_needs_wasm_for_the_index_only(
    browser: Browser, three_site: Path, exception_for_the_index: bool
) -> None:
    """The README's advice for a Content-Security-Policy header: search works with `'wasm-unsafe-eval'`
    for `pagefind/` alone, and finds nothing without it."""

    class WithPolicy(http.server.SimpleHTTPRequestHandler):
        def end_headers(self) -> None:
            policy = HEADER_POLICY
            if exception_for_the_index and self.path.startswith("/pagefind/"):
                policy = policy.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'")
            self.send_header("Content-Security-Policy", policy)
            super().end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the standard library's name
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(WithPolicy, directory=str(three_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        context = browser.new_context()
        tab = context.new_page()
        messages: list[str] = []
        tab.on("console", lambda message: messages.append(message.text))
        address = f"http://127.0.0.1:{server.server_address[1]}/en/search/?q=tenant"
        if exception_for_the_index:
            assert _results(tab, address)[:1] == ["Free legal help for renters"]
            assert not [message for message in messages if "Content Security" in message]
        else:
            with pytest.raises(PlaywrightTimeout):
                _results(tab, address, timeout=5_000)
            assert any("WebAssembly" in message and "Content Security" in message for message in messages)
        context.close()
    finally:
        server.shutdown()
        server.server_close()
