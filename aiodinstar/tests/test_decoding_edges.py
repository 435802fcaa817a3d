"""Decoding, reading and encoding edges: lenient JSON, typed readers, ranges, query strings."""

from __future__ import annotations

from typing import Any

import pytest

from aiodinstar import DinstarResponseError, DinstarValidationError
from aiodinstar.lenient_json import decode_json
from aiodinstar.limits import check_range
from aiodinstar.parsing import as_int, as_list, as_mapping, as_str, opt_float, opt_int, opt_time
from aiodinstar.transport import encode_query


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a":"x\\\\",}', {"a": "x\\"}),  # an escaped backslash ends before the quote
        ('{"a":"\\"]",]}', {"a": '"]'}),
        ("[1,\n,2]", [1, 2]),
        ("[1 ,]", [1]),
        ('{"a":[1,2 ,  ]}', {"a": [1, 2]}),
        ("  [1]", [1]),
    ],
)
def test_repairs(text: str, expected: Any) -> None:
    assert decode_json(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"\xff", "^response is not UTF-8: "),
        (" \r\n", "^empty response where JSON was expected$"),
        ("{x", "^response is not JSON: "),
        ("[" * 100_000 + "]" * 100_000, "^response is nested too deeply to decode$"),
    ],
)
def test_decoding_errors(text: str | bytes, message: str) -> None:
    with pytest.raises(DinstarResponseError, match=message):
        decode_json(text)


def test_readers() -> None:
    assert as_int(3.0, "n") == 3
    assert opt_float(2, "f") == 2.0
    assert as_str(None, "s") == ""
    assert as_str(12, "s") == "12"
    assert opt_time(None, "t") is None


@pytest.mark.parametrize(
    ("read", "value", "message"),
    [
        (as_int, True, "^count: expected an integer, got a boolean$"),
        (as_int, "x", "^count: expected an integer, got 'x'$"),
        (opt_int, "x", "^count: expected an integer, got 'x'$"),
        (opt_float, False, "^count: expected a number, got a boolean$"),
        (opt_float, "x", "^count: expected a number, got 'x'$"),
        (as_str, True, "^count: expected a string, got True$"),
        (as_str, [], r"^count: expected a string, got \[\]$"),
    ],
)
def test_reader_errors(read: Any, value: Any, message: str) -> None:
    with pytest.raises(DinstarResponseError, match=message):
        read(value, "count")


def test_stray_comma_repair_edges() -> None:
    assert decode_json('["",]') == [""]
    with pytest.raises(DinstarResponseError):
        decode_json("[1,")
    with pytest.raises(DinstarResponseError):
        decode_json("[1, ")


@pytest.mark.parametrize(
    ("read", "value", "message"),
    [
        (as_mapping, [1], "^push body: expected an object, got list$"),
        (as_list, {}, "^push body: expected an array, got dict$"),
        (opt_time, [], r"^push body: expected a string, got \[\]$"),
    ],
)
def test_shape_errors_name_what_came(read: Any, value: Any, message: str) -> None:
    with pytest.raises(DinstarResponseError, match=message):
        read(value, "push body")


@pytest.mark.parametrize("value", [0, 31])
def test_range_edges_accepted(value: int) -> None:
    assert check_range(value, 0, 31, "file_id") == value


@pytest.mark.parametrize("value", [-1, 32, True, "3"])
def test_range_edges_refused(value: Any) -> None:
    with pytest.raises(
        DinstarValidationError, match=rf"^file_id {value!r} is not between 0 and 31$"
    ):
        check_range(value, 0, 31, "file_id")


def test_query_strings_escape_every_reserved_character() -> None:
    assert encode_query({"a/b": ["x/y", 1], "n": 2}) == "a%2Fb=x%2Fy%2C1&n=2"
    # Lists joined by an escaped comma (firmware refuses a raw one), spaces as %20, not "+".
    assert (
        encode_query({"port": [1, 2], "info_type": ["reg"], "x": "a b"})
        == "port=1%2C2&info_type=reg&x=a%20b"
    )
