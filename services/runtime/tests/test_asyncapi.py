"""The AsyncAPI document lists every contract a service publishes, with its schema."""

from fastapi.testclient import TestClient

from services.incidents.main import SPEC, create_app
from services.runtime.settings import ServiceSettings


def test_every_published_contract_is_a_channel_with_a_description() -> None:
    app = create_app(ServiceSettings.for_service("incidents", in_memory=True))
    with TestClient(app) as client:
        document = client.get("/asyncapi.json").json()
    assert SPEC.translator is not None
    contracts = SPEC.translator.contracts()
    assert contracts, "the incidents service publishes contracts"
    channels = document["channels"]
    for contract in contracts:
        channel = channels[f"{contract.topic}:{contract.event_type}"]
        assert channel["address"] == contract.topic
        assert contract.event_type in channel["description"]
