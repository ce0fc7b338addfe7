#!/usr/bin/env bash
# Sets up everything the tests need on a fresh machine, then runs the linters and every test.
# Safe to run again: each step skips what is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

# The end-to-end tests drive Debian's Chromium (a browser downloaded by Playwright is never used) and
# read printed PDFs back with poppler's tools and zbar.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/pdftotext ] || [ ! -x /usr/bin/zbarimg ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium poppler-utils zbar-tools >/dev/null
fi
if [ -f package.json ]; then
  npm ci --silent --no-audit --no-fund
fi

.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
