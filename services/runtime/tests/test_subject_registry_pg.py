"""The subject registry in PostgreSQL: made by the migration in a database of its own, one
pseudonym per subject under concurrent allocation, rows only selected, inserted and deleted by
the holders' roles, and nothing for reporting."""

import asyncio
import threading
import uuid
from collections.abc import Callable

import psycopg
import pytest

from services.disclosure.application import DisclosureApplication
from services.incidents.application import IncidentsApplication
from services.runtime.dbroles import migrate
from services.runtime.settings import ServiceSettings
from services.runtime.subject_registry import PostgresRegistry, registry_database
from services.runtime.subjects import subject_keys_of

pytestmark = pytest.mark.stack


@pytest.fixture
def stores(
    fresh_db: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> dict[str, ServiceSettings]:
    """Incidents and disclosure migrated on fresh databases, with a fresh registry."""
    monkeypatch.setenv("SSP_SUBJECT_REGISTRY_DB", fresh_db("registry"))
    made = {}
    holders = (("incidents", IncidentsApplication), ("disclosure", DisclosureApplication))
    for service, cls in holders:
        settings = ServiceSettings.for_service(service, db_name=fresh_db(service))
        asyncio.run(migrate(settings, cls))
        made[service] = settings
    return made


def registry_dsn(settings: ServiceSettings) -> str:
    """The registry's DSN as ``settings``' role."""
    return settings.model_copy(update={"db_name": registry_database()}).pg_dsn


def test_concurrent_allocations_by_two_services_agree(stores: dict[str, ServiceSettings]) -> None:
    refs = [f"pupil-{uuid.uuid4().hex[:16]}" for _ in range(20)]
    got: dict[str, set[str]] = {ref: set() for ref in refs}
    start = threading.Barrier(4)

    def allocate(service: str) -> None:
        # Each thread its own connection, as two processes would have.
        registry = PostgresRegistry(service, registry_dsn(stores[service]))
        start.wait()
        for ref in refs:
            got[ref].add(registry.allocate(ref, "pupil"))
        registry.close()

    threads = [threading.Thread(target=allocate, args=(s,)) for s in [*stores, *stores]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(len(pseudonyms) == 1 for pseudonyms in got.values()), got
    assert len({p for ps in got.values() for p in ps}) == len(refs)


def test_services_share_the_pseudonym_and_erasure_forgets_it_everywhere(
    stores: dict[str, ServiceSettings],
) -> None:
    incidents = subject_keys_of(stores["incidents"])
    disclosure = subject_keys_of(stores["disclosure"])
    ref = f"pupil-{uuid.uuid4().hex[:16]}"
    shared = incidents.pseudonym(ref)
    assert disclosure.pseudonym(ref) == shared
    # An expiry in incidents forgets only its own row; an erasure in disclosure, every row.
    assert incidents.erase(ref, everywhere=False) is not None
    assert disclosure.registry.holders(ref) == {"disclosure": shared}
    assert incidents.pseudonym(ref) == shared
    assert disclosure.erase(ref) is not None
    assert incidents.registry.holders(ref) == {}
    assert incidents.erase(ref) is not None
    again = disclosure.pseudonym(ref)
    assert again != shared and incidents.pseudonym(ref) == again


def test_holders_select_insert_delete_and_nobody_else_gets_in(
    stores: dict[str, ServiceSettings],
) -> None:
    subject_keys_of(stores["incidents"]).pseudonym(f"pupil-{uuid.uuid4().hex[:16]}")
    with psycopg.connect(registry_dsn(stores["disclosure"]), autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM ssp_subject_registry").fetchone() == (1,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE ssp_subject_registry SET pseudonym = 'pupil-x'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DROP TABLE ssp_subject_registry")
    # Reporting (and every other consumer) cannot even connect to the registry.
    reporting = ServiceSettings.for_service("reporting")
    with pytest.raises(psycopg.OperationalError, match="permission denied"):
        psycopg.connect(registry_dsn(reporting)).close()
