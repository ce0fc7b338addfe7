"""Each entry of `languages:` in site.yaml -> a Language, with its name, direction, locale and tag from
CLDR (Babel) where site.yaml leaves them out."""

from __future__ import annotations

import re

from babel import Locale, UnknownLocaleError

from .config_fields import text_field, unknown_keys
from .errors import Problem, did_you_mean, error, warning
from .letters import is_url_word
from .site_config import BUILT_IN_SECTIONS, RESERVED_SEGMENTS, Language, Section
from .yaml_fields import Mapping, describe_yaml_value

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


SEGMENT = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def parse_language(
    item: object,
    line: int,
    sections: tuple[Section, ...],
    default_site_name: str,
    shown: str,
    problems: list[Problem],
) -> Language | None:
    if not isinstance(item, Mapping):
        problems.append(error(shown, line, "each language must be a set of `key: value` lines (code, name, ...)"))
        return None
    before = len(problems)
    unknown_keys(item, _LANGUAGE_SETTINGS, shown, problems)
    code = text_field(item, "code", shown, problems, required=True) or ""
    if code and not LANGUAGE_CODE.match(code):
        problems.append(
            error(
                shown,
                item.line_of("code"),
                f'language code "{code}" is not a language tag',
                "use a lower-case code such as en, es, ar or zh-Hant",
            )
        )
    given_locale = text_field(item, "locale", shown, problems)
    own = _babel_locale(code.replace("-", "_")) if code else None
    chosen = _babel_locale(given_locale) if given_locale else own
    if given_locale and chosen is None:
        problems.append(
            error(
                shown,
                item.line_of("locale"),
                f'"{given_locale}" is not a locale Babel knows',
                "set locale: to a known one, such as es, ar or zh_Hant",
            )
        )
    given_name = text_field(item, "name", shown, problems)
    stand_in = own is None and bool(code)
    if stand_in and given_name is None and "name" not in item:
        problems.append(
            error(
                shown,
                item.line_of("code"),
                f'Babel does not know the language "{code}", so it cannot give its name',
                "add name: with the language's name in itself, and locale: with a language Babel knows whose "
                "dates and plural forms it can borrow",
            )
        )
    if stand_in and chosen is None and not given_locale:
        chosen = Locale.parse("en")
    if stand_in and chosen is not None and given_name is not None:
        problems.append(
            warning(
                shown,
                item.line_of("locale" if given_locale else "code"),
                f'Babel does not know the language "{code}": its dates and plural forms follow '
                f'"{chosen}", which stands in for it; its pages still say lang="{code}"',
                "nothing to do if that is right; otherwise set locale: to a closer language",
            )
        )
    locale = given_locale or (str(chosen) if stand_in and chosen is not None else code.replace("-", "_"))
    name = given_name or (_language_name(chosen) if chosen is not None else code)
    site_name = text_field(item, "site_name", shown, problems) or default_site_name
    if not site_name:
        problems.append(
            error(
                shown,
                item.line,
                f'language "{code}" has no site_name',
                "add site_name: to the language, or a site_name: for every language at the top of site.yaml",
            )
        )
    direction = text_field(item, "direction", shown, problems) or (
        chosen.text_direction if chosen is not None and not stand_in else "ltr"
    )
    if direction not in ("ltr", "rtl"):
        problems.append(error(shown, item.line_of("direction"), f'direction "{direction}" must be ltr or rtl'))
    slugs = text_field(item, "slugs", shown, problems) or "keep"
    if slugs not in ("keep", "transliterate"):
        problems.append(
            error(
                shown,
                item.line_of("slugs"),
                f'slugs "{slugs}" must be keep or transliterate',
                "keep: addresses keep the letters of file names in any script; transliterate: Latin letters only",
            )
        )
    # BCP 47, as lang and hreflang want it: the locale's (zh-Hant), but a stand-in's is not the language's.
    tag = code if stand_in else locale.replace("_", "-")
    segments: list[tuple[str, str]] = []
    titles: list[tuple[str, str]] = []
    names = [section.name for section in sections]
    raw_sections = item.get("sections")
    if raw_sections is None and "sections" not in item:
        raw_sections = Mapping()  # every section at its own name: /es/faq/
        raw_sections.line, raw_sections.lines, raw_sections.raw = item.line, {}, {}
    if not isinstance(raw_sections, Mapping):
        problems.append(
            error(
                shown,
                item.line_of("sections"),
                f'sections of language "{code}" must give the URL segment of each section in that language',
                f"such as `sections: {{{', '.join(f'{name}: {name}' for name in names)}}}`, or leave it out",
            )
        )
    else:
        for key in raw_sections:
            if key not in names:
                problems.append(
                    error(shown, raw_sections.line_of(key), f'unknown section "{key}"', did_you_mean(str(key), names))
                )
        used: dict[str, str] = {}
        for section in sections:
            section_name = section.name
            given = raw_sections.get(section_name)
            line_of = raw_sections.line_of(section_name)
            title: object = None
            title_line = line_of
            if isinstance(given, Mapping):
                title_line = given.line_of("title")
                title, segment = given.get("title"), given.get("segment")
                for key in given:
                    if key not in ("segment", "title"):
                        problems.append(
                            error(
                                shown,
                                given.line_of(key),
                                f'unknown setting "{key}"',
                                did_you_mean(str(key), ["segment", "title"]),
                            )
                        )
                line_of = given.line_of("segment")
                raw_segment = given.raw.get("segment")
                if "segment" not in given:
                    segment = section_name
            elif section_name not in raw_sections:
                # A section the language does not name is at the section's own name.
                segment, raw_segment = section_name, None
            else:
                segment, raw_segment = given, raw_sections.raw.get(section_name)
            if not isinstance(segment, str) or not is_url_word(segment):
                problems.append(
                    error(
                        shown,
                        line_of,
                        f'URL segment for "{section_name}" must be '
                        "lower-case letters, digits and hyphens, but it is "
                        f"{describe_yaml_value(segment, raw_segment)}",
                    )
                )
            elif segment in RESERVED_SEGMENTS:
                problems.append(
                    error(
                        shown,
                        line_of,
                        f'the URL segment "{segment}" of section "{section_name}" is one pregon uses itself',
                        f"choose another; {', '.join(RESERVED_SEGMENTS)} are taken",
                    )
                )
            elif segment in used:
                problems.append(
                    error(
                        shown,
                        line_of,
                        f'sections "{used[segment]}" and "{section_name}" both use the URL segment "{segment}"',
                        "give each its own",
                    )
                )
            else:
                used[segment] = section_name
                segments.append((section_name, segment))
            if title is not None:
                if isinstance(title, str) and title.strip():
                    titles.append((section_name, " ".join(title.split())))
                else:
                    problems.append(error(shown, title_line, f'the title of section "{section_name}" must be text'))
            elif section_name not in BUILT_IN_SECTIONS:
                problems.append(
                    error(
                        shown,
                        line_of,
                        f'section "{section_name}" has no title in language "{code}"',
                        f"write it as `{section_name}:`, then `segment: ...` and `title: ...` below it",
                    )
                )
    if len(problems) > before and any(p.is_error for p in problems[before:]):
        return None
    return Language(code, name, locale, direction, site_name, tuple(segments), tuple(titles), tag or code, slugs)


_LANGUAGE_SETTINGS = {"code", "name", "locale", "direction", "site_name", "sections", "slugs"}


def _babel_locale(name: str) -> Locale | None:
    try:
        return Locale.parse(name)
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def _language_name(locale: Locale) -> str:
    """The language's name in itself as a language switch shows it: capitalised (`Español`), where its
    script has capitals."""
    name = locale.get_display_name(locale) or str(locale)
    return name[:1].upper() + name[1:]
