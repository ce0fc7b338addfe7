"""The day it is for a site: when its alerts end (chrome.py), and what the fingerprint counts.

Its own small module, since the no-change fast path (fingerprint.py) asks it before anything heavier
is imported.
"""

from __future__ import annotations

import datetime
import os
import zoneinfo
from collections.abc import Mapping


def site_today(timezone: str, environ: Mapping[str, str] = os.environ) -> datetime.date:
    """The day it is in the site's time zone: at SOURCE_DATE_EPOCH if it is set (a reproducible
    build states its moment), else now."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    zone = zoneinfo.ZoneInfo(timezone)
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), zone).date()
    return datetime.datetime.now(zone).date()
