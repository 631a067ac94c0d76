"""The restore drill at CI scale: a point-in-time restore of every store, then Kafka rebuilt.

The drill (``services/cli/recovery/drill.py``) writes the demo's workload through the HTTP
APIs, takes a base backup, writes more, notes the target, writes more; drops the four
databases and the subject registry's and restores them as of the target; wipes the broker's
data directory, republishes every store and rebuilds reporting from the new topics. Timings
are reported, never asserted; ``make faults`` runs it at the default scale and writes the
figures to docs/reliability.md.
"""

import asyncio
from collections.abc import Callable

import psycopg
import pytest

from services.cli.main import main
from services.cli.recovery.drill import WRITERS, DrillOptions, DrillResult, run_drill
from services.runtime.relay_store import RelayStore
from services.runtime.settings import ServiceSettings

# It wipes and restores the stack's Kafka and PostgreSQL: on a stack of its own in `make test`.
# The drill (in the first test's fixture) wipes and restarts Kafka: minutes on a starved machine.
pytestmark = [pytest.mark.stack, pytest.mark.own_stack, pytest.mark.timeout(900)]

CI = DrillOptions(schools=3, officers=2, seed=7, phase=3)


@pytest.fixture(scope="module")
def drill(stack: None) -> DrillResult:
    """One drill at CI scale."""
    result = run_drill(CI)
    print(result)
    return result


@pytest.mark.parametrize("service", WRITERS)
def test_exactly_the_events_up_to_the_target_are_restored(drill: DrillResult, service: str) -> None:
    assert drill.at_target[service] > 0
    assert drill.after_target[service] > drill.at_target[service], "no load after the target"
    assert drill.exact[service]
    assert drill.restored[service] == drill.at_target[service]


def test_reporting_is_restored_as_it_was_at_the_target(drill: DrillResult) -> None:
    assert drill.reporting_rows_equal


def test_the_subject_registry_is_restored_as_it_was_at_the_target(drill: DrillResult) -> None:
    # The stores' pseudonyms and the registry's agree as of the same instant.
    assert drill.restored["subjects"] > 0
    assert drill.exact["subjects"]


def test_republished_topics_carry_every_published_event_under_its_id(drill: DrillResult) -> None:
    assert drill.on_kafka_equal


def test_read_models_rebuilt_from_republished_topics_equal_their_state_before_the_loss(
    drill: DrillResult,
) -> None:
    assert drill.differences == []
    assert drill.audit.startswith("intact")


def test_wal_at_risk_was_measured(drill: DrillResult) -> None:
    assert drill.wal_at_risk


def test_republish_refuses_while_a_relay_leads_the_store(
    fresh_db: Callable[[str], str], capsys: pytest.CaptureFixture[str]
) -> None:
    db = fresh_db("selftest")
    settings = ServiceSettings.for_service("selftest", db_name=db)

    async def attempt() -> int:
        leader = await RelayStore.connect(settings.pg_dsn, "selftest-outbox")
        try:
            assert await leader.try_lead()
            return await asyncio.to_thread(main, ["republish", "--service", "selftest", "--db", db])
        finally:
            await leader.close()

    assert asyncio.run(attempt()) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("ssp republish: the relay selftest-outbox is running")
    assert "\n" not in err


def test_the_swap_refuses_while_the_live_database_has_connections(
    fresh_db: Callable[[str], str], capsys: pytest.CaptureFixture[str]
) -> None:
    live, restored = fresh_db("selftest"), fresh_db("selftest")
    with psycopg.connect(ServiceSettings.for_service("selftest", db_name=live).pg_dsn):
        argv = ["restore", "--service", "selftest", "--db", live, "--swap", "--restored", restored]
        assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith("stop the service first")
    assert "\n" not in err
