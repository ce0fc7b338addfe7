"""What every part of site.yaml's reading shares: a text value, and keys that are not known."""

from __future__ import annotations

from .errors import Problem, did_you_mean, error
from .yaml_fields import Mapping, describe_yaml_value


def text_field(fields: Mapping, key: str, shown: str, problems: list[Problem], required: bool = False) -> str | None:
    if key not in fields:
        if required:
            problems.append(error(shown, fields.line, f'missing "{key}"', f"add `{key}: ...`"))
        return None
    value = fields[key]
    if isinstance(value, str) and value.strip():
        return value.strip()
    problems.append(
        error(
            shown,
            fields.line_of(key),
            f'"{key}" must be text, but it is {describe_yaml_value(value, fields.raw.get(key))}',
            "put the value in quotes",
        )
    )
    return None


def unknown_keys(fields: Mapping, known: set[str], shown: str, problems: list[Problem]) -> None:
    for key in fields:
        if key not in known:
            problems.append(
                error(shown, fields.line_of(key), f'unknown setting "{key}"', did_you_mean(str(key), sorted(known)))
            )
