"""Every Kubernetes manifest validates strictly; Strimzi's resources follow the catalogue."""

from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml
from ssp_contracts import TOPICS

from services.cli import strimzi
from services.runtime.kafka_security import POISON, username
from tests.contract.strimzi_schema import SCHEMAS

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"


def documents() -> list[tuple[str, dict[str, Any]]]:
    """(file, document) for every resource the kustomization lists."""
    listed = yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    return [
        (name, doc)
        for name in listed
        for doc in yaml.safe_load_all((K8S / name).read_text())
        if doc is not None
    ]


def test_the_kustomization_lists_every_manifest() -> None:
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    on_disk = {str(p.relative_to(K8S)) for p in K8S.rglob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk


@pytest.mark.parametrize(
    ("name", "doc"), documents(), ids=lambda v: v if isinstance(v, str) else v["metadata"]["name"]
)
def test_manifest_is_valid(name: str, doc: dict[str, Any]) -> None:
    if doc["apiVersion"].startswith("kafka.strimzi.io/"):
        jsonschema.validate(doc, SCHEMAS[doc["kind"]])
    else:
        # The Kubernetes API's own schemas, strict: unknown fields are errors.
        kubernetes_validate.validate(doc, kubernetes_validate.latest_version(), strict=True)


def test_a_misspelt_field_is_caught() -> None:
    (_, user), *_ = [(n, d) for n, d in documents() if d["kind"] == "KafkaUser"]
    bad = {**user, "spec": {**user["spec"], "authentcation": {"type": "scram-sha-512"}}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMAS["KafkaUser"])
    deployment = next(d for _, d in documents() if d["kind"] == "Deployment")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(
            {**deployment, "spec": {**deployment["spec"], "replica": 1}},
            kubernetes_validate.latest_version(),
            strict=True,
        )


def test_strimzi_resources_are_generated_from_the_current_catalogue() -> None:
    assert strimzi.stale() == [], "run: ssp kafka strimzi"
    kinds = [d for _, d in documents()]
    topics = {d["spec"]["topicName"]: d["spec"] for d in kinds if d["kind"] == "KafkaTopic"}
    assert set(topics) == set(TOPICS)
    assert {(s["replicas"], s["config"]["min.insync.replicas"]) for s in topics.values()} == {
        (3, "2")
    }
    users = {d["metadata"]["name"] for d in kinds if d["kind"] == "KafkaUser"}
    assert username(POISON) not in users  # the fault-injection principal is test-only


def test_compose_runs_three_authenticated_brokers_without_the_test_principal() -> None:
    path = K8S.parent / "compose" / "compose.yaml"
    services = yaml.safe_load(path.read_text())["services"]
    assert {"kafka-1", "kafka-2", "kafka-3"} <= set(services)
    for name in ("incidents", "disclosure", "staffing", "reporting"):
        env = services[name]["environment"]
        # Its own Kafka password, as a mounted Compose secret (production mode reads *_FILE).
        assert f"SSP_KAFKA_{name.upper()}_PASSWORD_FILE" in env
        assert (env["SSP_KAFKA_REPLICATION_FACTOR"], env["SSP_KAFKA_MIN_INSYNC_REPLICAS"]) == (
            "3",
            "2",
        )
    assert "--test" not in services["kafka-secure"]["command"]
    assert POISON.upper() not in path.read_text()


def test_each_service_runs_three_replicas_that_a_drain_cannot_take_together() -> None:
    docs = [d for _, d in documents()]
    budgets = {
        tuple(sorted(d["spec"]["selector"]["matchLabels"].items())): d["spec"]
        for d in docs
        if d["kind"] == "PodDisruptionBudget"
    }
    deployments = [d for d in docs if d["kind"] == "Deployment"]
    # Reporting runs as two deployments: the API with the read models, and the audit trail.
    assert {d["metadata"]["name"] for d in deployments} == {
        f"ssp-{s}" for s in ("incidents", "disclosure", "staffing", "reporting", "reporting-audit")
    }
    for d in deployments:
        spec, pod = d["spec"], d["spec"]["template"]["spec"]
        assert spec["replicas"] == 3
        budget = budgets[tuple(sorted(spec["selector"]["matchLabels"].items()))]
        assert budget == {"maxUnavailable": 1, "selector": spec["selector"]}
        [container] = pod["containers"]
        # The probes ask what the runtime serves (services/runtime/http.py).
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        for kind in ("requests", "limits"):
            assert set(container["resources"][kind]) == {"cpu", "memory"}


def test_no_consumer_group_has_more_replicas_than_its_topics_have_partitions() -> None:
    """Kafka gives each partition to one member of a group: a replica beyond the partition
    count would sit idle (deploy/k8s/README.md)."""
    replicas = {
        d["metadata"]["name"].removeprefix("ssp-").removesuffix("-audit"): d["spec"]["replicas"]
        for _, d in documents()
        if d["kind"] == "Deployment"
    }
    for spec in TOPICS.values():
        for consumer in spec.consumers:
            if consumer in replicas:
                assert replicas[consumer] <= spec.partitions, (consumer, spec.name)
