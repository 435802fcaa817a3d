"""Reading a SIM's money balance from an operator's USSD or SMS reply.

Operators word these replies freely, in their own language and number format, and mix in
other numbers: dates, validity days, phone numbers, USSD codes, percentages, data volumes.
Those are masked or skipped first; of the numbers left, only one written next to a currency
or after a balance word counts, so a reply without one gives ``None`` rather than a guess.
A menu (numbered choices: the network waits for one) states no balance either, whatever
numbers it shows. A user's own regular expression covers replies these rules do not read.
The caller decides where the text comes from and what to do with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
import re

# Written currency (case-folded) -> ISO 4217 code, or None where the sign is shared by several
# currencies ("$", "kr", "¥"): the reading then keeps only the symbol.
_CURRENCY_WORDS: dict[str, str | None] = {
    "€": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "£": "GBP",
    "$": None,
    "us$": "USD",
    "r$": "BRL",
    "reais": "BRL",
    "a$": "AUD",
    "c$": "CAD",
    "ca$": "CAD",
    "nz$": "NZD",
    "s$": "SGD",
    "hk$": "HKD",
    "mx$": "MXN",
    "₹": "INR",
    "rs": "INR",
    "rs.": "INR",
    "rupees": "INR",
    "₽": "RUB",
    "руб": "RUB",
    "руб.": "RUB",
    "р.": "RUB",
    "рублей": "RUB",
    "рубля": "RUB",
    "₴": "UAH",
    "грн": "UAH",
    "грн.": "UAH",
    "лв": "BGN",
    "лв.": "BGN",
    "lei": "RON",
    "leu": "RON",
    "zł": "PLN",
    "kč": "CZK",
    "ft": "HUF",
    "₺": "TRY",
    "tl": "TRY",
    "₦": "NGN",
    "ksh": "KES",
    "₵": "GHS",
    "gh₵": "GHS",
    "rp": "IDR",
    "s/": "PEN",
    "s/.": "PEN",
    "₱": "PHP",
    "₩": "KRW",
    "₪": "ILS",
    "₫": "VND",
    "¥": None,
    "kr": None,
    "kr.": None,
}
# Upper case only: in lower case several are ordinary words ("try", "all", "top").
# fmt: off
_ISO_CODES = frozenset({
    "AED", "ARS", "AUD", "BDT", "BGN", "BHD", "BRL", "BYN", "CAD", "CHF", "CLP", "CNY", "COP",
    "CZK", "DKK", "DZD", "EGP", "EUR", "GBP", "GEL", "GHS", "HKD", "HUF", "IDR", "ILS", "INR",
    "JOD", "JPY", "KES", "KRW", "KWD", "KZT", "LKR", "MAD", "MDL", "MXN", "MYR", "NGN", "NOK",
    "NZD", "OMR", "PEN", "PHP", "PKR", "PLN", "QAR", "RON", "RSD", "RUB", "SAR", "SEK", "SGD",
    "THB", "TND", "TRY", "TZS", "UAH", "UGX", "USD", "UZS", "VND", "XAF", "XOF", "ZAR", "ZMW",
})
# fmt: on
# Their minor unit has three digits, so "1.500 KWD" is one and a half, not fifteen hundred.
_THREE_DECIMALS = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})

_NOT_LETTER_BEFORE = r"(?<![^\W\d_])"
_NOT_LETTER_AFTER = r"(?![^\W\d_])"
_CURRENCY = (
    r"(?:(?:"
    + "|".join(sorted(_ISO_CODES))
    + r")|(?i:"
    + "|".join(re.escape(word) for word in sorted(_CURRENCY_WORDS, key=len, reverse=True))
    + r"))"
)
_GAP = r"[ \u00a0\u2009\u202f]{0,2}"
_MINUS = r"[-\u2212]"
_MINUS_WORDS = r"(?i:minus|menos|moins|meno|минус)"
# A minus sign counts only written against the number or its currency: "Sold - 5 lei" is not
# negative, "-5 lei", "€-5" and "-€ 5" are.
_CURRENCY_BEFORE = re.compile(
    rf"{_NOT_LETTER_BEFORE}(?P<cur>{_CURRENCY}){_GAP}(?P<sign>{_MINUS})?$"
)
_CURRENCY_AFTER = re.compile(rf"^{_GAP}(?P<cur>{_CURRENCY}){_NOT_LETTER_AFTER}")
_SIGN_BEFORE = re.compile(rf"(?:(?<![\w.,]){_MINUS}|{_NOT_LETTER_BEFORE}{_MINUS_WORDS}[ \u00a0]?)$")
_PERCENT_OR_UNIT_AFTER = re.compile(
    r"^[ \u00a0]?(?:%|(?i:[kmgt]i?b|[kmg]o|mins?|minutes?|minuten|minuti|minutos|sms|mms|"
    r"days?|tage?n?|d[ií]as|giorni|jours?|zile|zi|дн[а-я]*|мин|гб|мб|hours?|hrs?|h|stunden|"
    r"ore|horas|heures|months?|monate?|luni|mes(?:es)?|mois|mesi)" + _NOT_LETTER_AFTER + ")"
)
_MONTHS = (
    r"(?i:jan|feb|f[eé]v|mar|m[aä]r|apr|avr|abr|may|mai|mag|jun|juin|giu|jul|juil|lug|aug|ago|"
    r"ao[uû]|sep|set|oct|okt|ott|nov|dec|dez|d[eé]c|dic|ene|gen)[a-zéû]*\.?"
)
# Numbers that are something else, cut out before any number is read.
_NOT_AMOUNTS = re.compile(
    "|".join(
        (
            r"[*#][\d*#]*#",  # USSD codes
            r"(?<!\d)\d{1,4}[./-]\d{1,2}[./-]\d{2,4}(?!\d)",  # dates
            rf"(?<!\d)\d{{1,2}}\.?[ \u00a0]?{_MONTHS}(?:[ \u00a0]\d{{4}})?",  # 12 May 2027
            r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)",  # times
            r"\+\d[\d \-]{5,}\d",  # international phone numbers
            r"(?<![\d.,])\d{9,}(?!\d|[.,]\d)",  # national phone numbers, account numbers
        )
    )
)
_NUMBER = re.compile(
    r"(?<!\d)(?<!\d[.,])"
    r"(?:(?P<grouped>\d{1,3}(?P<sep>[,.'\u2019\u00a0\u2009\u202f ])\d{3}(?:(?P=sep)\d{3})*)"
    r"|(?P<plain>\d+))"
    r"(?:(?P<dec>[.,])(?P<frac>\d+))?"
    r"(?!\d)"
)
_BALANCE_WORDS = re.compile(
    _NOT_LETTER_BEFORE
    + r"(?i:balance|bal|saldo|guthaben|kontostand|credit|crédit|credito|crédito|kredit|sold|"
    r"solde|баланс[еау]?|остаток|bakiye|egyenleg|zůstatek|stan konta)" + _NOT_LETTER_AFTER
)
# A balance word names the first number that follows it this closely.
_BALANCE_WORD_REACH = 60
# A choice of a menu: "1. Balance", "2) Bundles", "3: Exit", "4 - Offers", each at the start of a
# line or after a space; the separator tells it from an amount ("1 EUR", "1.50").
_MENU_CHOICE = re.compile(
    r"(?:^|(?<=\s))(?P<number>\d{1,2}) ?[.):-][ \t]*(?=[^\W\d_])", re.MULTILINE
)
# A menu offers at least these choices; a single numbered line is a sentence.
_MENU_NUMBERS = frozenset({"1", "2"})


@dataclass(frozen=True, slots=True)
class BalanceReading:
    """An amount of money, and its currency where the reply names one.

    ``currency`` is the ISO 4217 code when the written sign means one currency only;
    ``symbol`` is the currency as written ("$", "lei", "EUR"), without an abbreviation's dot
    ("Rs." gives "Rs"), which cannot be told from a full stop.
    """

    amount: Decimal
    currency: str | None = None
    symbol: str | None = None


@dataclass(slots=True)
class _Candidate:
    start: int
    reading: BalanceReading
    after_balance_word: bool = False


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a user's pattern; it must capture the amount in group ``amount`` or group 1.

    Raises ``ValueError`` for an invalid expression or one without a group.
    """
    try:
        compiled = re.compile(pattern)
    except re.error as err:
        raise ValueError(f"{pattern!r} is not a valid regular expression: {err}") from err
    if compiled.groups == 0:
        raise ValueError(f"{pattern!r} has no group capturing the amount")
    return compiled


def is_menu(text: str) -> bool:
    """Whether a reply offers numbered choices (the network then keeps the session open)."""
    return {match["number"] for match in _MENU_CHOICE.finditer(text)} >= _MENU_NUMBERS


def parse_balance(text: str, pattern: str | None = None) -> BalanceReading | None:
    """The balance a reply states, or ``None`` when it states none that can be told apart.

    The user's ``pattern`` is read in any reply, a menu included: it says where the amount is.
    """
    if pattern is not None:
        return _parse_with_pattern(text, compile_pattern(pattern))
    if is_menu(text):
        return None
    masked = _NOT_AMOUNTS.sub(lambda match: "\x00" * len(match.group()), text)
    candidates = [
        candidate
        for match in _NUMBER.finditer(masked)
        if (candidate := _candidate(masked, match)) is not None
    ]
    for word in _BALANCE_WORDS.finditer(masked):
        following = next((c for c in candidates if c.start >= word.end()), None)
        if following is not None and following.start - word.end() <= _BALANCE_WORD_REACH:
            following.after_balance_word = True
    # A currency and a balance word beat a currency alone, which beats a balance word alone;
    # among equals the first one is the main balance, later ones are bonuses.
    ranks = [(c.reading.symbol is not None, c.after_balance_word) for c in candidates]
    if not any(any(rank) for rank in ranks):
        return None
    return candidates[ranks.index(max(ranks))].reading


def _parse_with_pattern(text: str, compiled: re.Pattern[str]) -> BalanceReading | None:
    """The amount in the user's group, with the currency written around it."""
    if (match := compiled.search(text)) is None:
        return None
    group: int | str = "amount" if "amount" in compiled.groupindex else 1
    if match.group(group) is None:
        return None
    offset = match.start(group)
    number = _NUMBER.search(match.group(group))
    if number is None:
        return None
    # The number's position in the whole text, so the currency and sign around it are seen.
    shifted = _NUMBER.search(text, offset + number.start(), offset + number.end())
    if shifted is None:
        return None
    candidate = _candidate(text, shifted, skip_units=False)
    return None if candidate is None else candidate.reading


def _candidate(text: str, match: re.Match[str], *, skip_units: bool = True) -> _Candidate | None:
    """A number with its sign and currency; ``None`` for a percentage or a quantity."""
    after = text[match.end() :]
    if skip_units and _PERCENT_OR_UNIT_AFTER.match(after):
        return None
    before = text[max(0, match.start() - 20) : match.start()]
    negative = False
    if (currency := _CURRENCY_BEFORE.search(before)) is not None:
        negative = currency["sign"] is not None
        before = before[: currency.start()]
    else:
        currency = _CURRENCY_AFTER.match(after)
    negative = negative or _SIGN_BEFORE.search(before) is not None
    symbol = None if currency is None else currency["cur"]
    code = None if symbol is None else _currency_code(symbol)
    amount = _amount(match, three_decimals=code in _THREE_DECIMALS)
    if amount is None:
        return None
    return _Candidate(
        match.start(),
        BalanceReading(-amount if negative else amount, code, symbol and symbol.removesuffix(".")),
    )


def _currency_code(symbol: str) -> str | None:
    if symbol in _ISO_CODES:
        return symbol
    return _CURRENCY_WORDS.get(symbol.casefold())


def _amount(match: re.Match[str], *, three_decimals: bool) -> Decimal | None:
    """The number's value; ``None`` when its separators contradict each other."""
    decimal_sep, fraction = match["dec"], match["frac"]
    if match["plain"] is not None:
        return Decimal(match["plain"] if fraction is None else f"{match['plain']}.{fraction}")
    grouped, group_sep = match["grouped"], match["sep"]
    if decimal_sep is not None:
        if decimal_sep == group_sep:
            return None
        return Decimal(f"{grouped.replace(group_sep, '')}.{fraction}")
    # "1,500" and "1.500" alone: thousands, except in three-decimal currencies or after a 0.
    if (
        group_sep in ",."
        and grouped.count(group_sep) == 1
        and (three_decimals or grouped.startswith("0"))
    ):
        return Decimal(grouped.replace(group_sep, "."))
    return Decimal(grouped.replace(group_sep, ""))
