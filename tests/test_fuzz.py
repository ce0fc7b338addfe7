"""Property tests: arbitrary text never crashes a stage, and what comes out keeps its promises."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pregon.cli import run
from pregon.errors import Problem
from pregon.front_matter import parse_page
from pregon.i18n import read_catalog
from pregon.letters import is_url_word
from pregon.site_config import Language
from pregon.slugs import slugify

from .conftest import MINIMAL_CONFIG, parse_html
from .test_markdown import render

SPANISH = Language("es", "Español", "es", "ltr", "Ciudad", (("faq", "preguntas"),))
FRONT_MATTER_ALPHABET = st.sampled_from(list("-:\n\t '\"#[]{}|>&*!%@`,?ñé¿¡0123456789abcdeftlnoyrsu\ufeff\r"))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400) | st.text(FRONT_MATTER_ALPHABET, max_size=200).map(str.encode))
def test_front_matter_reader_returns_a_page_or_located_problems(raw: bytes) -> None:
    problems: list[Problem] = []
    source = parse_page(raw, "content/en/faq/x.md", "en", "faq", "x", problems)
    assert (source is None) == any(problem.is_error for problem in problems)
    for problem in problems:
        assert problem.path == "content/en/faq/x.md" and problem.message
        assert problem.line is None or 1 <= problem.line <= raw.count(b"\n") + 2


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_slugs_are_lower_case_ascii_words_and_stable(text: str) -> None:
    slug = slugify(text)
    if slug.isascii():
        assert slug == "" or re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
    else:
        # Letters of another script are kept: still an address's words, as `is_url_word` takes them.
        assert is_url_word(slug), slug
    assert slugify(slug) == slug


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="latin-1", exclude_characters="µ"), max_size=60))
def test_latin_script_slugs_stay_lower_case_ascii_words(text: str) -> None:
    # The micro sign is the Greek letter mu in Unicode's eyes: it is kept, as Greek is.
    assert re.fullmatch(r"([a-z0-9]+(-[a-z0-9]+)*)?", slugify(text))


HOSTILE_SNIPPETS = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "<iframe src=//e>",
        '<a href="JaVaScRiPt:alert(1)">y</a>',
        "<svg onload=alert(1)>",
        "<style>*{}</style>",
        "<object data=x>",
        "## Heading",
        "[link](other.md)",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "<!-- c -->",
        "&lt;script&gt;",
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Bodies as the content stage hands them over: control characters are already removed there.
@given(
    st.lists(HOSTILE_SNIPPETS | st.text(st.characters(blacklist_categories=["Cc", "Cs"]), max_size=40), max_size=8).map(
        "\n\n".join
    )
)
def test_markdown_never_emits_script_or_handlers(body: str) -> None:
    rendered = render(body)
    root = parse_html(f"<div>{rendered.html}</div>".encode())
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        assert element.tag not in ("script", "iframe", "style", "object", "svg", "embed")
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on")
            assert not value.strip().lower().startswith(("javascript:", "data:", "vbscript:"))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300) | st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
def test_catalog_reader_returns_a_catalog_or_problems(text: str) -> None:
    problems: list[Problem] = []
    catalog = read_catalog(text.encode("utf-8", "surrogatepass"), "messages.po", SPANISH, problems)
    assert (catalog is None) == any(problem.is_error for problem in problems)
    if catalog is not None:
        assert "<" not in str(catalog.gettext("Language"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="/\x00"), min_size=1, max_size=20),
    content=st.binary(max_size=300),
)
def test_the_build_succeeds_or_reports_and_never_writes_outside(
    tmp_path_factory: object, name: str, content: bytes
) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp) / "project"
        root.mkdir()
        (root / "site.yaml").write_text(MINIMAL_CONFIG)
        page_dir = root / "content/en/faq"
        page_dir.mkdir(parents=True)
        try:
            (page_dir / f"{name}.md").write_bytes(content)
        except OSError:
            return  # a name this file system refuses is not the build's to judge
        before = sorted(str(p) for p in Path(temp).rglob("*"))
        code = run(["build", "--site", str(root)])
        assert code in (0, 1)
        after = sorted(str(p) for p in Path(temp).rglob("*"))
        added = [p for p in after if p not in before]
        # The built site, and the cache a successful build keeps beside site.yaml: nothing else.
        assert all(p.startswith((str(root / "site"), str(root / ".pregon-cache"))) for p in added), added
