"""Reading YAML mappings (site.yaml, front matter) with the line of every value.

PyYAML loses line numbers once it has built Python objects, and it silently keeps the last of two
duplicate keys. This loader keeps a line for every key and refuses duplicates, so that every later
validation can point at the exact line. It must never guess at what the author meant: values are
what YAML says they are, and validators explain YAML's surprises (`no` is False) to the author.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from .errors import Problem, error

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Mapping(dict[object, object]):
    """A YAML mapping that remembers the line of each value and of itself."""

    line: int
    lines: dict[object, int]
    raw: dict[object, str]

    def line_of(self, key: object) -> int:
        return self.lines.get(key, self.line)


class _FieldError(yaml.constructor.ConstructorError):
    """A mistake in one key, with what to do about it."""

    def __init__(self, problem: str, hint: str, mark: yaml.Mark) -> None:
        super().__init__(None, None, problem, mark)
        self.hint = hint


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    line_offset = 0
    """Added to every line, since front matter starts below the first line of its file."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    mapping = Mapping()
    offset = getattr(loader, "line_offset", 0) + 1
    mapping.line = node.start_mark.line + offset
    mapping.lines = {}
    mapping.raw = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise _FieldError(
                "a key must be a plain word, not a list or mapping",
                "write each field as `name: value`",
                key_node.start_mark,
            ) from None
        if not isinstance(key, str):
            raise _FieldError(
                f"the key `{key_node.value}` is not read as a word: YAML reads it as "
                f"{yaml_reading(key) or 'something other than text'}",
                f'put it in quotes ("{key_node.value}":) if you meant the word',
                key_node.start_mark,
            )
        if key in mapping:
            raise _FieldError(
                f'"{key}" is given twice (first on line {mapping.lines[key]})',
                "keep only one of them: YAML would silently use the last",
                key_node.start_mark,
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.lines[key] = value_node.start_mark.line + offset
        if isinstance(value_node, yaml.ScalarNode):
            mapping.raw[key] = value_node.value
    return mapping


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    # An impossible date such as 2018-02-30 makes PyYAML raise ValueError; keep it as text so that
    # the field's validator can say what is wrong with it.
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return node.value


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


@dataclass(frozen=True)
class YamlResult:
    mapping: Mapping | None
    problems: tuple[Problem, ...]


def read_mapping(text: str, path: str, first_line: int = 1, what: str = "this file") -> YamlResult:
    """Parse `text` as one YAML mapping; `first_line` is the file line where `text` starts."""
    alias = _first_alias(text) if "*" in text else None
    if alias is not None:
        return YamlResult(
            None,
            (
                error(
                    path,
                    first_line + alias,
                    f"in {what}: a YAML alias (*name) repeats a value written elsewhere",
                    "write the value out where it is needed: aliases can make a few lines into millions of values",
                ),
            ),
        )
    loader = _LineLoader(text)
    loader.line_offset = first_line - 1
    try:
        value = loader.get_single_data()
    except _FieldError as exc:
        line = first_line + exc.problem_mark.line if exc.problem_mark is not None else first_line
        return YamlResult(None, (error(path, line, f"in {what}: {exc.problem}", exc.hint),))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark is not None else first_line
        problem_text = exc.problem or "is not valid YAML"
        hint = "YAML needs `key: value` lines, indented with spaces (never tabs)"
        if "\t" in text:
            hint = "replace the tab characters with spaces"
        return YamlResult(None, (error(path, line, f"invalid YAML in {what}: {problem_text}", hint),))
    except yaml.YAMLError as exc:
        return YamlResult(None, (error(path, first_line, f"invalid YAML in {what}: {exc}"),))
    finally:
        loader.dispose()
    if value is None:
        empty = Mapping()
        empty.line, empty.lines, empty.raw = first_line, {}, {}
        return YamlResult(empty, ())
    if not isinstance(value, Mapping):
        return YamlResult(
            None,
            (
                error(
                    path,
                    first_line,
                    f"{what} must be a set of `key: value` lines, but it is a {_yaml_kind(value)}",
                    "write one field per line, such as `title: What is PARS?`",
                ),
            ),
        )
    return YamlResult(value, ())


def _first_alias(text: str) -> int | None:
    """The line (from 0) of the first alias in `text`, if any: refused before anything is built from
    it, in every field, free-form ones too. Only text with a `*` can hold one, so most is never parsed
    twice."""
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
                return int(event.start_mark.line)
    except yaml.YAMLError:
        return None  # reported by the reading itself
    return None


def _yaml_kind(value: object) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "single line of text"
    return type(value).__name__


def yaml_reading(value: object) -> str | None:
    """What YAML turned a plain word into, when it is not text: `no` -> "the yes/no value false"."""
    if isinstance(value, bool):
        return f"the yes/no value {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if hasattr(value, "isoformat"):
        return "a date"
    if value is None:
        return "nothing (an empty value)"
    return None


def describe_yaml_value(value: object, raw: str | None) -> str:
    """Say what YAML made of a value, for errors about YAML 1.1's surprises."""
    shown = raw if raw is not None else repr(value)
    if value is None:
        return "empty"
    reading = yaml_reading(value)
    if reading is not None:
        return f"`{shown}`, which YAML reads as {reading}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of `key: value` lines"
    return f"`{shown}`"
