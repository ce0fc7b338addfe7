"""content/<lang>/_alert.md -> AlertSource: a breaking announcement shown on every page of its language
(chrome.py shows it), read with the same front matter rules as a page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .errors import Problem, did_you_mean, error
from .front_matter import MAX_TITLE_LENGTH, SourcePage, date_field, required_text, split_front_matter

ALERT_FILE = "_alert.md"


_ALERT_FIELDS = ("title", "until")


@dataclass(frozen=True)
class AlertSource:
    """content/<lang>/_alert.md: a breaking announcement shown at the top of every page in its language."""

    path: str
    lang: str
    title: str | None
    """Its heading, if it has one."""
    until: datetime.date | None
    """The last day it is shown, in the site's time zone; None: until the file is removed."""
    body: str
    body_line: int

    def as_page(self) -> SourcePage:
        """The alert as a page, for the Markdown converter, which reads its text, file and lines."""
        return SourcePage(
            path=self.path,
            lang=self.lang,
            section="",
            stem="_alert",
            title=self.title or "",
            summary="",
            date=None,
            updated=None,
            slug="alert",
            translation_key="alert",
            draft=False,
            body=self.body,
            body_line=self.body_line,
            blob_id="",
            translation_of=None,
        )


def parse_alert(raw: bytes, shown: str, lang: str, problems: list[Problem]) -> AlertSource | None:
    """Bytes of an alert file -> AlertSource, or None with the reasons added to `problems`."""
    split = split_front_matter(raw, shown, problems)
    if split is None:
        return None
    before = len(problems)
    fields = split.fields
    for key in fields:
        if key not in _ALERT_FIELDS:
            problems.append(
                error(
                    shown,
                    fields.line_of(key),
                    f'unknown alert field "{key}"',
                    did_you_mean(str(key), _ALERT_FIELDS) + " (an alert has only title: and until:)",
                )
            )
    title = required_text(fields, "title", shown, problems, MAX_TITLE_LENGTH) if "title" in fields else None
    until = date_field(fields, "until", shown, problems, required=False)
    if not split.body.strip():
        problems.append(
            error(
                shown,
                split.closing + 1,
                "the alert has no text after its front matter",
                "write what residents must know below the closing --- line, or remove the file",
            )
        )
    if len(problems) > before:
        return None
    return AlertSource(shown, lang, title, until, split.body, split.closing + 2)
