"""The theme: pregon's own templates, static files and interface catalogs, overridden by a site's, file by file.

A site folder needs only `site.yaml` and `content/`. Whatever its `templates/` and `static/` hold
replaces the theme's file of the same name (as MkDocs' `custom_dir` and Hugo's lookup order do), and
the rest comes from the theme shipped in the package, so fixes to the theme keep reaching the site.
A site's `translations/` hold only what it adds or translates differently: i18n.py reads the site's
catalog first and the theme's behind it, message by message.

Paths only: nothing here reads a file's contents.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import get_global

THEME_DIR = Path(__file__).parent / "default_theme"
"""The default theme, inside the package: templates/, static/, translations/, starter/, babel.cfg."""

FOLDERS = ("templates", "static", "translations")
"""The folders a site may hold to override the theme."""


@dataclass(frozen=True)
class Theme:
    """Where each of a site's templates, static files and catalogs comes from."""

    site_dir: Path
    theme_dir: Path = THEME_DIR

    @property
    def template_folders(self) -> tuple[Path, Path]:
        """Searched in order: the site's first."""
        return (self.site_dir / "templates", self.theme_dir / "templates")

    @property
    def static_folders(self) -> tuple[Path, Path]:
        return (self.site_dir / "static", self.theme_dir / "static")

    def static_files(self) -> dict[str, Path]:
        """Every static file by its path under static/, the site's replacing the theme's of the same name."""
        files: dict[str, Path] = {}
        for folder in reversed(self.static_folders):
            if folder.is_dir():
                for file in sorted(folder.rglob("*")):
                    if file.is_file():
                        files[file.relative_to(folder).as_posix()] = file
        return dict(sorted(files.items()))

    def static_file(self, name: str) -> Path | None:
        for folder in self.static_folders:
            if (folder / name).is_file():
                return folder / name
        return None

    def overridden(self, path: Path) -> Path | None:
        """The theme file that a site's file replaces, if it replaces one."""
        for folder in FOLDERS:
            own = self.site_dir / folder
            if path.is_relative_to(own):
                theirs = self.theme_dir / folder / path.relative_to(own)
                return theirs if theirs.exists() else None
        return None

    def site_catalog(self, code: str) -> Path:
        return self.site_dir / "translations" / code / "LC_MESSAGES" / "messages.po"

    def theme_catalog(self, locale: str) -> Path | None:
        """The theme's catalog for a locale: the one for the same language written in the same script.

        `es_MX` reads the theme's `es`, and `zh` (written in simplified characters, says CLDR) reads
        `zh_Hans`, but `zh_Hant` reads none: a catalog in the wrong script is worse than none.
        """
        wanted = language_and_script(locale)
        folder = self.theme_dir / "translations"
        if wanted is None or not folder.is_dir():
            return None
        for candidate in sorted(folder.iterdir()):
            path = candidate / "LC_MESSAGES" / "messages.po"
            if path.is_file() and language_and_script(candidate.name) == wanted:
                return path
        return None

    @property
    def theme_template(self) -> Path:
        """The theme's messages.pot: every interface string its templates use."""
        return self.theme_dir / "translations" / "messages.pot"

    @property
    def site_template(self) -> Path:
        """The site's messages.pot: the strings its own templates use (`i18n extract`)."""
        return self.site_dir / "translations" / "messages.pot"


def language_and_script(locale: str) -> tuple[str, str] | None:
    """(`zh`, `Hans`) for `zh`, `zh_CN` or `zh_Hans`: the script CLDR says a locale is written in."""
    try:
        parsed = Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None
    if parsed.script:
        return (parsed.language, parsed.script)
    likely = get_global("likely_subtags")
    for tag in (str(parsed), parsed.language):
        if tag in likely:
            return (parsed.language, Locale.parse(str(likely[tag])).script or "")
    return (parsed.language, "")
