"""Pathological inputs stay bounded: each builds, or fails with a clear error, well within a memory limit
and a time limit. The limits are guards, not a benchmark; what fails is in the bad-input catalogue
(tests/test_bad_input.py), what builds is checked here. docs/ERRORS.md states the limits."""

from __future__ import annotations

import resource
import subprocess
import sys
from collections.abc import Callable

import pytest

from .conftest import REPO, SiteTree, page

MEMORY_LIMIT = 2 * 1024**3
"""Bytes of address space the build may use: several times what it needs, far less than runaway growth."""
TIME_LIMIT = 240

FAQ = "content/en/faq/limit.md"
CASES = {
    "Markdown file of 20 MB": page(body="word " * 4_000_000),
    "10,000 nested quotes": page(body="> " * 10_000 + "deep"),
    "10,000 nested lists": page(body="- " * 10_000 + "deep"),
    "a table of 100,000 rows": page(body="| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * 100_000),
    "front matter of 10,000 fields": "---\ntitle: T\nsummary: S\n"
    + "".join(f"k{n}: v\n" for n in range(10_000))
    + "---\nText\n",
    "a line of 1,000,000 characters": page(body="long" + "x" * 1_000_000 + " end"),
}
BUILDS = {"a table of 100,000 rows", "a line of 1,000,000 characters"}


def limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_pathological_input_builds_or_fails_clearly_within_bounds(
    name: str, site_tree: Callable[..., SiteTree]
) -> None:
    tree = site_tree({FAQ: CASES[name]})
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--site", str(tree.root)],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        preexec_fn=limited,
    )
    if name in BUILDS:
        assert result.returncode == 0, result.stderr[-2000:]
        html = (tree.out / "en/faq/limit/index.html").read_text(encoding="utf-8")
        assert ("end" in html) if "line" in name else (html.count("<tr>") == 100_001)
    else:
        assert result.returncode == 1, result.stderr[-2000:]
        errors = [line for line in result.stderr.split("\n") if ": error: " in line]
        assert errors and all(line.startswith(FAQ) for line in errors)
        assert len(errors) <= 11  # a few clear errors, never thousands
