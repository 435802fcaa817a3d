"""Issue items 11 and 12: bad action input is refused before any request, in words.

Each refusal is a ``ServiceValidationError`` whose message (or translation placeholders) names
the field and the value that was wrong, as the other actions' errors do, and the gateway saw no
request for it.
"""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest

from .conftest import DOMAIN, add_gateway
from .gateway import FakeGateway

LATER = "2026-11-02 10:00:00"
EARLIER = "2026-11-01 10:00:00"
TOO_BIG = 10**20  # 21 digits: more than a 64-bit integer holds


async def _refused(
    hass: HomeAssistant,
    gateway: FakeGateway,
    service: str,
    data: dict[str, Any],
    path: str,
    *words: str,
) -> None:
    """Call ``service``; it must raise a validation error naming ``words`` and reach nothing."""
    entry_id = hass.config_entries.async_entries(DOMAIN)[0].entry_id
    with pytest.raises(ServiceValidationError) as caught:
        await hass.services.async_call(
            DOMAIN,
            service,
            {"config_entry_id": entry_id, **data},
            blocking=True,
            return_response=True,
        )
    error = caught.value
    said = " ".join(
        [
            str(error),
            error.translation_key or "",
            *(f"{key} {value}" for key, value in (error.translation_placeholders or {}).items()),
        ]
    )
    for word in words:
        assert word in said, f"{word!r} not named in: {said!r}"
    assert [seen.path for seen in gateway.requests if seen.path == path] == []


CASES = [
    pytest.param(
        "get_sms_results",
        {"number": ["call-me"]},
        "/api/query_sms_result",
        ("number", "call-me"),
        id="11-results-number-with-letters",
    ),
    pytest.param(
        "get_delivery_reports",
        {"number": ["1" * 25]},
        "/api/query_sms_deliver_status",
        ("number", "1" * 25),
        id="11-reports-number-of-25-digits",
    ),
    pytest.param(
        "send_ussd",
        {"port": 0, "code": "   ", "timeout": 1},
        "/api/send_ussd",
        ("code",),
        id="12-ussd-code-of-spaces",
    ),
    pytest.param(
        "send_ussd",
        {"port": 0, "code": "*100#\n*101#", "timeout": 1},
        "/api/send_ussd",
        ("code", "*100#"),
        id="12-ussd-code-with-a-line-break",
    ),
    pytest.param(
        "send_sms",
        {"number": ["+4915100000001", "+4915100000002", "+4915100000001"], "message": "hi"},
        "/api/send_sms",
        ("number", "+4915100000001"),
        id="12-sms-number-listed-twice",
    ),
    pytest.param(
        "get_sms_results",
        {"start": LATER, "end": EARLIER},
        "/api/query_sms_result",
        ("start", "end"),
        id="12-results-start-after-end",
    ),
    pytest.param(
        "get_delivery_reports",
        {"start": LATER, "end": EARLIER},
        "/api/query_sms_deliver_status",
        ("start", "end"),
        id="12-reports-start-after-end",
    ),
    pytest.param(
        "get_call_records",
        {"start": LATER, "end": EARLIER},
        "/api/get_cdr",
        ("start", "end"),
        id="12-call-records-start-after-end",
    ),
    pytest.param(
        "stk_select",
        {"port": 0, "item": -5},
        "/STKGo",
        ("item", "-5"),
        id="12-stk-item-negative",
    ),
    pytest.param(
        "get_sms_results",
        {"user_id": TOO_BIG},
        "/api/query_sms_result",
        ("user_id", str(TOO_BIG)),
        id="12-results-user-id-too-long",
    ),
]


@pytest.mark.parametrize(("service", "data", "path", "words"), CASES)
async def test_bad_input_is_refused_before_any_request(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    service: str,
    data: dict[str, Any],
    path: str,
    words: tuple[str, ...],
) -> None:
    """The action raises a validation error naming the field and value; nothing is sent."""
    await add_gateway(hass, gateway)

    await _refused(hass, gateway, service, data, path, *words)
