"""Reading the balance from operators' replies: formats, languages, numbers that are not it."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, strategies as st
import pytest

from aiodinstar import BalanceReading, compile_pattern, is_menu, parse_balance

# (as written, ISO code): the code is None where the sign names several currencies.
CURRENCIES = [
    ("EUR", "EUR"),
    ("€", "EUR"),
    ("lei", "RON"),
    ("R$", "BRL"),
    ("Rs.", "INR"),
    ("Rs", "INR"),
    ("₹", "INR"),
    ("$", None),
    ("руб.", "RUB"),  # noqa: RUF001
    ("zł", "PLN"),
    ("CHF", "CHF"),
    ("kr", None),
]
SENTENCES = [
    "Your balance is {}.",
    "Ihr Guthaben beträgt {}. Danke!",
    "Sold curent {} valabil pana la 12/05/2027",
    "Saldo: {}",
    "Solde: {} valable jusqu'au 12/05/2027",
    "Ваш баланс {}",
    "Il tuo credito è di {}. Bonus 2.5 GB, 30 giorni",
    "Dial *100# anytime. Main balance {}, valid 30 days. Info +40 721 234 567",
    "{}",
]
GROUP_SEPARATORS = ["", ",", ".", " ", "'", "\u2009", "\u00a0", "\u202f"]


def reading(amount: str, currency: str | None = None, symbol: str | None = None) -> BalanceReading:
    return BalanceReading(Decimal(amount), currency, symbol)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Your balance is 39.24 EUR", reading("39.24", "EUR", "EUR")),
        ("Ihr Guthaben beträgt 12,50 EUR", reading("12.50", "EUR", "EUR")),
        ("Balance: Rs. 1,234.56", reading("1234.56", "INR", "Rs")),
        ("Sold curent 5.00 lei", reading("5.00", "RON", "lei")),
        ("Saldo: R$ 7,30", reading("7.30", "BRL", "R$")),
        ("Tu saldo es de $1.234,50", reading("1234.50", None, "$")),
        ("Il tuo credito è di € 3,00", reading("3.00", "EUR", "€")),
        ("Ваш баланс 150.75 руб.", reading("150.75", "RUB", "руб")),  # noqa: RUF001
        ("Solde: 1 234,56 EUR valable jusqu'au 12/05/2027", reading("1234.56", "EUR", "EUR")),
        ("Balance: ₹ 99", reading("99", "INR", "₹")),
        ("Balance Rs 50 only", reading("50", "INR", "Rs")),
        ("Guthaben: 1\u2009234,50 €", reading("1234.50", "EUR", "€")),
        ("Saldo: 1'234.50 CHF", reading("1234.50", "CHF", "CHF")),
        ("Saldo Rp 12.500", reading("12500", "IDR", "Rp")),
        ("Balance 0.500 KWD", reading("0.500", "KWD", "KWD")),
        ("Balance 1.500 KWD", reading("1.500", "KWD", "KWD")),
        ("Balance 0,750", reading("0.750")),
        ("Your credit: 12.5", reading("12.5")),
        ("39.24EUR left on your SIM", reading("39.24", "EUR", "EUR")),
        ("You have 4,99 euro left", reading("4.99", "EUR", "euro")),
        ("Stan konta: 12,34 zł. Ważne do 2027-05-12", reading("12.34", "PLN", "zł")),
        ("Zůstatek kreditu: 150 Kč", reading("150", "CZK", "Kč")),
        ("Egyenleg: 1 500 Ft", reading("1500", "HUF", "Ft")),
        ("Tu saldo es S/ 5.00", reading("5.00", "PEN", "S/")),
        ("Hai 10€ di credito residuo", reading("10", "EUR", "€")),
        ("Balance: KES 1,234.00. Okoa Jahazi available", reading("1234.00", "KES", "KES")),
        ("Guthaben: 5,00 € Stand 12.05.2027 14:03 Uhr", reading("5.00", "EUR", "€")),
        ("Баланс: 150,75 р. Бонус 100 МБ", reading("150.75", "RUB", "р")),  # noqa: RUF001
        ("Your airtime balance is N250.50", reading("250.50")),
    ],
)
def test_common_replies(text: str, expected: BalanceReading) -> None:
    assert parse_balance(text) == expected


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("Your balance is -3.20 EUR", "-3.20"),
        ("Balance: minus 3.20", "-3.20"),
        ("Solde: moins 3,20 EUR", "-3.20"),
        ("Balance:-3.20", "-3.20"),
        ("-€3.20 is your balance", "-3.20"),
        ("Saldo: € -3,20", "-3.20"),
        ("Saldo: EUR\u22123,20", "-3.20"),  # the Unicode minus sign
        ("Sold - 5 lei", "5"),  # a dash set apart is punctuation
    ],
)
def test_negative_balances(text: str, amount: str) -> None:
    result = parse_balance(text)
    assert result is not None
    assert result.amount == Decimal(amount)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("Bonus 5.00 EUR. Your balance is 39.24 EUR", "39.24"),
        ("Your balance is 39.24 EUR, bonus 5.00 EUR", "39.24"),
        ("Dial *100*2# for your balance: 7.00 lei", "7.00"),
        ("Balance at 12:30 on 12.05.2027: 7.00", "7.00"),
        ("Balance on 2027-05-12 is 7.00", "7.00"),
        ("Your balance on 12 May 2027 is 7.00", "7.00"),
        ("Balance: 2.5 GB and 100 SMS, credit 3.10", "3.10"),
        ("50% extra! Your balance: 8", "8"),
        ("Balance for 0712345678: 9.99", "9.99"),
        ("Balance of +40 721 234 567 is 9.99", "9.99"),
        ("Valid 30 days, 10 EUR", "10"),
        ("Guthaben 5 EUR gültig 30 Tage", "5"),
    ],
)
def test_the_balance_among_other_numbers(text: str, amount: str) -> None:
    result = parse_balance(text)
    assert result is not None
    assert result.amount == Decimal(amount)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Service unavailable",
        "Your request is being processed",
        "Bonus 100 MB valid till 12.05.2027",
        "Your balance expires on 12 May 2027",
        "Your balance: 2.5 GB",
        "Dial *100# for your balance",
        "Your balance: dial *100# to hear it",
        "Request 4821 received, please wait",
        "Press 1 for English, 2 for Romanian",
        "Call 0712345678 at 12:30",
        "50% off until 31/12/2027",
        "You have 30 days and 120 minutes left",
        "Balance 1.234.5 EUR",  # separators that contradict each other
    ],
)
def test_no_amount_is_not_a_guess(text: str) -> None:
    assert parse_balance(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Balance menu:\n1. Check balance\n2. Buy a 5 EUR bundle",
        "1)Sold 5 lei 2)Oferte 0)Iesire",
        "Meniu:\n 1: Sold 5 lei\n 2: Internet",
        "Choose 1-Credit 5 EUR 2-Bundles",
    ],
)
def test_a_menu_states_no_amount(text: str) -> None:
    """The network waits for a choice: the numbers in a menu are no balance."""
    assert is_menu(text)
    assert parse_balance(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Your balance is 1.50 EUR, valid until 2.12.2027",
        "Credit 1 EUR for 2 days",
        "1. Your balance is 5 EUR",  # one numbered line is not a choice
        "Sold 5 lei. Bonus: 1 GB, 2 zile",
    ],
)
def test_numbers_that_are_no_menu(text: str) -> None:
    assert not is_menu(text)


def test_a_users_pattern_reads_a_menu() -> None:
    """The user said where the amount is: that holds in a reply that also offers choices."""
    text = "Sold: 7,50 lei\n1. Oferte\n2. Bonus"
    assert parse_balance(text, r"Sold: ([\d,]+) lei") == reading("7.50", "RON", "lei")


def test_a_users_pattern_with_group_one_or_amount() -> None:
    assert parse_balance("Cont=12,3 u.", r"Cont=([\d,]+)") == reading("12.3")
    assert parse_balance(
        "Cont 7: bal 1.234,50 lei", r"(Cont) \d+: bal (?P<amount>[\d.,]+)"
    ) == reading("1234.50", "RON", "lei")
    assert parse_balance("Credit -4.00 EUR", r"Credit (\S+)") == reading("-4.00", "EUR", "EUR")
    # Its own choice stands: the data volume the default rules skip.
    assert parse_balance("Left 2.5 GB", r"Left (\S+)") == reading("2.5")


def test_a_users_group_bounds_the_number() -> None:
    """The amount is the number in the user's group: not more of the text, nor a digit before."""
    assert parse_balance("Credit: 12.50 EUR", r"Credit: (\d+)") == reading("12")
    assert parse_balance("Ref 77  5.00 EUR", r"Ref 77(\s+[\d.]+)") == reading("5.00", "EUR", "EUR")


def test_a_users_pattern_that_finds_nothing() -> None:
    assert parse_balance("Your balance is 39.24 EUR", r"Sold (\d+)") is None
    assert parse_balance("Bal: n/a", r"Bal: (\S+)") is None
    assert parse_balance("Bal: n/a", r"Bal: (?:(\d+)|n/a)") is None
    # Separators that contradict each other: no amount, though the group holds a number.
    assert parse_balance("Bal 1.234.56 EUR", r"Bal (\S+)") is None


@pytest.mark.parametrize("pattern", ["Bal: (", r"Bal: \d+", "(?P<amount"])
def test_an_unusable_pattern_is_a_value_error(pattern: str) -> None:
    with pytest.raises(ValueError, match=r"not a valid regular expression|has no group"):
        compile_pattern(pattern)
    with pytest.raises(ValueError, match=r"not a valid regular expression|has no group"):
        parse_balance("Bal: 5", pattern)


def format_amount(amount: Decimal, decimal_sep: str, group_sep: str) -> str:
    whole, _, fraction = f"{abs(amount):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", group_sep)
    return f"{grouped}{decimal_sep}{fraction}" if fraction else grouped


def money(
    amount: Decimal, number: str, currency: str, currency_first: bool, gap: str, minus: str
) -> str:
    written = f"{currency}{gap}{number}" if currency_first else f"{number}{gap}{currency}"
    return f"{minus}{written}" if amount < 0 else written


@given(
    amount=st.decimals(min_value=-(10**9), max_value=10**9, places=2),
    decimal_sep=st.sampled_from([".", ","]),
    group_sep=st.sampled_from(GROUP_SEPARATORS),
    currency=st.sampled_from(CURRENCIES),
    currency_first=st.booleans(),
    gap=st.sampled_from(["", " ", "\u00a0"]),
    minus=st.sampled_from(["-", "minus ", "\u2212"]),
    sentence=st.sampled_from(SENTENCES),
)
def test_formatted_amounts_read_back(
    amount: Decimal,
    decimal_sep: str,
    group_sep: str,
    currency: tuple[str, str | None],
    currency_first: bool,
    gap: str,
    minus: str,
    sentence: str,
) -> None:
    if group_sep == decimal_sep:
        group_sep = ""
    written, code = currency
    number = format_amount(amount, decimal_sep, group_sep)
    text = sentence.format(money(amount, number, written, currency_first, gap, minus))
    assert parse_balance(text) == BalanceReading(amount, code, written.removesuffix(".")), text


@given(
    amount=st.integers(min_value=1000, max_value=10**9),
    group_sep=st.sampled_from(GROUP_SEPARATORS[1:]),
    sentence=st.sampled_from(SENTENCES),
)
def test_whole_amounts_with_thousands_separators(
    amount: int, group_sep: str, sentence: str
) -> None:
    text = sentence.format(f"{amount:,} EUR".replace(",", group_sep))
    assert parse_balance(text) == BalanceReading(Decimal(amount), "EUR", "EUR"), text


def test_a_balance_word_names_a_number_up_to_sixty_characters_after_it() -> None:
    """Counted from the word's end in the reply as written, dates and codes included."""
    assert parse_balance("Balance12.50") == BalanceReading(Decimal("12.50"))
    assert parse_balance("Sold" + " " * 60 + "9.99") == BalanceReading(Decimal("9.99"))
    assert parse_balance("Sold" + " " * 61 + "9.99") is None
    # Far into a long reply, the distance is still from the word.
    assert parse_balance("x" * 40 + " Sold 9.99") == BalanceReading(Decimal("9.99"))
    # A date between them is not an amount, but it keeps its length.
    assert parse_balance("Sold" + " " * 55 + "31.12.2026 5") is None
