"""The optional front matter fields of a page that are not text: `weight:`, `print:`, `extra:` and
`differs:`, each checked with the line it is on."""

from __future__ import annotations

from .errors import Problem, error
from .yaml_fields import Mapping, describe_yaml_value

MAX_WEIGHT = 1_000_000


def weight_field(fields: Mapping, shown: str, problems: list[Problem]) -> int | None:
    if "weight" not in fields:
        return None
    value = fields["weight"]
    if isinstance(value, int) and not isinstance(value, bool) and -MAX_WEIGHT <= value <= MAX_WEIGHT:
        return value
    problems.append(
        error(
            shown,
            fields.line_of("weight"),
            f"weight must be a whole number, but it is {describe_yaml_value(value, fields.raw.get('weight'))}",
            "pages with a lower weight come first, such as weight: 10; remove it to order by title",
        )
    )
    return None


def print_field(fields: Mapping, shown: str, kind: str, problems: list[Problem]) -> bool | None:
    if "print" not in fields:
        return None
    value = fields["print"]
    if kind != "guides":
        problems.append(
            error(
                shown,
                fields.line_of("print"),
                "print: is for guides; only they have printed editions",
                "remove the line, or move the page into a section of kind guides",
            )
        )
        return None
    if isinstance(value, bool):
        return value
    problems.append(
        error(
            shown,
            fields.line_of("print"),
            f"print must be true or false, but it is {describe_yaml_value(value, fields.raw.get('print'))}",
            "write print: false to give this guide no printed editions",
        )
    )
    return None


def extra_field(fields: Mapping, shown: str, problems: list[Problem]) -> dict[str, object]:
    if "extra" not in fields:
        return {}
    value = fields["extra"]
    if isinstance(value, Mapping):
        return plain_data(value)  # type: ignore[return-value]
    problems.append(
        error(
            shown,
            fields.line_of("extra"),
            f"extra must be a set of `name: value` lines, but it is "
            f"{describe_yaml_value(value, fields.raw.get('extra'))}",
            "indent the site's own fields below `extra:`, one per line, such as `  state_name: Pennsylvania`",
        )
    )
    return {}


def differs_field(fields: Mapping, shown: str, problems: list[Problem]) -> tuple[tuple[str, int], ...]:
    """`differs:`, the facts a translation states differently from its source on purpose (fact_check.py)."""
    if "differs" not in fields:
        return ()
    value = fields["differs"]
    line = fields.line_of("differs") or fields.line
    items = [value] if isinstance(value, str) else value
    if isinstance(items, list) and items and all(isinstance(item, str | int) and str(item).strip() for item in items):
        return tuple((str(item).strip(), line) for item in items)
    problems.append(
        error(
            shown,
            line,
            f"differs must list the facts this translation gives differently from its source, but it is "
            f"{describe_yaml_value(value, fields.raw.get('differs'))}",
            'one per line, in quotes, such as `  - "215-555-0100"` for a hotline in this language only',
        )
    )
    return ()


def plain_data(value: object) -> object:
    """A YAML value without the lines of its mappings: plain dicts and lists, as templates use them."""
    if isinstance(value, dict):
        return {str(key): plain_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain_data(item) for item in value]
    return value
