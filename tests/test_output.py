"""Writing the site: a build killed at any moment leaves the previous site whole; output is reproducible."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .conftest import REPO, BuildRun, SiteTree, page


def tree_hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def many_pages(count: int, marker: str) -> dict[str, str | bytes]:
    body = "\n\n".join(f"## Part {n}\n\nText {marker} " + "word " * 80 for n in range(6))
    return {f"content/en/guides/guide-{n}.md": page(f"Guide {n} {marker}", body=body) for n in range(count)}


def test_a_build_killed_at_any_moment_leaves_the_previous_site_whole(
    site_tree: Callable[..., SiteTree], build: Callable[..., BuildRun]
) -> None:
    tree = site_tree(many_pages(300, "old"))
    assert build(tree).code == 0
    old = tree_hashes(tree.out)
    tree.write(many_pages(300, "new"))
    outcomes = []
    for delay in (0.05, 0.2, 0.4, 0.6, 0.8, 1.0, 1.3):
        process = subprocess.Popen(
            [sys.executable, str(REPO / "build.py"), "--site", str(tree.root)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        code = process.wait()
        outcomes.append(code)
        current = tree_hashes(tree.out)
        if code == -signal.SIGKILL:
            assert current == old, f"killed after {delay} s, the site changed"
        else:
            assert code == 0 and current != old  # it finished first: the new site, whole
            old = current
    assert outcomes.count(-signal.SIGKILL) >= 3, f"too few builds were interrupted: {outcomes}"
    # The next build cleans up whatever the killed ones left beside the site.
    assert build(tree).code == 0
    assert [p.name for p in tree.root.iterdir() if p.name.startswith((".pregon-build", ".pregon-old"))] == []
    assert "Guide 0 new" in (tree.out / "en/guides/guide-0/index.html").read_text()


def test_builds_are_byte_identical_whatever_the_clock_says(site_tree: Callable[..., SiteTree], tmp_path: Path) -> None:
    tree = site_tree({**many_pages(3, "x"), "content/en/announcements/a.md": page("A", date="2020-01-02")})
    outputs = []
    for epoch in ("1", "1700000000", None):
        env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
        if epoch is not None:
            env["SOURCE_DATE_EPOCH"] = epoch
        out = tmp_path / f"out-{epoch}"
        subprocess.run(
            [sys.executable, str(REPO / "build.py"), "--site", str(tree.root), "--out", str(out)],
            check=True,
            env=env,
            capture_output=True,
        )
        outputs.append(tree_hashes(out))
        assert not any(b"1970" in path.read_bytes() for path in out.rglob("*") if path.is_file())
    assert outputs[0] == outputs[1] == outputs[2]
