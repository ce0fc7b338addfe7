"""`sections:` in site.yaml -> the site's sections, each with its kind and whether it prints."""

from __future__ import annotations

from .config_languages import SEGMENT
from .errors import Problem, did_you_mean, error
from .site_config import BUILT_IN_SECTIONS, KINDS, Section
from .yaml_fields import Mapping, describe_yaml_value

_SECTION_SETTINGS = {"kind", "print"}


def parse_sections(fields: Mapping, shown: str, problems: list[Problem]) -> tuple[Section, ...]:
    """Today's three sections, less those site.yaml leaves out (`faq: false`), then its own, in order."""
    built_in = {name: Section(name, name) for name in BUILT_IN_SECTIONS}
    if "sections" not in fields:
        return tuple(built_in.values())
    declared = fields["sections"]
    if not isinstance(declared, Mapping):
        problems.append(
            error(
                shown,
                fields.line_of("sections"),
                "sections must be a set of `name:` entries, each with its kind",
                "such as `sections:`, then `  register:` and `    kind: pages` below it",
            )
        )
        return tuple(built_in.values())
    own: list[Section] = []
    for name in declared:
        line = declared.line_of(name)
        settings = declared[name]
        if not isinstance(name, str) or not SEGMENT.match(name):
            problems.append(
                error(
                    shown,
                    line,
                    f'the section name "{name}" must be lower-case letters, digits and hyphens',
                    "it is also the name of the section's folder under content/<language>/",
                )
            )
            continue
        if settings is False and name in built_in:
            del built_in[name]
            continue
        if settings is None and name in built_in:
            continue
        if not isinstance(settings, Mapping):
            hint = (
                f"write `{name}: false` to leave the section out, or give its settings below it"
                if name in built_in
                else "give its kind below it, such as `kind: pages`"
            )
            problems.append(
                error(
                    shown,
                    line,
                    f'section "{name}" must be a set of settings, but it is '
                    f"{describe_yaml_value(settings, declared.raw.get(name))}",
                    hint,
                )
            )
            continue
        for key in settings:
            if key not in _SECTION_SETTINGS:
                problems.append(
                    error(
                        shown,
                        settings.line_of(key),
                        f'unknown setting "{key}" of section "{name}"',
                        did_you_mean(str(key), sorted(_SECTION_SETTINGS)),
                    )
                )
        kind = settings.get("kind", name if name in built_in else None)
        if kind is None:
            problems.append(
                error(
                    shown,
                    settings.line,
                    f'section "{name}" needs a kind',
                    f"add `kind:` with one of {', '.join(KINDS)}",
                )
            )
            continue
        if kind not in KINDS:
            problems.append(
                error(
                    shown,
                    settings.line_of("kind"),
                    f'unknown kind "{kind}" of section "{name}"',
                    did_you_mean(str(kind), KINDS) + f" (the kinds are {', '.join(KINDS)})",
                )
            )
            continue
        if name in built_in and kind != name:
            problems.append(
                error(
                    shown,
                    settings.line_of("kind"),
                    f'the section "{name}" is always of kind {name}',
                    "give a section of another kind a name of its own",
                )
            )
            continue
        prints = settings.get("print", True)
        if not isinstance(prints, bool) or ("print" in settings and kind != "guides"):
            problems.append(
                error(
                    shown,
                    settings.line_of("print"),
                    "print must be true or false, and only a section of kind guides is printed",
                    "write print: false to give its guides no printed editions",
                )
            )
            continue
        section = Section(name, str(kind), prints)
        if name in built_in:
            built_in[name] = section
        else:
            own.append(section)
    return (*built_in.values(), *own)
