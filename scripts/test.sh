#!/usr/bin/env bash
# Sets up everything the tests need on a fresh machine, then runs the linters and every test.
# Safe to run again: each step skips what is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

# The end-to-end tests drive Debian's Chromium (a browser downloaded by Playwright is never used) and
# read printed PDFs back with poppler's tools and zbar; WeasyPrint lays the PDFs out with pango and
# subsets their fonts with HarfBuzz; the Noto fonts cover the scripts the tests print and show
# (Arabic and Bengali in fonts-noto-core, Chinese in fonts-noto-cjk), and fontconfig's fc-list says
# which fonts cover which language. Each package is checked by name, so that one added here is
# installed even on a machine that has the others.
PACKAGES="chromium poppler-utils zbar-tools libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
PACKAGES="$PACKAGES fontconfig fonts-noto-core fonts-noto-cjk"
MISSING=""
for package in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    MISSING="$MISSING $package"
  fi
done
if [ -n "$MISSING" ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086 # one word per package
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $MISSING >/dev/null
fi
if [ -f package.json ]; then
  npm ci --silent --no-audit --no-fund
fi

.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
