"""The one mapping of client errors to Home Assistant's, for actions and entity commands alike."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.update_coordinator import UpdateFailed

from .aiodinstar import (
    DinstarApiError,
    DinstarAuthenticationError,
    DinstarCertificateError,
    DinstarConnectionError,
    DinstarError,
    DinstarValidationError,
)
from .const import DOMAIN


def invalid_input(key: str, **placeholders: str) -> ServiceValidationError:
    """Bad input: nothing was sent."""
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def unknown_port(field: str, value: str, ports: Iterable[int]) -> ServiceValidationError:
    """A port the gateway does not have: the field, what it held, and the ports there are.

    An action's port is a plain number (Home Assistant cannot offer the chosen gateway's
    ports in its form), so this is where a wrong one is caught.
    """
    return invalid_input("invalid_port", field=field, value=value, ports=_runs(sorted(ports)))


def _runs(ports: list[int]) -> str:
    """Ports as runs: ``0-7``, or ``0-3, 6``."""
    runs: list[list[int]] = []
    for port in ports:
        if runs and port == runs[-1][-1] + 1:
            runs[-1].append(port)
        else:
            runs.append([port])
    return ", ".join(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)


def gateway_error(key: str, **placeholders: str) -> HomeAssistantError:
    """The gateway or the network would not do it: not the input's fault."""
    return HomeAssistantError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def update_failed(err: DinstarError) -> UpdateFailed:
    """A failed refresh, translated by the kind of ``err``.

    The client's own text is English and stays in the debug log: the message carries only
    the gateway's error code.
    """
    placeholders: dict[str, str] = {}
    if isinstance(err, DinstarCertificateError):
        key = "certificate_changed"
    elif isinstance(err, DinstarConnectionError):
        key = "update_cannot_connect"
    elif isinstance(err, DinstarApiError):
        key = "update_refused"
        placeholders["code"] = str(err.error_code)
    else:
        key = "update_invalid_response"
    return UpdateFailed(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


@contextmanager
def gateway_errors(hass: HomeAssistant, entry: ConfigEntry, action: str) -> Iterator[None]:
    """Turn the client's errors inside the block into translated ones naming ``action``.

    A refused login also starts reauthentication: every later call would be refused too, and
    only the user can give the new password.
    """
    try:
        yield
    except DinstarAuthenticationError as err:
        entry.async_start_reauth(hass)
        raise gateway_error("auth_failed", action=action) from err
    except DinstarValidationError as err:
        raise invalid_input("invalid_parameter", action=action) from err
    except DinstarApiError as err:
        raise gateway_error("request_refused", action=action, code=str(err.error_code)) from err
    except DinstarConnectionError as err:
        raise gateway_error("cannot_connect", action=action) from err
    except DinstarError as err:
        raise gateway_error("invalid_response", action=action) from err
