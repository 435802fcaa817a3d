"""The lenient decoder: the spec's malformed examples, and properties over any JSON."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from hypothesis import given, strategies as st
import pytest

from aiodinstar import DinstarResponseError
from aiodinstar.lenient_json import decode_json

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The call forwarding read and get_cdr: a trailing empty object.
        ('{"error_code":200,"info":[]}{}', {"error_code": 200, "info": []}),
        # send_ussd: an extra closing brace.
        (
            '{"error_code":202,"result":[{"port":0,"status":503}]} }',
            {"error_code": 202, "result": [{"port": 0, "status": 503}]},
        ),
        # query_ussd_reply and the pushes: an extra closing bracket.
        (
            '{"sn":"x","ussd":[{"port":1,"text":"Thank you!"}]}]',
            {"sn": "x", "ussd": [{"port": 1, "text": "Thank you!"}]},
        ),
        # query_ussd_reply: the extra bracket inside the object, before its closing brace.
        (
            (
                '{"error_code":200,"sn":"x","reply":[{"port":1,"text":""},'
                ' {"port":2,"text": "Test..."}, {"port":3,"text":""}]]}'
            ),
            {
                "error_code": 200,
                "sn": "x",
                "reply": [
                    {"port": 1, "text": ""},
                    {"port": 2, "text": "Test..."},
                    {"port": 3, "text": ""},
                ],
            },
        ),
        # A stray closer deeper in, beside a bracket inside a string.
        ('{"a":{"b":["]"]}],"c":1}', {"a": {"b": ["]"]}, "c": 1}),
        # query_incoming_sms: a dangling comma in the array.
        ('{"sms":[{"incoming_sms_id":1},],"read":1}', {"sms": [{"incoming_sms_id": 1}], "read": 1}),
        # GetSTKView: a doubled comma across a line break.
        ('{"title":"t",\n,"item":[],"frame_id":750}', {"title": "t", "item": [], "frame_id": 750}),
        # A comma inside a string is text, not a stray.
        ('{"text":"a,]b",}', {"text": "a,]b"}),
        ('{"text":"quote \\" ,}"}', {"text": 'quote " ,}'}),
        (b"\xef\xbb\xbf{}", {}),
        ("  [1,2,]  trailing", [1, 2]),
    ],
)
def test_spec_malformations_decode(text: str | bytes, expected: Any) -> None:
    assert decode_json(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "not json", '{"a":', b"\xff\xfe", "{,}x", "]"])
def test_garbage_is_a_response_error(text: str | bytes) -> None:
    with pytest.raises(DinstarResponseError):
        decode_json(text)


@given(JSON_VALUES)
def test_well_formed_json_round_trips(value: Any) -> None:
    assert decode_json(json.dumps(value)) == value


@given(
    JSON_VALUES.filter(lambda v: isinstance(v, dict | list)),
    st.sampled_from(["{}", "]", "}", "]]", " {}\n"]),
)
def test_trailing_junk_is_ignored(value: Any, junk: str) -> None:
    assert decode_json(json.dumps(value) + junk) == value


@given(st.text(max_size=40))
def test_any_text_decodes_or_raises_response_error(text: str) -> None:
    with contextlib.suppress(DinstarResponseError):
        decode_json(text)
