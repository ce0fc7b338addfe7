"""What a build is asked to do, and what it says when it is done."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import Problem


@dataclass(frozen=True)
class BuildOptions:
    site_dir: Path
    out_dir: Path
    content_dir: Path | None = None
    strict: bool = False
    preview: bool = False
    """Adds the live-reload script to every page: for `serve` only, never for publishing."""
    wait: bool = True
    """If another build of the site or into the output folder is running: wait for it (else fail)."""


@dataclass(frozen=True)
class BuildReport:
    pages_per_language: dict[str, int]
    untranslated_per_language: dict[str, int]
    files_written: int
    warnings: tuple[Problem, ...]
    seconds: float
    stage_seconds: dict[str, float]
    rendered: int = 0
    """Outputs rendered again; the others were unchanged and kept from the published site."""
    unchanged: bool = False
    """Nothing had changed since the last build into the same folder, so nothing was redone."""
    search_indexed: bool = False
    """Pagefind indexed the site again: some page's text had changed (else the index was kept)."""

    def summary(self) -> str:
        """One line: pages per language, how many of them are untranslated, warnings and time."""
        counts = ", ".join(
            f"{code} {count}"
            + (
                f" ({self.untranslated_per_language[code]} untranslated)"
                if self.untranslated_per_language[code]
                else ""
            )
            for code, count in self.pages_per_language.items()
        )
        total = sum(self.pages_per_language.values())
        if self.unchanged:
            return f"Nothing changed: {total} pages ({counts}) are up to date; {self.seconds:.2f} s"
        return f"Built {total} pages: {counts}; {len(self.warnings)} warning(s); {self.seconds:.2f} s"
