"""Do two commits build the same bytes? The shipped site and a benchmark corpus, built cold and then after
each kind of change that tests/test_cache.py makes, by each commit in turn; every output file compared.

Usage: python bench/compare_commits.py OLD NEW [SIZE]   (git revisions; SIZE pages per language for the
corpus, default 500). Prints one line per step and exits 1 if any step differs.

Each commit is checked out in a temporary worktree and runs as `python build.py` in its own process, so
that neither imports the other's code. Both get the same site and the same changes in the same order.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from corpus import write_corpus  # noqa: E402
from worktrees import worktrees  # noqa: E402

THEME = REPO / "pregon" / "default_theme"


def own(site: Path, name: str) -> Path:
    """The site's own copy of a theme file, copied from the theme first if the site has none (a commit
    from before the theme moved into the package holds the whole theme in the site)."""
    path = site / name
    if not path.exists() and (THEME / name).exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(THEME / name, path)
    return path


def first(site: Path, pattern: str) -> Path:
    found = sorted(site.glob(pattern))
    if not found:
        raise SystemExit(f"nothing matches {pattern} in {site}")
    return found[0]


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise SystemExit(f"{path}: {old!r} not found")
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def edit_line(path: Path, pattern: str, replace: Callable[[re.Match[str]], str]) -> None:
    text = path.read_text(encoding="utf-8")
    changed, count = re.subn(pattern, replace, text, count=1, flags=re.M)
    if not count:
        raise SystemExit(f"{path}: no line matches {pattern!r}")
    path.write_text(changed, encoding="utf-8")


def page(title: str, date: str, body: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\nsummary: A page added by the comparison.\ndate: {date}\n{extra}---\n{body}\n"


def rename_linked(site: Path) -> None:
    """An English announcement renamed, and every link to it moved with it."""
    old = first(site, "content/en/announcements/*.md")
    new = old.with_name("renamed-" + old.name)
    old.rename(new)
    for other in site.glob("content/*/*/*.md"):
        text = other.read_text(encoding="utf-8")
        if f"/{old.name}" in text:
            other.write_text(text.replace(f"/{old.name}", f"/{new.name}"), encoding="utf-8")


def add_page(site: Path) -> None:
    """A new announcement, the newest, with a link to a question page."""
    linked = first(site, "content/en/faq/*.md").name
    (site / "content/en/announcements/added-by-comparison.md").write_text(
        page("Added", "2030-01-03", f"See [the questions](../faq/{linked})."), encoding="utf-8"
    )


def add_where_a_link_looked(site: Path) -> None:
    """A Spanish file named like an English one that a Spanish page links to by its English name."""
    english = {path.name for path in site.glob("content/en/announcements/*.md")}
    spanish = {path.name for path in site.glob("content/es/announcements/*.md")}
    name = sorted(english - spanish)[0]
    (site / "content/es/announcements" / name).write_text(
        page("Aviso local", "2020-01-05", "Texto.", "translation_key: aviso-local-comparado\nslug: aviso-local\n"),
        encoding="utf-8",
    )


def add_translation(site: Path) -> None:
    english = {path.stem for path in site.glob("content/en/announcements/*.md")}
    keys = {
        match.group(1)
        for path in site.glob("content/es/announcements/*.md")
        for match in [re.search(r"^translation_key: *(\S+)", path.read_text(encoding="utf-8"), re.M)]
        if match
    }
    spanish = {path.stem for path in site.glob("content/es/announcements/*.md")}
    stem = sorted(english - keys - spanish)[-1]
    (site / "content/es/announcements/traduccion-comparada.md").write_text(
        page("Traducción", "2020-01-02", "Texto traducido.", f"translation_key: {stem}\n"), encoding="utf-8"
    )


def bump_po(site: Path) -> None:
    po = own(site, "translations/es/LC_MESSAGES/messages.po")
    edit_line(po, r'^msgstr "(Idioma|[^"]+)"$', lambda match: f'msgstr "{match.group(1)} "')


def mark_older(site: Path) -> None:
    """A translation said to be made from a version of its original that is not the published one."""
    path = first(site, "content/es/faq/*.md")
    older = f'translation_of: "{"1" * 40}"'
    if re.search(r"^translation_of: ", path.read_text(encoding="utf-8"), re.M):
        edit_line(path, r"^translation_of: .*$", lambda match: older)
    else:
        edit_line(path, r"^title: .*$", lambda match: match.group(0) + "\n" + older)


CHANGES: list[tuple[str, Callable[[Path], object]]] = [
    ("content edited", lambda site: edit(first(site, "content/en/announcements/*.md"), "\n---\n", "\n---\nNew. ")),
    ("page renamed (links to it move)", rename_linked),
    ("page added", add_page),
    ("page added where a link looked", add_where_a_link_looked),
    ("translation added", add_translation),
    (
        "heading anchor changed",
        lambda site: edit_line(first(site, "content/en/faq/*.md"), r"^## (.*)$", lambda m: f"## {m.group(1)} now"),
    ),
    (
        "template edited",
        lambda site: edit(
            own(site, "templates/page.html"), "<h1>{{ source.title }}</h1>", '<h1 class="t">{{ source.title }}</h1>'
        ),
    ),
    ("catalog edited", bump_po),
    (
        "landing page's column template edited",
        lambda site: edit(
            own(site, "templates/landing_column.html"), '<p><a class="button"', '<p class="read"><a class="button"'
        ),
    ),
    ("site.yaml edited", lambda site: edit(site / "site.yaml", "faq: preguntas-frecuentes", "faq: preguntas")),
    (
        "static file edited",
        lambda site: own(site, "static/style.css").write_text("body { color: #000; }\n", encoding="utf-8"),
    ),
    ("page deleted", lambda site: (site / "content/en/announcements/added-by-comparison.md").unlink()),
    (
        "title edited",
        lambda site: edit_line(
            first(site, "content/en/faq/*.md"), r"^title: ([\"']?)", lambda m: f"title: {m.group(1)}Updated "
        ),
    ),
    (
        "date edited",
        lambda site: edit_line(
            first(site, "content/en/announcements/*.md"), r"^date: .*$", lambda m: "date: 2031-03-01"
        ),
    ),
    (
        "included template edited",
        lambda site: edit(
            own(site, "templates/section_title.html"),
            "{{ _('Questions and answers') }}",
            "{{ _('Questions and answers') }}:",
        ),
    ),
    (
        "entries per page changed",
        lambda site: (site / "site.yaml").write_text(
            (site / "site.yaml").read_text(encoding="utf-8") + "entries_per_page: 7\n", encoding="utf-8"
        ),
    ),
    ("translation marked as made from an older original", mark_older),
]


def hashes(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def build(checkout: Path, site: Path) -> dict[str, str]:
    # The checkout's own folder comes first on the path of `python build.py`: its pregon is the one run.
    subprocess.run(
        [sys.executable, str(checkout / "build.py"), "--site", str(site)], check=True, stdout=subprocess.DEVNULL
    )
    return hashes(site / "site")


def compare(checkouts: dict[str, Path], source: Path, work: Path, label: str) -> bool:
    sites = {name: work / f"{label}-{name}" for name in checkouts}
    for site in sites.values():
        site.mkdir()
        shutil.copy2(source / "site.yaml", site / "site.yaml")
        for folder in ("content", "templates", "translations", "static"):
            if (source / folder).is_dir():
                shutil.copytree(source / folder, site / folder)
    same = True
    steps: list[tuple[str, Callable[[Path], object] | None]] = [("cold", None), *CHANGES]
    for step, change in steps:
        built = {}
        for name, checkout in checkouts.items():
            if change is not None:
                change(sites[name])
            built[name] = build(checkout, sites[name])
        old, new = built.values()
        differing = sorted(path for path in old.keys() | new.keys() if old.get(path) != new.get(path))
        same = same and not differing
        verdict = "same" if not differing else f"DIFFERENT: {len(differing)} files, e.g. {differing[:3]}"
        print(f"{label:>10}  {step:<52} {len(new):>6} files  {verdict}", flush=True)
    # After all the changes, a cold build of the changed site by the new commit must equal both.
    name = list(checkouts)[-1]
    shutil.rmtree(sites[name] / ".pregon-cache")
    shutil.rmtree(sites[name] / "site")
    cold = build(checkouts[name], sites[name])
    print(
        f"{label:>10}  {'cold, after every change':<52} {len(cold):>6} files  {'same' if cold == new else 'DIFFERENT'}"
    )
    return same and cold == new


def main() -> int:
    old, new = sys.argv[1], sys.argv[2]
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 500
    with tempfile.TemporaryDirectory(prefix="pregon-compare-") as temporary:
        work = Path(temporary)
        with worktrees(old, new, work) as checkouts:
            corpus = work / "corpus"
            write_corpus(size, corpus)
            shipped = compare(checkouts, REPO, work, "shipped")
            large = compare(checkouts, corpus / "pregon", work, f"corpus-{size}")
    print("byte-identical" if shipped and large else "the commits build different files")
    return 0 if shipped and large else 1


if __name__ == "__main__":
    sys.exit(main())
