"""Every refusal names its rule in one style: kebab-case ids, in every service.

Clients match on the rule id of ``{"detail": {"rule", "message", "field"}}``; one spelling
across the four services is part of that contract.
"""

import ast
import re

from services.runtime.domain import rule_of_error
from services.runtime.settings import REPO_ROOT

KEBAB = re.compile(r"\A[a-z0-9]+(-[a-z0-9]+)*\Z")
RAISED = re.compile(
    r"\b(?:RuleViolation|StateConflict|Forbidden|Unauthenticated|NotEntitled)\(\s*\"([^\"]+)\""
    r"|\bRefused\(\s*\d+,\s*\"([^\"]+)\"",
    re.S,
)
# A test that expects a refusal by its status alone would pass for the wrong refusal.
REFUSAL_STATUS = re.compile(r"(?:==|\(|\[)\s*(?:403|409|422)\b")


def rule_ids_in_code() -> dict[str, str]:
    """Rule id -> first file raising it, for every literal id in the services."""
    found: dict[str, str] = {}
    for path in sorted((REPO_ROOT / "services").rglob("*.py")):
        if "/tests/" in str(path):
            continue
        for groups in RAISED.findall(path.read_text()):
            rule = next(g for g in groups if g)
            found.setdefault(rule, str(path.relative_to(REPO_ROOT)))
    return found


def test_every_rule_id_is_kebab_case() -> None:
    ids = rule_ids_in_code()
    assert len(ids) > 80  # the scan sees the services' rules, not an empty tree
    assert {rule: where for rule, where in ids.items() if not KEBAB.match(rule)} == {}


def test_pydantic_error_types_become_kebab_case_rules() -> None:
    assert rule_of_error("string_pattern_mismatch") == "string-pattern-mismatch"
    assert KEBAB.match(rule_of_error("json_invalid"))


def test_every_test_of_a_refusal_checks_its_rule_id() -> None:
    unchecked = []
    paths = [
        *(REPO_ROOT / "services").rglob("tests/test_*.py"),
        *(REPO_ROOT / "tests").rglob("*.py"),
    ]
    for path in sorted(paths):
        source = path.read_text()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
                "test"
            ):
                body = ast.get_source_segment(source, node) or ""
                if REFUSAL_STATUS.search(body) and "rule" not in body:
                    unchecked.append(f"{path.relative_to(REPO_ROOT)}::{node.name}")
    assert unchecked == []
