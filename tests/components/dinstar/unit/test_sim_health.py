"""Port health: what needs a person, from readings at explicit times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from custom_components.dinstar.aiodinstar import RegistrationState
from custom_components.dinstar.sim.health import HealthLimits, PortHealth, Problem, gateway_problems

START = datetime(2027, 5, 12, 8, 0, tzinfo=UTC)
LIMITS = HealthLimits(
    not_registered_after=timedelta(minutes=15),
    weak_signal_dbm=-105,
    weak_signal_after=timedelta(hours=2),
)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def update(
    health: PortHealth,
    minutes: float,
    *,
    registration: RegistrationState | None = RegistrationState.REGISTER_OK,
    signal_dbm: int | None = -71,
    balance: Decimal | None = Decimal("10.00"),
    threshold: Decimal | None = Decimal("2.00"),
) -> set[Problem]:
    """Readings of a healthy port, but for those given."""
    return health.update(at(minutes), registration, signal_dbm, balance, threshold)


@pytest.fixture
def health() -> PortHealth:
    return PortHealth(LIMITS)


def test_a_healthy_port_has_no_problems(health: PortHealth) -> None:
    assert update(health, 0) == set()
    assert health.problems == frozenset()


@pytest.mark.parametrize(
    "registration", [RegistrationState.UNREGISTER, RegistrationState.SEARCHING_NETWORK]
)
def test_not_registered_only_after_the_set_time(
    health: PortHealth, registration: RegistrationState
) -> None:
    assert update(health, 0, registration=registration) == set()
    assert update(health, 14.9, registration=registration) == set()
    assert update(health, 15, registration=registration) == {Problem.NOT_REGISTERED}
    assert health.since(Problem.NOT_REGISTERED) == at(0)
    assert update(health, 16) == set()  # registered again: cleared at once
    assert health.since(Problem.NOT_REGISTERED) is None


def test_registering_again_restarts_the_count(health: PortHealth) -> None:
    update(health, 0, registration=RegistrationState.UNREGISTER)
    update(health, 10)
    assert update(health, 20, registration=RegistrationState.UNREGISTER) == set()
    assert update(health, 35, registration=RegistrationState.UNREGISTER) == {Problem.NOT_REGISTERED}


@pytest.mark.parametrize(
    ("registration", "problem"),
    [
        (RegistrationState.PIN_REQUIRE, Problem.PIN_REQUIRED),
        (RegistrationState.PUK_REQUIRE, Problem.PUK_REQUIRED),
    ],
)
def test_pin_and_puk_at_once_and_instead_of_not_registered(
    health: PortHealth, registration: RegistrationState, problem: Problem
) -> None:
    assert update(health, 0, registration=registration) == {problem}
    assert update(health, 60, registration=registration) == {problem}
    assert update(health, 61) == set()


def test_low_balance_below_the_threshold_only(health: PortHealth) -> None:
    assert update(health, 0, balance=Decimal("2.00")) == set()  # at the threshold is enough
    assert update(health, 1, balance=Decimal("1.99")) == {Problem.LOW_BALANCE}
    assert update(health, 2, balance=Decimal("-3.20")) == {Problem.LOW_BALANCE}
    assert update(health, 3, balance=None) == {Problem.LOW_BALANCE}  # not read this time
    assert update(health, 4, balance=Decimal("1.99"), threshold=None) == set()  # check off
    assert update(health, 5, balance=Decimal("1.99")) == {Problem.LOW_BALANCE}
    assert update(health, 6, balance=Decimal(25)) == set()  # topped up


def test_another_sim_has_none_of_the_last_ones_problems(health: PortHealth) -> None:
    """Its balance is not read yet: the last SIM's low balance is not the new one's."""
    health.follow_sim("8949000000000000001")
    assert update(health, 0, balance=Decimal("1.00")) == {Problem.LOW_BALANCE}
    health.follow_sim(None)  # not told
    health.follow_sim("8949000000000000001")
    assert update(health, 1, balance=None) == {Problem.LOW_BALANCE}
    health.follow_sim("8949000000000000002")
    assert update(health, 2, balance=None) == set()
    assert update(health, 3, balance=Decimal("1.00")) == {Problem.LOW_BALANCE}


def test_unknown_balance_starts_nothing(health: PortHealth) -> None:
    assert update(health, 0, balance=None) == set()


def test_weak_signal_for_hours(health: PortHealth) -> None:
    assert update(health, 0, signal_dbm=-105) == set()
    assert update(health, 60, signal_dbm=-111) == set()
    assert update(health, 90, signal_dbm=None) == set()  # a lost reading keeps the count
    assert update(health, 120, signal_dbm=-113) == {Problem.WEAK_SIGNAL}
    assert health.since(Problem.WEAK_SIGNAL) == at(0)
    assert update(health, 121, signal_dbm=-103) == set()  # level 5: usable
    assert update(health, 240, signal_dbm=-107) == set()  # counts again from here


def test_a_short_dip_is_not_a_problem(health: PortHealth) -> None:
    for minute in range(0, 600, 30):
        weak = minute % 60 == 0
        assert update(health, minute, signal_dbm=-109 if weak else -85) == set()


@pytest.mark.parametrize("registration", [RegistrationState.NO_SIM, RegistrationState.POWER_OFF])
def test_no_sim_or_power_off_clears_everything(
    health: PortHealth, registration: RegistrationState
) -> None:
    problems = update(
        health,
        0,
        registration=RegistrationState.PIN_REQUIRE,
        signal_dbm=-113,
        balance=Decimal(0),
    )
    assert problems == {Problem.PIN_REQUIRED, Problem.LOW_BALANCE}
    assert update(health, 500, registration=registration, signal_dbm=-113, balance=Decimal(0)) == (
        set()
    )
    # A SIM put back starts every count afresh.
    assert update(health, 501, signal_dbm=-113) == set()
    assert update(health, 621, signal_dbm=-113) == {Problem.WEAK_SIGNAL}


@pytest.mark.parametrize("registration", [None, RegistrationState.UNKNOWN])
def test_unknown_registration_keeps_what_was_known(
    health: PortHealth, registration: RegistrationState | None
) -> None:
    update(health, 0, registration=RegistrationState.UNREGISTER)
    assert update(health, 10, registration=registration) == set()
    assert update(health, 15, registration=registration) == {Problem.NOT_REGISTERED}
    assert update(health, 16, registration=RegistrationState.PIN_REQUIRE) == {Problem.PIN_REQUIRED}


def test_several_problems_at_once(health: PortHealth) -> None:
    registration = RegistrationState.SEARCHING_NETWORK
    balance = Decimal("0.50")
    assert update(health, 0, registration=registration, signal_dbm=-113, balance=balance) == {
        Problem.LOW_BALANCE
    }
    assert update(health, 120, registration=registration, signal_dbm=-113, balance=balance) == {
        Problem.LOW_BALANCE,
        Problem.NOT_REGISTERED,
        Problem.WEAK_SIGNAL,
    }


def test_default_limits() -> None:
    health = PortHealth()
    assert update(health, 0, signal_dbm=-105, registration=RegistrationState.UNREGISTER) == set()
    assert update(health, 15, signal_dbm=-105, registration=RegistrationState.UNREGISTER) == {
        Problem.NOT_REGISTERED
    }
    assert update(health, 120, signal_dbm=-105) == {Problem.WEAK_SIGNAL}


def test_gateway_problems_lists_only_ports_with_problems() -> None:
    ports = {port: PortHealth(LIMITS) for port in (3, 0, 1)}
    update(ports[0], 0)
    update(ports[1], 0, registration=RegistrationState.PUK_REQUIRE)
    update(ports[3], 0, balance=Decimal(1), registration=RegistrationState.PIN_REQUIRE)
    problems = gateway_problems(ports)
    assert problems == {
        1: {Problem.PUK_REQUIRED},
        3: {Problem.PIN_REQUIRED, Problem.LOW_BALANCE},
    }
    assert list(problems) == [1, 3]
    assert gateway_problems({}) == {}


def test_since_is_told_for_current_problems_only(health: PortHealth) -> None:
    """A condition not yet long enough to be a problem has no start time to tell."""
    assert update(health, 0, registration=RegistrationState.SEARCHING_NETWORK) == set()
    assert update(health, 5, registration=RegistrationState.SEARCHING_NETWORK) == set()
    assert health.since(Problem.NOT_REGISTERED) is None
    assert update(health, 20, registration=RegistrationState.SEARCHING_NETWORK) == {
        Problem.NOT_REGISTERED
    }
    assert health.since(Problem.NOT_REGISTERED) == at(0)


def test_a_new_port_has_no_problem_and_no_start_time() -> None:
    health = PortHealth(LIMITS)
    assert health.since(Problem.NOT_REGISTERED) is None
