"""`status`: translated, missing and outdated pages, in a real git repository made in the test."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

import pytest

from pregon.cli import run

from .conftest import BuildRun, SiteTree, page

ENGLISH = "content/en/faq/what.md"
SPANISH = "content/es/faq/que.md"


def git(tree: SiteTree, *arguments: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *arguments],
        cwd=tree.root,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repository(site_tree: Callable[..., SiteTree]) -> SiteTree:
    tree = site_tree(
        {
            ENGLISH: page("What?", body="## One?\n\nFirst answer.\n\n## Two?\n\nSecond answer."),
            SPANISH: page(
                "¿Qué?", translation_key="what", body="## ¿Una?\n\nPrimera respuesta.\n\n## ¿Dos?\n\nSegunda."
            ),
            "content/en/guides/only-english.md": page("Only English", body="## Facts\n\nText."),
        }
    )
    git(tree, "init", "-q")
    git(tree, "add", "-A")
    git(tree, "commit", "-qm", "first")
    return tree


def status(tree: SiteTree, capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    from pregon.cli import run

    capsys.readouterr()
    code = run(["status", "--site", str(tree.root), *arguments])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def states(tree: SiteTree, capsys: pytest.CaptureFixture[str]) -> dict[tuple[str, str], str]:
    code, out, _ = status(tree, capsys, "--json")
    assert code == 0
    return {(p["key"], p["lang"]): p["state"] for p in json.loads(out)["pages"]}


def test_a_translators_day(
    repository: SiteTree, capsys: pytest.CaptureFixture[str], build: Callable[..., BuildRun]
) -> None:
    tree = repository
    assert states(tree, capsys) == {
        ("what", "en"): "source",
        ("what", "es"): "untracked",
        ("only-english", "en"): "source",
        ("only-english", "es"): "missing",
    }
    code, out, _ = status(tree, capsys, "--strict")
    assert code == 1 and "missing" in out

    # The translator checks the translation, then records the source version it follows.
    code, out, _ = status(tree, capsys, "--mark", str(tree.root / SPANISH))
    assert code == 0 and "Marked" in out
    assert states(tree, capsys)[("what", "es")] == "translated"
    git(tree, "commit", "-qam", "mark")

    # The English source changes: the translation is now outdated.
    english = tree.root / ENGLISH
    english.write_text(english.read_text().replace("First answer.", "First answer, corrected.") + "\nA new line.\n")
    assert states(tree, capsys)[("what", "es")] == "outdated"
    code, out, _ = status(tree, capsys)
    assert "outdated" in out and SPANISH in out

    # The diff shows exactly what changed in the source since the translation.
    code, out, _ = status(tree, capsys, "--diff", SPANISH)
    assert code == 0
    changed = [line for line in out.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == ["-First answer.", "+First answer, corrected.", "+", "+A new line."]

    # Readers of the outdated translation are told, in Spanish, with a link to the current English page.
    result = build(tree)
    assert result.code == 0, result.err
    notice = tree.html("es/preguntas-frecuentes/que/index.html").findall(".//article/div[@class='notice']")
    assert len(notice) == 1
    text = " ".join("".join(notice[0].itertext()).split())
    assert "La versión en inglés de esta página cambió" in text
    link = notice[0].find(".//a")
    assert "".join(link.itertext()) == "Lea la versión actual en inglés"
    assert link.get("href") == "../../../en/faq/what/index.html"

    # Translating the change and marking it again clears the notice.
    code, _, _ = status(tree, capsys, "--mark", SPANISH)
    assert states(tree, capsys)[("what", "es")] == "translated"
    assert build(tree).code == 0
    assert tree.html("es/preguntas-frecuentes/que/index.html").find(".//article/div[@class='notice']") is None


def test_the_notice_names_the_date_the_source_was_updated(
    repository: SiteTree, capsys: pytest.CaptureFixture[str], build: Callable[..., BuildRun]
) -> None:
    tree = repository
    status(tree, capsys, "--mark", SPANISH)
    tree.write({ENGLISH: page("What?", updated="2024-03-05", body="## One?\n\nNew.\n\n## Two?\n\nSecond.")})
    assert build(tree).code == 0
    notice = tree.html("es/preguntas-frecuentes/que/index.html").find(".//article/div[@class='notice']/p")
    assert "se actualizó el 5 de marzo de 2024" in "".join(notice.itertext())


def test_diff_without_git_history_says_what_to_do(
    site_tree: Callable[..., SiteTree], capsys: pytest.CaptureFixture[str]
) -> None:
    tree = site_tree({ENGLISH: page("What?"), SPANISH: page("¿Qué?", translation_key="what")})
    status(tree, capsys, "--mark", SPANISH)
    (tree.root / ENGLISH).write_text(page("What?", body="Changed."))
    code, _, err = status(tree, capsys, "--diff", SPANISH)
    assert code == 1 and "is not in git's history" in err and "commit sources before marking" in err
    code, _, err = status(tree, capsys, "--mark", ENGLISH)
    assert code == 1 and "is not a translation of another page" in err


def test_catalog_status_counts_translated_fuzzy_and_missing(
    site_tree: Callable[..., SiteTree], capsys: pytest.CaptureFixture[str]
) -> None:
    footer = "<footer>{{ _('One of our own') }} {{ _('Another of our own') }}</footer>\n"
    tree = site_tree({ENGLISH: page("What?"), "templates/footer.html": footer})
    assert run(["i18n", "extract", "--site", str(tree.root)]) == 0
    assert run(["i18n", "init", "es", "--site", str(tree.root)]) == 0
    po = tree.root / "translations/es/LC_MESSAGES/messages.po"
    text = po.read_text().replace('msgid "One of our own"\nmsgstr ""', '#, fuzzy\nmsgid "One of our own"\nmsgstr "Uno"')
    po.write_text(text)
    code, out, _ = status(tree, capsys, "--json")
    (catalog,) = json.loads(out)["catalogs"]
    assert catalog["lang"] == "es" and catalog["fuzzy"] == 1 and catalog["missing"] == 1
    assert catalog["translated"] >= 40 and catalog["errors"] == []
    code, _, _ = status(tree, capsys, "--strict")
    assert code == 1
