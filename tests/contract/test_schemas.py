"""The committed JSON Schemas are current, versions stay compatible, payloads carry no PII."""

import json
import re

import pytest
from ssp_contracts import all_event_types
from ssp_contracts.schemas import (
    incompatibilities,
    render,
    schema_of,
    schema_path,
    stale_schemas,
)

# Field names that would carry a direct personal identifier onto Kafka. A bare ``name`` is
# allowed: schools and training modules have names; people are referred to by pseudonymous refs.
PERSONAL = re.compile(
    r"(pupil_name|person_name|full_name|surname|forename|first_name|last_name|"
    r"(^|_)dob($|_)|date_of_birth|birth_date|address|postcode|phone|email|"
    r"person_description|subject_description)"
)


def test_committed_schemas_match_the_models() -> None:
    assert stale_schemas() == [], "run `.venv/bin/ssp schemas write` and commit the result"


def test_every_committed_schema_belongs_to_a_model() -> None:
    committed = {p.stem for p in schema_path("x").parent.glob("*.json")}
    assert committed == set(all_event_types())


@pytest.mark.parametrize("event_type", sorted(all_event_types()))
def test_no_contract_field_is_a_direct_personal_identifier(event_type: str) -> None:
    schema = schema_of(all_event_types()[event_type])
    fields = set(schema.get("properties", {}))
    for definition in schema.get("$defs", {}).values():
        fields |= set(definition.get("properties", {}))
    assert not [f for f in fields if PERSONAL.search(f)], event_type


def test_removing_a_field_is_incompatible() -> None:
    old = {"properties": {"a": {"type": "string"}, "b": {"type": "integer"}}, "required": ["a"]}
    new = {"properties": {"a": {"type": "string"}}, "required": ["a"]}
    assert incompatibilities(old, new) == ["field 'b' removed"]


def test_changing_a_type_or_requiring_a_new_field_is_incompatible() -> None:
    old = {"properties": {"a": {"type": "string"}}, "required": ["a"]}
    new = {
        "properties": {"a": {"type": "integer"}, "c": {"type": "string"}},
        "required": ["a", "c"],
    }
    assert incompatibilities(old, new) == ["field 'a' changed type", "field 'c' became required"]


def test_adding_an_optional_field_is_compatible() -> None:
    old = {"properties": {"a": {"type": "string"}}, "required": ["a"]}
    new = {"properties": {"a": {"type": "string"}, "d": {"type": "string"}}, "required": ["a"]}
    assert incompatibilities(old, new) == []


def test_rendering_is_stable() -> None:
    for cls in all_event_types().values():
        text = render(schema_of(cls))
        assert render(json.loads(text)) == text
