"""The whole build: exit codes, nothing lost on failure, byte-identical output, a third language."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import REPO, BuildRun, SiteTree, page

GOOD = {
    "content/en/faq/what.md": page("What?", body="## One?\n\nYes. See [the guide](../guides/guide.md)."),
    "content/es/faq/que.md": page(
        "¿Qué?", translation_key="what", body="## ¿Una?\n\nSí. Vea [la guía](../guides/guide.md)."
    ),
    "content/en/guides/guide.md": page("Guide", body="## Facts\n\nText."),
}
PO = "translations/es/LC_MESSAGES/messages.po"


def tree_hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_summary_line_and_exit_code(site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]) -> None:
    tree = site_tree(GOOD)
    result = build(tree)
    assert result.code == 0
    (summary,) = result.out.strip().split("\n")
    assert summary.startswith("Built 4 pages: en 2, es 2 (1 untranslated); 0 warning(s); ")
    assert summary.endswith(" s")


def test_usage_error_exits_2() -> None:
    result = subprocess.run([sys.executable, "build.py", "--no-such-option"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 2 and "usage:" in result.stderr


def test_same_input_builds_byte_identical_files(
    shipped_site: SiteTree, build: Callable[..., BuildRun], tmp_path: Path
) -> None:
    assert build(shipped_site).code == 0
    first = tree_hashes(shipped_site.out)
    other = SiteTree(tmp_path / "elsewhere")
    shutil.copytree(shipped_site.root, other.root, ignore=shutil.ignore_patterns("site"))
    assert build(other).code == 0
    assert tree_hashes(other.out) == first


def test_content_and_out_options_build_any_folder(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun], tmp_path: Path
) -> None:
    tree = site_tree({})
    other_content = tmp_path / "elsewhere/content"
    (other_content / "en/guides").mkdir(parents=True)
    (other_content / "en/guides/g.md").write_text(page("Elsewhere"))
    out = tmp_path / "public"
    result = build(tree, "--content", str(other_content), "--out", str(out))
    assert result.code == 0, result.err
    assert (out / "en/guides/g/index.html").is_file() and (out / "es/guias/g/index.html").is_file()


@pytest.mark.parametrize("out", [".", "content", "content/en", ".."])
def test_output_folder_may_not_hold_the_sources(
    out: str, site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    tree = site_tree(GOOD)
    result = build(tree, "--out", str(tree.root / out))
    assert result.code == 1 and "the output folder would replace or sit inside the sources" in result.err
    assert (tree.root / "content/en/faq/what.md").is_file()


def test_leftovers_of_an_interrupted_build_are_removed(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    tree = site_tree(GOOD)
    leftover = tree.root / ".pregon-build-site.abc123"  # as a killed build into site/ names it
    (leftover / "en").mkdir(parents=True)
    assert build(tree).code == 0
    assert not leftover.exists()


def test_built_files_are_readable_by_a_web_server(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    tree = site_tree(GOOD)
    assert build(tree).code == 0
    assert tree.out.stat().st_mode & 0o777 == 0o755
    assert (tree.out / "index.html").stat().st_mode & 0o777 == 0o644


ARABIC_CONFIG_ADDITION = """\
  - code: ar
    name: العربية
    direction: rtl
    site_name: مدينة المثال
    sections: {announcements: iilanat, faq: asila, guides: adilla}
"""
ARABIC_PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: ar\\n"
"Plural-Forms: nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);\\n"

msgid "Skip to main content"
msgstr "انتقل إلى المحتوى الرئيسي"

msgid "Action guides"
msgstr "أدلة العمل"
"""


def test_a_third_language_right_to_left_needs_no_code_change(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    from .conftest import MINIMAL_CONFIG

    tree = site_tree(
        {
            **GOOD,
            "content/ar/guides/dalil.md": page("دليل", translation_key="guide"),
            "translations/ar/LC_MESSAGES/messages.po": ARABIC_PO,
        },
        config=MINIMAL_CONFIG + ARABIC_CONFIG_ADDITION,
    )
    result = build(tree)
    assert result.code == 0, result.err
    assert "ar 2 (1 untranslated)" in result.out
    arabic = tree.html("ar/adilla/dalil/index.html")
    assert arabic.get("lang") == "ar" and arabic.get("dir") == "rtl"
    assert arabic.find(".//a[@class='skip-link']").text == "انتقل إلى المحتوى الرئيسي"
    assert arabic.findtext(".//nav[@class='breadcrumb']/a") == "أدلة العمل"
    switch = {a.get("hreflang"): a.text for a in arabic.findall(".//nav[@class='language-switch']//a")}
    assert switch == {"en": "English", "es": "Español"}
    english = tree.html("en/guides/guide/index.html")
    to_arabic = english.find(".//nav[@class='language-switch']//a[@hreflang='ar']")
    assert to_arabic.text == "العربية" and to_arabic.get("lang") == "ar"
    assert to_arabic.get("href") == "../../../ar/adilla/dalil/index.html"
    # An English-only FAQ falls back in Arabic, right to left interface, left to right content.
    fallback = tree.html("ar/asila/what/index.html")
    assert fallback.get("dir") == "rtl" and fallback.find(".//article").get("dir") == "ltr"
    # Strings the site's Arabic catalog lacks come from the theme's Arabic catalog, message by message.
    from babel.messages.pofile import read_po

    from pregon.theme import THEME_DIR

    with (THEME_DIR / "translations/ar/LC_MESSAGES/messages.po").open("rb") as file:
        theirs = read_po(file)
    assert arabic.find(".//form[@role='search']//button").text == theirs["Search"].string
    assert "not translated" not in result.err


def test_a_crash_prints_a_short_message_and_where_the_trace_is(
    site_tree: Callable[..., SiteTree], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from pregon import pipeline
    from pregon.cli import run

    tree = site_tree(GOOD)

    def broken(*arguments: object, **keywords: object) -> None:
        raise RuntimeError("a bug in a stage")

    monkeypatch.setattr(pipeline, "load_catalogs", broken)
    code = run(["build", "--site", str(tree.root)])
    err = capsys.readouterr().err
    assert code == 70 and "Traceback" not in err and "this is a bug in pregon" in err
    trace = Path(err.split("saved to ")[1].split(";")[0])
    assert "RuntimeError: a bug in a stage" in trace.read_text()
    trace.unlink()
