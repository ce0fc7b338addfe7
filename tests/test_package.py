"""pregon as other teams get it: a wheel (not an editable install) in a fresh virtual environment outside the
repository, whose `pregon` command builds, checks and previews a site."""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import REPO, copy_shipped_site, parse_html


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The wheel built from this repository, and a virtual environment with it installed."""
    work = tmp_path_factory.mktemp("package")
    # Built from a copy of what the package is made of, so that the build leaves nothing in the repository.
    source = work / "source"
    shutil.copytree(REPO / "pregon", source / "pregon", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(work / "dist"), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = (work / "dist").glob("pregon-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True)
    subprocess.run(
        [str(work / "venv/bin/pip"), "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True,
        capture_output=True,
    )
    return wheel, work / "venv"


@contextlib.contextmanager
def previewing(command: list[str], cwd: Path) -> Iterator[str]:
    """The preview server run by `command`, and the address it says it serves on."""
    serving = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert serving.stdout is not None
        line = serving.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert url, line
        yield url.group(0)
    finally:
        serving.terminate()
        serving.communicate(timeout=30)


def test_the_wheel_holds_the_code_the_command_the_theme_and_the_previews_files(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"pregon/cli.py", "pregon/__main__.py", "pregon/preview/error.html", "pregon/preview/reload.js"} <= names
    theme = REPO / "pregon" / "default_theme"
    theme_files = {
        "pregon/" + path.relative_to(REPO / "pregon").as_posix() for path in theme.rglob("*") if path.is_file()
    }
    # Every file of the theme: templates, static files, catalogs and their template, starter pages.
    assert theme_files <= names
    for expected in (
        "pregon/default_theme/templates/base.html",
        "pregon/default_theme/templates/new/faq.md",
        "pregon/default_theme/static/style.css",
        "pregon/default_theme/translations/messages.pot",
        "pregon/default_theme/translations/ar/LC_MESSAGES/messages.po",
        "pregon/default_theme/starter/en/faq/about-this-site.md",
        "pregon/default_theme/babel.cfg",
    ):
        assert expected in theme_files
    entry_points = zipfile.ZipFile(wheel).read("pregon-0.1.0.dist-info/entry_points.txt").decode()
    assert re.search(r"^pregon = pregon\.cli:main$", entry_points, re.M)


def test_a_new_site_started_with_the_installed_command_builds_checks_and_previews(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, venv = installed
    started = subprocess.run(
        [str(venv / "bin/pregon"), "init", "site", "--languages", "en,es"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode == 0, started.stderr
    site = tmp_path / "site"

    def inside(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, cwd=site, capture_output=True, text=True, timeout=300)

    built = inside(str(venv / "bin/pregon"), "build")
    assert built.returncode == 0 and "0 warning(s)" in built.stdout, built.stderr
    for lang in ("en", "es"):
        home = parse_html((site / f"site/{lang}/index.html").read_bytes())
        assert home.get("lang") == lang and len(home.findall(".//main//li//a")) >= 3
    assert (site / "site/es/guides/comparta-este-sitio/index.html").is_file()
    checked = inside(str(venv / "bin/pregon"), "check")
    assert checked.returncode == 0 and "No problems found." in checked.stdout, checked.stderr
    with previewing([str(venv / "bin/pregon"), "serve", "--port", "0"], site) as url:
        with urllib.request.urlopen(url + "es/", timeout=30) as response:
            assert response.status == 200 and b"/__pregon/reload.js" in response.read()


def test_the_installed_command_builds_checks_and_previews_a_site(installed: tuple[Path, Path], tmp_path: Path) -> None:
    _, venv = installed
    site = copy_shipped_site(tmp_path / "site").root

    def outside(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)

    built = outside(str(venv / "bin/pregon"), "build", "--site", str(site))
    assert built.returncode == 0, built.stderr
    assert (site / "site/en/index.html").is_file() and (site / "site/es/index.html").is_file()
    checked = outside(str(venv / "bin/python"), "-m", "pregon", "--site", str(site), "check")
    assert checked.returncode == 0 and "No problems found." in checked.stdout, checked.stderr
    # Its own copy, not this repository's: nothing here is on its path.
    where = outside(str(venv / "bin/python"), "-c", "import pregon; print(pregon.__file__)")
    assert str(venv) in where.stdout and str(REPO) not in where.stdout
    with previewing([str(venv / "bin/pregon"), "serve", "--site", str(site), "--port", "0"], tmp_path) as url:
        with urllib.request.urlopen(url + "en/", timeout=30) as response:
            assert response.status == 200 and b"/__pregon/reload.js" in response.read()
        with urllib.request.urlopen(url + "__pregon/reload.js", timeout=30) as response:
            assert response.status == 200 and b"EventSource" in response.read()
