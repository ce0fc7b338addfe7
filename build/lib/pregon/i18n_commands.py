"""`python build.py i18n extract|update|init LANG|compile`: Babel's own catalog commands, pre-configured.

Translators get the usual gettext workflow without learning pybabel's options; the build itself
never needs the compiled `.mo` files that `compile` writes (for other gettext tools only).
"""

from __future__ import annotations

import sys
from pathlib import Path

ACTIONS = ("extract", "update", "init", "compile")


def run(site_dir: Path, action: str, language: str | None) -> int:
    translations = site_dir / "translations"
    template = translations / "messages.pot"
    commands = {
        "extract": [
            "extract",
            "--mapping-file",
            str(site_dir / "babel.cfg"),
            "--output-file",
            str(template),
            "--sort-by-file",
            "--no-wrap",
            "--project",
            "pregon",
            str(site_dir / "templates"),
        ],
        "update": [
            "update",
            "--input-file",
            str(template),
            "--output-dir",
            str(translations),
            "--no-wrap",
            "--ignore-pot-creation-date",
            "--ignore-obsolete",
        ],
        "init": [
            "init",
            "--input-file",
            str(template),
            "--output-dir",
            str(translations),
            "--no-wrap",
            "--locale",
            language or "",
        ],
        "compile": ["compile", "--directory", str(translations), "--statistics"],
    }
    if action == "init" and not language:
        print("i18n init needs a language code: python build.py i18n init fr", file=sys.stderr)
        return 2
    if action in ("update", "init") and not template.exists():
        print(f"{template} does not exist yet: run `python build.py i18n extract` first", file=sys.stderr)
        return 1
    from babel.messages.frontend import CommandLineInterface  # only when a translator runs a command

    try:
        CommandLineInterface().run(  # type: ignore[no-untyped-call]
            ["pybabel", "--quiet", *commands[action]]
        )
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0
