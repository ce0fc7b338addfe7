"""Action guides printed from Chromium: no navigation, link addresses shown, headings kept with their text."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from ..conftest import parse_html

GUIDES = [
    "en/guides/know-your-rights-at-home/",
    "en/guides/pars-and-public-safety/",
    "es/guias/sus-derechos-en-casa/",
    "es/guias/pars-y-seguridad-publica/",
]


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [page for page in text.split("\f") if page.strip()]


@pytest.mark.parametrize("paper", ["Letter", "A4"])
@pytest.mark.parametrize("guide", GUIDES)
def test_a_printed_guide_has_all_its_text_and_no_navigation(
    browser: Browser, base_url: str, built_site: Path, tmp_path: Path, guide: str, paper: str
) -> None:
    page = browser.new_page()
    page.goto(base_url + guide)
    page.emulate_media(media="print")
    shown = page.evaluate(
        """() => [...document.querySelectorAll('header, nav, form, footer, .skip-link')]
        .filter((element) => element.getClientRects().length > 0).map((element) => element.outerHTML.slice(0, 60))"""
    )
    assert shown == [], "navigation, search and the language switch must not print"
    skip_text = page.locator(".skip-link").inner_text()
    pdf = tmp_path / "guide.pdf"
    page.pdf(path=str(pdf), format=paper, print_background=True)
    page.close()

    size = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert f"pts ({paper.lower() if paper == 'Letter' else paper})" in size

    pages = pdf_pages(pdf)
    flat = " ".join(" ".join(pages).split())
    source = parse_html((built_site / guide / "index.html").read_bytes())
    article = source.find(".//article")
    # The download links are for the screen only: a printed guide is already on paper.
    printed = "[not(ancestor::section[@class='downloads'])]"
    headings = [" ".join("".join(h.itertext()).split()) for h in article.xpath(f".//h1{printed} | .//h2{printed}")]
    for heading in headings:
        assert heading in flat
    # The text reads whole once the printed addresses are taken out.
    # Each address is between a left-to-right isolate and its end (U+2066, U+2069) where pdftotext keeps them.
    without_addresses = re.sub(r" ?\(\u2066?(?:https?|mailto|tel):[^)]*\)", "", flat)
    for paragraph in article.xpath(f".//p{printed} | .//li{printed}"):
        words = " ".join("".join(paragraph.itertext()).split())
        assert words in without_addresses, words
    assert skip_text not in flat
    # Every link's address is printed after it, in full.
    for link in article.xpath(f".//a{printed}"):
        address = link.get("data-print-url") or link.get("href")
        assert "".join(address.split()) in "".join(flat.split()), address
    # No page ends with a heading cut off from the text that follows it.
    for text in pages[:-1]:
        last = [line.strip() for line in text.splitlines() if line.strip()][-1]
        assert last not in headings, f"a page ends with the heading {last!r}"
