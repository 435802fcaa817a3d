"""Constants of the Dinstar integration."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
import logging
from typing import Final

DOMAIN: Final = "dinstar"
LOGGER = logging.getLogger(__package__)

CONF_USE_HTTPS: Final = "use_https"
CONF_AUTH_SCHEME: Final = "auth_scheme"
CONF_CERTIFICATE: Final = "certificate"
CONF_FINGERPRINT: Final = "fingerprint"
CONF_SERIAL: Final = "serial"
CONF_DRP_USERNAME: Final = "drp_username"
CONF_DRP_PASSWORD: Final = "drp_password"  # a key, not a secret
CONF_MAC: Final = "mac"
CONF_INCOMING_MODE: Final = "incoming_mode"
CONF_PORTS: Final = "ports"
CONF_WEBHOOK_LOCAL_ONLY: Final = "webhook_local_only"
CONF_REMOVED_PORTS: Final = "removed_ports"
CONF_PRIVATE_SMS: Final = "private_sms"
CONF_MESSAGES_DAYS: Final = "messages_days"
CONF_MESSAGES_ALL_USERS: Final = "messages_all_users"

DEFAULT_USERNAME: Final = "admin"
DEFAULT_PASSWORD: Final = "admin"  # the factory default we warn about
DEFAULT_SCAN_INTERVAL: Final = 30
MIN_SCAN_INTERVAL: Final = 10
MAX_SCAN_INTERVAL: Final = 3600
DEFAULT_MESSAGES_DAYS: Final = 90
MAX_MESSAGES_DAYS: Final = 3650
PUSH_SILENCE_LIMIT: Final = timedelta(days=1)
MANUFACTURER: Final = "Dinstar"
# What an entry keeps in Home Assistant's storage, each as ``dinstar.<entry_id>.<name>``.
STORED_PER_ENTRY: Final = ("inbox", "outbox", "user_ids", "assist")


def storage_key(entry_id: str, name: str) -> str:
    """The storage key of one of an entry's stores."""
    return f"{DOMAIN}.{entry_id}.{name}"


class CertificateMode(StrEnum):
    """How an HTTPS gateway's certificate is trusted."""

    NO_VERIFY = "no_verify"
    PIN = "pin"


class IncomingMode(StrEnum):
    """How incoming SMS reach Home Assistant."""

    PUSH = "push"
    POLLING = "polling"
    BOTH = "both"
