"""site.yaml -> SiteConfig (site_config.py): every value checked here, once, with the line of every
mistake. Sections, menus and languages are read by their own modules (config_sections.py,
config_menu.py, config_languages.py)."""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

from .config_fields import text_field, unknown_keys
from .config_languages import parse_language
from .config_menu import parse_menu
from .config_sections import parse_sections
from .errors import Problem, did_you_mean, error
from .site_config import (
    CONFIG_FILE,
    DEFAULT_ENTRIES_PER_PAGE,
    DEFAULT_READING_EASE_ES,
    DEFAULT_READING_GRADE,
    Language,
    SiteConfig,
)
from .yaml_fields import Mapping, describe_yaml_value, read_mapping


@dataclass(frozen=True)
class ConfigResult:
    config: SiteConfig | None
    problems: tuple[Problem, ...]


def load_config(root: Path, content_dir: Path | None = None) -> ConfigResult:
    path = root / CONFIG_FILE
    shown = CONFIG_FILE
    try:
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    except FileNotFoundError:
        return ConfigResult(
            None,
            (error(shown, None, f"no {CONFIG_FILE} in {root}", "run pregon from a site folder, or pass --site DIR"),),
        )
    except UnicodeDecodeError:
        return ConfigResult(None, (error(shown, None, "is not UTF-8 text", "save it as UTF-8"),))
    result = read_mapping(text, shown, what=CONFIG_FILE)
    if result.mapping is None:
        return ConfigResult(None, result.problems)
    return parse_config(result.mapping, root, content_dir or root / "content", shown)


def parse_config(fields: Mapping, root: Path, content_dir: Path, shown: str) -> ConfigResult:
    problems: list[Problem] = []
    unknown_keys(
        fields,
        {"base_url", "default_language", "languages", "paper", "entries_per_page", "sections", "menu", "footer"}
        | {"timezone", "site_name", "region", "reading_grade", "reading_ease_es"},
        shown,
        problems,
    )

    base_url = text_field(fields, "base_url", shown, problems, required=True) or "/"
    if base_url != "/" and not re.match(r"^https?://[^/\s]+(/\S*)?$", base_url):
        problems.append(
            error(
                shown,
                fields.line_of("base_url"),
                f'base_url "{base_url}" is not a web address',
                "write the address the site is published at, such as https://www.example.org/info/",
            )
        )
    if not base_url.endswith("/"):
        base_url += "/"

    paper = text_field(fields, "paper", shown, problems) or "letter"
    if paper not in ("letter", "a4"):
        problems.append(error(shown, fields.line_of("paper"), f'paper "{paper}" is not known', "use letter or a4"))

    entries_per_page = _entries_per_page(fields, shown, problems)
    sections = parse_sections(fields, shown, problems)
    timezone = _timezone(fields, shown, problems)
    region = _region(fields, shown, problems)
    reading_grade = _number(fields, "reading_grade", DEFAULT_READING_GRADE, 1, 20, shown, problems)
    reading_ease_es = _number(fields, "reading_ease_es", DEFAULT_READING_EASE_ES, 0, 100, shown, problems)
    site_name = text_field(fields, "site_name", shown, problems) or ""

    languages: list[Language] = []
    raw_languages = fields.get("languages")
    if not isinstance(raw_languages, list) or not raw_languages:
        problems.append(
            error(
                shown,
                fields.line_of("languages"),
                "languages must be a list with at least one language",
                "see the README: each language has code, name, direction, site_name and sections",
            )
        )
    else:
        seen_codes: dict[str, int] = {}
        for item in raw_languages:
            language = parse_language(item, fields.line_of("languages"), sections, site_name, shown, problems)
            if language is None:
                continue
            line = item.line if isinstance(item, Mapping) else fields.line_of("languages")
            if language.code in seen_codes:
                problems.append(
                    error(
                        shown,
                        line,
                        f'language "{language.code}" is configured twice (also on line {seen_codes[language.code]})',
                        "remove one of them",
                    )
                )
                continue
            seen_codes[language.code] = line
            languages.append(language)

    default = text_field(fields, "default_language", shown, problems, required=True) or ""
    codes = [language.code for language in languages]
    if languages and default and default not in codes:
        problems.append(
            error(
                shown,
                fields.line_of("default_language"),
                f'default_language "{default}" is not one of the languages ({", ".join(codes)})',
                did_you_mean(default, codes),
            )
        )
    codes_known = [language.code for language in languages]
    menu = parse_menu(fields, "menu", codes_known, sections, shown, problems) if "menu" in fields else None
    footer = parse_menu(fields, "footer", codes_known, sections, shown, problems) if "footer" in fields else ()
    if any(p.is_error for p in problems):
        return ConfigResult(None, tuple(problems))
    # The default language comes first: it is the source of translations and the x-default.
    ordered = sorted(languages, key=lambda language: language.code != default)
    config = SiteConfig(
        root,
        base_url,
        default,
        tuple(ordered),
        content_dir,
        paper,
        entries_per_page,
        sections,
        menu,
        footer,
        timezone,
        region,
        reading_grade,
        reading_ease_es,
    )
    return ConfigResult(config, tuple(problems))


def _timezone(fields: Mapping, shown: str, problems: list[Problem]) -> str:
    if "timezone" not in fields:
        return "UTC"
    value = fields["timezone"]
    if isinstance(value, str):
        try:
            zoneinfo.ZoneInfo(value.strip())
            return value.strip()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    problems.append(
        error(
            shown,
            fields.line_of("timezone"),
            f"timezone {describe_yaml_value(value, fields.raw.get('timezone'))} is not a time zone",
            "use a name from the time zone database, such as America/New_York or Europe/Madrid",
        )
    )
    return "UTC"


def _entries_per_page(fields: Mapping, shown: str, problems: list[Problem]) -> int:
    if "entries_per_page" not in fields:
        return DEFAULT_ENTRIES_PER_PAGE
    value = fields["entries_per_page"]
    # YAML reads `yes` as true, and True is an int to Python: only a real whole number will do.
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 1000:
        return value
    problems.append(
        error(
            shown,
            fields.line_of("entries_per_page"),
            "entries_per_page must be a whole number from 1 to 1000, but it is "
            f"{describe_yaml_value(value, fields.raw.get('entries_per_page'))}",
            f"write a number such as {DEFAULT_ENTRIES_PER_PAGE}, without quotes",
        )
    )
    return DEFAULT_ENTRIES_PER_PAGE


def _region(fields: Mapping, shown: str, problems: list[Problem]) -> str:
    """`region:`, where the site's phone numbers are dialled from (a region code such as US), for reading
    numbers written without their country code."""
    import phonenumbers

    region = text_field(fields, "region", shown, problems) or "US"
    if region not in phonenumbers.SUPPORTED_REGIONS:
        problems.append(
            error(
                shown,
                fields.line_of("region"),
                f'region "{region}" is not a region code phone numbers are known for',
                did_you_mean(region.upper(), sorted(phonenumbers.SUPPORTED_REGIONS))
                + " (a two-letter code such as US, MX or ES)",
            )
        )
        return "US"
    return region


def _number(
    fields: Mapping, key: str, default: float, lowest: float, highest: float, shown: str, problems: list[Problem]
) -> float:
    value = fields.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not lowest <= value <= highest:
        problems.append(
            error(
                shown,
                fields.line_of(key),
                f"{key} must be a number from {lowest:g} to {highest:g}, "
                f"not {describe_yaml_value(value, fields.raw.get(key))}",
                f"the default is {default:g}",
            )
        )
        return default
    return float(value)
