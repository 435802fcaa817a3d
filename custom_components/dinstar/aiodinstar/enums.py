"""Enumerations of the gateway's states, with the spellings real firmware uses."""

from __future__ import annotations

from enum import IntEnum, StrEnum
import logging
from typing import Self

# One name wherever the package is imported from (a copy of it ships inside the Home Assistant
# integration), so a logging setting for "aiodinstar" always reaches it.
_LOGGER = logging.getLogger("aiodinstar")
_logged_unknown: set[tuple[str, str]] = set()


def _normalise(raw: str) -> str:
    return raw.strip().lower().replace(" ", "_").replace("-", "_")


class _GatewayEnum(StrEnum):
    """A state whose unknown spellings map to ``UNKNOWN`` and are logged once."""

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {}

    @classmethod
    def parse(cls, raw: str) -> Self:
        """Map a gateway spelling to a member; an unknown one becomes ``UNKNOWN``."""
        key = _normalise(raw)
        key = cls._aliases().get(key, key)
        try:
            return cls(key)
        except ValueError:
            if (cls.__name__, raw) not in _logged_unknown:
                _logged_unknown.add((cls.__name__, raw))
                _LOGGER.info("Unknown %s from the gateway: %r", cls.__name__, raw)
            return cls("unknown")


class RegistrationState(_GatewayEnum):
    """Registration of a port's module with the mobile network (``reg`` of the port information)."""

    POWER_OFF = "power_off"
    NO_SIM = "no_sim"
    PIN_REQUIRE = "pin_require"
    PUK_REQUIRE = "puk_require"
    UNREGISTER = "unregister"
    SEARCHING_NETWORK = "searching_network"
    REGISTER_OK = "register_ok"
    UNKNOWN = "unknown"

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {
            "registered": "register_ok",
            "mobile_registered": "register_ok",
            "unregistered": "unregister",
            "searching": "searching_network",
        }


class CallState(_GatewayEnum):
    """Call state of a port (``callstate`` of the port information)."""

    IDLE = "idle"
    PROCESSING = "processing"
    RINGING = "ringing"
    ACTIVE = "active"
    ALERTING = "alerting"
    CALL_WAITING = "call_waiting"
    CALL_HOLDING = "call_holding"
    UNKNOWN = "unknown"


class NetworkType(_GatewayEnum):
    """Radio technology of a port's module (``type`` of the port information)."""

    GSM = "gsm"
    CDMA = "cdma"
    WCDMA = "wcdma"
    LTE = "lte"
    UNKNOWN = "unknown"


class SmsStatus(_GatewayEnum):
    """Sending state of one SMS (``status`` of a sending result)."""

    SENDING = "sending"
    SENT_OK = "sent_ok"
    FAILED = "failed"
    DELIVERED = "delivered"
    UNKNOWN = "unknown"


class RegisterStatus(_GatewayEnum):
    """Direction of a SIM register push (``status`` of a ``register`` push)."""

    UP = "up"
    DOWN = "down"
    UNKNOWN = "unknown"


class DevicePowerStatus(_GatewayEnum):
    """Gateway power event (``status`` of a ``device`` push)."""

    POWER_ON = "power_on"
    POWER_OFF = "power_off"
    UNKNOWN = "unknown"


class SmsEncoding(StrEnum):
    """Encodings the gateway accepts for ``send_sms``."""

    GSM_7BIT = "gsm-7bit"
    UNICODE = "unicode"


class AuthScheme(StrEnum):
    """How a gateway checks the login: digest, or Basic (the password in clear) on old firmware."""

    DIGEST = "digest"
    BASIC = "basic"


class IncomingFlag(StrEnum):
    """Which stored messages ``query_incoming_sms`` returns."""

    UNREAD = "unread"
    READ = "read"
    ALL = "all"


class UssdSendStatus(IntEnum):
    """Per-port outcome of ``send_ussd``."""

    SENT = 200
    PORT_BUSY = 486
    NOT_REGISTERED = 503


class MmsStatus(IntEnum):
    """Sending state of an MMS, carried as the envelope's code."""

    SENT = 200
    PENDING = 202
    FAILED = 503


class PortAction(StrEnum):
    """Actions of ``set_port_info``, spelled as on the wire."""

    SLOT = "slot"
    RESET = "reset"
    POWER = "power"
    IMEI = "imei"
    NUMBER = "number"
    LOCK = "lock"
    UNLOCK = "unlock"
    BLOCK = "block"
    UNBLOCK = "unblock"
    CALL_FORWARD = "CallForward"
    CHECK_CALL_FORWARD = "CheckCallForward"


class CallForwardCondition(StrEnum):
    """When calls are forwarded, spelled as on the wire."""

    UNCONDITIONAL = "Unconditional"
    NO_REPLY = "NoReply"
    BUSY = "Busy"
    NOT_REACHABLE = "Not_Reachable"
    CANCEL_ALL = "CancelAll"


class StkAction(StrEnum):
    """Soft keys of a SIM Toolkit screen."""

    OK = "ok"
    CANCEL = "cancel"
    HOME = "home"


class StkInputType(IntEnum):
    """What a SIM Toolkit screen asks for."""

    DISPLAY_ONLY = 0
    DESKTOP = 1
    SELECT_ITEM = 2
    YES_NO = 3
    ONE_DIGIT = 4
    ONE_CHARACTER = 5
    DIGITS = 8
    DIGITS_HIDDEN = 9
    CHARACTERS = 10
    CHARACTERS_HIDDEN = 11
    LOCKED = 12
