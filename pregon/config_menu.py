"""`menu:` and `footer:` in site.yaml -> MenuEntry lists; navigation.py finds what each names."""

from __future__ import annotations

import re

from .errors import Problem, did_you_mean, error
from .site_config import MenuEntry, Section
from .yaml_fields import Mapping, describe_yaml_value

_ENTRY_KINDS = ("page", "section", "url")


def parse_menu(
    fields: Mapping, key: str, codes: list[str], sections: tuple[Section, ...], shown: str, problems: list[Problem]
) -> tuple[MenuEntry, ...]:
    """A menu or the footer: a list of entries, each a page, a section or an outside address. What a
    page entry names is found once the pages are known (navigation.py)."""
    items = fields[key]
    if not isinstance(items, list):
        problems.append(
            error(
                shown,
                fields.line_of(key),
                f"{key} must be a list of links",
                f"write each link on a line of its own below `{key}:`, such as `  - section: faq`",
            )
        )
        return ()
    entries: list[MenuEntry] = []
    names = [section.name for section in sections]
    for item in items:
        if not isinstance(item, Mapping):
            problems.append(
                error(
                    shown,
                    fields.line_of(key),
                    f"each link of {key} must be `page:`, `section:` or `url:` with its value",
                    "such as `- page: accessibility` or `- url: https://www.example.org/`",
                )
            )
            continue
        given = [kind for kind in _ENTRY_KINDS if kind in item]
        extra = [name for name in item if name not in (*_ENTRY_KINDS, "label")]
        for name in extra:
            problems.append(
                error(
                    shown,
                    item.line_of(name),
                    f'unknown setting "{name}" of a link in {key}',
                    did_you_mean(str(name), [*_ENTRY_KINDS, "label"]),
                )
            )
        if len(given) != 1:
            problems.append(
                error(
                    shown,
                    item.line,
                    f"a link in {key} needs exactly one of page:, section: or url:",
                    "a page by its translation key or file, a section by its name, or an outside address",
                )
            )
            continue
        kind = given[0]
        target = item[kind]
        line = item.line_of(kind)
        if not isinstance(target, str) or not target.strip():
            problems.append(
                error(shown, line, f"{kind}: must be text, but it is {describe_yaml_value(target, item.raw.get(kind))}")
            )
            continue
        target = target.strip()
        if kind == "section" and target not in names:
            problems.append(
                error(
                    shown,
                    line,
                    f'{key} names the section "{target}", which the site does not have',
                    did_you_mean(target, names),
                )
            )
            continue
        if kind == "url" and not re.match(r"^(https?://[^/\s]+(/\S*)?|mailto:\S+)$", target):
            problems.append(
                error(
                    shown,
                    line,
                    f'"{target}" is not an outside address',
                    "write the whole address, such as https://www.phila.gov/, or link to a page with page:",
                )
            )
            continue
        labels = _labels(item, key, codes, kind == "url", shown, problems)
        if labels is None:
            continue
        entries.append(MenuEntry(kind, target, labels, line))
    return tuple(entries)


def _labels(
    item: Mapping, key: str, codes: list[str], required: bool, shown: str, problems: list[Problem]
) -> tuple[tuple[str, str], ...] | None:
    """A link's label in each language: `label: {en: ..., es: ...}`."""
    if "label" not in item:
        if required:
            problems.append(
                error(
                    shown,
                    item.line,
                    f"an outside address in {key} needs a label in each language",
                    "add `label:` with a line for each language below it, such as `en: City of Philadelphia`",
                )
            )
            return None
        return ()
    labels = item["label"]
    if not isinstance(labels, Mapping):
        problems.append(
            error(
                shown,
                item.line_of("label"),
                "label must give the link's text in each language",
                "write `label:`, then a line for each language below it, such as `en: Accessibility`",
            )
        )
        return None
    found: list[tuple[str, str]] = []
    before = len(problems)
    for code in labels:
        text = labels[code]
        if code not in codes:
            problems.append(
                error(
                    shown, labels.line_of(code), f'"{code}" is not one of the languages', did_you_mean(str(code), codes)
                )
            )
        elif not isinstance(text, str) or not text.strip():
            problems.append(error(shown, labels.line_of(code), f"the label in {code} must be text", "put it in quotes"))
        else:
            found.append((str(code), " ".join(text.split())))
    missing = [code for code in codes if code not in labels]
    if required and missing:
        problems.append(
            error(
                shown,
                labels.line,
                f"the label has no text in {', '.join(missing)}",
                "give the link's text in every language of the site",
            )
        )
    return tuple(found) if len(problems) == before else None
