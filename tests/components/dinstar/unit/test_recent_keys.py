"""The bounded memory of keys seen lately."""

from __future__ import annotations

from custom_components.dinstar.messaging.recent_keys import RecentKeys


def test_the_oldest_key_is_forgotten_beyond_the_size() -> None:
    keys: RecentKeys[int] = RecentKeys(2)
    for key in (1, 2, 3):
        keys.add(key)
    assert (1 in keys, 2 in keys, 3 in keys) == (False, True, True)


def test_adding_a_key_again_makes_it_the_newest() -> None:
    keys: RecentKeys[str] = RecentKeys(2)
    for key in ("a", "b", "a", "c"):
        keys.add(key)
    assert ("a" in keys, "b" in keys, "c" in keys) == (True, False, True)
