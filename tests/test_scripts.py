"""Any language, any script: a language needs only its code, addresses and anchors keep the letters of
other scripts (Latin-script ones fold as they always did), language tags follow the locale, and a
language Babel does not know can borrow another's dates and plurals."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from urllib.parse import unquote

import pytest

from pregon.config import load_config
from pregon.slugs import slugify

from .conftest import BuildRun, SiteTree, page

FIVE = """\
base_url: "https://www.example.org/"
default_language: en
site_name: Example County
languages:
  - code: en
  - code: es
    site_name: Condado de Ejemplo
  - code: zh-Hans
    site_name: 示例县
  - code: ar
    site_name: مقاطعة المثال
    sections: {guides: أدلة}
  - code: bn
    site_name: উদাহরণ কাউন্টি
"""


def test_a_language_needs_only_its_code(site_tree: Callable[..., SiteTree]) -> None:
    tree = site_tree({}, config=FIVE)
    config = load_config(tree.root).config
    assert config is not None
    described = [(lang.code, lang.name, lang.direction, lang.locale, lang.tag) for lang in config.languages]
    assert described == [
        ("en", "English", "ltr", "en", "en"),
        ("es", "Español", "ltr", "es", "es"),
        ("zh-Hans", "中文 (简体)", "ltr", "zh_Hans", "zh-Hans"),
        ("ar", "العربية", "rtl", "ar", "ar"),
        ("bn", "বাংলা", "ltr", "bn", "bn"),
    ]
    assert config.language("en").site_name == "Example County"
    assert config.language("ar").segment("guides") == "أدلة"
    assert config.language("bn").segment("faq") == "faq"  # a section's own name where none is given


def test_the_lang_tag_is_the_locales(site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]) -> None:
    config = FIVE.replace("  - code: zh-Hans\n", "  - code: zh\n    locale: zh_Hant\n").replace("示例县", "示例縣")
    tree = site_tree({"content/en/faq/q.md": page("Q", body="## One?\n\nYes.")}, config=config)
    assert build(tree).code == 0
    assert tree.html("zh/faq/q/index.html").get("lang") == "zh-Hant"
    html = tree.html("zh/index.html")
    assert html.get("lang") == "zh-Hant"
    assert {link.get("hreflang") for link in html.findall(".//link[@rel='alternate']")} >= {"zh-Hant", "en"}
    switch = [a.get("lang") for a in tree.html("en/index.html").findall(".//nav[@class='language-switch']//a")]
    assert "zh-Hant" in switch


def test_a_language_babel_does_not_know_gives_its_name_and_borrows_a_locale(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    config = FIVE + "  - code: ypk\n    name: Yugtun\n    locale: en\n"
    tree = site_tree({"content/en/faq/q.md": page("Q", body="## One?\n\nYes.")}, config=config)
    result = build(tree, "--strict")
    # A warning, which --strict makes an error: the site's own choice, to be confirmed.
    assert result.code == 1 and 'Babel does not know the language "ypk"' in result.err
    result = build(tree)
    assert result.code == 0, result.err
    assert 'its pages still say lang="ypk"' in result.err
    assert tree.html("ypk/faq/q/index.html").get("lang") == "ypk"
    nameless = site_tree({"content/en/faq/q.md": page("Q", body="## One?\n\nYes.")}, config=FIVE + "  - code: ypk\n")
    refused = build(nameless)
    assert refused.code == 1 and "site.yaml:15: error:" in refused.err
    assert 'Babel does not know the language "ypk", so it cannot give its name' in refused.err


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        # Latin script: exactly as it always was.
        ("¿Qué es PARS?", "que-es-pars"),
        ("Guía de derechos", "guia-de-derechos"),
        ("Straße & Ñandú", "strasse-nandu"),
        # Other scripts keep their letters, marks included.
        ("নির্বাচনের দিন পর্যন্ত", "নির্বাচনের-দিন-পর্যন্ত"),
        ("كاليفورنيا", "كاليفورنيا"),
        ("你的权利：在家里", "你的权利-在家里"),
        ("Ελλάδα", "ελλάδα"),
        ("PARS 数据库", "pars-数据库"),
    ],
)
def test_slugs_and_anchors(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_transliterated_addresses() -> None:
    assert slugify("كاليفورنيا", transliterate=True) == "klyfwrny"
    assert slugify("你的权利", transliterate=True) == "nidequanli"


def test_addresses_and_anchors_in_other_scripts(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    files = {
        "content/en/guides/voting.md": page("How to vote", body="## Facts\n\nSee [when](../faq/questions.md#when)."),
        "content/ar/guides/كاليفورنيا.md": page("كيف تصوت", translation_key="voting", body="## الحقائق\n\nنص."),
        "content/en/faq/questions.md": page("Questions", body="## When?\n\nAny day."),
        "content/bn/faq/প্রশ্ন.md": page(
            "প্রশ্ন", translation_key="questions", body="## নির্বাচনের দিন পর্যন্ত?\n\nযে কোনো দিন।\n\n## তথ্য\n\nক।"
        ),
    }
    tree = site_tree(files, config=FIVE)
    assert build(tree).code == 0
    arabic = tree.out / "ar/أدلة/كاليفورنيا/index.html"
    assert arabic.is_file()
    headings = tree.html("bn/faq/প্রশ্ন/index.html").findall(".//div[@class='body']/h2")
    assert [h.get("id") for h in headings] == ["নির্বাচনের-দিন-পর্যন্ত", "তথ্য"]
    # Links to them are percent-encoded, and lead to the folder on the disk.
    english = tree.html("en/guides/voting/index.html")
    (to_arabic,) = [a.get("href") for a in english.findall(".//nav[@class='language-switch']//a[@lang='ar']")]
    assert to_arabic.isascii() and "%D8%A3%D8%AF%D9%84%D8%A9" in to_arabic
    assert (tree.out / "en/guides/voting" / unquote(to_arabic)).resolve() == arabic.resolve()


def test_two_file_names_that_differ_only_in_normalisation_are_one_address(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    composed, decomposed = "caf\u00e9-ελλάδα", "cafe\u0301-ελλάδα"
    files = {
        f"content/en/faq/{composed}.md": page("One", body="## A?\n\nB."),
        f"content/en/faq/{decomposed}.md": page("Two", translation_key="two", body="## A?\n\nB."),
    }
    result = build(site_tree(files, config=FIVE))
    assert result.code == 1
    assert "produces the same address" in result.err


def test_a_build_warns_when_no_installed_font_has_a_printed_languages_letters(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    """Vai (Liberia) is a script Debian's fonts-noto-core does not cover: what fontconfig says of it on this
    machine decides whether the build must warn, and --strict still passes, since it is about the machine."""
    fonts = subprocess.run(["fc-list", ":lang=vai", "family"], capture_output=True, text=True, check=True).stdout
    config = FIVE + "  - code: vai\n    site_name: Example County\n"
    files = {
        "content/en/guides/voting.md": page("How to vote", body="## Facts\n\nText."),
        "content/vai/guides/voting.md": page("ꕙꔤ", body="## ꕙꔤ\n\nꕙꔤ ꔒꕌ."),
    }
    result = build(site_tree(files, config=config), "--strict")
    warned = "no font on this machine has the Vai letters of" in result.err
    assert warned == (not fonts.strip()), result.err
    if warned:
        assert "apt-get install fonts-noto-core" in result.err
        # Still a warning under --strict, which makes the others errors: it is about the machine.
        assert "site.yaml: warning: no font on this machine has the Vai letters" in result.err
    assert "error: no font" not in result.err
