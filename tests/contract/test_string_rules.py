"""Every string of every contract is constrained: a pattern, enum or format, and a maximum length.

A string without a rule is where free text, a name or an address could reach Kafka; so the walk
below goes through every committed JSON Schema (properties, items, anyOf members, $defs) and
fails on the first unconstrained one.
"""

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError
from ssp_contracts import all_event_types
from ssp_contracts.events.common import PRINTABLE_PATTERN, producing
from ssp_contracts.events.staffing import SchoolRegistered
from ssp_contracts.schemas import schema_path

from services.disclosure.translation import translator as disclosure
from services.incidents.translation import translator as incidents
from services.runtime.selftest import translator as selftest
from services.staffing.translation import translator as staffing

# Formats whose own grammar bounds the length.
BOUNDED_FORMATS = {"date", "date-time", "time", "uuid", "duration"}


def strings(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every string schema under ``node``, with the JSON path it sits at."""
    if isinstance(node, dict):
        if node.get("type") == "string":
            yield where, node
        for key, child in node.items():
            yield from strings(child, f"{where}/{key}")
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from strings(child, f"{where}[{i}]")


def unconstrained(node: dict[str, Any]) -> str | None:
    """What rule the string schema lacks, or None when it is constrained."""
    if "enum" in node or "const" in node:
        return None
    if "pattern" not in node and "format" not in node:
        return "no pattern, enum or format"
    if "maxLength" not in node and node.get("format") not in BOUNDED_FORMATS:
        return "no maxLength"
    return None


@pytest.mark.parametrize("event_type", sorted(all_event_types()))
def test_every_string_has_a_pattern_enum_or_format_and_a_maximum_length(event_type: str) -> None:
    schema = json.loads(schema_path(event_type).read_text())
    loose = [
        f"{where}: {why}" for where, node in strings(schema, "") if (why := unconstrained(node))
    ]
    assert loose == [], f"{event_type}: {loose}"


def test_the_walk_finds_a_loose_string_in_a_nested_definition() -> None:
    # The check itself: a plain string deep inside $defs and anyOf is reported
    schema = {"$defs": {"X": {"properties": {"a": {"anyOf": [{"type": "string"}]}}}}}
    found = [(where, unconstrained(node)) for where, node in strings(schema, "")]
    assert found == [("/$defs/X/properties/a/anyOf[0]", "no pattern, enum or format")]
    assert unconstrained({"type": "string", "pattern": "^a$"}) == "no maxLength"
    assert unconstrained({"type": "string", "format": "date-time"}) is None


def test_only_superseded_contracts_keep_a_merely_printable_string() -> None:
    # Version 1 evidence events carried free text; they are read for history, never written.
    # (The self-test's filler is synthetic: no service and no API writes that topic.)
    written = {
        c.event_type for t in (incidents, disclosure, staffing, selftest) for c in t.contracts()
    }
    printable = {
        event_type
        for event_type in all_event_types()
        for _, node in strings(json.loads(schema_path(event_type).read_text()), "")
        if node.get("pattern") == PRINTABLE_PATTERN
    }
    assert printable == {
        "uk.police.ssp.incidents.evidence_seized.v1",
        "uk.police.ssp.incidents.evidence_transferred.v1",
        "uk.police.ssp.platform.selftest_ticked.v1",
    }
    assert not printable & written - {"uk.police.ssp.platform.selftest_ticked.v1"}
    assert re.match(PRINTABLE_PATTERN, "PROP-2026-0042")


def test_a_writer_may_not_put_words_in_an_id_while_history_still_reads() -> None:
    school = {
        "school_id": "Jo Bloggs 12 Elm Road",
        "name": "Warwick Boys School",
        "borough": "Waltham Forest",
        "phase": "secondary",
        "pupil_count": 1000,
        "programme": "safer_schools_partnership",
    }
    assert SchoolRegistered.model_validate(school).school_id == school["school_id"]
    with producing(), pytest.raises(ValidationError) as refused:
        SchoolRegistered.model_validate(school)
    assert refused.value.errors()[0]["type"] == "string_pattern_mismatch"
    assert refused.value.errors()[0]["loc"] == ("school_id",)
    with producing():
        SchoolRegistered.model_validate({**school, "school_id": "warwick-boys"})
