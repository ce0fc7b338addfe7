"""Two commits of this repository checked out side by side, for the scripts that compare them."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@contextmanager
def worktrees(old: str, new: str, work: Path) -> Iterator[dict[str, Path]]:
    """`old` and `new` (git revisions) in temporary worktrees under `work`, removed afterwards."""
    checkouts = {"old": work / "old", "new": work / "new"}
    for name, revision in (("old", old), ("new", new)):
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(checkouts[name]), revision], check=True
        )
    try:
        yield checkouts
    finally:
        for checkout in checkouts.values():
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(checkout)], check=False)
