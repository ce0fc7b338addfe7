"""The build: configuration -> content -> site -> catalogs -> render -> write, each stage timed.

Every stage runs as far as it can and returns its problems; the build stops before writing when any
stage found an error, so the published folder only ever changes to a complete, correct site.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from .analysis import Analyser, PendingAnalysis, analysis_service, begin_analysis
from .cache import SavedCache, load_cache, save_cache
from .config import load_config
from .content import ContentMemory, load_content
from .errors import BuildFailed, Problem, Severity, error, warning
from .fact_check import fact_differences
from .fingerprint import input_fingerprint
from .fonts import missing_fonts
from .i18n import load_catalogs
from .last_build import (
    CACHE_FOLDER,
    LastBuild,
    OutputRecord,
    OutputRecords,
    PublishedSite,
    forget_build,
    new_build_id,
    read_last_build,
    read_output_records,
    remember_build,
    unchanged_report,
)
from .linking import link_translations
from .lock import build_lock
from .memory import PreviewMemory
from .options import BuildOptions, BuildReport
from .output import (
    Destination,
    PublishedFileMissing,
    StaticFileUnreadable,
    check_paths,
    publish,
    staged_site,
    unwritable_as_problem,
    write_outputs,
)
from .printed import PdfEngine, printed, printed_languages, prune_cache, start_engine
from .readability import ReadingLevels, page_readings, reading_problems
from .render import Made, RenderedSite, render_site
from .search import IndexingFailed, search_index
from .site import Site
from .site_config import SiteConfig
from .today import source_date_problem

__all__ = ["BuildOptions", "BuildReport", "build", "load_site", "require_site"]


def build(
    options: BuildOptions,
    memory: PreviewMemory | None = None,
    changed: frozenset[str] | None = None,
    waiting: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build the site, or raise BuildFailed with every problem found; the output folder is untouched then.

    `memory`: what a process that builds again and again (the preview server) keeps between builds,
    and whose cache it saves itself, instead of one read from and written to the disk by each build.
    `changed`: with it, the absolute paths of the inputs that a file watcher saw change since the last
    build of this process. One build at a time of a site and of an output folder: if another one runs,
    this one waits for it (telling `waiting` once), or fails if `options.wait` is False.
    """
    with build_lock(options.site_dir, options.out_dir, options.wait, waiting), contextlib.ExitStack() as ending:
        return _build(options, memory, changed, ending)


def _build(
    options: BuildOptions, memory: PreviewMemory | None, changed: frozenset[str] | None, ending: contextlib.ExitStack
) -> BuildReport:
    """The build; `ending`: what to close when it ends, however it ends (the print service)."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    problems: list[Problem] = []

    def stage(name: str, begun: float) -> None:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - begun

    stated = source_date_problem()
    if stated is not None:
        raise BuildFailed([stated])

    # Nothing changed since the last build into this folder: the site there is already this one.
    begun = time.perf_counter()
    cache_dir = options.site_dir / CACHE_FOLDER
    records = memory.records if memory is not None else None
    last = read_last_build(cache_dir, options.out_dir, records)
    # The inputs `changed` is counted from: those the last build of this process found.
    since = memory.walk.digest if memory is not None else ""
    inputs = input_fingerprint(
        options, last.last_inputs if last is not None else None, memory.walk if memory is not None else None, changed
    )
    if memory is not None and inputs is not None:
        memory.walk = inputs.walked
    stage("fingerprint", begun)
    unchanged = unchanged_report(options, inputs, last)
    if unchanged is not None and (memory is None or memory.built):
        return dataclasses.replace(unchanged, seconds=time.perf_counter() - started, stage_seconds=timings)

    # Started before the cache is loaded: it loads what measuring pages needs meanwhile (analysis.py).
    analyser = _analyser(cache_dir, memory, ending)
    begun = time.perf_counter()
    if memory is not None:
        memory.cache.used.clear()
    cache = memory.cache if memory is not None else load_cache(cache_dir)
    stage("cache", begun)
    loaded = load_site(
        options.site_dir,
        options.content_dir,
        problems,
        stage,
        cache,
        memory,
        inputs.hashes if inputs is not None else None,
        (changed, since, inputs.digest) if inputs is not None and changed is not None else None,
    )
    config, site = loaded
    if config is None:
        raise BuildFailed(problems)
    problems.extend(_output_folder_problems(config, options.out_dir))
    # Started now, the print service imports WeasyPrint while the site is checked and rendered; only a
    # site with guides to print starts it.
    pdf_engine, pdf_problems = (
        start_engine(
            config.theme.static_folders, cache_dir, config.theme.static_file("print.css"), load_here=memory is not None
        )
        if site is not None and any(printed(site, group) for group in site.groups)
        else (None, [])
    )
    if pdf_engine is not None:
        ending.callback(pdf_engine.close)
    problems.extend(pdf_problems)

    # Catalogs are read even when the content has errors, so that every mistake is reported at once.
    begun = time.perf_counter()
    catalogs = load_catalogs(config)
    problems.extend(catalogs.problems)
    stage("catalogs", begun)
    if site is None or _has_errors(problems, options.strict):
        raise BuildFailed(_final(problems, options.strict))
    # The service analyses the pages while the site is rendered; the checks read what it found after.
    begun = time.perf_counter()
    analysis = begin_analysis(site, cache, analyser, cache_dir)
    stage("analysis", begun)

    begun = time.perf_counter()
    if pdf_engine is not None:
        problems.extend(missing_fonts(printed_languages(site)))
    out_dir = options.out_dir.absolute()
    published = (
        PublishedSite(out_dir, last.outputs, read_output_records(cache_dir, options.out_dir, last, records))
        if last is not None and last.out_dir == str(out_dir)
        else None
    )
    # Pages are written as they are rendered, by every worker process, into a folder beside the
    # published one; it replaces the published one only if the whole build succeeds.
    with unwritable_as_problem(options.out_dir), staged_site(options.out_dir) as folder:
        destination = Destination(folder, published.has if published is not None else None)
        try:
            rendered = render_site(
                site,
                catalogs.catalogs,
                cache,
                pdf_engine=pdf_engine,
                preview=options.preview,
                published=published,
                destination=destination,
                link_probes=memory.link_probes if memory is not None else None,
                known_keys=memory.known_keys if memory is not None else None,
            )
            problems.extend(rendered.problems)
            problems.extend(check_paths(rendered.outputs, config.static_dir))
            stage("render", begun)
            problems.extend(_checked(site, cache, analysis, cache_dir, memory, stage))
            if _has_errors(problems, options.strict):
                raise BuildFailed(_final(problems, options.strict))
            begun = time.perf_counter()
            outputs, output_records, indexed = _with_search_index(rendered, published, options.preview)
            stage("search", begun)
            begun = time.perf_counter()
            placed = write_outputs(outputs, config.theme.static_files(), destination)
            forget_build(cache_dir, options.out_dir)
            publish(
                folder,
                options.out_dir,
                placed,
                published.digests if published is not None else None,
                patch_always=options.preview,
            )
        except StaticFileUnreadable as exc:
            shown = config.shown(exc.path)
            raise BuildFailed(
                [
                    error(
                        shown,
                        None,
                        f"cannot be read: {exc.reason}{config.overrides(exc.path)}",
                        "check its permissions",
                    )
                ]
            ) from exc
        except PublishedFileMissing as exc:
            raise BuildFailed(
                [error(str(options.out_dir / str(exc)), None, "was removed while the site was building", "build again")]
            ) from exc
        stage("write", begun)
    problems.extend(_saved(cache_dir, cache if memory is None else None, pdf_engine))
    if memory is not None:
        memory.search_records = rendered.search_records
        memory.built = True

    begun = time.perf_counter()
    per_language = Counter(page.lang for page in site.pages())
    untranslated = Counter(page.lang for page in site.pages() if page.is_fallback)
    report = BuildReport(
        pages_per_language={code: per_language.get(code, 0) for code in config.language_codes},
        untranslated_per_language={code: untranslated.get(code, 0) for code in config.language_codes},
        files_written=len(outputs),
        rendered=rendered.rendered,
        search_indexed=indexed,
        warnings=tuple(problem for problem in problems if problem.severity is Severity.WARNING),
        seconds=0.0,
        stage_seconds={},
    )
    build_id = new_build_id()
    record = LastBuild(
        inputs.digest if inputs is not None else "",
        inputs.files if inputs is not None else {},
        inputs.taken_ns if inputs is not None else 0,
        report,
        {item.path: item.digest for item in placed},
        str(out_dir),
        build_id,
    )
    try:
        remember_build(cache_dir, options.out_dir, record, OutputRecords(build_id, output_records), records)
    except OSError:
        pass  # the site is published; without its record, the next build is a cold one, and says nothing less
    stage("save", begun)
    return dataclasses.replace(report, seconds=time.perf_counter() - started, stage_seconds=timings)


def _checked(
    site: Site,
    cache: SavedCache,
    analysis: PendingAnalysis,
    cache_dir: Path,
    memory: PreviewMemory | None,
    stage: Callable[[str, float], None],
) -> list[Problem]:
    """The fact check (fact_check.py) and reading levels (readability.py), once the analysis is done."""
    begun = time.perf_counter()
    analysis.finish()
    stage("analysis", begun)
    begun = time.perf_counter()
    problems = fact_differences(site, cache)
    stage("facts", begun)
    begun = time.perf_counter()
    problems.extend(reading_problems(site.config, page_readings(site, _reading_levels(cache_dir, memory), cache)))
    stage("reading", begun)
    return problems


def _analyser(cache_dir: Path, memory: PreviewMemory | None, ending: contextlib.ExitStack) -> Analyser:
    """Where pages are analysed: by the preview's own process, which keeps textstat loaded from build
    to build, or by a service started now."""
    if memory is not None:
        return _reading_levels(cache_dir, memory)
    service = analysis_service(cache_dir)
    service.start()
    ending.callback(service.close)
    return service


def _reading_levels(cache_dir: Path, memory: PreviewMemory | None) -> ReadingLevels:
    """The measurer of reading levels (readability.py): a process that builds again keeps its own."""
    levels = memory.reading_levels if memory is not None else None
    if levels is None:
        levels = ReadingLevels(cache_dir)
        if memory is not None:
            memory.reading_levels = levels
    return levels


def _with_search_index(
    rendered: RenderedSite, published: PublishedSite | None, preview: bool
) -> tuple[list[Made], dict[str, OutputRecord], bool]:
    """The rendered outputs and their records, with the search index's (search.py), and whether Pagefind
    ran. The preview leaves the index out: its server makes it in the background (preview_search.py)."""
    outputs: list[Made] = list(rendered.outputs)
    records = dict(rendered.records)
    if preview:
        return outputs, records, False
    try:
        index = search_index(rendered.search_records, published)
    except IndexingFailed as exc:
        raise BuildFailed(
            [
                error(
                    "pagefind",
                    None,
                    f"could not index the site for search: {exc}",
                    "reinstall pregon (`pip install pregon`), which brings Pagefind, and build again",
                )
            ]
        ) from exc
    outputs.extend(index.outputs)
    records.update(index.records)
    return outputs, records, index.indexed


def load_site(
    site_dir: Path,
    content_dir: Path | None,
    problems: list[Problem],
    stage: Callable[[str, float], None] = lambda name, begun: None,
    cache: SavedCache | None = None,
    memory: PreviewMemory | None = None,
    file_hashes: dict[str, str] | None = None,
    watched: tuple[frozenset[str], str, str] | None = None,
) -> tuple[SiteConfig | None, Site | None]:
    """The front of the pipeline, shared by every command: configuration, content, translations linked.

    Every problem found is added to `problems`; the site is None when any of them is an error.
    `memory`: what the last build of this process found, which it starts from and updates.
    `watched`: what a file watcher saw change, the fingerprint of the inputs it counts from, and that
    of this build's (see load_content).
    """
    begun = time.perf_counter()
    config_result = load_config(site_dir, content_dir)
    problems.extend(config_result.problems)
    stage("config", begun)
    if config_result.config is None:
        return None, None
    config = config_result.config

    begun = time.perf_counter()
    changed, since, inputs = watched if watched is not None else (None, "", "")
    known: ContentMemory | None = memory.content if memory is not None else None
    content = load_content(config, cache, known, file_hashes, changed, since, inputs)
    problems.extend(content.problems)
    if memory is not None:
        memory.content = content.memory
    stage("content", begun)

    begun = time.perf_counter()
    site_result = link_translations(config, content.pages, memory.site if memory is not None else None, content.alerts)
    problems.extend(site_result.problems)
    stage("site", begun)
    if any(problem.is_error for problem in problems):
        return config, None
    if memory is not None:
        memory.site = site_result.site
    return config, site_result.site


def require_site(site_dir: Path, content_dir: Path | None = None) -> tuple[SiteConfig, Site, list[Problem]]:
    """The loaded site for commands other than build; raises BuildFailed on any error."""
    problems: list[Problem] = []
    config, site = load_site(site_dir, content_dir, problems)
    if config is None or site is None:
        raise BuildFailed(problems)
    return config, site, problems


def _saved(cache_dir: Path, cache: SavedCache | None, pdf_engine: PdfEngine | None) -> list[Problem]:
    """Save what the next build may reuse (the cache, unless the caller keeps it): the site is already
    published, so a disk that cannot take it is a warning, and the next build a slower one."""
    try:
        if pdf_engine is not None:
            prune_cache(pdf_engine)
        if cache is not None:
            save_cache(cache_dir, cache)
    except OSError as exc:
        return [
            warning(
                str(exc.filename or cache_dir),
                None,
                f"the build cache could not be saved ({exc.strerror}); the site was published",
                "free some space there: the next build will be slower, not wrong",
            )
        ]
    return []


def _has_errors(problems: list[Problem], strict: bool) -> bool:
    return any(problem.is_error or (strict and not problem.passes_strict) for problem in problems)


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
