"""A site in English, Spanish, Chinese (Simplified), Arabic and Bengali, one of its files named in Arabic
script, in Chromium: addresses and anchors work in each script, right-to-left pages isolate what they put
inside their sentences, there is nothing for axe to report, and each printed guide embeds a font that has
its script's letters."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from pregon.pipeline import BuildOptions, build

from ..browser import serve
from ..conftest import page as page_text
from ..test_scripts import FIVE
from .conftest import AXE
from .test_pages import axe_violations

FILES = {
    "content/en/guides/voting.md": page_text(
        "How to vote", body="## Facts\n\nPolls are open. See [when](../faq/questions.md#when)."
    ),
    "content/ar/guides/كاليفورنيا.md": page_text(
        "كيف تصوت",
        translation_key="voting",
        body="## الحقائق\n\nمراكز الاقتراع مفتوحة. انظر [الأسئلة](../faq/questions.md).",
    ),
    "content/zh-Hans/guides/投票.md": page_text("如何投票", translation_key="voting", body="## 事实\n\n投票站已开放。"),
    "content/bn/guides/ভোট.md": page_text(
        "কীভাবে ভোট দেবেন",
        translation_key="voting",
        body="## তথ্য\n\nভোটকেন্দ্র খোলা আছে। [প্রশ্ন](../faq/প্রশ্ন.md#নির্বাচনের-দিন)",
    ),
    "content/en/faq/questions.md": page_text("Questions", body="## When?\n\nAny day."),
    "content/bn/faq/প্রশ্ন.md": page_text("প্রশ্ন", translation_key="questions", body="## নির্বাচনের দিন\n\nযে কোনো দিন।"),
}


@pytest.fixture(scope="module")
def five(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    root = tmp_path_factory.mktemp("five")
    (root / "site.yaml").write_text(FIVE, encoding="utf-8")
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    build(BuildOptions(site_dir=root, out_dir=root / "site"))
    with serve(root / "site") as url:
        yield root / "site", url


def test_addresses_and_anchors_work_in_each_script(browser: Browser, five: tuple[Path, str]) -> None:
    _, url = five
    page = browser.new_page()
    page.goto(url + "en/guides/voting/")
    page.locator(".language-switch a[lang='ar']").click()
    assert page.locator("h1").inner_text() == "كيف تصوت"
    assert "%D9%83%D8%A7%D9%84%D9%8A%D9%81%D9%88%D8%B1%D9%86%D9%8A%D8%A7" in page.url  # كاليفورنيا
    page.locator(".language-switch a[lang='bn']").click()
    assert page.locator("h1").inner_text() == "কীভাবে ভোট দেবেন"
    page.locator(".body a").click()
    assert page.locator("h1").inner_text() == "প্রশ্ন"
    target = page.evaluate("() => document.getElementById(decodeURIComponent(location.hash.slice(1)))?.textContent")
    assert target == "নির্বাচনের দিন"
    page.goto(url + "zh-Hans/guides/")
    page.get_by_role("link", name="如何投票").click()
    assert page.locator("h1").inner_text() == "如何投票"
    page.close()


def test_right_to_left_pages_isolate_the_names_they_put_in_sentences(browser: Browser, five: tuple[Path, str]) -> None:
    _, url = five
    page = browser.new_page()
    page.goto(url + "ar/faq/questions/")  # not translated into Arabic: a notice names two languages
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    isolated = page.locator(".notice bdi").all_inner_texts()
    assert isolated == ["العربية", "الإنجليزية"]
    page.goto(url + "ar/أدلة/كاليفورنيا/")
    downloads = page.locator(".downloads a").all()
    assert downloads, "the Arabic guide links to its printed editions"
    for link in downloads:
        # Each language list and size is in a <bdi> of its own.
        assert link.locator("bdi").count() >= 1
    page.close()


def test_nothing_for_axe_to_report_in_any_script(browser: Browser, five: tuple[Path, str]) -> None:
    out, url = five
    axe = AXE.read_text(encoding="utf-8")
    found = {}
    context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 800})
    page = context.new_page()
    paths = sorted(path.relative_to(out).as_posix() for path in out.rglob("index.html"))
    assert len(paths) > 30
    for path in paths:
        page.goto(url + path)
        for rule, what in axe_violations(page, axe).items():
            found[f"/{path}: {rule}"] = what
    context.close()
    assert found == {}


@pytest.mark.parametrize(
    ("pdf", "fontconfig_language"),
    [
        ("ar/أدلة/كاليفورنيا/كاليفورنيا.pdf", "ar"),
        ("bn/guides/ভোট/ভোট.pdf", "bn"),
        ("zh-Hans/guides/投票/投票.pdf", "zh-cn"),
    ],
)
def test_each_printed_guide_embeds_a_font_with_its_scripts_letters(
    five: tuple[Path, str], pdf: str, fontconfig_language: str
) -> None:
    out, _ = five
    if shutil.which("pdffonts") is None or shutil.which("fc-list") is None:
        pytest.fail("pdffonts (poppler-utils) and fc-list (fontconfig) are needed: run scripts/test.sh")
    listed = subprocess.run(["pdffonts", str(out / pdf)], capture_output=True, text=True, check=True).stdout
    # A subset's name is its font's, after a six-letter tag and with hyphens for spaces: ABCDEF+Noto-Sans-Bengali.
    embedded = {re.sub(r"^[A-Z]{6}\+", "", line.split()[0]).replace("-", " ") for line in listed.splitlines()[2:]}
    covering = subprocess.run(
        ["fc-list", f":lang={fontconfig_language}", "fullname"], capture_output=True, text=True, check=True
    ).stdout
    names = {name.strip() for line in covering.splitlines() for name in line.split(":", 1)[-1].split(",")}
    names = {name.removeprefix("fullname=") for name in names}
    assert embedded & names, f"{pdf} embeds {sorted(embedded)}, none of which has the script's letters"
