"""Output plans and their keys: every input a plan lists is in its key, and nothing else changes it.

For each template, changing any one field of its plan changes the output's key; changing what the plan
does not list (another page's text, another language's catalog, a template it does not use) leaves the
key, and the rendered bytes, as they were.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from pathlib import Path

import pytest

from pregon.cache import SavedCache
from pregon.chrome import Chrome, ShownAlert, make_chromes
from pregon.conversion import Conversion, Conversions
from pregon.environments import Templates
from pregon.i18n import load_catalogs
from pregon.incremental import OutputKeys
from pregon.output import Output
from pregon.pipeline import require_site
from pregon.plans import Download, PagePlan, Plan, plan_lists
from pregon.render import OutputMaker
from pregon.site import Entry, ListedSource, Page, PageGroup, SitemapGroup

from .conftest import MINIMAL_CONFIG, SiteTree, page

FILES = {
    "content/en/announcements/news.md": page("News", date="2020-01-02", body="Text of the news."),
    "content/en/announcements/older.md": page("Older", date="2019-05-01", body="Older text."),
    "content/es/announcements/aviso.md": page("Aviso", translation_key="news", date="2020-01-02", body="Texto."),
    "content/en/faq/what.md": page("What?", body="## One?\n\nSee [the news](../announcements/news.md)."),
    "content/en/guides/rights.md": page("Rights", body="## Facts\n\nA fact."),
}

Planned = dict[str, tuple[Plan, str, bytes]]
"""Output path -> its plan, its key and the bytes it renders to."""


def planned(tree: SiteTree) -> Planned:
    """Every output of the site but the printed guides: planned, keyed and rendered, as a build does."""
    config, site, _ = require_site(tree.root)
    catalogs = load_catalogs(config).catalogs
    cache = SavedCache()
    templates = Templates(config, catalogs, cache, preview=False)
    keys = OutputKeys(config, catalogs, templates, preview=False)
    maker = OutputMaker(site, keys, templates, None)
    conversions = Conversions(site, cache, {})
    chromes, _ = make_chromes(site, datetime.date(2026, 1, 1))
    plans: list[Plan] = list(plan_lists(site, chromes))
    for group in site.groups:
        for one in group.pages:
            plans.append(
                PagePlan(one.output_path, one.lang, chromes[one.lang], one, group, conversions.convert(one), ())
            )
    made: Planned = {}
    for plan in plans:
        output = maker.make(plan).output
        assert isinstance(output, Output)
        made[plan.path] = (plan, keys.of(plan), output.content)
    return made


@pytest.fixture
def tree(site_tree: Callable[..., SiteTree]) -> SiteTree:
    return site_tree(FILES, config=MINIMAL_CONFIG + "entries_per_page: 1\n")


def changed(value: object, plans: Planned) -> object:
    """Another value of the same type as `value`, taken from the site where it is an object of it."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, tuple):
        return value[:-1] if value else (_any_entry(plans),)
    if isinstance(value, Chrome):
        # The same menu with an alert, or without the one it has.
        alert = ShownAlert("en", "Closed", ("<p>Closed.</p>",) * 6) if value.alert is None else None
        return Chrome(value.navigation, alert)
    if isinstance(value, Page | PageGroup | Conversion):
        others = [
            getattr(plan, name)
            for plan, _, _ in plans.values()
            if isinstance(plan, PagePlan)
            for name in ("page", "group", "conversion")
        ]
        return next(other for other in others if type(other) is type(value) and other != value)
    raise AssertionError(f"no other value for {value!r}")


def _any_entry(plans: Planned) -> Entry:
    source = ListedSource("content/en/x.md", "en", "faq", "X", "S", None, None, "x")
    return Entry("en", "en/faq/x/", source)


def test_every_output_kind_is_planned_and_every_field_of_its_plan_is_in_its_key(tree: SiteTree) -> None:
    plans = planned(tree)
    config, site, _ = require_site(tree.root)
    catalogs = load_catalogs(config).catalogs
    templates = Templates(config, catalogs, SavedCache(), preview=False)
    keys = OutputKeys(config, catalogs, templates, preview=False)
    kinds = {type(plan).__name__ for plan, _, _ in plans.values()}
    assert kinds == {
        "LandingPlan",
        "NotFoundPlan",
        "SitemapIndexPlan",
        "SitemapPlan",
        "RobotsPlan",
        "HomePlan",
        "FeedPlan",
        "SearchPagePlan",
        "SectionIndexPlan",
        "PagePlan",
    }
    checked = 0
    for path, (plan, key, _) in plans.items():
        assert keys.of(plan) == key, path  # the same plan, the same key
        for field in dataclasses.fields(plan):
            value = getattr(plan, field.name)
            # A plan's language is one of the site's: the other one.
            replacement = ({"en": "es", "es": "en"}[value]) if field.name == "lang" else changed(value, plans)
            other = dataclasses.replace(plan, **{field.name: replacement})
            assert keys.of(other) != key, f"{path}: {field.name}"
            checked += 1
    assert checked > 50


def test_a_page_plan_counts_its_printed_editions_and_the_entries_of_a_list_count_their_every_field(
    tree: SiteTree,
) -> None:
    plans = planned(tree)
    config, _, _ = require_site(tree.root)
    catalogs = load_catalogs(config).catalogs
    keys = OutputKeys(config, catalogs, Templates(config, catalogs, SavedCache(), False), False)
    plan, key, _ = plans["en/guides/rights/index.html"]
    assert isinstance(plan, PagePlan)
    download = Download("en/guides/rights/rights.pdf", (config.languages[0],), 1000)
    with_pdf = dataclasses.replace(plan, downloads=(download,))
    assert keys.of(with_pdf) != key
    assert keys.of(dataclasses.replace(with_pdf, downloads=(dataclasses.replace(download, size=1001),))) != keys.of(
        with_pdf
    )
    # A list's entry: each field of what it shows.
    index, index_key, _ = plans["en/announcements/index.html"]
    (entry,) = index.entries  # type: ignore[attr-defined]
    for field in dataclasses.fields(entry.source):
        value = getattr(entry.source, field.name)
        other_value = "other" if isinstance(value, str) else None if value is not None else entry.source.date
        if other_value == value:
            continue
        source = dataclasses.replace(entry.source, **{field.name: other_value})
        other = dataclasses.replace(index, entries=(dataclasses.replace(entry, source=source),))
        assert keys.of(other) != index_key, field.name
    # A sitemap's group: each translated address and last change.
    sitemap, sitemap_key, _ = plans["en/sitemap.xml"]
    group: SitemapGroup = sitemap.groups[0]  # type: ignore[attr-defined]
    moved = dataclasses.replace(group, original_url=group.original_url + "x")
    assert keys.of(dataclasses.replace(sitemap, groups=(moved, *sitemap.groups[1:]))) != sitemap_key  # type: ignore[attr-defined]


def edit(tree: SiteTree, name: str, old: str, new: str) -> None:
    path = tree.own(name)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def unchanged_and_changed(before: Planned, after: Planned) -> tuple[set[str], set[str]]:
    assert before.keys() == after.keys()
    same = {path for path in before if before[path][1] == after[path][1]}
    for path in same:
        # An unchanged key is an unchanged output: the bytes the published file has are still right.
        assert before[path][2] == after[path][2], path
    return same, set(before) - same


def test_another_pages_text_changes_only_that_pages_outputs(tree: SiteTree) -> None:
    before = planned(tree)
    edit(tree, "content/en/announcements/older.md", "Older text.", "Older, edited text.")
    _, changed_paths = unchanged_and_changed(before, planned(tree))
    # The page and its untranslated Spanish edition; no list shows a page's text.
    assert changed_paths == {"en/announcements/older/index.html", "es/anuncios/older/index.html"}


def test_another_languages_catalog_changes_no_output_in_this_language(tree: SiteTree) -> None:
    before = planned(tree)
    edit(tree, "translations/es/LC_MESSAGES/messages.po", 'msgstr "Idioma"', 'msgstr "Lengua"')
    _, changed_paths = unchanged_and_changed(before, planned(tree))
    english = {path for path in before if path.startswith("en/")}
    assert not changed_paths & english
    # Every Spanish output rendered with the catalog, and the landing and 404 pages (a Spanish column).
    assert {"es/index.html", "es/anuncios/index.html", "index.html", "404.html"} <= changed_paths
    assert "sitemap.xml" not in changed_paths and "robots.txt" not in changed_paths


def test_a_template_changes_only_the_outputs_made_with_it(tree: SiteTree) -> None:
    before = planned(tree)
    edit(tree, "templates/section.html", "{%", "{# edited #}{%")
    _, changed_paths = unchanged_and_changed(before, planned(tree))
    assert changed_paths == {path for path, (plan, _, _) in before.items() if plan.template == "section.html"}
    assert len(changed_paths) >= 6


def test_a_title_changes_the_lists_that_show_it_not_the_others(tree: SiteTree) -> None:
    before = planned(tree)
    edit(tree, "content/en/announcements/older.md", "title: Older", "title: Oldest")
    _, changed_paths = unchanged_and_changed(before, planned(tree))
    # One entry per index page: the index page that lists it in each language, not the first one.
    assert "en/announcements/page/2/index.html" in changed_paths
    assert "en/announcements/index.html" not in changed_paths
    assert "en/faq/index.html" not in changed_paths
    assert "en/faq/what/index.html" not in changed_paths


def test_keys_do_not_depend_on_where_the_site_folder_is(tree: SiteTree, tmp_path: Path) -> None:
    before = planned(tree)
    moved = SiteTree(tmp_path / "elsewhere")
    tree.root.rename(moved.root)
    after = planned(moved)
    assert {path: key for path, (_, key, _) in before.items()} == {path: key for path, (_, key, _) in after.items()}
