"""The translators' dashboard at /_status/ of the preview, in Chromium: every page's state linking to
the preview, what changed in an out-of-date translation's source (from git), the facts that differ,
the catalogs' counts; without JavaScript, with nothing for axe to report, and up to date after a rebuild."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from pregon.front_matter import blob_id

from ..browser import get_text, preview_server, wait_for
from ..conftest import MINIMAL_CONFIG, SiteTree, page
from .conftest import AXE
from .test_pages import axe_violations

SOURCE_V1 = page("Office hours", "When the office is open.", "Call 215-555-0123 on weekdays.", translation_key="hours")
SOURCE_V2 = page(
    "Office hours", "When the office is open.", "Call 215-555-0123 on weekdays, from nine.", translation_key="hours"
)


def _git(root: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Staff", "-c", "user.email=staff@example.org", *arguments],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[SiteTree, str]]:
    tree = SiteTree(tmp_path / "site-root")
    tree.root.mkdir()
    translation = page(
        "Horario de la oficina",
        "Cuándo abre la oficina.",
        "Llame al 215-555-0132 entre semana.",  # two digits swapped
        translation_key="hours",
        translation_of=f'"{blob_id(SOURCE_V1.encode())}"',
    )
    tree.write({"site.yaml": MINIMAL_CONFIG, "content/en/hours.md": SOURCE_V1, "content/es/horario.md": translation})
    _git(tree.root, "init", "-q")
    _git(tree.root, "add", ".")
    _git(tree.root, "commit", "-q", "-m", "first")
    tree.write({"content/en/hours.md": SOURCE_V2})  # the source moves on: the translation is out of date
    with preview_server(tree.root) as url:
        yield tree, url


def test_the_dashboard_shows_states_changes_facts_and_catalogs_without_javascript(
    browser: Browser, preview: tuple[SiteTree, str]
) -> None:
    tree, url = preview
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(url + "_status/")
    rows = {
        row.locator("th").inner_text(): row.locator("td a").all_inner_texts()
        for row in tab.locator("#pages + div tbody tr").all()
    }
    assert rows == {"hours": ["source", "outdated"]}
    assert tab.locator("#pages + div tbody a").nth(1).get_attribute("href") == "/es/horario/"
    change = tab.locator("details").first
    assert "content/es/horario.md" in change.locator("summary").inner_text()
    change.locator("summary").click()
    diff = change.locator("pre").inner_text()
    assert "-Call 215-555-0123 on weekdays." in diff and "+Call 215-555-0123 on weekdays, from nine." in diff
    facts = tab.locator("#facts + ul li").all_inner_texts()
    assert facts == [
        "content/es/horario.md:7 215-555-0132 is not in the English source, which gives 215-555-0123 "
        "(content/en/hours.md:6) (this translation is marked out of date)"
    ]
    catalogs = tab.locator("#catalogs + div tbody tr th").all_inner_texts()
    assert catalogs == ["es"]
    tab.locator("#pages + div tbody a").nth(1).click()
    assert tab.locator("h1").inner_text() == "Horario de la oficina"
    context.close()
    # It is the preview's alone: a published build has no such page.
    assert not (tree.root / "site").exists()
    assert not (tree.root / ".pregon-preview" / "_status").exists()


def test_the_dashboard_has_nothing_for_axe_and_follows_each_rebuild(
    browser: Browser, preview: tuple[SiteTree, str]
) -> None:
    tree, url = preview
    context = browser.new_context(viewport={"width": 360, "height": 800})
    tab = context.new_page()
    tab.goto(url + "_status/")
    assert axe_violations(tab, AXE.read_text(encoding="utf-8")) == {}
    version = get_text(url + "__pregon/version")
    fixed = page(
        "Horario de la oficina",
        "Cuándo abre la oficina.",
        "Llame al 215-555-0123 entre semana, desde las nueve.",
        translation_key="hours",
        translation_of=f'"{blob_id(SOURCE_V2.encode())}"',
    )
    tree.write({"content/es/horario.md": fixed})
    wait_for(lambda: get_text(url + "__pregon/version") != version)
    tab.goto(url + "_status/")
    assert tab.locator("#pages + div tbody tr td a").all_inner_texts() == ["source", "translated"]
    assert tab.locator("#facts + p").inner_text().startswith("None")
    assert tab.locator("#outdated + p").inner_text() == "None."
    context.close()
