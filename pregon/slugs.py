"""Titles and file names -> URL slugs, in any script: Latin text is folded to ASCII, other scripts keep
their letters (or are transliterated, when a language asks for it)."""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

from .letters import is_word_character


def slugify(text: str, transliterate: bool = False) -> str:
    """An address or an anchor made from words. Latin-script text: lower-case ASCII words joined by
    hyphens, accents folded (`¿Qué es PARS?` -> `que-es-pars`), as it always was, so no link breaks.
    Text with letters of another script keeps them, as GitHub's anchors and Hugo's addresses do
    (`নির্বাচনের দিন` -> `নির্বাচনের-দিন`), unless `transliterate` asks for Latin letters (anyascii:
    `كاليفورنيا` -> `klyfwrny`)."""
    if text.isascii():
        return _ascii_slug(text)  # most headings and file names: nothing to fold
    if transliterate:
        text = anyascii(text)
    elif not _latin_only(text):
        return _script_slug(text)
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char))
    ascii_text = ascii_text.replace("ß", "ss").replace("æ", "ae").replace("ø", "o").replace("đ", "d")
    return _ascii_slug(ascii_text)


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _ascii_slug(text: str) -> str:
    return _NOT_SLUG.sub("-", text.lower()).strip("-")


def _latin_only(text: str) -> bool:
    """Whether every letter of `text` is a Latin one (with or without accents, or a Latin letter in
    another form, such as the modifier letter `ʰ`)."""
    return all(char.isascii() or not char.isalpha() or _latin_letter(char) for char in text)


def _latin_letter(char: str) -> bool:
    if "LATIN" in unicodedata.name(char, ""):
        return True
    folded = unicodedata.normalize("NFKD", char)
    return folded != char and all(part.isascii() or unicodedata.combining(part) for part in folded)


def _script_slug(text: str) -> str:
    """Words of any script, lower-cased where the script has case, NFC, joined by hyphens; a mark
    (a vowel sign, a virama) stays with its letter."""
    words: list[str] = []
    word: list[str] = []
    for char in unicodedata.normalize("NFC", text).lower():
        if is_word_character(char) and (word or not unicodedata.category(char).startswith("M")):
            word.append(char)
        elif word:
            words.append("".join(word))
            word = []
    if word:
        words.append("".join(word))
    return unicodedata.normalize("NFC", "-".join(words))
