"""The build cache never serves stale output: after each kind of change, an incremental build equals a cold one."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pregon import output, pipeline
from pregon.errors import BuildFailed
from pregon.front_matter import SourcePage
from pregon.last_build import CACHE_FOLDER, input_fingerprint, read_last_build
from pregon.memory import PreviewMemory
from pregon.pipeline import BuildOptions, build
from pregon.site import Site

from .conftest import MINIMAL_CONFIG, SiteTree, page

FILES = {
    # The Spanish translation gives no date: it takes its source's.
    "content/en/faq/what.md": page(
        "What?", date="2020-02-01", body="## One?\n\nSee [the news](../announcements/news.md)."
    ),
    "content/es/faq/que.md": page(
        "¿Qué?", translation_key="what", body="## ¿Una?\n\nVea [el aviso](../announcements/news.md)."
    ),
    "content/en/announcements/news.md": page("News", date="2020-01-02", body="Text of the news."),
    "content/en/announcements/other.md": page("Other", date="2020-01-01", body="See [what](../faq/what.md#one)."),
}


PAGED_CONFIG = MINIMAL_CONFIG + "entries_per_page: 1\n"
"""One entry per page of a section's index: every change that moves, adds or removes a page moves
pages of the indexes too."""


def hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def cold_build(tree: SiteTree, tmp_path: Path) -> dict[str, str]:
    fresh = tmp_path / "cold"
    if fresh.exists():
        shutil.rmtree(fresh)
    shutil.copytree(tree.root, fresh, ignore=shutil.ignore_patterns(".pregon-cache", "site"))
    build(BuildOptions(site_dir=fresh, out_dir=fresh / "site"))
    return hashes(fresh / "site")


def snapshot(tree: SiteTree) -> dict[str, tuple[int, int]]:
    """Every input's size and time, to tell what changed as a file watcher would."""
    folders = [tree.root / name for name in ("content", "templates", "translations", "static")]
    return {
        str(path.absolute()): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in [tree.root / "site.yaml", *(item for folder in folders for item in folder.rglob("*"))]
        if path.exists()
    }


def watched(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> frozenset[str]:
    return frozenset(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


def edit(tree: SiteTree, name: str, old: str, new: str) -> None:
    path = tree.own(name)
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CHANGES: dict[str, Callable[[SiteTree], None]] = {
    "content edited": lambda tree: edit(tree, "content/en/announcements/news.md", "Text of", "New text of"),
    "page renamed (links to it move)": lambda tree: (
        (tree.root / "content/en/announcements/news.md").rename(tree.root / "content/en/announcements/update.md"),
        edit(tree, "content/en/faq/what.md", "news.md", "update.md"),
        edit(tree, "content/es/faq/que.md", "news.md", "update.md"),
    ),
    "page added": lambda tree: tree.write(
        {"content/en/announcements/extra.md": page("Extra", date="2020-01-03", body="See [what](../faq/what.md).")}
    ),
    # que.md's link to news.md found the English file; a Spanish file of that name is another page.
    "page added where a link looked (the link now leads to it)": lambda tree: tree.write(
        {
            "content/es/announcements/news.md": page(
                "Aviso local", translation_key="aviso-local", slug="aviso-local", date="2020-01-05"
            )
        }
    ),
    "translation added": lambda tree: tree.write(
        {"content/es/announcements/aviso.md": page("Aviso", translation_key="news", date="2020-01-02")}
    ),
    "heading anchor changed": lambda tree: edit(tree, "content/en/faq/what.md", "## One?", "## First?"),
    "template edited": lambda tree: edit(
        tree, "templates/page.html", "<h1>{{ source.title }}</h1>", '<h1 class="title">{{ source.title }}</h1>'
    ),
    "catalog edited": lambda tree: edit(
        tree, "translations/es/LC_MESSAGES/messages.po", 'msgstr "Idioma"', 'msgstr "Lengua"'
    ),
    # The landing and 404 pages hold a column per language, each rendered in its own language.
    "catalog string of the landing and 404 pages' Spanish columns edited": lambda tree: (
        edit(
            tree,
            "translations/es/LC_MESSAGES/messages.po",
            'msgstr "Leer en %(language)s"',
            'msgstr "Lea en %(language)s"',
        ),
        edit(
            tree,
            "translations/es/LC_MESSAGES/messages.po",
            'msgstr "Página no encontrada"',
            'msgstr "No se encontró la página"',
        ),
    ),
    "landing page's column template edited": lambda tree: edit(
        tree, "templates/landing_column.html", '<p><a class="button"', '<p class="read"><a class="button"'
    ),
    "site.yaml edited": lambda tree: edit(tree, "site.yaml", "faq: preguntas-frecuentes", "faq: preguntas"),
    "static file edited": lambda tree: tree.own("static/style.css").write_text("body { color: #000; }\n"),
    "page deleted": lambda tree: (tree.root / "content/en/announcements/other.md").unlink(),
    "title edited (listings, feed, sitemap, switch)": lambda tree: edit(
        tree, "content/en/announcements/news.md", "title: News", "title: Latest news"
    ),
    "date edited (order of listings)": lambda tree: edit(
        tree, "content/en/announcements/other.md", "date: 2020-01-01", "date: 2020-03-01"
    ),
    "included template edited": lambda tree: edit(
        tree, "templates/section_title.html", "{{ _('Questions and answers') }}", "{{ _('Questions and answers') }}:"
    ),
    "entries per page changed": lambda tree: edit(tree, "site.yaml", "entries_per_page: 1", "entries_per_page: 3"),
    "source's date edited (its translation inherits it)": lambda tree: edit(
        tree, "content/en/faq/what.md", "date: 2020-02-01", "date: 2020-02-03"
    ),
    "menu and footer set in site.yaml": lambda tree: tree.write(
        {
            "site.yaml": PAGED_CONFIG
            + "menu:\n  - page: what\n  - section: announcements\n"
            + "footer:\n  - url: https://www.example.org/\n    label: {en: Example, es: Ejemplo}\n"
        }
    ),
    "alert added": lambda tree: tree.write(
        {"content/en/_alert.md": "---\ntitle: Closed\n---\nSee [what](faq/what.md).\n"}
    ),
    "translation marked as made from an older original": lambda tree: edit(
        tree, "content/es/faq/que.md", "translation_key: what", f'translation_key: what\ntranslation_of: "{"1" * 40}"'
    ),
}


@pytest.mark.parametrize("publishing", ["changed files moved in", "whole site swapped", "in one process"])
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_an_incremental_build_equals_a_cold_one(
    change: str, publishing: str, site_tree: Callable[..., SiteTree], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if publishing == "whole site swapped":
        monkeypatch.setattr(output, "PATCH_LIMIT", 0)
        monkeypatch.setattr(output, "PATCH_SHARE", 1_000_000)
    # "in one process": as the preview server builds, with the cache and what it learnt kept in memory,
    # and told by a watcher which files changed.
    kept = PreviewMemory() if publishing == "in one process" else None
    tree = site_tree(FILES, config=PAGED_CONFIG)
    build(BuildOptions(site_dir=tree.root, out_dir=tree.out), kept)
    before = hashes(tree.out)
    files_before = snapshot(tree)
    CHANGES[change](tree)
    changed = watched(files_before, snapshot(tree)) if kept is not None else None
    report = build(BuildOptions(site_dir=tree.root, out_dir=tree.out), kept, changed)
    assert not report.unchanged
    after = hashes(tree.out)
    assert after != before
    assert after == cold_build(tree, tmp_path)


def test_one_process_building_after_every_change_in_turn_always_equals_a_cold_build(
    site_tree: Callable[..., SiteTree], tmp_path: Path
) -> None:
    """What the preview server does all day: change after change, a failed build among them, each
    rebuild made from what the earlier ones left in memory."""
    tree = site_tree(FILES, config=PAGED_CONFIG)
    kept = PreviewMemory()
    options = BuildOptions(site_dir=tree.root, out_dir=tree.out)
    build(options, kept)
    last = ["page deleted", "page renamed (links to it move)"]  # the others edit these pages
    for change in [change for change in sorted(CHANGES) if change not in last] + last:
        files_before = snapshot(tree)
        CHANGES[change](tree)
        build(options, kept, watched(files_before, snapshot(tree)))
        assert hashes(tree.out) == cold_build(tree, tmp_path), change
        # What the watcher's changes made of the inputs is what walking them all makes.
        assert read_last_build(tree.root / CACHE_FOLDER, tree.out).inputs == input_fingerprint(options).digest
        if change == "content edited":
            broken = tree.root / "content/en/faq/broken.md"
            broken.write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
            edit(tree, "content/en/announcements/news.md", "New text of", "Newer text of")
            with pytest.raises(BuildFailed):
                build(options, kept)
            broken.unlink()
            build(options, kept)
            assert hashes(tree.out) == cold_build(tree, tmp_path), "after a failed build"


def test_nothing_changed_redoes_nothing_and_unchanged_files_are_not_rewritten(
    site_tree: Callable[..., SiteTree],
) -> None:
    tree = site_tree(FILES, config=MINIMAL_CONFIG)
    build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
    before = hashes(tree.out)
    report = build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
    assert report.unchanged and "Nothing changed" in report.summary()
    assert hashes(tree.out) == before
    untouched = tree.out / "en/announcements/other/index.html"
    inode = untouched.stat().st_ino
    edit(tree, "content/en/announcements/news.md", "Text of", "New text of")
    build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
    assert untouched.stat().st_ino == inode  # the same file, linked into the new site, not written again
    assert (tree.out / "en/announcements/news/index.html").stat().st_ino != inode


def test_a_damaged_cache_is_ignored(site_tree: Callable[..., SiteTree], tmp_path: Path) -> None:
    tree = site_tree(FILES, config=MINIMAL_CONFIG)
    build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
    for file in (tree.root / ".pregon-cache").glob("*.pickle"):
        file.write_bytes(b"not a pickle")
    edit(tree, "content/en/announcements/news.md", "Text of", "Other text of")
    build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
    assert hashes(tree.out) == cold_build(tree, tmp_path)


def test_a_published_file_deleted_by_hand_is_rebuilt(site_tree: Callable[..., SiteTree]) -> None:
    tree = site_tree(FILES, config=MINIMAL_CONFIG)
    build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
    before = hashes(tree.out)
    (tree.out / "en/faq/what/index.html").unlink()
    report = build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
    assert not report.unchanged and hashes(tree.out) == before


def rendered_after(tree: SiteTree, change: Callable[[SiteTree], None]) -> tuple[int, int]:
    """How many files the build after `change` rendered again, of how many it published."""
    build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
    change(tree)
    report = build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
    return report.rendered, report.files_written


def test_a_template_change_renders_again_exactly_the_files_made_with_it(site_tree: Callable[..., SiteTree]) -> None:
    tree = site_tree(FILES, config=MINIMAL_CONFIG)
    rendered, total = rendered_after(tree, lambda tree: edit(tree, "templates/section.html", "{%", "{# x #}{%"))
    assert rendered == 6  # the index of each of 3 sections in 2 languages
    rendered, _ = rendered_after(tree, lambda tree: edit(tree, "templates/base.html", "<head>", "<head>\n"))
    assert rendered == len([path for path in hashes(tree.out) if path.endswith(".html")]) - 2
    # (every page but the landing page and the 404 page, which do not extend base.html)


def test_a_catalog_change_renders_again_the_files_in_that_language(site_tree: Callable[..., SiteTree]) -> None:
    tree = site_tree(FILES, config=MINIMAL_CONFIG)
    rendered, total = rendered_after(
        tree, lambda tree: edit(tree, "translations/es/LC_MESSAGES/messages.po", 'msgstr "Idioma"', 'msgstr "Lengua"')
    )
    # Every Spanish page, the Spanish sitemap (made in the Spanish environment), and the landing and 404
    # pages (each has a Spanish column); no Spanish feed (there is no Spanish announcement), and nothing
    # of the search index (which is not rendered).
    spanish = [path for path in hashes(tree.out) if path.startswith("es/") and not path.startswith("es/feed")]
    assert "es/sitemap.xml" in spanish
    assert rendered == len([path for path in spanish if path.endswith(".html")]) + 1 + 2
    assert rendered < total


def test_an_edit_renders_again_only_what_shows_it(site_tree: Callable[..., SiteTree]) -> None:
    tree = site_tree(FILES, config=MINIMAL_CONFIG)
    rendered, total = rendered_after(
        tree, lambda tree: edit(tree, "content/en/announcements/other.md", "See [what]", "Read [what]")
    )
    assert rendered == 2  # the page itself, and its untranslated Spanish edition
    assert total > 30


def test_a_title_edit_renders_again_the_page_of_the_index_that_lists_it_not_the_others(
    site_tree: Callable[..., SiteTree],
) -> None:
    news = {f"content/en/announcements/n{n}.md": page(f"News {n}", date=f"2020-01-0{n}") for n in range(1, 8)}
    tree = site_tree(news, config=MINIMAL_CONFIG + "entries_per_page: 2\n")
    rendered, total = rendered_after(
        tree, lambda tree: edit(tree, "content/en/announcements/n1.md", "title: News 1", "title: Old news")
    )
    # The oldest of seven: its page and untranslated Spanish edition, the last page of the index in
    # each language, and the English feed (the home, landing and search pages show only the newest).
    assert rendered == 5
    assert total > 40


def test_in_one_process_adding_a_page_looks_up_only_the_links_that_could_lead_to_it(
    site_tree: Callable[..., SiteTree], monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = site_tree(FILES, config=MINIMAL_CONFIG)
    kept = PreviewMemory()
    options = BuildOptions(site_dir=tree.root, out_dir=tree.out)
    build(options, kept)
    looked_up: list[str] = []
    find = Site.find_linked_source

    def counting(self: Site, from_path: str, target: str) -> SourcePage | None:
        looked_up.append(from_path)
        return find(self, from_path, target)

    monkeypatch.setattr(Site, "find_linked_source", counting)
    for change in ("page added", "page added where a link looked (the link now leads to it)"):
        looked_up.clear()
        files_before = snapshot(tree)
        CHANGES[change](tree)
        build(options, kept, watched(files_before, snapshot(tree)))
        if change == "page added":
            # The new page's own link (read in English, and in Spanish in its untranslated edition).
            assert set(looked_up) == {"content/en/announcements/extra.md"}
        else:
            # The two questions link to news.md, which is looked for in every language's folder (the
            # Spanish one found the English file); other.md's link to what.md is not looked up again.
            assert set(looked_up) == {"content/en/faq/what.md", "content/es/faq/que.md"}


def test_records_left_by_an_interrupted_save_are_not_trusted(
    site_tree: Callable[..., SiteTree], tmp_path: Path
) -> None:
    tree = site_tree(FILES, config=MINIMAL_CONFIG)
    build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
    (older,) = (tree.root / ".pregon-cache").glob("rendered-*.pickle")
    saved = older.read_bytes()
    edit(tree, "content/en/announcements/news.md", "Text of", "New text of")
    build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
    # As if the build had stopped after saving its record but before saving what each output was made from.
    older.write_bytes(saved)
    edit(tree, "content/en/announcements/news.md", "New text of", "Text of")
    build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
    assert hashes(tree.out) == cold_build(tree, tmp_path)


@pytest.mark.parametrize("publishing", ["changed files moved in", "whole site swapped"])
def test_a_build_stopped_after_publishing_but_before_recording_leaves_nothing_to_trust(
    publishing: str, site_tree: Callable[..., SiteTree], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if publishing == "whole site swapped":
        monkeypatch.setattr(output, "PATCH_LIMIT", 0)
        monkeypatch.setattr(output, "PATCH_SHARE", 1_000_000)
    tree = site_tree(FILES, config=MINIMAL_CONFIG)
    build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
    edit(tree, "content/en/announcements/news.md", "Text of", "New text of")

    def stopped(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(pipeline, "remember_build", stopped)
        with pytest.raises(KeyboardInterrupt):
            build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
    # The page published by the stopped build must not be taken for the one the first build made.
    edit(tree, "content/en/announcements/news.md", "New text of", "Text of")
    build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
    assert hashes(tree.out) == cold_build(tree, tmp_path)


def test_saving_after_an_edit_rewrites_only_the_parts_of_the_cache_it_changed(
    site_tree: Callable[..., SiteTree],
) -> None:
    files = {f"content/en/faq/q{n}.md": page(f"Question {n}?", body=f"## Q{n}?\n\nAnswer {n}.") for n in range(40)}
    tree = site_tree(files, config=MINIMAL_CONFIG)
    build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
    parts = sorted((tree.root / ".pregon-cache").glob("cache-*.pickle"))
    assert len(parts) >= 40
    before = {part.name: part.stat().st_ino for part in parts}
    edit(tree, "content/en/faq/q7.md", "Answer 7.", "Answer seven.")
    build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
    after = {part.name: part.stat().st_ino for part in (tree.root / ".pregon-cache").glob("cache-*.pickle")}
    rewritten = [name for name in before if after[name] != before[name]]
    # The old and new entries of its parsed source, of its two conversions (English, and the Spanish
    # edition that shows the English text) and of its reading level: at most eight of the parts.
    assert 1 <= len(rewritten) <= 8


def test_the_same_site_named_by_a_relative_path_keeps_its_outputs(
    site_tree: Callable[..., SiteTree], monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = site_tree(FILES, config=MINIMAL_CONFIG)
    build(BuildOptions(site_dir=tree.root, out_dir=tree.out))
    edit(tree, "content/en/announcements/news.md", "Text of", "New text of")
    monkeypatch.chdir(tree.root.parent)
    relative = Path(tree.root.name)
    report = build(BuildOptions(site_dir=relative, out_dir=relative / tree.out.relative_to(tree.root)))
    assert report.rendered == 2  # the page, and its untranslated Spanish edition


def test_the_inputs_are_walked_again_when_a_watcher_reports_a_folder_or_a_path_it_cannot_place(
    site_tree: Callable[..., SiteTree],
) -> None:
    tree = site_tree(FILES, config=MINIMAL_CONFIG)
    kept = PreviewMemory()
    options = BuildOptions(site_dir=tree.root, out_dir=tree.out)
    build(options, kept)
    tree.write({"content/es/announcements/aviso.md": page("Aviso", translation_key="news", date="2020-01-02")})
    # Told only of the new folder, not of the file in it (as when a folder is moved in).
    build(options, kept, frozenset({str((tree.root / "content/es/announcements").absolute())}))
    assert (tree.out / "es/anuncios/aviso/index.html").is_file()
    edit(tree, "content/en/faq/what.md", "One?", "First?")
    build(options, kept, frozenset({"relative/or/elsewhere.md"}))
    record = read_last_build(tree.root / CACHE_FOLDER, tree.out)
    assert record is not None and record.inputs == input_fingerprint(options).digest


def test_a_process_that_keeps_its_cache_builds_once_for_real_even_if_the_folder_is_up_to_date(
    site_tree: Callable[..., SiteTree], tmp_path: Path
) -> None:
    """The preview server's first build learns the site, so that the edits after it find it in memory."""
    tree = site_tree(FILES, config=MINIMAL_CONFIG)
    options = BuildOptions(site_dir=tree.root, out_dir=tree.out)
    build(options)
    kept = PreviewMemory()
    first = build(options, kept)
    assert not first.unchanged and first.rendered == 0  # built, every file kept as it was
    assert kept.built and kept.site is not None
    files_before = snapshot(tree)
    edit(tree, "content/en/announcements/news.md", "Text of", "New text of")
    report = build(options, kept, watched(files_before, snapshot(tree)))
    assert report.rendered == 2  # the page and its untranslated Spanish edition
    assert hashes(tree.out) == cold_build(tree, tmp_path)


def test_inputs_below_the_file_systems_root_are_named_as_relpath_names_them(tmp_path: Path) -> None:
    """A site whose inputs include the theme's files is fingerprinted from the root of the file system:
    its files' names are their paths from there, as os.path.relpath gives them."""
    from pregon.fingerprint import fingerprint

    files = [tmp_path / "site.yaml", tmp_path / "content" / "en" / "page.md"]
    for file in files:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text("x", encoding="utf-8")
    taken = fingerprint([str(file) for file in files], os.sep)
    assert sorted(taken.files) == sorted(os.path.relpath(file, os.sep) for file in files)
