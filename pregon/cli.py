"""The command line: parses arguments and hands them to the build or the catalog commands.

No logic of its own beyond choosing exit codes: 0 success, 1 problems in the sources, 2 a usage
mistake. A Python traceback never reaches staff for bad input; a real crash says where its trace is.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import shlex
import sys
import tempfile
import threading
import traceback
from pathlib import Path

from . import i18n_commands
from .errors import BuildFailed, Problem, format_problem, sorted_problems
from .last_build import CACHE_FOLDER, unchanged_build
from .options import BuildOptions

# The commands' own modules (and the pipeline, with Markdown, Jinja2, Babel and WeasyPrint) are imported
# inside each command: a build with nothing to do then answers before loading any of them.

COMMANDS = ("build", "i18n", "status", "new", "check", "serve", "init")


def main(argv: list[str] | None = None) -> None:
    arguments = sys.argv[1:] if argv is None else argv
    if _command_of(arguments) != "serve":
        # A command that runs once makes millions of small objects that live to its end, and few
        # cycles: the collector's default, a pass every 700 new objects and a full one every 70,000,
        # scanned the live ones again and again (a second of CPU over the processes of a cold build of
        # 4,000 pages, a tenth of one after an edit). The preview, which runs for hours, keeps it.
        gc.set_threshold(20_000, 20, 20)
    code = run(arguments)
    # A build leaves its cache in memory, hundreds of thousands of small objects: freeing them one by
    # one as Python exits took half a second after a one-page edit. Everything is written and closed
    # by now; the operating system frees the whole process at once.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


GLOBAL_OPTIONS = ("--site", "--content")
"""Options every command takes, before or after the command's name."""


def run(argv: list[str]) -> int:
    arguments = _parser().parse_args(_with_command(argv))
    for name in ("site", "content"):
        if getattr(arguments, name, None) is None:
            setattr(arguments, name, "." if name == "site" else None)
    try:
        if arguments.command == "i18n":
            return i18n_commands.run(Path(arguments.site), arguments.action, arguments.language)
        if arguments.command == "status":
            return _status(arguments)
        if arguments.command == "new":
            return _new(arguments)
        if arguments.command == "check":
            return _check(arguments)
        if arguments.command == "serve":
            return _serve(arguments)
        if arguments.command == "init":
            return _init(arguments)
        return _build(arguments)
    except BuildFailed as failure:  # a command that needs the site found problems in it
        return _report(failure.problems)
    except KeyboardInterrupt:
        print("Interrupted; the previous site was left as it was.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader stopped reading (`pregon status | head`): nothing more to say, and nothing went wrong.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the interpreter flushes it at exit
        return 0
    except Exception:  # noqa: BLE001 - the last line of defence: staff get a message, not a traceback
        with tempfile.NamedTemporaryFile("w", prefix="pregon-crash-", suffix=".txt", delete=False) as file:
            traceback.print_exc(file=file)
        print(
            f"pregon crashed: this is a bug in pregon, not in your content. The previous site was left as it was.\n"
            f"The details were saved to {file.name}; please attach that file to a bug report.",
            file=sys.stderr,
        )
        return 70


def _with_command(argv: list[str]) -> list[str]:
    """`argv` with `build` where no command is named."""
    return argv if _command_of(argv) is not None else ["build", *argv]


def _command_of(argv: list[str]) -> str | None:
    """The command `argv` names (or "-h" for help): the first word that is not a global option or its
    value; None if that word is an option of build's, or there is none."""
    words = iter(argv)
    for word in words:
        if word in GLOBAL_OPTIONS:
            next(words, None)  # its value
        elif word.startswith(tuple(f"{option}=" for option in GLOBAL_OPTIONS)):
            continue
        elif word in ("-h", "--help") or word in COMMANDS:
            return word
        else:
            return None  # an option of build's, or no command at all
    return None


def _global_options(defaults: bool) -> argparse.ArgumentParser:
    """--site and --content, for the main parser (before the command) and for each command (after it):
    a value given after the command wins, and where neither gives one, run() sets the default."""
    options = argparse.ArgumentParser(add_help=False)
    default = None if defaults else argparse.SUPPRESS
    options.add_argument("--site", default=default, help="the site folder, holding site.yaml (default: .)")
    options.add_argument("--content", default=default, help="the content folder (default: SITE/content)")
    return options


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pregon", description="Build a multilingual public information site.", parents=[_global_options(True)]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    after = [_global_options(False)]
    build_parser = commands.add_parser("build", help="build the site (the default command)", parents=after)
    build_parser.add_argument("--out", help="the output folder, replaced on success (default: SITE/site)")
    build_parser.add_argument("--strict", action="store_true", help="treat every warning as an error")
    build_parser.add_argument("--profile", action="store_true", help="show where the time went, by stage")
    build_parser.add_argument(
        "--no-wait", action="store_true", help="if another build of the site is running, exit 1 instead of waiting"
    )
    i18n_parser = commands.add_parser("i18n", help="manage the interface string catalogs (wraps Babel)", parents=after)
    i18n_parser.add_argument("action", choices=i18n_commands.ACTIONS)
    i18n_parser.add_argument("language", nargs="?", help="the language code, for init")
    status_parser = commands.add_parser("status", help="what is translated, missing or outdated", parents=after)
    status_parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    status_parser.add_argument("--strict", action="store_true", help="exit 1 if anything is missing or outdated")
    status_parser.add_argument(
        "--mark", metavar="PATH", help="record that a translation follows its source as it is now"
    )
    status_parser.add_argument("--diff", metavar="PATH", help="show what changed in a translation's source since then")
    new_parser = commands.add_parser("new", help="start a new page, or a translation of one", parents=after)
    new_parser.add_argument("kind", help="announcement, faq or guide")
    new_parser.add_argument("title", help="the page's title, in its language")
    new_parser.add_argument("--lang", help="the page's language (default: the site's default language)")
    new_parser.add_argument("--translation-of", metavar="PATH", help="the page this one translates")
    check_parser = commands.add_parser(
        "check", help="find what readers would stumble on, before publishing", parents=after
    )
    check_parser.add_argument("--external", action="store_true", help="also check links to other sites")
    serve_parser = commands.add_parser(
        "serve", help="preview the site, rebuilt and reloaded on every change", parents=after
    )
    serve_parser.add_argument("--port", type=int, default=8000, help="the port to serve on (default: 8000)")
    init_parser = commands.add_parser("init", help="start a new site in a folder", parents=after)
    init_parser.add_argument("folder", help="the new site's folder (made if it does not exist)")
    init_parser.add_argument(
        "--languages", default="en", help="language codes, the default language first (default: en): en,es,zh-Hans"
    )
    init_parser.add_argument("--name", help="the site's name (default: the folder's name)")
    return parser


def _init(arguments: argparse.Namespace) -> int:
    from .init import InitRefused, init_site, languages_of

    folder = Path(arguments.folder)
    try:
        languages = languages_of(arguments.languages)
        name = arguments.name or folder.absolute().name.replace("-", " ").replace("_", " ").strip().title() or "Site"
        result = init_site(folder, languages, name, datetime.date.today())
    except InitRefused as refused:
        print(f"pregon init: {refused}", file=sys.stderr)
        return 2 if refused.usage else 1
    except OSError as exc:
        print(f"pregon init: cannot write {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"Started a site in {folder}/ in {', '.join(language.name for language in languages)}:")
    for path in result.written:
        print(f"  {path.relative_to(folder).as_posix()}")
    for note in result.notes:
        print(f"Note: {note}")
    shown = folder.as_posix()
    print(f"Next: cd {shlex.quote(shown)} && pregon serve   (preview), then pregon build   (the site, in site/)")
    return 0


def _content(arguments: argparse.Namespace) -> Path | None:
    return Path(arguments.content) if arguments.content else None


def _serve(arguments: argparse.Namespace) -> int:
    site_dir = Path(arguments.site)

    from . import serve
    from .cache import load_cache, save_cache
    from .lock import build_lock
    from .memory import PreviewMemory
    from .pipeline import build
    from .preview_search import BackgroundIndexer

    # Kept in memory while the server runs, so that a rebuild after each save neither reads nor writes it.
    cache_folder = site_dir / CACHE_FOLDER
    memory = PreviewMemory(load_cache(cache_folder))

    indexer = BackgroundIndexer(site_dir / serve.PREVIEW_FOLDER, report=lambda line: print(line, file=sys.stderr))

    def rebuild(out_dir: Path, changed: frozenset[str] | None) -> list[Problem]:
        options = BuildOptions(site_dir=site_dir, out_dir=out_dir, content_dir=_content(arguments), preview=True)
        report = build(options, memory, changed, waiting=lambda line: print(line, file=sys.stderr))
        # Returns at once, so the page reloads as soon as this build is published; the search index
        # follows in the background, from the pages this build holds in memory.
        indexer.follow(memory.search_records)
        return list(report.warnings)

    def dashboard() -> bytes | None:
        from .dashboard import render_dashboard
        from .readability import ReadingLevels

        site = memory.site
        if site is None:
            return None
        levels = memory.reading_levels or ReadingLevels(cache_folder)
        return render_dashboard(site, memory.cache, levels, datetime.datetime.now())

    preview = serve.PreviewServer(
        site_dir, rebuild, port=arguments.port, report=lambda line: print(line, file=sys.stderr), dashboard=dashboard
    )
    with preview.running():
        print(f"Previewing on {preview.url} (press Ctrl+C to stop)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("Stopped.", file=sys.stderr)
        finally:
            indexer.stop()
            # Under the build's lock: a build from the command line may be saving the same cache.
            with build_lock(site_dir, site_dir / serve.PREVIEW_FOLDER):
                save_cache(cache_folder, memory.cache)
    return 0


def _check(arguments: argparse.Namespace) -> int:
    problems: list[Problem] = []
    from . import check
    from .pipeline import load_site

    config, site = load_site(Path(arguments.site), _content(arguments), problems)
    readings = []
    if site is not None:
        from .readability import ReadingLevels, format_readings, page_readings, reading_problems

        problems += check.check_site(site, check_external=arguments.external)
        readings = page_readings(site, ReadingLevels(Path(arguments.site) / CACHE_FOLDER))
        problems += reading_problems(site.config, readings)
    found = _report([problem.as_error() for problem in problems])
    if not found:
        print("No problems found." if not any(not problem.is_error for problem in problems) else "No errors found.")
    if site is not None and readings:
        print(format_readings(site.config, readings))
    return found


def _new(arguments: argparse.Namespace) -> int:
    from . import new
    from .i18n import load_catalogs
    from .pipeline import require_site

    site_dir = Path(arguments.site)
    config, site, _warnings = require_site(site_dir, _content(arguments))

    source = _site_relative(arguments.translation_of, site_dir) if arguments.translation_of else None
    planned, problems = new.plan_page(
        config,
        site,
        load_catalogs(config).catalogs,
        arguments.kind,
        arguments.title,
        arguments.lang,
        source,
        datetime.date.today(),
    )
    if planned is not None:
        problems += new.write_new_page(planned)
    if not problems and planned is not None:
        shown = config.shown(planned.path)
        print(f"Created {shown}. It is a draft: write it, then remove the line `draft: true` to publish it.")
    return _report(problems)


def _report(problems: list[Problem]) -> int:
    for problem in sorted_problems(problems):
        print(format_problem(problem), file=sys.stderr)
    return 1 if any(problem.is_error for problem in problems) else 0


def _site_relative(path: str, site_dir: Path) -> str:
    """A path given on the command line, as the site names its sources (relative to its folder)."""
    absolute = Path(path).absolute()
    root = site_dir.absolute()
    return absolute.relative_to(root).as_posix() if absolute.is_relative_to(root) else Path(path).as_posix()


def _status(arguments: argparse.Namespace) -> int:
    from . import status
    from .pipeline import require_site

    site_dir = Path(arguments.site)
    config, site, _warnings = require_site(site_dir, _content(arguments))

    if arguments.mark:
        problems = status.mark(site, _site_relative(arguments.mark, site_dir), config.root)
        if not problems:
            print(f"Marked {arguments.mark} as following the current version of its source.")
        return _report(problems)
    if arguments.diff:
        text, problems = status.diff(site, _site_relative(arguments.diff, site_dir), config.root)
        if not problems:
            print(text or "The source has not changed since this translation was made.", end="" if text else "\n")
        return _report(problems)
    from .readability import ReadingLevels, page_readings

    readings = page_readings(site, ReadingLevels(site_dir / CACHE_FOLDER)) if arguments.json else []
    result = status.translation_status(config, site, readings)
    if arguments.json:
        print(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
    else:
        print(status.format_table(result, config))
    return 1 if arguments.strict and result.incomplete else 0


def _build(arguments: argparse.Namespace) -> int:
    site_dir = Path(arguments.site)
    options = BuildOptions(
        site_dir=site_dir,
        out_dir=Path(arguments.out) if arguments.out else site_dir / "site",
        content_dir=_content(arguments),
        strict=arguments.strict,
        wait=not arguments.no_wait,
    )
    try:
        report = unchanged_build(options)
        if report is None:
            from .pipeline import build

            report = build(options, waiting=lambda line: print(line, file=sys.stderr, flush=True))
    except BuildFailed as failure:
        problems = sorted_problems(failure.problems)
        for problem in problems:
            print(format_problem(problem), file=sys.stderr)
        errors = sum(problem.is_error for problem in problems)
        print(f"Build failed with {errors} error(s); {options.out_dir} was left as it was.", file=sys.stderr)
        return 1
    for problem in sorted_problems(list(report.warnings)):
        print(format_problem(problem), file=sys.stderr)
    print(report.summary())
    if arguments.profile:
        if not report.unchanged:
            print(f"  {report.rendered} of {report.files_written} files rendered again, the others unchanged")
        for name, seconds in report.stage_seconds.items():
            print(f"  {name:<10} {seconds * 1000:8.1f} ms")
    return 0
