"""Letters of every script, as addresses and anchors use them.

Python's `\\w` and str.isalnum() leave out the vowel signs and viramas of Indic scripts (Bengali's
`ি`, `্`), which would cut their words apart; these helpers go by Unicode's categories instead.
"""

from __future__ import annotations

import unicodedata


def is_url_word(text: str) -> bool:
    """Whether `text` can be a part of an address as written: letters of any script (with their vowel
    signs and other marks) and digits, in words joined by single hyphens, lower-case where the script
    has case, and in Unicode's composed form (NFC), so that the address on the disk and in links is one."""
    words = text.split("-")
    return (
        all(words)
        and all(is_word_character(char) for word in words for char in word)
        and not unicodedata.category(text[0]).startswith("M")
        and text == text.lower()
        and unicodedata.is_normalized("NFC", text)
    )


def is_word_character(char: str) -> bool:
    """A letter, a mark (Bengali's vowel signs, Arabic's vowels) or a digit; `_` and punctuation are not."""
    return unicodedata.category(char)[0] in "LMN"
