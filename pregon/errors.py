"""Problems found in a site's sources, as data, and the one place that formats them.

Every stage returns the problems it found instead of raising at the first one, so that staff see every
mistake of a build at once. Nothing here prints: the command line decides where the text goes.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One mistake in one source file: where it is, what is wrong, and what to do about it."""

    path: str
    line: int | None
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR
    about_machine: bool = False
    """A warning about the machine that builds (a font it lacks), not the site: `--strict` lets it pass."""
    advisory: bool = False
    """A warning that `--strict` and `check` let pass, as advice: a page's reading level, or a fact that
    differs in a translation already known to be out of date."""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def passes_strict(self) -> bool:
        return self.severity is Severity.WARNING and (self.about_machine or self.advisory)

    def as_error(self) -> Problem:
        if self.passes_strict:
            return self
        return Problem(self.path, self.line, self.message, self.hint, Severity.ERROR)


def error(path: str, line: int | None, message: str, hint: str = "") -> Problem:
    return Problem(path, line, message, hint, Severity.ERROR)


def warning(path: str, line: int | None, message: str, hint: str = "") -> Problem:
    return Problem(path, line, message, hint, Severity.WARNING)


def advice(path: str, line: int | None, message: str, hint: str = "") -> Problem:
    """A warning that never fails a build, even a strict one (Problem.advisory)."""
    return Problem(path, line, message, hint, Severity.WARNING, advisory=True)


class BuildFailed(Exception):
    """Raised by the pipeline when any stage found an error; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{sum(p.is_error for p in problems)} error(s)")
        self.problems = problems


def format_problem(problem: Problem) -> str:
    """`file:line: error: message` then the hint, the form editors and CI logs can jump to."""
    where = problem.path if problem.line is None else f"{problem.path}:{problem.line}"
    text = f"{where}: {problem.severity.value}: {problem.message}"
    if problem.hint:
        text += f"\n    {problem.hint}"
    return text


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    """Errors in file order, each once, so a reader fixes them top to bottom."""
    return sorted(set(problems), key=lambda p: (p.path, p.line or 0, p.message, p.severity.value))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest valid choice, or all of them when none is close."""
    options = list(choices)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return f'did you mean "{close[0]}"?'
    return f"expected one of: {', '.join(options)}"
