"""`pregon init DIR --languages en,es,zh-Hans`: a new site that builds and passes `check` at once.

It writes `site.yaml` with each language's name in itself, its text direction and its locale taken from
Babel's CLDR data, a starter page in each section (in every language pregon has starter text for, the
others get the default language's with a notice, as any untranslated page), a README for the site's
staff and a .gitignore. The site holds no templates, static files or catalogs: the theme gives them all,
and the site adds its own file by file when it wants to change one.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError

from .front_matter import blob_id
from .site_config import BUILT_IN_SECTIONS, CONFIG_FILE
from .theme import THEME_DIR, language_and_script

STARTER_DIR = THEME_DIR / "starter"
"""The starter pages: one per section, in each language pregon has written them in."""

_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True)
class NewLanguage:
    code: str
    name: str
    """Its name in itself, capitalised as a language switch shows it: `Español`, `Tiếng Việt`."""
    locale: str
    direction: str


@dataclass(frozen=True)
class InitResult:
    written: tuple[Path, ...]
    notes: tuple[str, ...]


class InitRefused(Exception):
    """What is wrong with the command, for the command line to print (exit 1 or 2)."""

    def __init__(self, message: str, usage: bool) -> None:
        super().__init__(message)
        self.usage = usage


def languages_of(codes: str) -> list[NewLanguage]:
    """`en,es,zh-Hans` -> each language's facts from CLDR; a code Babel does not know is refused."""
    languages = []
    seen: set[str] = set()
    for code in (part.strip() for part in codes.split(",")):
        if not code:
            continue
        if not _TAG.match(code):
            raise InitRefused(f'"{code}" is not a language tag: use codes such as en, es, zh-Hans or ar', usage=True)
        if code in seen:
            raise InitRefused(f'"{code}" is given twice in --languages', usage=True)
        seen.add(code)
        try:
            locale = Locale.parse(code, sep="-")
        except (UnknownLocaleError, ValueError):
            raise InitRefused(
                f'Babel has no data for the language "{code}": start with the languages it knows, then add this '
                "one to site.yaml by hand with its name and direction (see the README)",
                usage=True,
            ) from None
        name = locale.get_display_name(locale) or code
        languages.append(NewLanguage(code, name[:1].upper() + name[1:], str(locale), locale.text_direction))
    if not languages:
        raise InitRefused("--languages needs at least one language code, such as en,es", usage=True)
    return languages


def init_site(folder: Path, languages: list[NewLanguage], site_name: str, today: datetime.date) -> InitResult:
    if (folder / CONFIG_FILE).exists():
        raise InitRefused(f"{folder / CONFIG_FILE} already exists: pregon init starts a new site only", usage=False)
    written: list[Path] = []
    notes: list[str] = []

    def write(relative: str, text: str) -> None:
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    write(CONFIG_FILE, site_yaml(languages, site_name))
    default = languages[0]
    source_texts = _starter_texts(default.locale)
    if source_texts is None:
        source_texts = _starter_texts("en") or {}
        notes.append(
            f"pregon has no starter pages in {default.name}: the starter pages are in English, "
            f"in content/{default.code}/; translate or replace them"
        )
    sources: dict[str, str] = {}
    for name, text in sorted(source_texts.items()):
        text = text.replace("{date}", today.isoformat())
        write(f"content/{default.code}/{name}", text)
        sources[name] = blob_id(text.encode("utf-8"))
    for language in languages[1:]:
        texts = _starter_texts(language.locale)
        if texts is None:
            continue
        for name, text in sorted(texts.items()):
            source = _source_of(name, text)
            if source in sources:
                # Recorded as a translation of that version of its source, as `status --mark` would.
                text = _with_field(text.replace("{date}", today.isoformat()), "translation_of", sources[source])
                write(f"content/{language.code}/{name}", text)
    write("README.md", staff_readme(site_name, languages))
    write(".gitignore", "/site/\n/.pregon-cache/\n/.pregon-preview/\n")
    return InitResult(tuple(written), tuple(notes))


def site_yaml(languages: list[NewLanguage], site_name: str) -> str:
    quoted = _quoted(site_name)
    lines = [
        "# The site's configuration: see pregon's README for every setting.",
        "#",
        "# base_url is the address the site will be published at, used for canonical links, feeds, the",
        "# sitemap and the QR codes of printed guides. Replace it before publishing.",
        'base_url: "https://www.example.org/"',
        f"default_language: {languages[0].code}",
        "paper: letter",
        "languages:",
    ]
    for language in languages:
        lines += [
            f"  - code: {language.code}",
            f"    name: {_quoted(language.name)}",
            f"    locale: {language.locale}",
            f"    direction: {language.direction}",
            f"    site_name: {quoted}" + ("" if language is languages[0] else f"  # in {language.name}"),
            "    sections:  # the URL segment of each section in this language",
            *(f"      {section}: {section}" for section in BUILT_IN_SECTIONS),
        ]
    return "\n".join(lines) + "\n"


def staff_readme(site_name: str, languages: list[NewLanguage]) -> str:
    codes = ", ".join(f"`{language.code}`" for language in languages)
    default = languages[0].code
    return f"""# {site_name}

This site is built with pregon. Its pages are the Markdown files in `content/`, one folder per language
({codes}), and in each a folder per section: `announcements/`, `faq/` and `guides/`.

## Preview while you write

    pregon serve

Open http://127.0.0.1:8000/ in a browser. Every time you save a file, the site is built again and the page
reloads. A mistake is shown in the browser and in the terminal, with its file, line and what to do.

## Add a page

    pregon new announcement "Title"
    pregon new faq "Title" --lang {languages[-1].code}
    pregon new guide "Title"

Each makes a draft (`draft: true`) in the right folder; remove that line when the page is ready. To start
a translation of a page: `pregon new faq "Title" --lang {languages[-1].code} --translation-of
content/{default}/faq/about-this-site.md`.

## Before publishing

    pregon check      # links, anchors, images without alt text, headings, translations out of step
    pregon status     # what is translated, missing or out of date, per page and language

## Build and publish

    pregon build

The site is written to `site/`, a folder of plain files: copy it to any static web host (the address in
`base_url:` in `site.yaml`). Links between pages are relative, so it also works from a subfolder or from
the disk. pregon's README says which HTTP headers to set and gives an example workflow that builds and
publishes on every push. Keep `.pregon-cache/` between builds to make them faster; deleting it is safe.

## Change the look

The templates, stylesheets and interface translations come from pregon's theme. To change one, copy it
from the theme into `templates/`, `static/` or `translations/` here, with the same name, and edit the
copy: pregon uses yours in place of the theme's, and the theme's for everything else.
"""


def _starter_texts(locale: str) -> dict[str, str] | None:
    """The starter pages in this locale's language and script, by their path under content/<lang>/."""
    wanted = language_and_script(locale)
    if wanted is None or not STARTER_DIR.is_dir():
        return None
    for folder in sorted(STARTER_DIR.iterdir()):
        if language_and_script(folder.name) == wanted:
            return {
                file.relative_to(folder).as_posix(): file.read_text(encoding="utf-8")
                for file in sorted(folder.rglob("*.md"))
            }
    return None


def _source_of(name: str, text: str) -> str:
    """The path of the source a starter translation translates: its own, or its translation_key's."""
    key = re.search(r"^translation_key: (\S+)$", text, re.MULTILINE)
    section, _, file_name = name.rpartition("/")
    return f"{section}/{key.group(1)}.md" if key else name


def _with_field(text: str, key: str, value: str) -> str:
    """A page's text with one more front-matter field, written last."""
    head, separator, body = text.partition("\n---\n")
    return f"{head}\n{key}: {value}{separator}{body}"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
