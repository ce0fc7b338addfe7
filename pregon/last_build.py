"""What the last successful build read and made, so that a build with nothing new returns at once.

Kept apart from the pipeline, and light to import: a build whose inputs have not changed must not pay
for loading Markdown, Jinja2, Babel or WeasyPrint only to find there is nothing to do.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import pickle
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cache import fingerprint
from .errors import Problem
from .output import remove_leftovers

CACHE_FOLDER = ".pregon-cache"
"""Beside site.yaml: what earlier builds made that a later one may reuse (printed guides)."""


@dataclass(frozen=True)
class BuildOptions:
    site_dir: Path
    out_dir: Path
    content_dir: Path | None = None
    strict: bool = False
    preview: bool = False
    """Adds the live-reload script to every page: for `serve` only, never for publishing."""


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


def input_fingerprint(options: BuildOptions) -> str:
    """Everything a build reads, and how it was asked to build: equal fingerprints build equal sites."""
    root = options.site_dir
    folders = [options.content_dir or root / "content", root / "templates", root / "translations", root / "static"]
    files = [root / "site.yaml"] if (root / "site.yaml").is_file() else []
    for folder in folders:
        if folder.is_dir():
            # Folders count too: an empty folder named like a page is a mistake the build must report.
            files += list(folder.rglob("*"))
    tools = [name for name in ("weasyprint",) if importlib.util.find_spec(name) is not None]
    settings = [str(options.out_dir.absolute()), str(options.strict), str(options.preview), ",".join(tools)]
    try:
        return fingerprint(files, root if all(f.is_relative_to(root) for f in files) else Path("/"), *settings)
    except OSError:
        return ""  # a file vanished while reading: build for real, which will say what is wrong


def _record_path(cache_dir: Path, out_dir: Path) -> Path:
    # One record per output folder: the preview and the published site do not undo each other's.
    name = hashlib.sha256(str(out_dir.absolute()).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return cache_dir / f"last-build-{name}.pickle"


def read_last_build(cache_dir: Path, out_dir: Path) -> dict[str, Any] | None:
    try:
        with _record_path(cache_dir, out_dir).open("rb") as file:
            record = pickle.load(file)  # noqa: S301 - written by pregon itself, in the site's own folder
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def remember_build(cache_dir: Path, out_dir: Path, record: dict[str, Any]) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    final = _record_path(cache_dir, out_dir)
    temporary = final.with_suffix(".tmp")
    with temporary.open("wb") as file:
        pickle.dump(record, file, protocol=pickle.HIGHEST_PROTOCOL)
    temporary.replace(final)


def unchanged_report(options: BuildOptions, inputs: str, previous: dict[str, Any] | None) -> BuildReport | None:
    """The last build's report, if it read exactly these inputs into this same, still existing folder."""
    if previous is None or not inputs or previous.get("inputs") != inputs or not options.out_dir.is_dir():
        return None
    # A file deleted from the published folder by hand is put back by building again.
    if not all((options.out_dir / path).is_file() for path in previous.get("outputs", {})):
        return None
    remove_leftovers(options.out_dir.absolute())
    report: BuildReport = previous["report"]
    return dataclasses.replace(report, unchanged=True)


def unchanged_build(options: BuildOptions) -> BuildReport | None:
    """For the command line: the report of a build that has nothing to do, without loading the pipeline."""
    started = time.perf_counter()
    report = unchanged_report(
        options, input_fingerprint(options), read_last_build(options.site_dir / CACHE_FOLDER, options.out_dir)
    )
    return None if report is None else dataclasses.replace(report, seconds=time.perf_counter() - started)
