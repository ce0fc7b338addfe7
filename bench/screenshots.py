"""Screenshots of the built site at phone and desktop widths, in every language, for people to look at.

Usage: python bench/screenshots.py [SITE_DIR] [OUT_DIR]   (defaults: site/ and bench/out/screenshots/)
Serves SITE_DIR on 127.0.0.1 and drives Debian's Chromium with Playwright.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import CHROMIUM_ARGS, CHROMIUM_PATH, serve  # noqa: E402

PAGES = {
    "home-en": "en/",
    "home-es": "es/",
    "landing": "",
    "announcement-en": "en/announcements/pars-agreement-ends/",
    "announcement-es": "es/anuncios/fin-del-acuerdo-pars/",
    "faq-en": "en/faq/what-is-pars/",
    "faq-es": "es/preguntas-frecuentes/que-es-pars/",
    "guide-en": "en/guides/know-your-rights-at-home/",
    "guide-es": "es/guias/sus-derechos-en-casa/",
}
WIDTHS = (360, 1280)


def main() -> None:
    from playwright.sync_api import sync_playwright

    site = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("site")
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("bench/out/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": 800})
            for name, path in PAGES.items():
                page.goto(base + path)
                target = out / f"{name}-{width}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
