"""The build: configuration -> content -> site -> catalogs -> render -> write, each stage timed.

Every stage runs as far as it can and returns its problems; the build stops before writing when any
stage found an error, so the published folder only ever changes to a complete, correct site.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import pickle
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cache import BuildCache, fingerprint, load_cache, save_cache
from .config import SiteConfig, load_config
from .content import load_content
from .errors import BuildFailed, Problem, Severity, error
from .i18n import load_catalogs
from .output import check_paths, remove_leftovers, staged_site, write_outputs
from .pdf import load_engine, prune_cache
from .render import Renderer
from .search import index_for_search
from .site import Site, link_translations

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


def build(options: BuildOptions) -> BuildReport:
    """Build the site, or raise BuildFailed with every problem found; the output folder is untouched then."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    problems: list[Problem] = []

    def stage(name: str, begun: float) -> None:
        timings[name] = time.perf_counter() - begun

    # Nothing changed since the last build into this folder: the site there is already this one.
    begun = time.perf_counter()
    cache_dir = options.site_dir / CACHE_FOLDER
    inputs = _input_fingerprint(options)
    previous = _last_build(cache_dir)
    stage("fingerprint", begun)
    if previous is not None and previous.get("inputs") == inputs and options.out_dir.is_dir():
        remove_leftovers(options.out_dir.absolute())
        report: BuildReport = previous["report"]
        return dataclasses.replace(report, seconds=time.perf_counter() - started, stage_seconds=timings, unchanged=True)

    begun = time.perf_counter()
    cache = load_cache(cache_dir / "build.pickle")
    stage("cache", begun)
    config, site = load_site(options.site_dir, options.content_dir, problems, stage, cache)
    if config is None:
        raise BuildFailed(problems)
    problems.extend(_output_folder_problems(config, options.out_dir))

    # Catalogs are read even when the content has errors, so that every mistake is reported at once.
    begun = time.perf_counter()
    catalogs = load_catalogs(config)
    problems.extend(catalogs.problems)
    stage("catalogs", begun)
    if site is None or _has_errors(problems, options.strict):
        raise BuildFailed(_final(problems, options.strict))

    begun = time.perf_counter()
    pdf_engine, pdf_problems = load_engine(config.static_dir, cache_dir, config.static_dir / "print.css")
    problems.extend(pdf_problems)
    renderer = Renderer(site, catalogs.catalogs, pdf_engine, preview=options.preview, cache=cache)
    rendered = renderer.render_all()
    problems.extend(rendered.problems)
    problems.extend(check_paths(rendered.outputs, config.static_dir))
    stage("render", begun)
    if _has_errors(problems, options.strict):
        raise BuildFailed(_final(problems, options.strict))

    with staged_site(options.out_dir) as folder:
        begun = time.perf_counter()
        published = (
            previous.get("outputs")
            if previous is not None and previous.get("out_dir") == str(options.out_dir.absolute())
            else None
        )
        output_hashes = write_outputs(
            rendered.outputs, config.static_dir, folder, options.out_dir.absolute(), published
        )
        stage("write", begun)
        begun = time.perf_counter()
        search_problems = index_for_search(folder)
        problems.extend(search_problems)
        stage("search", begun)
        if _has_errors(search_problems, options.strict):
            raise BuildFailed(_final(problems, options.strict))

    begun = time.perf_counter()
    if pdf_engine is not None:
        prune_cache(pdf_engine)
    save_cache(cache_dir / "build.pickle", cache)
    per_language = Counter(page.lang for page in site.pages())
    untranslated = Counter(page.lang for page in site.pages() if page.is_fallback)
    report = BuildReport(
        pages_per_language={code: per_language.get(code, 0) for code in config.language_codes},
        untranslated_per_language={code: untranslated.get(code, 0) for code in config.language_codes},
        files_written=len(rendered.outputs),
        warnings=tuple(problem for problem in problems if problem.severity is Severity.WARNING),
        seconds=0.0,
        stage_seconds={},
    )
    _remember_build(
        cache_dir,
        {"inputs": inputs, "report": report, "outputs": output_hashes, "out_dir": str(options.out_dir.absolute())},
    )
    stage("cache", begun)
    return dataclasses.replace(report, seconds=time.perf_counter() - started, stage_seconds=timings)


def _input_fingerprint(options: BuildOptions) -> str:
    """Everything a build reads, and how it was asked to build: equal fingerprints build equal sites."""
    root = options.site_dir
    folders = [options.content_dir or root / "content", root / "templates", root / "translations", root / "static"]
    files = [root / "site.yaml"] if (root / "site.yaml").is_file() else []
    for folder in folders:
        if folder.is_dir():
            # Folders count too: an empty folder named like a page is a mistake the build must report.
            files += list(folder.rglob("*"))
    tools = [name for name in ("weasyprint", "pagefind") if importlib.util.find_spec(name) is not None]
    settings = [str(options.out_dir.absolute()), str(options.strict), str(options.preview), ",".join(tools)]
    try:
        return fingerprint(files, root if all(f.is_relative_to(root) for f in files) else Path("/"), *settings)
    except OSError:
        return ""  # a file vanished while reading: build for real, which will say what is wrong


def _last_build(cache_dir: Path) -> dict[str, Any] | None:
    try:
        with (cache_dir / "last-build.pickle").open("rb") as file:
            record = pickle.load(file)  # noqa: S301 - written by pregon itself, in the site's own folder
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _remember_build(cache_dir: Path, record: dict[str, Any]) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    temporary = cache_dir / "last-build.tmp"
    with temporary.open("wb") as file:
        pickle.dump(record, file, protocol=pickle.HIGHEST_PROTOCOL)
    temporary.replace(cache_dir / "last-build.pickle")


def load_site(
    site_dir: Path,
    content_dir: Path | None,
    problems: list[Problem],
    stage: Callable[[str, float], None] = lambda name, begun: None,
    cache: BuildCache | None = None,
) -> tuple[SiteConfig | None, Site | None]:
    """The front of the pipeline, shared by every command: configuration, content, translations linked.

    Every problem found is added to `problems`; the site is None when any of them is an error.
    """
    begun = time.perf_counter()
    config_result = load_config(site_dir, content_dir)
    problems.extend(config_result.problems)
    stage("config", begun)
    if config_result.config is None:
        return None, None
    config = config_result.config

    begun = time.perf_counter()
    content = load_content(config, cache)
    problems.extend(content.problems)
    stage("content", begun)

    begun = time.perf_counter()
    site_result = link_translations(config, content.pages)
    problems.extend(site_result.problems)
    stage("site", begun)
    if any(problem.is_error for problem in problems):
        return config, None
    return config, site_result.site


def require_site(site_dir: Path, content_dir: Path | None = None) -> tuple[SiteConfig, Site, list[Problem]]:
    """The loaded site for commands other than build; raises BuildFailed on any error."""
    problems: list[Problem] = []
    config, site = load_site(site_dir, content_dir, problems)
    if config is None or site is None:
        raise BuildFailed(problems)
    return config, site, problems


def _has_errors(problems: list[Problem], strict: bool) -> bool:
    return any(problem.is_error or strict for problem in problems)


def _final(problems: list[Problem], strict: bool) -> list[Problem]:
    return [problem.as_error() for problem in problems] if strict else problems


def _output_folder_problems(config: SiteConfig, out_dir: Path) -> list[Problem]:
    """The output folder is replaced whole on every build: it must never hold the sources."""
    out = out_dir.resolve()
    root = config.root.resolve()
    sources = [config.content_dir, config.templates_dir, config.translations_dir, config.static_dir]
    clashes = [
        folder.resolve()
        for folder in sources
        if out == folder.resolve() or folder.resolve().is_relative_to(out) or out.is_relative_to(folder.resolve())
    ]
    if root.is_relative_to(out):
        clashes.append(root)
    if clashes:
        return [
            error(
                str(out_dir),
                None,
                f"the output folder would replace or sit inside the sources ({clashes[0]})",
                "choose a separate folder for --out, such as site/",
            )
        ]
    return []
