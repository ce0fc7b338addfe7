"""`serve`: real HTTP requests before and after an edit, the reload signal, recovery after an error."""

from __future__ import annotations

import http.client
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pregon.errors import Problem
from pregon.memory import PreviewMemory
from pregon.pipeline import BuildOptions, build
from pregon.serve import PreviewServer

from .conftest import MINIMAL_CONFIG, SiteTree, page, parse_html


@pytest.fixture
def preview(site_tree: Callable[..., SiteTree]) -> Iterator[tuple[SiteTree, PreviewServer]]:
    tree = site_tree({"content/en/faq/what.md": page("What?", body="## One?\n\nThe first answer.")})

    cache = PreviewMemory()  # kept in memory, told what changed: as `python build.py serve` builds

    def rebuild(out_dir: Path, changed: frozenset[str] | None) -> list[Problem]:
        return list(build(BuildOptions(site_dir=tree.root, out_dir=out_dir, preview=True), cache, changed).warnings)

    server = PreviewServer(tree.root, rebuild, port=0, report=lambda line: None)
    with server.running():
        yield tree, server


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_for_version(server: PreviewServer, after: int) -> int:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        version = int(get(server.url + "__pregon/version")[1])
        if version > after:
            return version
        time.sleep(0.05)
    raise AssertionError("the preview was not rebuilt after the change")


def test_an_edit_is_served_after_the_rebuild(preview: tuple[SiteTree, PreviewServer]) -> None:
    tree, server = preview
    status, body = get(server.url + "en/faq/what/")
    assert status == 200
    root = parse_html(body)
    assert root.findtext(".//div[@class='body']/p") == "The first answer."
    # The preview, and only the preview, carries the reload script.
    assert [s.get("src") for s in root.findall(".//script[@src]")] == ["/__pregon/reload.js"]
    assert get(server.url + "__pregon/reload.js")[0] == 200

    version = int(get(server.url + "__pregon/version")[1])
    tree.write({"content/en/faq/what.md": page("What?", body="## One?\n\nAn edited answer.")})
    wait_for_version(server, version)
    root = parse_html(get(server.url + "en/faq/what/")[1])
    assert root.findtext(".//div[@class='body']/p") == "An edited answer."


def test_a_first_override_of_the_theme_is_seen_and_then_watched(preview: tuple[SiteTree, PreviewServer]) -> None:
    tree, server = preview
    assert not (tree.root / "templates").exists()
    version = int(get(server.url + "__pregon/version")[1])
    tree.write({"templates/footer.html": "<footer><p>Our own footer</p></footer>\n"})
    version = wait_for_version(server, version)
    assert parse_html(get(server.url + "en/faq/what/")[1]).findtext(".//footer/p") == "Our own footer"
    # The new folder is watched from now on, like the others.
    tree.write({"templates/footer.html": "<footer><p>Our footer, edited</p></footer>\n"})
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        version = wait_for_version(server, version)
        footer = parse_html(get(server.url + "en/faq/what/")[1]).findtext(".//footer/p")
        if footer == "Our footer, edited":
            break
    assert footer == "Our footer, edited"


def test_after_edits_told_by_the_watcher_the_preview_is_what_a_fresh_build_makes(
    preview: tuple[SiteTree, PreviewServer], tmp_path: Path
) -> None:
    tree, server = preview
    version = int(get(server.url + "__pregon/version")[1])
    tree.write({"content/en/faq/what.md": page("What now?", body="## One?\n\nAn edited answer.")})
    version = wait_for_version(server, version)
    tree.write({"content/en/faq/more.md": page("More?", body="See [what](what.md).")})
    wait_for_version(server, version)
    fresh = tmp_path / "fresh"
    build(BuildOptions(site_dir=tree.root, out_dir=fresh, preview=True))
    served = {
        path.relative_to(server.out_dir): path.read_bytes() for path in server.out_dir.rglob("*") if path.is_file()
    }
    assert served == {path.relative_to(fresh): path.read_bytes() for path in fresh.rglob("*") if path.is_file()}


def test_the_reload_signal_is_sent_on_each_rebuild(preview: tuple[SiteTree, PreviewServer]) -> None:
    tree, server = preview
    host, port = server.http.server_address[:2]
    connection = http.client.HTTPConnection(str(host), int(port), timeout=20)
    connection.request("GET", "/__pregon/events")
    response = connection.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"
    first = response.readline().decode().strip()
    response.readline()
    assert first.startswith("data: ")
    tree.write({"content/en/faq/what.md": page("What?", body="## One?\n\nChanged.")})
    line = ""
    while not line.startswith("data: "):
        line = response.readline().decode().strip()
    assert int(line.removeprefix("data: ")) > int(first.removeprefix("data: "))
    connection.close()


def test_a_mistake_shows_an_error_page_and_fixing_it_brings_the_page_back(
    preview: tuple[SiteTree, PreviewServer],
) -> None:
    tree, server = preview
    version = int(get(server.url + "__pregon/version")[1])
    tree.write({"content/en/faq/what.md": "---\ntitle: no\nsummary: S\n---\nText\n"})
    version = wait_for_version(server, version)
    status, body = get(server.url + "en/faq/what/")
    assert status == 500
    root = parse_html(body)
    item = root.find(".//li")
    assert item.findtext("code") == "content/en/faq/what.md:2"
    assert "yes/no value false" in "".join(item.itertext())
    assert root.find(".//script[@src='/__pregon/reload.js']") is not None
    # The server is still alive, and the fix is served.
    tree.write({"content/en/faq/what.md": page("What?", body="## One?\n\nFixed.")})
    wait_for_version(server, version)
    status, body = get(server.url + "en/faq/what/")
    assert status == 200 and parse_html(body).findtext(".//div[@class='body']/p") == "Fixed."


def test_the_published_build_has_no_reload_script(site_tree: Callable[..., SiteTree]) -> None:
    tree = site_tree({"content/en/faq/what.md": page("What?")})
    build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
    for path in tree.out.rglob("*.html"):
        assert b"__pregon" not in path.read_bytes(), path


def test_a_missing_address_gets_the_sites_404_page_with_its_styles(site_tree: Callable[..., SiteTree]) -> None:
    # Published below a path, as the shipped site is: the preview still serves the site at its root.
    config = MINIMAL_CONFIG.replace('base_url: "https://www.example.org/"', 'base_url: "https://www.example.org/city/"')
    assert config != MINIMAL_CONFIG
    tree = site_tree({"content/en/faq/what.md": page("What?", body="## One?\n\nAn answer.")}, config=config)
    memory = PreviewMemory()

    def rebuild(out_dir: Path, changed: frozenset[str] | None) -> list[Problem]:
        return list(build(BuildOptions(site_dir=tree.root, out_dir=out_dir, preview=True), memory, changed).warnings)

    server = PreviewServer(tree.root, rebuild, port=0, report=lambda line: None)
    with server.running():
        status, body = get(server.url + "en/no/such/page/")
        assert status == 404
        root = parse_html(body)
        assert root.get("lang") and root.findtext(".//h1")
        # Its links start at the preview's root, where the preview serves the site.
        styles = [link.get("href") for link in root.findall(".//link[@rel='stylesheet']")]
        assert styles and all(get(server.url + href.lstrip("/"))[0] == 200 for href in styles)
        homes = [a.get("href") for a in root.findall(".//a[@href]")]
        assert "/en/" in homes and all(get(server.url + href.lstrip("/"))[0] == 200 for href in homes if href)
    # The published 404 page keeps the published path.
    assert build(BuildOptions(site_dir=tree.root, out_dir=tree.out)).rendered > 0
    published = parse_html((tree.out / "404.html").read_bytes())
    assert "/city/en/" in [a.get("href") for a in published.findall(".//a[@href]")]


READERS = 50
RELOADERS = 20
SAVING_SECONDS = 30


def test_a_busy_preview_answers_every_request_and_tells_every_rebuild_to_every_page(
    preview: tuple[SiteTree, PreviewServer],
) -> None:
    """50 readers loading pages at once and 20 open reload connections, while a file is saved every
    100 ms for 30 s; on 127.0.0.1 only, with a bounded number of threads and a deadline."""
    tree, server = preview
    host, port = server.http.server_address[:2]
    stop = threading.Event()
    failures: list[str] = []
    answered = [0] * READERS
    received: list[list[int]] = [[] for _ in range(RELOADERS)]

    def read(number: int) -> None:
        paths = ["en/faq/what/", "es/", "en/", "static/style.css", "en/faq/"]
        while not stop.is_set():
            try:
                status, _ = get(server.url + paths[number % len(paths)])
            except OSError as exc:  # no answer within get's timeout, or the connection dropped
                failures.append(f"reader {number}: {exc!r}")
                continue
            if status != 200:
                failures.append(f"reader {number}: {status}")
            answered[number] += 1

    def listen(number: int) -> None:
        connection = http.client.HTTPConnection(str(host), int(port), timeout=60)
        connection.request("GET", "/__pregon/events")
        response = connection.getresponse()
        while not stop.is_set() or not received[number] or received[number][-1] < server.state.version:
            line = response.readline()
            if not line:
                break
            if line.startswith(b"data: "):
                received[number].append(int(line[len(b"data: ") :]))
        connection.close()

    threads = [threading.Thread(target=read, args=(number,), daemon=True) for number in range(READERS)]
    threads += [threading.Thread(target=listen, args=(number,), daemon=True) for number in range(RELOADERS)]
    for thread in threads:
        thread.start()
    first = server.state.version
    deadline = time.monotonic() + SAVING_SECONDS
    saves = 0
    edited = tree.root / "content/en/faq/what.md"
    while time.monotonic() < deadline:
        # Saved as most editors save: written beside, then renamed over the file, never seen half-written.
        saving = edited.with_name(".what.md.swp")
        saving.write_text(page("What?", body=f"## One?\n\nAnswer number {saves}."), encoding="utf-8")
        saving.replace(edited)
        saves += 1
        time.sleep(0.1)
    wait_for_version(server, first)
    # The watcher's last rebuild, after the last save: the build number stays the same for 2 s.
    last, settled = server.state.version, time.monotonic()
    while time.monotonic() - settled < 2 and time.monotonic() < deadline + 60:
        time.sleep(0.1)
        if server.state.version != last:
            last, settled = server.state.version, time.monotonic()
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert not failures, failures[:5]
    assert all(count > 0 for count in answered)
    assert last > first + 3  # rebuilt again and again while the saves went on
    for numbers in received:
        # Every rebuild completed after the connection opened, each once, in order.
        assert numbers == list(range(numbers[0], numbers[-1] + 1)) and numbers[-1] >= last, numbers[-10:]
    # The last save is what the preview shows.
    assert f"Answer number {saves - 1}." in get(server.url + "en/faq/what/")[1].decode()
