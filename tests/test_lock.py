"""One build at a time: a second build waits for the first and says so, or with --no-wait exits 1 naming
it; a lock dies with its holder, whatever kills it; the preview and the command line both keep working."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pregon.memory import PreviewMemory
from pregon.pipeline import BuildOptions, build

from .conftest import REPO, SiteTree, page
from .test_output import tree_hashes

FILES = {
    "content/en/announcements/news.md": page("News", date="2020-01-02", body="Text of the news."),
    "content/en/faq/what.md": page("What?", body="## One?\n\nAn answer."),
}

HOLD = """
import sys, time
from pathlib import Path
from pregon.lock import build_lock
with build_lock(Path(sys.argv[1]), Path(sys.argv[2])):
    print("locked", flush=True)
    sys.stdin.readline()
"""


@contextmanager
def held_by_another_process(tree: SiteTree) -> Iterator[subprocess.Popen[str]]:
    """A process holding the site's locks until its standard input is closed."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tree.root), str(tree.out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        yield holder
    finally:
        if holder.poll() is None:
            holder.communicate(timeout=30)
        for stream in (holder.stdin, holder.stdout):
            if stream is not None:
                stream.close()


def command_line_build(tree: SiteTree, *arguments: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "--site", str(tree.root), *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_second_build_waits_for_the_first_and_says_whom_for(site_tree: Callable[..., SiteTree]) -> None:
    tree = site_tree(FILES)
    with held_by_another_process(tree) as holder:
        second = command_line_build(tree)
        assert second.stderr is not None
        waiting = second.stderr.readline()
        assert "Waiting for another build of this site" in waiting and f"process {holder.pid}" in waiting
        assert second.poll() is None  # still waiting
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert (tree.out / "en/announcements/news/index.html").is_file()


def test_with_no_wait_a_second_build_exits_1_naming_the_other(site_tree: Callable[..., SiteTree]) -> None:
    tree = site_tree(FILES)
    assert subprocess.run([sys.executable, str(REPO / "build.py"), "--site", str(tree.root)]).returncode == 0
    before = tree_hashes(tree.out)
    (tree.root / "content/en/faq/what.md").write_text(page("What now?"), encoding="utf-8")
    with held_by_another_process(tree) as holder:
        second = command_line_build(tree, "--no-wait")
        _, err = second.communicate(timeout=60)
    assert second.returncode == 1
    assert "another build of this site is running" in err and f"process {holder.pid}" in err
    assert tree_hashes(tree.out) == before


def test_a_lock_dies_with_a_build_killed_with_sigkill_and_deleting_the_cache_never_breaks_one(
    site_tree: Callable[..., SiteTree],
) -> None:
    tree = site_tree(FILES)
    with held_by_another_process(tree) as holder:
        shutil.rmtree(tree.root / ".pregon-cache", ignore_errors=True)
        second = command_line_build(tree, "--no-wait")
        _, err = second.communicate(timeout=60)
        assert second.returncode == 1, err  # still held: the lock is not in the cache
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=30)
        third = command_line_build(tree, "--no-wait")
        _, err = third.communicate(timeout=120)
    assert third.returncode == 0, err
    assert "Waiting" not in err


def test_two_builds_started_together_both_succeed_and_build_the_same_site(
    site_tree: Callable[..., SiteTree], tmp_path: Path
) -> None:
    tree = site_tree(FILES)
    builds = [command_line_build(tree) for _ in range(2)]
    results = [process.communicate(timeout=180) for process in builds]
    assert [process.returncode for process in builds] == [0, 0], results
    cold = tmp_path / "cold"
    shutil.copytree(tree.root, cold, ignore=shutil.ignore_patterns(".pregon-cache", "site", ".*.lock"))
    assert subprocess.run([sys.executable, str(REPO / "build.py"), "--site", str(cold)]).returncode == 0
    assert tree_hashes(tree.out) == tree_hashes(cold / "site")
    assert not list(tree.root.glob(".pregon-build-*")) and not list(tree.root.glob(".pregon-old-*"))


def test_the_preview_and_the_command_line_build_the_same_site_at_once(site_tree: Callable[..., SiteTree]) -> None:
    tree = site_tree(FILES)
    memory = PreviewMemory()
    preview = BuildOptions(site_dir=tree.root, out_dir=tree.root / ".pregon-preview", preview=True)
    waited: list[str] = []
    reports = []

    def preview_builds() -> None:
        for number in range(3):
            (tree.root / "content/en/faq/what.md").write_text(page(f"What {number}?"), encoding="utf-8")
            reports.append(build(preview, memory, waiting=waited.append))

    thread = threading.Thread(target=preview_builds)
    thread.start()
    command_lines = [command_line_build(tree) for _ in range(2)]
    results = [process.communicate(timeout=180) for process in command_lines]
    thread.join(timeout=180)
    assert [process.returncode for process in command_lines] == [0, 0], results
    assert len(reports) == 3
    assert (tree.root / ".pregon-preview/en/faq/what/index.html").is_file()
    assert (tree.out / "en/faq/what/index.html").is_file()


def test_leftovers_of_another_output_folder_are_not_touched(site_tree: Callable[..., SiteTree]) -> None:
    tree = site_tree(FILES)
    ours = tree.root / ".pregon-build-site.k1ll3d_0"
    theirs = tree.root / ".pregon-build-site-x.r4nn1ng"
    for folder in (ours, theirs):
        folder.mkdir()
    assert subprocess.run([sys.executable, str(REPO / "build.py"), "--site", str(tree.root)]).returncode == 0
    assert not ours.exists()  # left by a killed build into site/: removed by the build that holds its lock
    assert theirs.is_dir()  # site-x's: another build may be writing it
