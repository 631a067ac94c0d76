"""Compose and Kubernetes run the services in production mode, every secret from a Secret."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from services.runtime.production import STORES, SUBJECT_HOLDERS

ROOT = Path(__file__).parents[2]
SERVICES = ("incidents", "disclosure", "staffing", "reporting")


def needed(service: str) -> set[str]:
    """The settings a production start of ``service`` checks (runtime/production.py)."""
    names = {"SSP_JWT_JWKS", f"SSP_KAFKA_{service.upper()}_PASSWORD"}
    names.add(f"SSP_{service.upper()}_PG_PASSWORD")
    if service in STORES:
        names.add(f"SSP_{service.upper()}_CIPHER_KEY")
        names.add(f"SSP_{service.upper()}_PSEUDONYM_KEY")
    if service in SUBJECT_HOLDERS:
        names.add(f"SSP_{service.upper()}_SUBJECT_MASTER_KEYS")
    return names


def test_the_image_runs_in_production_mode() -> None:
    assert "ENV SSP_ENV=production" in (ROOT / "deploy/compose/Dockerfile").read_text()


@pytest.mark.parametrize("service", SERVICES)
def test_compose_gives_each_service_its_secrets_as_compose_secrets(service: str) -> None:
    compose = yaml.safe_load((ROOT / "deploy/compose/compose.yaml").read_text())
    spec: dict[str, Any] = compose["services"][service]
    env: dict[str, str] = spec["environment"]
    assert env["SSP_ENV"] == "production"
    mounted = {f"/run/secrets/{name}" for name in spec["secrets"]}
    for name in needed(service):
        if name in env and not env[name].startswith("${"):
            assert env[name] in mounted, (service, name)  # a path to a mounted secret
        else:
            assert env.get(f"{name}_FILE") in mounted or env.get(name, "").startswith("${"), (
                service,
                name,
            )
    assert not {k: v for k, v in env.items() if "PASSWORD" in k and not k.endswith("_FILE")}


@pytest.mark.parametrize("service", SERVICES)
def test_kubernetes_gives_each_service_its_secrets_from_the_secret(service: str) -> None:
    docs = list(yaml.safe_load_all((ROOT / "deploy/k8s/services.yaml").read_text()))
    config = next(
        d
        for d in yaml.safe_load_all((ROOT / "deploy/k8s/config.yaml").read_text())
        if d["kind"] == "ConfigMap"
    )["data"]
    [deployment] = [
        d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == f"ssp-{service}"
    ]
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e for e in container["env"]}
    assert config["SSP_ENV"] == "production"
    for name in needed(service) - set(config):
        assert "secretKeyRef" in env[name]["valueFrom"], (service, name)
    # The Kafka password is the one Strimzi's User Operator made for the service's KafkaUser.
    kafka = env[f"SSP_KAFKA_{service.upper()}_PASSWORD"]["valueFrom"]["secretKeyRef"]
    assert kafka["name"] == f"ssp-{service}"
    assert config["SSP_JWT_JWKS"].startswith("https://")
