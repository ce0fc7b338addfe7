"""`check`: one line per problem, file and line first, for what the build tolerates but readers stumble on."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pregon.check import check_site
from pregon.pipeline import require_site

from .conftest import SiteTree, page


def run_check(tree: SiteTree, capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, list[str]]:
    from pregon.cli import run

    capsys.readouterr()
    code = run(["check", "--site", str(tree.root), *arguments])
    err = capsys.readouterr().err
    return code, [line for line in err.splitlines() if not line.startswith("    ")]


def test_the_shipped_site_passes(shipped_site: SiteTree, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run_check(shipped_site, capsys)
    assert (code, lines) == (0, [])


def test_each_problem_is_one_line_with_file_and_line_first(
    site_tree: Callable[..., SiteTree], capsys: pytest.CaptureFixture[str]
) -> None:
    tree = site_tree(
        {
            "content/en/faq/what.md": page("What?", body="## One?\n\nYes.\n\n## Two?\n\nNo."),
            "content/es/faq/que.md": page("¿Qué?", translation_key="what", body="## ¿Una?\n\nSí."),
            "content/en/faq/empty-faq.md": page("Empty", body="Just text, no questions."),
            "content/en/guides/guide.md": page(
                "Guide",
                body="\n".join(
                    [
                        "## Facts",  # line 5
                        "",
                        "See [the FAQ](../faq/what.md#three) and [click here](../faq/what.md).",  # line 7
                        "",
                        "![](map.png)",  # line 9
                        "",
                        "#### Too deep",  # line 11
                        "",
                        "Jump [to nowhere](#nowhere) or [to facts](#facts).",  # line 13
                    ]
                ),
            ),
        }
    )
    code, lines = run_check(tree, capsys)
    assert code == 1
    expected = [
        "content/en/faq/empty-faq.md:5: error: this FAQ has no questions",
        'content/en/guides/guide.md:7: error: link to "../faq/what.md#three": content/en/faq/what.md has no heading '
        'with the anchor "three"',
        'content/en/guides/guide.md:7: error: the link text "click here" does not say where it goes',
        'content/en/guides/guide.md:9: error: the image "map.png" has no alt text',
        'content/en/guides/guide.md:11: error: the heading "Too deep" skips from level 2 to 4',
        'content/en/guides/guide.md:13: error: link to "#nowhere": content/en/guides/guide.md has no heading with '
        'the anchor "nowhere"',
        "content/es/faq/que.md:6: error: has 1 questions, but its source content/en/faq/what.md has 2",
    ]
    assert sorted(lines) == sorted(expected)


def test_front_matter_problems_are_reported(
    site_tree: Callable[..., SiteTree], capsys: pytest.CaptureFixture[str]
) -> None:
    tree = site_tree({"content/en/faq/bad.md": page(title="no")})
    code, lines = run_check(tree, capsys)
    assert code == 1 and lines == [
        'content/en/faq/bad.md:2: error: "title" must be text, but it is `no`, which YAML '
        "reads as the yes/no value false"
    ]


def test_outside_links_only_with_external(site_tree: Callable[..., SiteTree]) -> None:
    tree = site_tree(
        {
            "content/en/faq/x.md": page(
                body="## Q?\n\n[Broken](https://broken.example/) and [fine](https://fine.example/)."
            )
        }
    )
    _, site, _ = require_site(tree.root)
    asked: list[str] = []

    def status_of(url: str) -> int | None:
        asked.append(url)
        return 404 if "broken" in url else 200

    assert check_site(site, fetch_status=status_of) == [] and asked == []
    (problem,) = check_site(site, check_external=True, fetch_status=status_of)
    assert problem.line == 7 and "https://broken.example/" in problem.message and "HTTP 404" in problem.message


def test_links_to_ids_authors_gave_are_followed_and_addresses_that_are_not_are_reported(
    site_tree: Callable[..., SiteTree], capsys: pytest.CaptureFixture[str]
) -> None:
    tree = site_tree(
        {
            "content/en/guides/access.md": page(
                "Accessibility",
                body='<h2 id="statement">Statement</h2>\n\n<p id="contact">Write to us.</p>\n\n'
                'See [the statement](#statement), [contact](#contact) and <a href="{{< homepath >}}">home</a>.',
            ),
        }
    )
    code, lines = run_check(tree, capsys)
    assert code == 1
    assert [line for line in lines if ": error: " in line] == [
        'content/en/guides/access.md:9: error: the link to "{{< homepath >}}" is not a valid address'
    ]
