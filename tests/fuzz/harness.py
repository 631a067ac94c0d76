"""Schemathesis over one in-process service: every operation, every role, real and random ids."""

import os
import random
import traceback
import zlib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err, Ok
from schemathesis.python.asgi import ASGIClient

from services.runtime.testing import guarded_routes
from tests.fuzz.bodies import special_body
from tests.fuzz.seed import Seeded

# A 201 of these operations creates a record that later operations may act on (stateful).
CREATES = {
    "POST /incidents": "incident_id",
    "POST /searches": "search_id",
    "POST /evidence": "item_id",
    "POST /arrests": "arrest_id",
    "POST /activities": "activity_id",
    "POST /requests": "request_id",
    "POST /deployments": "deployment_id",
    "POST /safeguarding-referrals": "referral_id",
}
# ... and these name the record in their body.
CREATES_BY_FIELD = {"POST /schools": "school_id", "POST /officers": "officer_id"}
CI_EXAMPLES = 70  # per guarded operation: with the scenarios, ~10,000 requests in all
PROBE_EXAMPLES = 10  # /healthz, /readyz, /metrics, /asyncapi.json have no input to speak of
PERMITTED_PERCENT = 85
SCOPES = {"school_id", "borough", "officer_id"}
SCOPE_PERCENT = 85
Choose = Callable[[Sequence[Any]], Any]


def examples() -> int:
    """Examples per operation: ``SSP_FUZZ_EXAMPLES`` (``make fuzz``), else the CI cap."""
    return int(os.environ.get("SSP_FUZZ_EXAMPLES") or CI_EXAMPLES)


def base_seed() -> int:
    """``SSP_FUZZ_SEED``; else 0 in CI (the same cases every run), random in the full run."""
    if os.environ.get("SSP_FUZZ_SEED"):
        return int(os.environ["SSP_FUZZ_SEED"])
    return random.randrange(1 << 30) if os.environ.get("SSP_FUZZ_EXAMPLES") else 0


@dataclass
class ServerError:
    """A 5xx (or an exception out of the app): what broke and the request that reproduces it."""

    operation: str
    status: int
    error: str
    curl: str


@dataclass
class Outcome:
    """Statuses per operation, and the server errors found."""

    statuses: dict[str, Counter[int]] = field(default_factory=dict)
    errors: list[ServerError] = field(default_factory=list)
    unsendable: Counter[str] = field(default_factory=Counter)
    replays_cut: int = 0  # runs hypothesis ended early as flaky (see scenarios.py)

    @property
    def requests(self) -> int:
        """Requests sent."""
        return sum(sum(c.values()) for c in self.statuses.values())

    def useful_share(self, label: str) -> float:
        """Share of answers that got past authentication and the permission table."""
        counts = self.statuses.get(label, Counter())
        useful = sum(n for s, n in counts.items() if s < 500 and s not in (401, 403))
        return useful / max(1, sum(counts.values()))


class ServiceFuzzer:
    """Fuzzes each operation of one service's OpenAPI with tokens of its permitted roles."""

    def __init__(
        self, app: Any, client: ASGIClient, tokens: dict[str, Mapping[str, str]], seeded: Seeded
    ) -> None:
        self.schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        # A reproducing request must show every value (a query key named "key" included); the
        # tokens it then shows are development tokens that expire within hours.
        self.schema.config.output.sanitization.enabled = False
        self.client, self.tokens, self.seeded = client, tokens, seeded
        table = app.state.ssp.permissions.table
        self.allowed = {
            f"{method} {path}": sorted(table[action])
            for method, path, action in guarded_routes(app)
        }
        self.outcome = Outcome()
        self.seed = base_seed()  # each operation's own: this plus a hash of its label

    def operations(self) -> list[Any]:
        """Every operation, creating ones first so that later ones can act on what they made."""
        ops = [_ok(result) for result in self.schema.get_all_operations()]
        return sorted(ops, key=lambda op: (op.label not in CREATES, op.label))

    def run(self) -> Outcome:
        """Fuzz every operation, then chains of them; the statuses and server errors."""
        from tests.fuzz.scenarios import run_scenarios  # it builds on this module

        operations = self.operations()
        for operation in operations:
            self.fuzz(operation)
        # Creating again once everything else has changed the store: a write that poisons a
        # later one (say, protocol hours every new incident is checked against) shows here.
        for operation in operations:
            if operation.label in CREATES:
                self.fuzz(operation, " (again)", max(1, examples() // 4))
        run_scenarios(self)
        return self.outcome

    @staticmethod
    def settings(max_examples: int, steps: int = 1) -> settings:
        """Hypothesis settings: capped, no shrinking, no example database (seeds are explicit)."""
        return settings(
            max_examples=max_examples,
            stateful_step_count=steps,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )

    def fuzz(self, operation: Any, suffix: str = "", count: int | None = None) -> None:
        """Run the generated cases of one operation, recording every answer."""
        label = operation.label
        allowed = self.allowed.get(label)
        count = count or (examples() if allowed else PROBE_EXAMPLES)
        # Three positive cases to one negative: valid input reaches the domain and the queries.
        strategies = [operation.as_strategy(generation_mode=GenerationMode.POSITIVE)] * 3
        if allowed:  # input errors of the probes are not worth a tenth of the budget
            strategies.append(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
        cases = st.sampled_from(strategies).flatmap(lambda strategy: strategy)
        self.outcome.statuses[label + suffix] = Counter()

        @hypothesis.seed(self.seed + zlib.crc32((label + suffix).encode()))
        @self.settings(count)
        @hypothesis.given(data=st.data())
        def one(data: st.DataObject) -> None:
            case = data.draw(cases)

            def choose(options: Sequence[Any]) -> Any:
                return data.draw(st.sampled_from(options))

            parts = (case.path_parameters, case.query, case.body)
            self.use_real_values(case, choose, parts)
            body = special_body(label, case)
            if body is not None and choose((False, True)):
                case.body, case.media_type = data.draw(body), "text/csv"
            self.send(case, label + suffix, self.role(allowed, choose))

        try:
            one()
        except hypothesis.errors.Flaky:
            self.outcome.replays_cut += 1

    def role(self, allowed: list[str] | None, choose: Choose) -> str | None:
        """Mostly a role the table permits; else another or no token, so refusals are fuzzed too."""
        if not allowed or choose(range(100)) < PERMITTED_PERCENT:
            return str(choose(allowed or sorted(self.tokens)))
        others = [r for r in sorted(self.tokens) if r not in allowed]
        return choose([*others, None])

    def use_real_values(self, case: Any, choose: Choose, parts: Sequence[Any]) -> None:
        """Replace generated ids and scopes by seeded or created ones, two times in three."""
        for part in parts:
            if not isinstance(part, dict):
                continue
            for name in list(part):
                known = self.seeded.values.get(name)
                # Hypothesis leans to the first choice when it simplifies, so the first choice is
                # the real value: otherwise a change elsewhere in the code (it also draws from the
                # code's own literals) can tip an operation into refusals only.
                if not known or not choose((True, True, False)):
                    continue  # a third keep what was generated: random ids and scopes too
                # Scopes mostly the seeded one the tokens hold, else refusals would drown the rest.
                first = SCOPE_PERCENT if name in SCOPES else 50
                part[name] = known[0] if choose(range(100)) < first else choose(known)

    def send(self, case: Any, label: str, role: str | None) -> Any:
        """Call the app with the role's token; record the status, any 5xx and created ids."""
        headers = self.tokens[role] if role else {}
        try:
            response = case.call(session=self.client, headers=headers)
        except Exception as exc:
            if not _raised_by_service(exc):
                # The client could not even build the request (e.g. a bad header value).
                self.outcome.unsendable[f"{label}: {type(exc).__name__}: {exc}"[:160]] += 1
                return None
            self.outcome.statuses[label][500] += 1
            self.failed(case, label, 500, f"[{role}] {_summary(exc)}", headers)
            return None
        self.outcome.statuses[label][response.status_code] += 1
        try:
            case.validate_response(response, checks=[not_a_server_error], headers=headers)
        except Exception as exc:
            error = f"[{role}] {exc}: {response.text[:300]}"
            self.failed(case, label, response.status_code, error, headers)
        if response.status_code in (200, 201):
            self.harvest(case, label, response)
        return response

    def harvest(self, case: Any, label: str, response: Any) -> None:
        """Remember ids the service handed out, so later cases act on them."""
        label = label.removesuffix(" (scenario)").removesuffix(" (again)")
        if label in CREATES:
            answer = response.json()
            if isinstance(answer, dict) and "id" in answer:
                self.seeded.add(CREATES[label], answer["id"])
        elif label in CREATES_BY_FIELD and isinstance(case.body, dict):
            name = CREATES_BY_FIELD[label]
            if isinstance(case.body.get(name), str):
                self.seeded.add(name, case.body[name])

    def failed(
        self, case: Any, label: str, status: int, error: str, headers: Mapping[str, str]
    ) -> None:
        """Record a server error with a reproducing request."""
        try:
            curl = case.as_curl_command(headers=headers)
        except Exception as exc:
            curl = f"(no curl: {exc}) {case.method} {case.formatted_path} body={case.body!r}"
        self.outcome.errors.append(ServerError(label, status, error, curl))


def _ok(result: Ok[Any] | Err[Any]) -> Any:
    """The operation of a loaded schema entry; an invalid one fails the run, as it must."""
    if isinstance(result, Err):
        raise result.err()
    return result.ok()


def _raised_by_service(exc: BaseException) -> bool:
    frames = traceback.extract_tb(exc.__traceback__)
    return any("/services/" in f.filename or "/starlette/" in f.filename for f in frames)


def _summary(exc: BaseException) -> str:
    """The exception and the deepest frame of the services' own code."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/services/" in f.filename]
    last = frames[-1] if frames else None
    where = f" at {last.filename.split('/services/')[-1]}:{last.lineno}" if last else ""
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}{where}"
