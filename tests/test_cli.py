"""The command line: every command takes --site and --content, before or after its name."""

from __future__ import annotations

import shutil
from collections.abc import Callable

import pytest

from pregon.cli import run

from .conftest import SiteTree, page

FILES = {"content/en/faq/what.md": page("What?", body="## One?\n\nAn answer.")}


@pytest.mark.parametrize(
    "arguments",
    [
        ["--site", "{site}", "i18n", "init", "fr"],
        ["i18n", "init", "fr", "--site", "{site}"],
        ["--site={site}", "i18n", "init", "fr"],
    ],
    ids=["before", "after", "before, with ="],
)
def test_the_site_folder_can_be_named_before_or_after_the_command(
    arguments: list[str], site_tree: Callable[..., SiteTree]
) -> None:
    tree = site_tree(FILES)
    assert run([argument.format(site=tree.root) for argument in arguments]) == 0
    assert (tree.root / "translations/fr/LC_MESSAGES/messages.po").is_file()


def test_build_is_the_command_when_none_is_named(site_tree: Callable[..., SiteTree]) -> None:
    tree = site_tree(FILES)
    assert run(["--site", str(tree.root), "--strict"]) in (0, 1)  # --strict is build's
    assert run(["--site", str(tree.root)]) == 0
    assert (tree.out / "en/faq/what/index.html").is_file()


@pytest.mark.parametrize(
    ("command", "says"),
    [(["check"], "No problems found."), (["status"], "faq/what  source"), (["build"], "Built 2 pages")],
)
def test_every_command_reads_content_from_another_folder(
    command: list[str], says: str, site_tree: Callable[..., SiteTree], capsys: pytest.CaptureFixture[str]
) -> None:
    tree = site_tree(FILES)
    elsewhere = tree.root.parent / "elsewhere"
    shutil.move(tree.root / "content", elsewhere)
    # Without --content, check and build say the content folder is missing.
    assert run([*command, "--site", str(tree.root), "--content", str(elsewhere)]) == 0
    assert says in capsys.readouterr().out
    if command != ["status"]:
        assert run([*command, "--site", str(tree.root)]) == 1


@pytest.mark.parametrize(
    ("words", "command"),
    [
        (["serve"], "serve"),
        (["--site", "my-site", "serve", "--port", "8001"], "serve"),
        (["--site=serve"], None),
        (["--site", "serve"], None),
        (["--strict"], None),
        ([], None),
        (["check", "--site", "x"], "check"),
    ],
)
def test_the_command_is_the_first_word_that_is_not_a_global_option(words: list[str], command: str | None) -> None:
    """The command line decides from it whether it runs once (a build, a check: the garbage collector
    then runs less often) or for hours (the preview)."""
    from pregon.cli import _command_of

    assert _command_of(words) == command
