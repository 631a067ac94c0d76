"""The topic catalogue's owners and consumers, which the Kafka ACLs come from, match the code."""

import importlib

import pytest
from ssp_contracts import TOPICS, dead_letter_topic
from ssp_contracts.topics import AUDIT_CHECKPOINTS_TOPIC

from services.runtime.kafka_acls import Grant, acl_table, stale_keys
from services.runtime.kafka_security import AUDITOR, POISON, principals, services
from services.runtime.service import ServiceContext, ServiceSpec
from services.runtime.settings import ServiceSettings

MODULES = {
    "incidents": "services.incidents.main",
    "disclosure": "services.disclosure.main",
    "staffing": "services.staffing.main",
    "reporting": "services.reporting.main",
    "selftest": "services.runtime.selftest",
}


def spec(service: str) -> ServiceSpec:
    spec: ServiceSpec = importlib.import_module(MODULES[service]).SPEC
    return spec


def consumed(service: str) -> set[str]:
    s = spec(service)
    if s.projections is None:
        return set()
    ctx = ServiceContext(ServiceSettings.for_service(service, in_memory=True), None)  # type: ignore[arg-type]
    return {t for _, projections in s.projections(ctx) for p in projections for t in p.topics}


@pytest.mark.parametrize("service", sorted(MODULES))
def test_the_catalogue_names_exactly_the_topics_a_service_writes_and_reads(service: str) -> None:
    s = spec(service)
    written = {c.topic for c in s.translator.contracts()} if s.translator else set()
    # Reporting's checkpointer publishes the signed audit checkpoints itself, not by a relay.
    written |= {AUDIT_CHECKPOINTS_TOPIC.name} if service == "reporting" else set()
    assert written == {n for n, t in TOPICS.items() if t.owner == service}
    assert consumed(service) == {n for n, t in TOPICS.items() if service in t.consumers}


def test_every_service_has_a_principal_and_poison_only_in_test_profiles() -> None:
    assert set(services()) == set(MODULES)
    assert POISON not in principals() and POISON in principals(test=True)
    assert not [g for g in acl_table(prefix="") if g.principal == POISON]


def test_grants_follow_the_catalogue_and_carry_the_topic_prefix() -> None:
    table = acl_table(prefix="dev-")
    assert Grant("staffing", "topic", "dev-ssp.staffing.events", "WRITE") in table
    assert Grant("incidents", "topic", "dev-ssp.staffing.events", "READ") in table
    assert Grant("incidents", "topic", "dev-ssp.staffing.events.dlq", "WRITE") in table
    assert Grant("incidents", "topic", "dev-ssp.staffing.events", "WRITE") not in table
    assert all(g.name.startswith("dev-") for g in table if g.resource == "topic")
    # The auditor only ever reads.
    assert {g.operation for g in table if g.principal == AUDITOR} == {"READ"}
    # Writes: an owner to its topics, a consumer to the DLQs of what it reads; nothing else.
    for g in table:
        if g.operation == "WRITE":
            name = g.name.removeprefix("dev-")
            origin = name.removesuffix(".dlq")
            if name == dead_letter_topic(origin):
                assert g.principal in TOPICS[origin].consumers, g
            else:
                assert TOPICS[name].owner == g.principal, g


def test_applying_one_prefix_keeps_the_grants_of_another() -> None:
    # The demo (demo.), the benchmarks (bench.) and test runs share one broker; a stale grant
    # is dropped only under the prefix being applied.
    def keys(prefix: str) -> set[tuple[str, ...]]:
        return {
            (f"User:{g.principal}", g.operation, "ALLOW", g.resource, g.name, str(g.prefixed))
            for g in acl_table(prefix)
        }

    demo, bench, plain = keys("demo."), keys("bench."), keys("")
    gone = ("User:staffing", "WRITE", "ALLOW", "topic", "bench.ssp.staffing.retired", "False")
    have = demo | bench | plain | {gone}
    assert stale_keys(have, bench, "bench.") == [gone]
    assert stale_keys(have, demo, "demo.") == []
    assert stale_keys(have, plain, "") == []
    old = (*gone[:4], "ssp.old", "False")
    assert stale_keys(have | {old}, plain, "") == [old]
