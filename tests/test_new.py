"""`new`: valid drafts in the right folder, and translations that start from their source."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import yaml

from pregon.front_matter import blob_id

from .conftest import BuildRun, SiteTree, page


def new(tree: SiteTree, capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    from pregon.cli import run

    capsys.readouterr()
    code = run(["new", *arguments, "--site", str(tree.root)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def front_matter(text: str) -> dict[str, object]:
    return yaml.safe_load(text.split("---\n")[1])


@pytest.mark.parametrize(("kind", "folder"), [("announcement", "announcements"), ("faq", "faq"), ("guide", "guides")])
def test_a_new_page_is_a_valid_draft_that_builds(
    site_tree: Callable[..., SiteTree],
    build: Callable[..., BuildRun],
    capsys: pytest.CaptureFixture[str],
    kind: str,
    folder: str,
) -> None:
    tree = site_tree({"content/en/faq/existing.md": page("Existing")})
    code, out, err = new(tree, capsys, kind, "¿Qué hacer? Guía rápida", "--lang", "es")
    assert code == 0, err
    path = tree.root / f"content/es/{folder}/que-hacer-guia-rapida.md"
    assert path.is_file() and "draft" in out
    fields = front_matter(path.read_text())
    assert fields["title"] == "¿Qué hacer? Guía rápida" and fields["draft"] is True
    assert fields["summary"] == "Una o dos oraciones para las listas y los resultados de búsqueda."
    assert ("date" in fields) == (folder == "announcements")
    if folder == "guides":
        assert "## Datos" in path.read_text() and "## Maneras de ayudar" in path.read_text()
    result = build(tree, "--strict")
    assert result.code == 0, result.err
    assert not (tree.out / "es").joinpath("que-hacer-guia-rapida").exists()
    path.write_text(path.read_text().replace("draft: true\n", ""))
    assert build(tree).code == 0
    assert list(tree.out.glob("es/*/que-hacer-guia-rapida/index.html"))


def test_a_translation_starts_from_its_source(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun], capsys: pytest.CaptureFixture[str]
) -> None:
    source_text = page("What is PARS?", body="## What is PARS?\n\nA database.")
    tree = site_tree({"content/en/faq/what-is-pars.md": source_text})
    code, _, err = new(tree, capsys, "faq", "¿Qué es PARS?", "--translation-of", "content/en/faq/what-is-pars.md")
    assert code == 0, err
    path = tree.root / "content/es/faq/que-es-pars.md"
    fields = front_matter(path.read_text())
    assert fields["translation_key"] == "what-is-pars"
    assert fields["translation_of"] == blob_id(source_text.encode())
    assert fields["draft"] is True and "## What is PARS?\n\nA database." in path.read_text()
    # Once translated and published, it is paired with its source.
    path.write_text(path.read_text().replace("draft: true\n", "").replace("A database.", "Una base de datos."))
    assert build(tree).code == 0
    switch = tree.html("en/faq/what-is-pars/index.html").find(".//nav[@class='language-switch']//a[@hreflang='es']")
    assert switch.get("href") == "../../../es/preguntas-frecuentes/que-es-pars/index.html"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["anouncement", "X"], 'did you mean "announcement"?'),
        (["faq", "Existing"], "already exists"),
        (["faq", "X", "--lang", "fr"], '"fr" is not a language of this site'),
        (["guide", "X", "--translation-of", "content/en/faq/existing.md"], 'is in "faq", not "guides"'),
        (["faq", "X", "--translation-of", "content/en/faq/nothing.md"], "is not a page of this site"),
    ],
)
def test_mistakes_are_refused_without_writing(
    site_tree: Callable[..., SiteTree], capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    tree = site_tree({"content/en/faq/existing.md": page("Existing")})
    before = sorted(p.as_posix() for p in (tree.root / "content").rglob("*"))
    code, _, err = new(tree, capsys, *arguments)
    assert code == 1 and message in err
    assert sorted(p.as_posix() for p in (tree.root / "content").rglob("*")) == before
