"""aiodinstar: an asyncio client for Dinstar GSM/LTE SMS gateways (HTTP API v1.2).

:class:`DinstarClient` makes the gateway's calls over an ``aiohttp`` session and returns typed
models; :func:`parse_push` reads what the gateway pushes to a URL. Every failure is a
:class:`DinstarError` subclass. Beside the calls, the rules that keep messages exact:
:class:`InboxLedger` (each received SMS handled once), :class:`SmsTracker` (each sent SMS
followed to its outcome), matching a push with the gateway's record of it (:func:`same_result`
and its kin), reading a balance from an operator's reply (:func:`parse_balance`), one form for
phone numbers (:func:`number_key`, :func:`normalize_number`) and SMS part counting (:func:`plan_sms`).

It needs aiohttp, yarl and phonenumbers, and uses only relative imports inside the package, so
a copy of it can ship inside another package. It logs under the name ``aiodinstar`` wherever
it is imported from.
"""

__version__ = "0.1.0"

from .balance_reply import BalanceReading, compile_pattern, is_menu, parse_balance
from .client import DinstarClient
from .config_calls import CONFIG_SECTIONS
from .enums import (
    AuthScheme,
    CallForwardCondition,
    CallState,
    DevicePowerStatus,
    IncomingFlag,
    MmsStatus,
    NetworkType,
    PortAction,
    RegisterStatus,
    RegistrationState,
    SmsEncoding,
    SmsStatus,
    StkAction,
    StkInputType,
    UssdSendStatus,
)
from .errors import (
    DinstarApiError,
    DinstarAuthenticationError,
    DinstarCertificateError,
    DinstarConnectionError,
    DinstarDrpAuthenticationError,
    DinstarError,
    DinstarNotFoundError,
    DinstarPushError,
    DinstarResponseError,
    DinstarValidationError,
)
from .inbox import InboxLedger
from .limits import (
    MAX_NUMBER_BYTES,
    MAX_PORT,
    MAX_RECIPIENTS_PER_REQUEST,
    MAX_SLOT,
    MAX_STK_ITEM,
    MAX_TEXT_BYTES,
    MAX_USER_ID,
    MAX_USSD_BYTES,
    check_number,
)
from .models import (
    INCOMING_PAGE_BYTES,
    MESSAGE_OVERHEAD_BYTES,
    CallRecord,
    DeliveryReport,
    DeviceStatus,
    IncomingSms,
    IncomingSmsPage,
    MmsConfiguration,
    PortInfo,
    SendSmsResult,
    SmsRecipient,
    SmsResult,
    StkItem,
    StkView,
    UssdReply,
    UssdSendResult,
)
from .phone_numbers import normalize_number, number_key
from .port_calls import ALL_INFO_TYPES
from .push import (
    PUSH_KINDS,
    CallRecordEvent,
    DeliveryReportEvent,
    DeviceEvent,
    PortExceptionEvent,
    PushBatch,
    PushEvent,
    RegisterEvent,
    SmsReceivedEvent,
    SmsResultEvent,
    UssdEvent,
    parse_push,
)
from .push_records import (
    TIME_MARGIN,
    confirms_status,
    is_number,
    same_call,
    same_report,
    same_result,
    time_window,
)
from .sip_config import ConfigSetResult, GatewayConfig, PortGroup, Route, SipProxy, SipTrunk
from .sms_calls import DinstarPartialSendError
from .sms_encoding import SmsPlan, fits_gsm_7bit, plan_sms
from .tracking import Outcome, SmsTracker, TrackedSms, TrackingUpdate
from .transport import (
    ConnectionSettings,
    DrpLogin,
    auth_middlewares,
    fetch_certificate_fingerprint,
    normalise_fingerprint,
)

__all__ = [
    "ALL_INFO_TYPES",
    "CONFIG_SECTIONS",
    "INCOMING_PAGE_BYTES",
    "MAX_NUMBER_BYTES",
    "MAX_PORT",
    "MAX_RECIPIENTS_PER_REQUEST",
    "MAX_SLOT",
    "MAX_STK_ITEM",
    "MAX_TEXT_BYTES",
    "MAX_USER_ID",
    "MAX_USSD_BYTES",
    "MESSAGE_OVERHEAD_BYTES",
    "PUSH_KINDS",
    "TIME_MARGIN",
    "AuthScheme",
    "BalanceReading",
    "CallForwardCondition",
    "CallRecord",
    "CallRecordEvent",
    "CallState",
    "ConfigSetResult",
    "ConnectionSettings",
    "DeliveryReport",
    "DeliveryReportEvent",
    "DeviceEvent",
    "DevicePowerStatus",
    "DeviceStatus",
    "DinstarApiError",
    "DinstarAuthenticationError",
    "DinstarCertificateError",
    "DinstarClient",
    "DinstarConnectionError",
    "DinstarDrpAuthenticationError",
    "DinstarError",
    "DinstarNotFoundError",
    "DinstarPartialSendError",
    "DinstarPushError",
    "DinstarResponseError",
    "DinstarValidationError",
    "DrpLogin",
    "GatewayConfig",
    "InboxLedger",
    "IncomingFlag",
    "IncomingSms",
    "IncomingSmsPage",
    "MmsConfiguration",
    "MmsStatus",
    "NetworkType",
    "Outcome",
    "PortAction",
    "PortExceptionEvent",
    "PortGroup",
    "PortInfo",
    "PushBatch",
    "PushEvent",
    "RegisterEvent",
    "RegisterStatus",
    "RegistrationState",
    "Route",
    "SendSmsResult",
    "SipProxy",
    "SipTrunk",
    "SmsEncoding",
    "SmsPlan",
    "SmsReceivedEvent",
    "SmsRecipient",
    "SmsResult",
    "SmsResultEvent",
    "SmsStatus",
    "SmsTracker",
    "StkAction",
    "StkInputType",
    "StkItem",
    "StkView",
    "TrackedSms",
    "TrackingUpdate",
    "UssdEvent",
    "UssdReply",
    "UssdSendResult",
    "UssdSendStatus",
    "auth_middlewares",
    "check_number",
    "compile_pattern",
    "confirms_status",
    "fetch_certificate_fingerprint",
    "fits_gsm_7bit",
    "is_menu",
    "is_number",
    "normalise_fingerprint",
    "normalize_number",
    "number_key",
    "parse_balance",
    "parse_push",
    "plan_sms",
    "same_call",
    "same_report",
    "same_result",
    "time_window",
]
