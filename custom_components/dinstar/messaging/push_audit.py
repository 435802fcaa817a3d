"""What pushes turned out to be once the gateway was asked: confirmed, or not the gateway's.

Pushes carry no signature: anyone who can reach the webhook can write one. The integration
acts only on what the gateway's authenticated API confirms; this keeps the score. A push that
the gateway does not confirm is logged with its source address, at most once every few
minutes however many come (a flood of forgeries does not flood the log).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from homeassistant.util import dt as dt_util

from custom_components.dinstar.const import LOGGER

# One warning per window; the next one says how many were left out meanwhile.
UNCONFIRMED_LOG_EVERY = timedelta(minutes=10)


class PushAudit:
    """Counts confirmed and unconfirmed pushes of one gateway."""

    def __init__(self, title: str) -> None:
        """Nothing heard yet."""
        self._title = title
        # A gateway that never pushed is silent since pushes were first expected.
        self.watching_since = dt_util.utcnow()
        self.last_confirmed: datetime | None = None
        self.unconfirmed = 0
        self._logged_at: datetime | None = None
        self._left_out = 0

    @property
    def heard(self) -> datetime:
        """Since when the gateway's pushes are silent, as far as confirmed pushes tell."""
        return self.last_confirmed or self.watching_since

    def confirmed(self) -> None:
        """The gateway's records agree with a push: pushes reach Home Assistant."""
        self.last_confirmed = dt_util.utcnow()

    def not_confirmed(self, what: str, source: str | None) -> None:
        """A push announced ``what`` and the gateway does not know it: nothing was done."""
        self.unconfirmed += 1
        now = dt_util.utcnow()
        if self._logged_at is not None and now - self._logged_at < UNCONFIRMED_LOG_EVERY:
            self._left_out += 1
            return
        LOGGER.warning(
            "%s: a push from %s announced %s, which the gateway does not confirm: ignored%s",
            self._title,
            source or "an unknown address",
            what,
            f" ({self._left_out} more such pushes since the last warning)"
            if self._left_out
            else "",
        )
        self._logged_at = now
        self._left_out = 0
