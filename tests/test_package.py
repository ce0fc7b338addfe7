"""pregon as other teams get it: a wheel (not an editable install) in a fresh virtual environment outside the
repository, whose `pregon` command builds, checks and previews a site."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO, copy_shipped_site


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


def test_the_wheel_holds_the_code_the_command_and_the_previews_files(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"pregon/cli.py", "pregon/__main__.py", "pregon/preview/error.html", "pregon/preview/reload.js"} <= names
    entry_points = zipfile.ZipFile(wheel).read("pregon-0.1.0.dist-info/entry_points.txt").decode()
    assert re.search(r"^pregon = pregon\.cli:main$", entry_points, re.M)


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
    serving = subprocess.Popen(
        [str(venv / "bin/pregon"), "serve", "--site", str(site), "--port", "0"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert serving.stdout is not None
        line = serving.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert url, line
        with urllib.request.urlopen(url.group(0) + "en/", timeout=30) as response:
            assert response.status == 200 and b"/__pregon/reload.js" in response.read()
        with urllib.request.urlopen(url.group(0) + "__pregon/reload.js", timeout=30) as response:
            assert response.status == 200 and b"EventSource" in response.read()
    finally:
        serving.terminate()
        serving.communicate(timeout=30)
