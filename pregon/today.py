"""The day it is for a site: when its alerts end (chrome.py), and what the fingerprint counts.

Its own small module, since the no-change fast path (fingerprint.py) asks it before anything heavier
is imported.
"""

from __future__ import annotations

import datetime
import os
import zoneinfo
from collections.abc import Mapping

from .errors import Problem, error


def site_today(timezone: str, environ: Mapping[str, str] = os.environ) -> datetime.date:
    """The day it is in the site's time zone: at SOURCE_DATE_EPOCH if it is set (a reproducible
    build states its moment), else now. A SOURCE_DATE_EPOCH that is no moment is reported by
    source_date_problem, which fails the build before anything is made with this day."""
    zone = zoneinfo.ZoneInfo(timezone)
    moment = _stated_moment(environ)
    return (moment or datetime.datetime.now(datetime.UTC)).astimezone(zone).date()


def source_date_problem(environ: Mapping[str, str] = os.environ) -> Problem | None:
    """An error when SOURCE_DATE_EPOCH is set to something other than a moment."""
    value = environ.get("SOURCE_DATE_EPOCH")
    if value is None or _stated_moment(environ) is not None:
        return None
    return error(
        "SOURCE_DATE_EPOCH",
        None,
        f"the environment variable SOURCE_DATE_EPOCH is {value!r}, which is not a moment",
        "set it to a whole number of seconds since 1970-01-01 UTC, such as $(git log -1 --format=%ct), or unset it",
    )


def _stated_moment(environ: Mapping[str, str]) -> datetime.datetime | None:
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        return None
    try:
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
    except (OverflowError, OSError, ValueError):
        return None
