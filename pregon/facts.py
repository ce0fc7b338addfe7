"""The facts a page states that a translation must state the same: phone numbers, email addresses, link
targets, dates, amounts of money and percentages, each found in its own language's way of writing it.

Each fact is normalised so that the same fact written in two languages compares equal: a phone number
to E.164 (`phonenumbers`, the port of Google's libphonenumber, read with the site's region), a date
to ISO 8601 from the month names of the language's CLDR locale (Babel: "31 de agosto de 2018" and
"August 31, 2018" are both 2018-08-31), an amount to its currency and value whichever of the comma
or the point is its decimal mark, a link to the page it leads to (a link to the Spanish edition of a
page and one to its English original are the same link) or to its address without a #fragment.

What one kind of fact took is masked before the next looks: the digits of a phone number, of a link's
address or of a date are not also read as an amount. Numbers on their own (counts, years, "Philly311")
are not facts here: a translator may write "three" where the source has 3.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import phonenumbers
from babel import Locale

KINDS = ("phone", "email", "link", "date", "money", "percent")
RULES = "facts 2"
"""The version of the way facts are found here, part of the cache key of a text's facts: changed with
it, so that a source and its translation are never compared under different rules. (2: phone
numbers, dates, amounts and percentages are read within a paragraph, never across a blank line.)"""
KIND_NAMES = {
    "phone": "phone number",
    "email": "email address",
    "link": "link",
    "date": "date",
    "money": "amount",
    "percent": "percentage",
}


@dataclass(frozen=True)
class Fact:
    kind: str
    """One of KINDS."""
    value: str
    """The fact normalised: what is compared across languages."""
    shown: str
    """As the page writes it."""
    line: int
    """The line of the file it is on."""


_MARKDOWN_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_REFERENCE = re.compile(r"^[ ]{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_AUTOLINK = re.compile(r"<((?:https?|mailto|tel):[^>\s]+)>")
# Its look-behind comes after the first letter, not before it: Python's re then skips ahead to each "h"
# and "w" instead of trying the look-behind at every character (4.5 times quicker on a page).
_BARE_URL = re.compile(r"(?:h(?<![<\[\w/]h)ttps?://|w(?<![<\[\w/]w)ww\.)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"]")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_AMOUNT = r"\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
# The patterns below that start with an amount or a year start with a digit, and look behind it only then
# (`\d(?<![\d.,]\d)`): Python's re skips ahead to the next digit instead of trying a look-behind at every
# character, which made these patterns several times slower.
_AMOUNT_FIRST = r"\d(?<![\d.,]\d)(?:\d{0,2}(?:[.,\u00a0\u202f ]\d{3})+(?:[.,]\d{1,2})?|\d*(?:[.,]\d{1,2})?)"
_CURRENCIES = {"US$": "USD", "$": "USD", "€": "EUR", "£": "GBP"}
_CURRENCY_WORDS = {"dollars": "USD", "dólares": "USD", "dolares": "USD", "dollar": "USD", "dólar": "USD"}
_MONEY_BEFORE = re.compile(r"(US\$|\$|€|£)\s?(" + _AMOUNT + r")(?!\d)")
_MONEY_AFTER = re.compile(r"(" + _AMOUNT_FIRST + r")\s?(US\$|\$|€|£|dollars?|dólar(?:es)?|dolares)(?!\w)", re.I)
_MONEY_HINT = re.compile(r"[$€£]|d[oó]ll?ar", re.I)
_PERCENT = re.compile(r"(" + _AMOUNT_FIRST + r")\s?(%|por\s?ciento|percent|per\s?cent)", re.I)
_PERCENT_HINT = re.compile(r"%|cent|cien", re.I)
_ISO_DATE = re.compile(r"(\d{4})(?<!\d\d{4})-(\d{2})-(\d{2})(?!\d)")
_HAN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_VIETNAMESE_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?", re.I)
_PHONE_HINT = re.compile(r"\d(?:[^\w\n]{0,3}\d){3}")
"""Four digits with at most a few marks between each: no phone number of any region is shorter."""
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")
_DIGIT = re.compile(r"\d")


def facts_of(text: str, first_line: int, locale: str, region: str) -> list[Fact]:
    """Every fact in Markdown `text`, whose first line is line `first_line` of its file. A link to a
    page of the site has its address as written for value (`../faq/claims.md#fees`): what it leads to
    depends on the other pages, which fact_check.py knows. An outside address is normalised here."""
    found: list[Fact] = []
    starts = [0] + [match.end() for match in re.finditer("\n", text)]
    chars = list(text)

    def line_of(offset: int) -> int:
        return first_line + bisect.bisect_right(starts, offset) - 1

    def take(kind: str, value: str, start: int, end: int) -> None:
        shown = text[start:end].strip()
        found.append(Fact(kind, value, shown.rstrip(".") if kind == "date" else shown, line_of(start)))
        chars[start:end] = " " * (end - start)

    def masked() -> str:
        return "".join(chars)

    def masked_between(start: int, end: int) -> str:
        return "".join(chars[start:end])

    for start, end, address in _link_addresses(text):
        if address.lower().startswith(("mailto:", "tel:")):
            continue  # the address itself is read as an email or phone number below
        take("link", WEB + web_address(address) if is_outside(address) else address, start, end)
    # Each pattern is tried only where what it needs is: an email address an @; phone numbers, dates,
    # amounts and percentages a digit, so only the paragraphs with one are read for them, each on its
    # own (most paragraphs of most pages have none, and the phone number matcher is slow on long texts).
    if "@" in text:
        for match in _EMAIL.finditer(masked()):
            take("email", match.group(0).lower(), *match.span())
    for first, last in _paragraphs_with_digits(masked()):
        paragraph = functools.partial(masked_between, first, last)
        for start, end, value in _phone_numbers(paragraph(), region):
            take("phone", value, first + start, first + end)
        for start, end, value in _dates(paragraph(), locale):
            take("date", value, first + start, first + end)
        for match in _MONEY_BEFORE.finditer(before_money := paragraph()):
            amount = _decimal(match.group(2))
            if amount is not None:
                take("money", f"{_CURRENCIES[match.group(1)]} {amount}", first + match.start(), first + match.end())
        if _MONEY_HINT.search(before_money):
            for match in _MONEY_AFTER.finditer(paragraph()):
                amount = _decimal(match.group(1))
                unit = match.group(2)
                currency = _CURRENCIES.get(unit) or _CURRENCY_WORDS.get(unit.lower(), "USD")
                if amount is not None:
                    take("money", f"{currency} {amount}", first + match.start(), first + match.end())
        if _PERCENT_HINT.search(rest := paragraph()):
            for match in _PERCENT.finditer(rest):
                amount = _decimal(match.group(1))
                if amount is not None:
                    take("percent", f"{amount}%", first + match.start(), first + match.end())
    found.sort(key=lambda fact: (fact.line, KINDS.index(fact.kind), fact.value))
    return found


def _paragraphs_with_digits(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each paragraph (lines between blank ones) with a digit in it."""
    start = 0
    for paragraph_break in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = paragraph_break.start() if paragraph_break is not None else len(text)
        if _DIGIT.search(text, start, end):
            yield start, end
        if paragraph_break is not None:
            start = paragraph_break.end()


def _phone_numbers(text: str, region: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, E.164 number) of each phone number."""
    if _PHONE_HINT.search(text):
        for number in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            yield (
                number.start,
                number.end,
                phonenumbers.format_number(number.number, phonenumbers.PhoneNumberFormat.E164),
            )


WEB = "web:"
"""How the value of a link to an outside address starts: `web:www.phila.gov`."""
_OUTSIDE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|www\.)", re.IGNORECASE)


def is_outside(address: str) -> bool:
    return _OUTSIDE.match(address) is not None


def web_address(address: str) -> str:
    """An outside address as compared: without its #fragment, its scheme or a final slash, the host in
    lower case (`https://www.Phila.gov/` and `www.phila.gov` are the same)."""
    without_fragment = address.split("#", 1)[0]
    match = re.match(r"^(?:https?:)?(?://)?([^/?]*)(.*)$", without_fragment, re.IGNORECASE)
    if match is None or not re.match(r"^(?:https?:|//|www\.)", without_fragment, re.IGNORECASE):
        return without_fragment
    return (match.group(1).lower() + match.group(2)).rstrip("/")


def _link_addresses(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, address) of each link's address: inline, reference definitions, autolinks, bare."""
    taken: list[tuple[int, int]] = []
    for pattern in (_MARKDOWN_LINK, _REFERENCE, _AUTOLINK, _BARE_URL):
        for match in pattern.finditer(text):
            group = 1 if pattern.groups else 0
            start, end = match.span(group)
            if any(start < done_end and done_start < end for done_start, done_end in taken):
                continue
            taken.append((start, end))
            yield start, end, match.group(group)


def _decimal(written: str) -> str | None:
    """An amount whichever mark is its decimal one: `1,250.50`, `1.250,50` and `1 250,50` are 1250.50;
    a mark followed by exactly three digits groups thousands (`1.000` is 1000)."""
    digits = re.sub(r"[\u00a0\u202f ]", "", written)
    last = max(digits.rfind(","), digits.rfind("."))
    if last >= 0 and len(digits) - last - 1 != 3:
        whole, fraction = re.sub(r"[.,]", "", digits[:last]), digits[last + 1 :]
    else:
        whole, fraction = re.sub(r"[.,]", "", digits), ""
    try:
        value = Decimal(f"{whole}.{fraction}" if fraction else whole)
    except InvalidOperation:
        return None
    return f"{value:.2f}"  # $50 and 50.00 dólares are the same amount


def _dates(text: str, locale: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, ISO date) of each date: `--MM-DD` when it has no year."""
    taken: list[tuple[int, int]] = []

    def fresh(start: int, end: int) -> bool:
        if any(start < done_end and done_start < end for done_start, done_end in taken):
            return False
        taken.append((start, end))
        return True

    for match in _ISO_DATE.finditer(text):
        value = _iso(match.group(1), match.group(2), match.group(3))
        if value and fresh(*match.span()):
            yield (*match.span(), value)
    for match in _HAN_DATE.finditer(text) if "年" in text else ():
        value = _iso(match.group(1), match.group(2), match.group(3))
        if value and fresh(*match.span()):
            yield (*match.span(), value)
    for match in _VIETNAMESE_DATE.finditer(text) if "ngày" in text.lower() else ():
        value = _iso(match.group(3), match.group(2), match.group(1))
        if value and fresh(*match.span()):
            yield (*match.span(), value)
    months, pattern_month_first, pattern_day_first = _month_patterns(locale)
    if not months:
        return
    for pattern in (pattern_month_first, pattern_day_first):
        for match in pattern.finditer(text):
            month = months.get(match.group("month").casefold().rstrip("."))
            value = _iso(match.group("year"), str(month), match.group("day")) if month else None
            if value and fresh(*match.span()):
                yield (*match.span(), value)


def _iso(year: str | None, month: str, day: str) -> str | None:
    try:
        month_number, day_number = int(month), int(day)
    except ValueError:
        return None
    if not (1 <= month_number <= 12 and 1 <= day_number <= 31):
        return None
    return f"{year}-{month_number:02d}-{day_number:02d}" if year else f"--{month_number:02d}-{day_number:02d}"


@functools.lru_cache(maxsize=64)
def _month_patterns(locale: str) -> tuple[dict[str, int], re.Pattern[str], re.Pattern[str]]:
    """The language's month names (wide and abbreviated, from CLDR) -> their numbers, and two patterns:
    `August 31, 2018` (month first) and `31 de agosto de 2018` / `31 August 2018` (day first). A short
    word may stand between the parts (`de`, `of`)."""
    # Cached per locale: the patterns are plain data made from CLDR's, the same for every build.
    try:
        parsed = Locale.parse(locale)
    except (ValueError, TypeError):
        return {}, re.compile("(?!)"), re.compile("(?!)")
    months: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in parsed.months.get(context, {}).get(width, {}).items():
                cleaned = str(name).casefold().rstrip(".")
                if len(cleaned) >= 3 and not cleaned.isdigit():
                    months.setdefault(cleaned, int(number))
    if not months:
        return {}, re.compile("(?!)"), re.compile("(?!)")
    names = "|".join(re.escape(name) for name in sorted(months, key=len, reverse=True))
    month = rf"(?P<month>(?:{names})\.?)(?!\w)"
    day = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|º|°|er|\.)?"
    year = r"(?P<year>\d{4})"
    filler = r"(?:\s+\w{1,3})?"
    # The look-ahead at a month's first letters lets re skip the words that cannot start one.
    initials = re.escape("".join(sorted({name[0] for name in months} | {name[0].upper() for name in months})))
    month_first = re.compile(
        rf"(?=[{initials}])(?<!\w){month}\s+{day}(?!\d)(?:,?{filler}\s+{year}(?!\d))?", re.IGNORECASE
    )
    day_first = re.compile(rf"(?=\d)(?<![\w.,]){day}{filler}\s+{month}(?:,?{filler}\s+{year}(?!\d))?", re.IGNORECASE)
    return months, month_first, day_first
