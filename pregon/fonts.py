"""Whether the machine that builds has a font for each script its printed guides are in.

WeasyPrint lays PDFs out with the fonts fontconfig finds on the machine; a script none of them covers
prints as empty boxes, without an error from anyone. fontconfig's own `fc-list :lang=xx` answers the
question, language by language (its orthographies say which letters each language needs). The warning
is about the machine, not the site, so `--strict` lets it pass.
"""

from __future__ import annotations

import functools
import shutil
import subprocess

from babel import Locale

from .errors import Problem, Severity
from .site_config import CONFIG_FILE, Language
from .theme import language_and_script

CJK_SCRIPTS = frozenset({"Hans", "Hant", "Hani", "Jpan", "Kore", "Hira", "Kana", "Hang"})
"""Scripts whose Debian fonts are in fonts-noto-cjk; the other scripts' are in fonts-noto-core."""
_FONTCONFIG_NAMES = {("zh", "Hans"): "zh-cn", ("zh", "Hant"): "zh-tw"}


def missing_fonts(languages: tuple[Language, ...]) -> list[Problem]:
    """A warning for each language, of those given (the languages guides are printed in), whose script
    no installed font covers. Nothing when fontconfig's fc-list is not there to ask, or for Latin."""
    if shutil.which("fc-list") is None:
        return []
    problems = []
    for language in languages:
        found = language_and_script(language.locale)
        if found is None or found[1] in ("", "Latn"):
            continue
        code, script = found
        if _has_font(_FONTCONFIG_NAMES.get((code, script), code)):
            continue
        package = "fonts-noto-cjk" if script in CJK_SCRIPTS else "fonts-noto-core"
        script_name = Locale("en").scripts.get(script, script)
        problems.append(
            Problem(
                CONFIG_FILE,
                None,
                f"no font on this machine has the {script_name} letters of {language.name} ({language.code}): "
                "its printed guides would show empty boxes",
                f"install a font for it, such as Debian's {package} (apt-get install {package})",
                Severity.WARNING,
                about_machine=True,
            )
        )
    return problems


@functools.cache
def _has_font(fontconfig_language: str) -> bool:
    try:
        listed = subprocess.run(
            ["fc-list", f":lang={fontconfig_language}", "family"], capture_output=True, text=True, timeout=20
        )
    except (OSError, subprocess.SubprocessError):
        return True  # nothing can be said: no warning
    return bool(listed.stdout.strip())
