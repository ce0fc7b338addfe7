"""One build of the shipped site, served on 127.0.0.1, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from pregon.config import load_config

from ..browser import CHROMIUM_ARGS, CHROMIUM_PATH, serve
from ..conftest import REPO, SiteTree

AXE = REPO / "node_modules/axe-core/axe.min.js"


@pytest.fixture(scope="session")
def built_site(built_shipped_site: SiteTree) -> Path:
    return built_shipped_site.out


@pytest.fixture(scope="session")
def base_url(built_site: Path) -> Iterator[str]:
    """The site served below the same path as site.yaml's base_url, as it will be published."""
    config = load_config(built_site.parent).config
    assert config is not None
    base_path = urlsplit(config.base_url).path
    www = built_site.parent / "www"
    mount = www / base_path.strip("/")
    mount.parent.mkdir(parents=True, exist_ok=True)
    mount.symlink_to(built_site, target_is_directory=True)
    with serve(www) as url:
        yield url.rstrip("/") + base_path


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def page_paths(built_site: Path) -> list[str]:
    """Every HTML page's address below the root, as a reader would type it."""
    paths = []
    for file in sorted(built_site.rglob("*.html")):
        relative = file.relative_to(built_site).as_posix()
        paths.append(relative.removesuffix("index.html"))
    return paths
