"""Publishing onto a disk that fails: full, read-only, or failing half way through moving files in. Each is
exit 1 with a message naming the folder, the previous site whole and nothing half-written left.

The disks are real: small tmpfs mounts made by the test (CI runs as root, and `chmod` does not stop
root), skipped with the reason where this machine cannot mount.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .conftest import REPO, SiteTree, page
from .test_output import tree_hashes

FILES = {
    "content/en/announcements/news.md": page("News", date="2020-01-02", body="Text of the news."),
    "content/en/faq/what.md": page("What?", body="## One?\n\nAn answer."),
}


def mount(*arguments: str) -> None:
    subprocess.run(["mount", *arguments], check=True, capture_output=True)


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB disk of its own (tmpfs), unmounted afterwards."""
    folder = tmp_path / "disk"
    folder.mkdir()
    try:
        mount("-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder))
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"this machine cannot mount a test disk ({exc}): run as root to test full and read-only disks")
    try:
        yield folder
    finally:
        for _ in range(3):  # the read-only bind mount inside, then the disk
            if subprocess.run(["umount", "-l", str(folder)], capture_output=True).returncode != 0:
                break


def build(tree: SiteTree, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--site", str(tree.root), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def leftovers(folder: Path) -> list[str]:
    return [path.name for path in folder.iterdir() if path.name.startswith((".pregon-build", ".pregon-old"))]


def fill(folder: Path) -> Path:
    """Fill the disk that `folder` is on, to the last byte."""
    filler = folder / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for size in (65536, 1):
            try:
                while True:
                    os.write(descriptor, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(descriptor)
    return filler


def test_a_full_disk_is_exit_1_naming_the_folder_and_the_site_stays_whole(
    site_tree: Callable[..., SiteTree], disk: Path
) -> None:
    tree = site_tree(FILES)
    out = disk / "site"
    assert build(tree, out).returncode == 0
    before = tree_hashes(out)
    filler = fill(disk)
    tree.write({"content/en/faq/what.md": page("What?", body="## One?\n\n" + "A longer answer. " * 5000)})
    failed = build(tree, out)
    assert failed.returncode == 1, failed.stderr
    assert "the disk is full" in failed.stderr and str(disk) in failed.stderr
    assert tree_hashes(out) == before
    assert leftovers(disk) == []
    filler.unlink()
    assert build(tree, out).returncode == 0  # space again: the edit is published
    assert "A longer answer." in (out / "en/faq/what/index.html").read_text(encoding="utf-8")


def test_a_first_build_onto_a_full_disk_leaves_nothing(site_tree: Callable[..., SiteTree], disk: Path) -> None:
    tree = site_tree(FILES)
    fill(disk)
    failed = build(tree, disk / "site")
    assert failed.returncode == 1, failed.stderr
    assert "the disk is full" in failed.stderr
    assert not (disk / "site").exists() and leftovers(disk) == []


def test_a_read_only_disk_is_exit_1_and_the_site_stays_whole(site_tree: Callable[..., SiteTree], disk: Path) -> None:
    tree = site_tree(FILES)
    out = disk / "site"
    assert build(tree, out).returncode == 0
    before = tree_hashes(out)
    mount("-o", "remount,ro", str(disk))
    tree.write({"content/en/faq/what.md": page("What now?")})
    failed = build(tree, out)
    assert failed.returncode == 1, failed.stderr
    assert "read-only" in failed.stderr and str(disk) in failed.stderr
    assert tree_hashes(out) == before


def test_a_move_that_fails_half_way_is_undone(site_tree: Callable[..., SiteTree], disk: Path) -> None:
    """The English page is moved in first; the Spanish folder then refuses its file (a read-only mount
    inside the site): the English page is put back as it was."""
    tree = site_tree(FILES)
    out = disk / "site"
    assert build(tree, out).returncode == 0
    before = tree_hashes(out)
    spanish = out / "es"
    mount("--bind", str(spanish), str(spanish))
    mount("-o", "remount,bind,ro", str(spanish))
    tree.write({"content/en/faq/what.md": page("What?", body="## One?\n\nAn edited answer.")})
    failed = build(tree, out)
    assert failed.returncode == 1, failed.stderr
    assert str(out) in failed.stderr
    assert tree_hashes(out) == before  # the English page too, though it had been moved in
    assert leftovers(disk) == []
    subprocess.run(["umount", str(spanish)], check=True)
    assert build(tree, out).returncode == 0
    assert "An edited answer." in (out / "en/faq/what/index.html").read_text(encoding="utf-8")
