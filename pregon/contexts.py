"""What each template receives: the context of an output, made from its plan (plans.py) and the site's
settings, and nothing else.

That rule is what makes an output's key complete: the key is a digest of the plan and of the
settings, catalog and templates (incremental.py), so a context made from anything more could change
without its key. The README lists what each template receives.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

import jinja2
from markupsafe import Markup

from .chrome import Chrome
from .environments import Context, Templates
from .navigation import NavLink
from .plans import (
    FeedPlan,
    FramedPlan,
    HomePlan,
    LandingPlan,
    NotFoundPlan,
    PagePlan,
    Plan,
    RobotsPlan,
    SearchPagePlan,
    SectionIndexPlan,
    SitemapIndexPlan,
    SitemapPlan,
    section_index_url,
)
from .site import Entry, relative_url, web_address
from .site_config import Language, SiteConfig


@dataclass(frozen=True)
class Alternate:
    hreflang: str
    href: str


@dataclass(frozen=True)
class LanguageLink:
    language: Language
    href: str


@dataclass(frozen=True)
class Pagination:
    """Where one page of a section's index is among them all; `previous` and `following` are links."""

    number: int
    count: int
    previous: str | None
    following: str | None


def context_of(plan: Plan, config: SiteConfig, templates: Templates) -> Context:
    """The context of `plan`'s template (`here`, the output's path, is added when it is rendered): what
    base.html shows around a framed page (menu, footer, alert), and what the plan itself shows."""
    made = _Contexts(config, templates)
    shown = made.content(plan)
    return {**made.framed(plan), **shown} if isinstance(plan, FramedPlan) else shown


class _Contexts:
    def __init__(self, config: SiteConfig, templates: Templates) -> None:
        self.config = config
        self.templates = templates

    def absolute(self, url: str) -> str:
        address = self.config.base_url + url
        return address if address.isascii() else web_address(address)

    def framed(self, plan: FramedPlan) -> Context:
        """What base.html shows around every page: the menu, the footer's links and the alert."""
        return {
            "menu": self.nav_links(plan.chrome.navigation.menu, plan.path),
            "custom_menu": self.config.menu is not None,
            "footer_links": self.nav_links(plan.chrome.navigation.footer, plan.path),
            "alert": self.alert(plan.chrome, plan.path),
        }

    def content(self, plan: Plan) -> Context:
        """What the template shows of the plan itself: the one place that tells kinds of plan apart."""
        match plan:
            case PagePlan():
                return self.page(plan)
            case SectionIndexPlan():
                return self.section_index(plan)
            case HomePlan():
                return self.home(plan)
            case SearchPagePlan():
                return self.search_page(plan)
            case FeedPlan():
                return self.feed(plan)
            case SitemapPlan():
                return self.sitemap(plan)
            case LandingPlan():
                return self.landing(plan)
            case NotFoundPlan():
                return self.not_found(plan)
            case SitemapIndexPlan():
                return {"sitemaps": [self.absolute(f"{code}/sitemap.xml") for code in self.config.language_codes]}
            case RobotsPlan():
                return {"sitemap": self.absolute("sitemap.xml")}
        raise TypeError(f"no context for {type(plan).__name__}")

    def nav_links(self, links: tuple[NavLink, ...], here: str, root: str | None = None) -> list[dict[str, object]]:
        """Menu or footer links as templates show them, from the output at `here`; `root`: the path the
        site is served at, for an output served at any depth (the 404 page), whose links start there."""
        folder = here.removesuffix("index.html")
        return [
            {
                "label": link.label,
                "lang": link.label_lang,
                "href": link.url
                if link.outside
                else (web_address(root + link.url) if root is not None else relative_url(here, link.url)),
                "current": not link.outside and link.url == folder and root is None,
                "section_name": link.section,
                "outside": link.outside,
                "is_fallback": link.is_fallback,
            }
            for link in links
        ]

    def alert(self, chrome: Chrome, here: str) -> dict[str, object] | None:
        shown = chrome.alert
        if shown is None:
            return None
        return {
            "title": shown.title,
            "html": Markup(shown.html(here)),
            "lang": shown.lang,
            "direction": self.config.language(shown.lang).direction,
        }

    def links(self, here: str, entries: tuple[Entry, ...]) -> list[dict[str, object]]:
        return [
            {
                "page": entry,
                "source": entry.source,
                "href": relative_url(here, entry.url),
                "extra": fields(entry.source.extra),
            }
            for entry in entries
        ]

    def switch(self, here: str, urls: Mapping[str, str]) -> list[LanguageLink]:
        return [LanguageLink(language, relative_url(here, urls[language.code])) for language in self.config.languages]

    def alternates(self, urls: Mapping[str, str], default_url: str) -> list[Alternate]:
        pairs = [*urls.items(), ("x-default", default_url)]
        return [
            Alternate(code if code == "x-default" else self.config.language(code).tag, self.absolute(url))
            for code, url in pairs
        ]

    def homes(self) -> dict[str, str]:
        return {code: f"{code}/" for code in self.config.language_codes}

    def feed_link(self, here: str, lang: str, has_feed: bool) -> str | None:
        return relative_url(here, f"{lang}/feed.xml") if has_feed else None

    def section_urls(self, here: str, language: Language) -> dict[str, str]:
        return {
            section: relative_url(here, section_index_url(language, section, 1))
            for section in self.config.section_names
        }

    def landing(self, plan: LandingPlan) -> Context:
        here, homes = plan.path, self.homes()
        return {
            "columns": [
                self.templates.fragment(
                    language.code,
                    "landing_column.html",
                    here,
                    home=relative_url(here, f"{language.code}/"),
                    announcements=self.links(here, latest),
                    alert=self.alert(chrome, here),
                    footer_links=self.nav_links(chrome.navigation.footer, here),
                )
                for language, latest, chrome in zip(self.config.languages, plan.latest, plan.chromes, strict=True)
            ],
            "alternates": self.alternates(homes, ""),
            "canonical": self.absolute(""),
            "switch": self.switch(here, homes),
        }

    def not_found(self, plan: NotFoundPlan) -> Context:
        return {
            "columns": [
                self.templates.fragment(
                    language.code,
                    "not_found_column.html",
                    plan.path,
                    home=f"{plan.root}{language.code}/",
                    footer_links=self.nav_links(chrome.navigation.footer, plan.path, plan.root),
                )
                for language, chrome in zip(self.config.languages, plan.chromes, strict=True)
            ],
            "root": plan.root,
        }

    def home(self, plan: HomePlan) -> Context:
        here, homes = plan.path, self.homes()
        language = self.config.language(plan.lang)
        return {
            "home_sections": [
                (section, self.links(here, entries))
                for section, entries in zip(self.config.section_names, plan.sections, strict=True)
            ],
            "section_urls": self.section_urls(here, language),
            "alternates": self.alternates(homes, ""),
            "canonical": self.absolute(homes[plan.lang]),
            "switch": self.switch(here, homes),
            "feed": self.feed_link(here, plan.lang, plan.feed),
        }

    def feed(self, plan: FeedPlan) -> Context:
        return {
            "entries": list(plan.entries),
            "updated": max(entry.source.last_changed or datetime.date.min for entry in plan.entries),
            "feed_url": self.absolute(plan.path),
            "home_url": self.absolute(f"{plan.lang}/"),
            "absolute": self.absolute,
        }

    def search_page(self, plan: SearchPagePlan) -> Context:
        urls = {code: f"{code}/search/" for code in self.config.language_codes}
        here = plan.path
        return {
            "all_sections": [
                (section, self.links(here, entries), more)
                for section, entries, more in zip(self.config.section_names, plan.sections, plan.more, strict=True)
            ],
            "section_urls": self.section_urls(here, self.config.language(plan.lang)),
            "alternates": self.alternates(urls, urls[self.config.default_language]),
            "canonical": self.absolute(urls[plan.lang]),
            "switch": self.switch(here, urls),
            "noindex": True,
            "search_elsewhere": [
                (self.config.language(code), relative_url(here, urls[code])) for code in plan.elsewhere
            ],
        }

    def section_index(self, plan: SectionIndexPlan) -> Context:
        # Every language's index has as many pages: each lists every page of the site, translated or not.
        language = self.config.language(plan.lang)
        urls = {other.code: section_index_url(other, plan.section, plan.number) for other in self.config.languages}
        here, number = plan.path, plan.number
        pagination = Pagination(
            number,
            plan.count,
            relative_url(here, section_index_url(language, plan.section, number - 1)) if number > 1 else None,
            relative_url(here, section_index_url(language, plan.section, number + 1)) if number < plan.count else None,
        )
        return {
            "section": plan.section,
            "pages": self.links(here, plan.entries),
            "pagination": pagination,
            "alternates": self.alternates(urls, urls[self.config.default_language]),
            "canonical": self.absolute(urls[plan.lang]),
            "switch": self.switch(here, urls),
            "feed": self.feed_link(here, plan.lang, plan.feed),
        }

    def sitemap(self, plan: SitemapPlan) -> Context:
        """The language's translated pages (an untranslated page's canonical address is its original's)
        and its home, each with the addresses of its translations."""
        entries: list[dict[str, object]] = []
        for group in plan.groups:
            translated = {lang: url for lang, url, _ in group.translated}
            (lastmod,) = [changed for lang, _, changed in group.translated if lang == plan.lang]
            entries.append(
                {
                    "url": self.absolute(translated[plan.lang]),
                    "lastmod": lastmod,
                    "alternates": self.alternates(translated, group.original_url),
                }
            )
        homes = self.homes()
        entries.append(
            {"url": self.absolute(homes[plan.lang]), "lastmod": None, "alternates": self.alternates(homes, "")}
        )
        return {"entries": sorted(entries, key=lambda entry: str(entry["url"]))}

    def page(self, plan: PagePlan) -> Context:
        page, group, here = plan.page, plan.group, plan.path
        converted = plan.conversion.converted
        language = self.config.language(page.lang)
        translated = {other.lang: other.url for other in group.translated}
        original = group.page(group.original.lang)
        urls = {other.lang: other.url for other in group.pages}
        json_ld = _faq_json_ld(plan) if page.source.kind == "faq" and converted.questions else None
        return {
            "page": page,
            "source": page.source,
            "body": Markup(converted.html),
            "content_language": self.config.language(page.source.lang),
            "questions": converted.questions,
            "json_ld": json_ld,
            "section_url": relative_url(here, section_index_url(language, page.section, 1)) if page.section else None,
            "extra": fields(page.source.extra),
            "alternates": [] if page.is_fallback else self.alternates(translated, original.url),
            "canonical": self.absolute(original.url if page.is_fallback else page.url),
            "noindex": page.is_fallback,
            "switch": self.switch(here, urls),
            "outdated": group.is_outdated(page),
            "original": group.original,
            "original_href": relative_url(here, original.url),
            "downloads": [
                {"href": relative_url(here, download.path), "languages": download.languages, "size": download.size}
                for download in plan.downloads
                if page.source.lang in [language.code for language in download.languages]
            ],
        }


class SiteFields(dict[str, object]):
    """A page's `extra:` fields as templates read them: a field a page does not have is empty (false in an
    `if`, nothing when shown) rather than an error, since each page has the fields it needs."""

    def __missing__(self, key: str) -> object:
        return jinja2.ChainableUndefined(name=key)


def fields(values: Mapping[str, object]) -> SiteFields:
    return SiteFields({key: _fields_within(value) for key, value in values.items()})


def _fields_within(value: object) -> object:
    if isinstance(value, dict):
        return fields(value)
    if isinstance(value, list):
        return [_fields_within(item) for item in value]
    return value


def _faq_json_ld(plan: PagePlan) -> dict[str, object]:
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "inLanguage": plan.page.source.lang,
        "mainEntity": [
            {
                "@type": "Question",
                "name": question.question,
                "acceptedAnswer": {"@type": "Answer", "text": question.answer},
            }
            for question in plan.conversion.converted.questions
        ],
    }
