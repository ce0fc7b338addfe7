"""`pregon new KIND "Title"`: a new page, or the start of a translation, with valid front matter.

New pages are drafts (`draft: true`) so nothing half-written is published; staff remove that line
when the page is ready. A translation starts as a copy of its source, paired with it and recording
the source version it was made from, for the translator to replace line by line.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import jinja2
import yaml

from .errors import Problem, did_you_mean, error
from .i18n import LanguageCatalog
from .site import Site
from .site_config import PLAIN, SiteConfig
from .slugs import slugify

KIND_NAMES = {"announcement": "announcements", "guide": "guides", "question": "faq", "page": PLAIN}
"""Other names `new` takes: the singular of a section, and `page` for a plain page (content/<lang>/)."""


@dataclass(frozen=True)
class NewPage:
    path: Path
    text: str


def plan_page(
    config: SiteConfig,
    site: Site,
    catalogs: dict[str, LanguageCatalog],
    kind: str,
    title: str,
    lang: str | None,
    translation_of: str | None,
    today: datetime.date,
) -> tuple[NewPage | None, list[Problem]]:
    section = KIND_NAMES.get(kind, kind)
    names = config.section_names
    if section != PLAIN and section not in names:
        return None, [error("new", None, f'unknown kind of page "{kind}"', did_you_mean(kind, [*names, *KIND_NAMES]))]
    section_kind = config.section(section).kind if section != PLAIN else "pages"
    if translation_of is not None:
        return _plan_translation(config, site, section, title, lang, translation_of)
    lang = lang or config.default_language
    if lang not in config.language_codes:
        return None, [
            error("new", None, f'"{lang}" is not a language of this site', did_you_mean(lang, config.language_codes))
        ]
    slug = slugify(title)
    if not slug:
        return None, [
            error("new", None, f'the title "{title}" gives an empty file name', "use letters or digits in it")
        ]
    fields: dict[str, object] = {"title": title}
    if section_kind == "announcements":
        fields["date"] = today
    summary = _scaffold(config, catalogs[lang], "new/summary.txt").strip()
    fields.update({"summary": summary, "draft": True})
    body = _scaffold(config, catalogs[lang], f"new/{section_kind}.md")
    return NewPage(_folder(config, lang, section) / f"{slug}.md", _page_text(fields, body)), []


def _folder(config: SiteConfig, lang: str, section: str) -> Path:
    return config.content_dir / lang / section if section != PLAIN else config.content_dir / lang


def _plan_translation(
    config: SiteConfig, site: Site, section: str, title: str, lang: str | None, source_path: str
) -> tuple[NewPage | None, list[Problem]]:
    source = site.sources_by_path.get(source_path)
    if source is None:
        return None, [
            error(
                source_path,
                None,
                "is not a page of this site",
                "give the path of the page to translate, such as content/en/faq/what-is-pars.md",
            )
        ]
    if source.section != section:
        where = source.section or "page"
        return None, [
            error(
                source_path,
                None,
                f'is in "{where}", not "{section or "page"}"'
                if source.section
                else f'is a plain page, not in "{section}"',
                f"use: pregon new {where} ...",
            )
        ]
    others = [code for code in config.language_codes if code != source.lang]
    if lang is None and len(others) == 1:
        lang = others[0]
    if lang is None or lang not in others:
        return None, [
            error("new", None, "say which language to translate into", f"add --lang with one of: {', '.join(others)}")
        ]
    group = site.group(source.key)
    if not group.page(lang).is_fallback:
        return None, [
            error(
                group.page(lang).source.path,
                None,
                f"{source_path} is already translated into {lang}",
                "edit that file instead",
            )
        ]
    slug = slugify(title) or source.slug
    fields: dict[str, object] = {"title": title, "translation_key": source.translation_key}
    if source.date:
        fields["date"] = source.date
    fields.update({"summary": source.summary, "translation_of": group.original.blob_id, "draft": True})
    path = _folder(config, lang, section) / f"{slug}.md"
    return NewPage(path, _page_text(fields, source.body.strip("\n") + "\n")), []


def _scaffold(config: SiteConfig, catalog: LanguageCatalog, template: str) -> str:
    """The start of a new page's text, from the site's templates, in the page's language."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(config.theme.template_folders),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
    )
    # Plain text for a Markdown file, not HTML: the catalog's strings are used as they are.
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: catalog.translations.gettext(message),
        lambda singular, plural, count: catalog.translations.ngettext(singular, plural, count),
        newstyle=True,
    )
    return environment.get_template(template).render()


def _page_text(fields: dict[str, object], body: str) -> str:
    front_matter = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{front_matter}---\n{body}"


def write_new_page(new_page: NewPage) -> list[Problem]:
    if new_page.path.exists():
        return [error(str(new_page.path), None, "already exists", "choose another title, or edit that file")]
    new_page.path.parent.mkdir(parents=True, exist_ok=True)
    new_page.path.write_text(new_page.text, encoding="utf-8")
    return []
