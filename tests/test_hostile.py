"""Hostile content: no place an author or translator writes can put script into a page."""

from __future__ import annotations

import json
from collections.abc import Callable

from lxml import etree

from .conftest import MINIMAL_CONFIG, BuildRun, SiteTree, page

XSS = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def scripts_and_handlers(root: etree._Element) -> list[str]:
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if (
            element.tag == "script"
            and element.get("type") != "application/ld+json"
            and not (element.get("type") == "module" and element.get("src", "").endswith("static/search.js"))
        ):
            found.append(etree.tostring(element, encoding="unicode")[:80])
        found += [f"{element.tag} {name}" for name in element.attrib if name.lower().startswith("on")]
        found += [f"{element.tag} {value}" for value in element.attrib.values() if "javascript:" in value.lower()]
    return found


def test_front_matter_body_and_site_name_cannot_inject_script(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    title = json.dumps(XSS)
    tree = site_tree(
        {
            "content/en/faq/x.md": page(
                title=title, summary=title, body=f"## {XSS}\n\n{XSS}\n\n[a](javascript:alert(3))"
            ),
            "content/en/announcements/y.md": page(title=title, summary=title, date="2020-01-01", body=XSS),
        },
        config=MINIMAL_CONFIG.replace("site_name: Example City", f"site_name: {title}"),
    )
    result = build(tree)
    assert result.code == 0, result.err
    assert "removed unsafe HTML" in result.err
    checked = 0
    for path in sorted(tree.out.rglob("*.html")):
        root = tree.html(path.relative_to(tree.out).as_posix())
        assert scripts_and_handlers(root) == [], path
        checked += 1
    assert checked > 10
    page_root = tree.html("en/faq/x/index.html")
    assert page_root.findtext(".//h1") == XSS  # shown as text, not markup
    assert page_root.find(".//a[@class='site-name']").text == XSS
    ld = page_root.find(".//script[@type='application/ld+json']")
    assert "</script" not in ld.text and "<" not in ld.text
    assert json.loads(ld.text)["mainEntity"][0]["name"] == '">'  # the heading's text once sanitized
    feed = etree.parse(str(tree.out / "en/feed.xml")).getroot()
    assert feed.findtext("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title") == XSS


def test_translated_strings_are_text_even_when_not_refused(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    # The catalog check refuses markup; should a string slip through (an ampersand is allowed), it is
    # still escaped, never trusted as HTML.
    tree = site_tree({"content/es/faq/x.md": page()})
    po = tree.own("translations/es/LC_MESSAGES/messages.po")
    po.write_text(po.read_text().replace('msgstr "Idioma"', 'msgstr "Idioma & <1"'), encoding="utf-8")
    result = build(tree)
    assert result.code == 0, result.err
    nav = tree.html("es/index.html").find(".//nav[@class='language-switch']")
    assert nav.get("aria-label") == "Idioma & <1"
    assert b'aria-label="Idioma &amp; &lt;1"' in (tree.out / "es/index.html").read_bytes()
