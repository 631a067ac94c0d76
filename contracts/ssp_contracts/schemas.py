"""JSON Schemas generated from the payload models, and their compatibility rules."""

import json
from pathlib import Path
from typing import Any

from ssp_contracts.registry import EventPayload, all_event_types

SCHEMA_DIR = Path(__file__).parent / "schemas"


def schema_of(cls: type[EventPayload]) -> dict[str, Any]:
    """The JSON Schema document of one event type."""
    schema = cls.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": cls.dataschema(),
        "x-topic": cls.topic,
        **schema,
    }


def render(schema: dict[str, Any]) -> str:
    """Stable text form, so a diff shows real changes only."""
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def schema_path(event_type: str) -> Path:
    """Where the committed schema of ``event_type`` lives."""
    return SCHEMA_DIR / f"{event_type}.json"


def stale_schemas() -> list[str]:
    """Event types whose committed schema differs from the model (or is missing)."""
    stale = []
    for event_type, cls in all_event_types().items():
        path = schema_path(event_type)
        if not path.exists() or path.read_text() != render(schema_of(cls)):
            stale.append(event_type)
    return stale


def incompatibilities(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Why ``new`` cannot read what writers of ``old`` produced (empty if compatible)."""
    problems = []
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name in old_props:
        if name not in new_props:
            problems.append(f"field {name!r} removed")
        elif _type_of(old_props[name]) != _type_of(new_props[name]):
            problems.append(f"field {name!r} changed type")
    for name in set(new.get("required", ())) - set(old.get("required", ())):
        problems.append(f"field {name!r} became required")
    return problems


def _type_of(prop: dict[str, Any]) -> Any:
    # Bounds (lengths, patterns) are limits, not types: a member of anyOf is compared by type.
    if "anyOf" in prop:
        return [_type_of(member) for member in prop["anyOf"]]
    return prop.get("type") or prop.get("$ref") or prop.get("allOf")


def write_schemas() -> list[str]:
    """Write every schema; refuse (ValueError) a change that breaks a version."""
    SCHEMA_DIR.mkdir(exist_ok=True)
    written = []
    for event_type, cls in all_event_types().items():
        path, new = schema_path(event_type), schema_of(cls)
        if path.exists():
            problems = incompatibilities(json.loads(path.read_text()), new)
            if problems:
                raise ValueError(f"{event_type}: {'; '.join(problems)}; publish a new version")
        text = render(new)
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            written.append(event_type)
    return written
