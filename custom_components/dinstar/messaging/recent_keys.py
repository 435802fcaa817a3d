"""A bounded memory of the keys seen lately, for what must be remembered but may be forged."""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable


class RecentKeys[K: Hashable]:
    """The last ``size`` distinct keys added; adding one again makes it the newest.

    Lookups scan the keys: with the few dozen kept, that costs a microsecond or two.
    """

    def __init__(self, size: int) -> None:
        """Remember nothing yet."""
        self._keys: deque[K] = deque(maxlen=size)

    def __contains__(self, key: object) -> bool:
        """Whether ``key`` is among the last ones added."""
        return key in self._keys

    def add(self, key: K) -> None:
        """Remember ``key`` as the newest; the oldest is forgotten beyond the size."""
        if key in self._keys:
            self._keys.remove(key)
        self._keys.append(key)
