"""For pregon's developers: after changing a string in the theme's templates, bring the theme's own
catalogs up to date (pregon/default_theme/translations/), then translate what is new in each.

Usage: python scripts/theme_catalogs.py    (a site's catalogs are `pregon i18n extract` and `update`)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pregon.i18n_commands import run_on, theme_catalogs  # noqa: E402

if __name__ == "__main__":
    folder = theme_catalogs()
    sys.exit(run_on(folder, "extract", None) or run_on(folder, "update", None))
