"""The stateful part of the fuzz: chains of operations linked by the ids they hand out."""

import random
from collections import Counter
from typing import Any

import hypothesis

from tests.fuzz.harness import ServiceFuzzer, examples

SCENARIO_STEPS = 10
SCENARIOS_PER_RUN = 5


def run_scenarios(fuzzer: ServiceFuzzer) -> None:
    """Schemathesis chains operations by the links it infers from the schema (create, then act).

    Bodies and queries still get real scopes (else every create is refused and nothing
    chains), but path ids come from the links, i.e. from what the scenario itself created.
    """
    rng = random.Random(fuzzer.seed)

    def choose(options: Any) -> Any:
        return rng.choice(list(options))

    machine = fuzzer.schema.as_state_machine()
    if not machine.bundles:
        return  # a read-only service (reporting): no operation hands out an id

    # The base is built at run time from the schema: mypy cannot check a class it cannot see.
    class Scenario(machine):  # type: ignore[misc, valid-type]
        def call(self, case: Any, **kwargs: Any) -> Any:
            fuzzer.use_real_values(case, choose, (case.query, case.body))
            label = f"{case.operation.label} (scenario)"
            fuzzer.outcome.statuses.setdefault(label, Counter())
            role = fuzzer.role(fuzzer.allowed.get(case.operation.label), choose)
            response = fuzzer.send(case, label, role)
            if response is None:
                hypothesis.reject()  # the app raised (recorded): this scenario cannot go on
            return response

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            pass  # send() has checked it and recorded any failure

    # Short runs, each with its own seed: a real store answers a replayed prefix differently
    # (what the first pass created is there now), which hypothesis calls flaky and stops on.
    for run in range(max(1, examples() // 4 // SCENARIOS_PER_RUN)):
        try:
            hypothesis.seed(fuzzer.seed + run)(Scenario).run(
                settings=fuzzer.settings(SCENARIOS_PER_RUN, SCENARIO_STEPS)
            )
        except hypothesis.errors.Flaky:
            fuzzer.outcome.replays_cut += 1
