"""`pregon init`: a new site that builds, passes check and has its languages' facts from CLDR."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from pregon.cli import run

from .conftest import SiteTree


def init(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = run(["init", *arguments])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_new_site_in_five_languages_builds_strictly_and_passes_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "county"
    code, out, err = init(capsys, str(folder), "--languages", "en,es,zh-Hans,vi,ar", "--name", "Example County")
    assert code == 0, err
    settings = yaml.safe_load((folder / "site.yaml").read_text(encoding="utf-8"))
    facts = {item["code"]: (item["name"], item["locale"], item["direction"]) for item in settings["languages"]}
    assert facts == {
        "en": ("English", "en", "ltr"),
        "es": ("Español", "es", "ltr"),
        "zh-Hans": ("中文 (简体)", "zh_Hans", "ltr"),
        "vi": ("Tiếng Việt", "vi", "ltr"),
        "ar": ("العربية", "ar", "rtl"),
    }
    assert settings["default_language"] == "en"
    assert all(item["sections"] == {s: s for s in ("announcements", "faq", "guides")} for item in settings["languages"])
    assert not (folder / "templates").exists() and not (folder / "translations").exists()
    assert (folder / "README.md").is_file() and "pregon serve" in (folder / "README.md").read_text()

    assert run(["build", "--site", str(folder), "--strict"]) == 0, capsys.readouterr().err
    assert run(["check", "--site", str(folder)]) == 0, capsys.readouterr().out
    capsys.readouterr()
    assert run(["status", "--site", str(folder), "--json"]) == 0
    pages = json.loads(capsys.readouterr().out)["pages"]
    # A starter page in each section, translated into every language pregon has starter text for.
    assert {page["section"] for page in pages} == {"announcements", "faq", "guides"}
    assert {page["state"] for page in pages} == {"source", "translated"}
    tree = SiteTree(folder)
    arabic = tree.html("ar/faq/about-this-site/index.html")
    assert arabic.get("lang") == "ar" and arabic.get("dir") == "rtl"
    assert tree.html("es/announcements/bienvenida/index.html").find(".//h1").text == "Bienvenidos al nuevo sitio"


def test_a_default_language_without_starter_text_gets_english_pages_and_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "site"
    code, out, _ = init(capsys, str(folder), "--languages", "fr,en")
    assert code == 0 and "the starter pages are in English" in out
    assert (folder / "content/fr/faq/about-this-site.md").is_file()
    assert (folder / "content/en/faq/about-this-site.md").is_file()  # as its translation into English
    assert 'name: "Français"' in (folder / "site.yaml").read_text(encoding="utf-8")
    assert run(["build", "--site", str(folder)]) == 0


def test_init_refuses_a_folder_that_already_has_a_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "site.yaml").write_text("mine\n")
    code, _, err = init(capsys, str(tmp_path), "--languages", "en")
    assert code == 1 and "already exists" in err
    assert (tmp_path / "site.yaml").read_text() == "mine\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site.yaml"]


@pytest.mark.parametrize(
    ("languages", "said"),
    [
        ("en,qqq", 'no data for the language "qqq"'),
        ("en,EN!", "is not a language tag"),
        ("en,en", "twice"),
        (",", "at least one"),
    ],
)
def test_init_refuses_languages_it_cannot_describe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], languages: str, said: str
) -> None:
    code, _, err = init(capsys, str(tmp_path / "site"), "--languages", languages)
    assert code == 2 and said in err
    assert not (tmp_path / "site").exists()
