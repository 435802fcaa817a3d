"""Exceptions raised by the Dinstar gateway client."""

from __future__ import annotations


class DinstarError(Exception):
    """Base class of every error the client raises."""


class DinstarConnectionError(DinstarError):
    """The gateway could not be reached, or did not answer in time."""


class DinstarCertificateError(DinstarConnectionError):
    """The gateway's TLS certificate does not match the pinned fingerprint."""


class DinstarAuthenticationError(DinstarError):
    """The gateway refused the username or password."""


class DinstarDrpAuthenticationError(DinstarAuthenticationError):
    """The DRP server refused the DRP account (the gateway's own login was not tried)."""


class DinstarResponseError(DinstarError):
    """The gateway answered something that cannot be decoded."""


class DinstarPushError(DinstarResponseError):
    """A pushed body is not one the gateway sends."""


class DinstarValidationError(DinstarError, ValueError):
    """A request breaks one of the spec's limits and was not sent."""


class DinstarApiError(DinstarError):
    """The gateway answered with an error code.

    ``error_code`` is the gateway's code, ``meaning`` what the spec says that code
    means for the call that was made.
    """

    def __init__(self, endpoint: str, error_code: int, meaning: str) -> None:
        """Keep the code and its meaning for callers that act on them."""
        super().__init__(f"{endpoint}: error {error_code}: {meaning}")
        self.endpoint = endpoint
        self.error_code = error_code
        self.meaning = meaning


class DinstarNotFoundError(DinstarApiError):
    """The gateway has no such thing (HTTP 404 or error code 404): an unknown task, file or port."""
