"""What a timed build would replace, moved aside before it rather than deleted, and deleted once the
timing is over.

A build timed just after thousands of files were deleted can pay for the deletion. An ext4 file system
without a journal (this machine's disk is one) does not reuse a freed inode for a while after it was
freed, and every new file's allocation walks past each such inode again. After the last cold build's
output was deleted, each file the next one made cost about 0.3 ms of kernel time, for minutes. A cold
build of 2,000 pages per language then took 1.5-3 s longer; Hugo's barely changed. Moving the folder
aside (a rename) frees nothing, which is what issue #20 asks of the timing: "earlier output moved aside
rather than deleted". The folders set aside are deleted when no build is being timed any more.
"""

from __future__ import annotations

import shutil
from pathlib import Path


class SetAside:
    """A folder, on the file system of what is set aside in it, emptied once the timing is over."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._moved = 0

    def move(self, path: Path) -> None:
        """Move `path` (a file or a folder) aside, if it exists."""
        if not path.exists():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self._moved += 1
        target = self.folder / f"{self._moved:04d}-{path.name}"
        while target.exists():  # left over from an interrupted run
            self._moved += 1
            target = self.folder / f"{self._moved:04d}-{path.name}"
        path.rename(target)

    def empty(self) -> None:
        """Delete everything set aside: only once no build is timed any more."""
        shutil.rmtree(self.folder, ignore_errors=True)
