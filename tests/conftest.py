"""Shared fixtures: small sites built in tmp_path from the repository's own theme."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import html5lib
import pytest
from lxml import etree

from pregon.cli import run

REPO = Path(__file__).resolve().parent.parent
THEME_DIR = REPO / "pregon" / "default_theme"
SITE_FOLDERS = ("templates", "translations", "static")
"""A site's own folders, overriding the theme's files; the repository's hold only Philadelphia's own."""

MINIMAL_CONFIG = """\
base_url: "https://www.example.org/"
default_language: en
languages:
  - code: en
    name: English
    direction: ltr
    site_name: Example City
    sections: {announcements: announcements, faq: faq, guides: guides}
  - code: es
    name: Español
    direction: ltr
    site_name: Ciudad de Ejemplo
    sections: {announcements: anuncios, faq: preguntas-frecuentes, guides: guias}
"""

THREE_LANGUAGES = """\
base_url: "https://www.example.org/"
default_language: en
site_name: Example City
languages:
  - code: en
  - code: es
    site_name: Ciudad de Ejemplo
    sections: {announcements: anuncios, faq: preguntas, guides: guias}
  - code: zh-Hans
    site_name: 示例市
"""
"""English, Spanish and Chinese (Simplified), with names and directions from CLDR."""


def page(title: str = "A title", summary: str = "A summary.", body: str = "Some text.", **fields: str) -> str:
    """The text of a Markdown page with front matter."""
    lines = [f"title: {title}", f"summary: {summary}", *(f"{key}: {value}" for key, value in fields.items())]
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


@dataclass
class BuildRun:
    code: int
    out: str
    err: str


@dataclass
class SiteTree:
    root: Path

    @property
    def out(self) -> Path:
        return self.root / "site"

    def write(self, files: dict[str, str | bytes]) -> None:
        for name, text in files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(text, encoding="utf-8")

    def override(self, name: str) -> Path:
        """Copy a theme file (`templates/section.html`) into the site, as a site does to change it."""
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(THEME_DIR / name, path)
        return path

    def own(self, name: str) -> Path:
        """The site's own copy of a file, copied from the theme first if the site has none."""
        path = self.root / name
        return path if path.exists() or not (THEME_DIR / name).exists() else self.override(name)

    def html(self, path: str) -> etree._Element:
        return parse_html((self.out / path).read_bytes())

    def snapshot(self) -> dict[str, str]:
        """Every output file's hash, to prove a failed build changed nothing."""
        return {
            path.relative_to(self.out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(self.out.rglob("*"))
            if path.is_file()
        }


def parse_html(data: bytes) -> etree._Element:
    document = html5lib.parse(data, treebuilder="lxml", namespaceHTMLElements=False)
    return document.getroot()


@pytest.fixture
def site_tree(tmp_path: Path) -> Callable[..., SiteTree]:
    """A site folder with the given site.yaml and content files, made with pregon's theme."""

    def make(files: dict[str, str | bytes], config: str = MINIMAL_CONFIG) -> SiteTree:
        root = tmp_path / "project"
        root.mkdir(parents=True, exist_ok=True)
        tree = SiteTree(root)
        tree.write({"site.yaml": config, **files})
        return tree

    return make


def copy_shipped_site(root: Path) -> SiteTree:
    """A copy of the repository's own site (configuration, content and its own templates and catalogs)."""
    for folder in (*SITE_FOLDERS, "content"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    return SiteTree(root)


@pytest.fixture
def shipped_site(tmp_path: Path) -> SiteTree:
    """A copy of the shipped site that a test may change."""
    return copy_shipped_site(tmp_path / "shipped")


@pytest.fixture(scope="session")
def built_shipped_site(tmp_path_factory: pytest.TempPathFactory) -> SiteTree:
    """The shipped site built once for the whole session, for tests that only read what it made."""
    from pregon.pipeline import BuildOptions, build

    tree = copy_shipped_site(tmp_path_factory.mktemp("built") / "shipped")
    build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
    return tree


@pytest.fixture
def build(capsys: pytest.CaptureFixture[str]) -> Callable[..., BuildRun]:
    """Run `python build.py` in-process on a site folder and capture what it printed."""

    def run_build(tree: SiteTree, *arguments: str) -> BuildRun:
        capsys.readouterr()
        code = run(["build", "--site", str(tree.root), *arguments])
        captured = capsys.readouterr()
        return BuildRun(code, captured.out, captured.err)

    return run_build
