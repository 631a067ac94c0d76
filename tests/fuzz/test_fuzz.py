"""Every operation of every service, fuzzed from its OpenAPI: no answer is ever a 5xx."""

import pytest

from tests.fuzz.conftest import Fuzz, Fuzzed

# The whole fuzz runs in the fixture of the first test: about 2.5 minutes on an idle 2-core CI.
# Long: `make test` runs it in the second session to balance the two.
pytestmark = [pytest.mark.stack, pytest.mark.own_stack, pytest.mark.timeout(1200)]

# Below this share of answers past the permission table an operation was not really exercised.
MIN_USEFUL_SHARE = 0.3


def status_mix(service: str, run: Fuzzed) -> str:
    """The per-operation table of statuses, and every server error with its request."""
    outcome = run.outcome
    lines = [
        f"{service}: {outcome.requests} requests in {run.seconds:.0f}s"
        f" (SSP_FUZZ_SEED={run.fuzzer.seed} repeats them;"
        f" {outcome.replays_cut} runs cut short as flaky replays)"
    ]
    for label, counts in outcome.statuses.items():
        mix = " ".join(f"{s}:{n}" for s, n in sorted(counts.items()))
        lines.append(f"  {label:<58} useful {outcome.useful_share(label):4.0%}  {mix}")
    for what, n in outcome.unsendable.most_common():
        lines.append(f"  not sent ({n}x): {what}")
    for error in outcome.errors:
        lines.append(f"5xx {error.operation} {error.status} {error.error}\n    {error.curl}")
    return "\n".join(lines)


@pytest.mark.parametrize("service", ["staffing", "incidents", "disclosure", "reporting"])
def test_no_operation_answers_a_server_error(fuzzed: Fuzz, service: str) -> None:
    # Given the service with real schools, a deployed officer and records, and a token per role,
    # fuzzed on every operation with positive and negative cases, real and random ids
    run = fuzzed.runs[service]
    report = status_mix(service, run)
    print(report)

    # Then no answer was a 5xx
    assert not run.outcome.errors, f"{len(run.outcome.errors)} server errors:\n{report}"
    # And each guarded operation got past the door often enough to have been exercised
    thin = [
        label
        for label in run.fuzzer.allowed
        if label in run.outcome.statuses and run.outcome.useful_share(label) < MIN_USEFUL_SHARE
    ]
    assert not thin, f"operations mostly refused at the door: {thin}\n{report}"


def test_the_pipeline_still_delivers_everything_after_the_fuzz(fuzzed: Fuzz) -> None:
    # Given every event the fuzz made the services store (odd text, edge values and all)
    # Then each was published by its service's relay, and reporting applied every message
    assert fuzzed.unpublished == 0, f"{fuzzed.unpublished} stored events never reached Kafka"
    assert fuzzed.unapplied == 0, f"{fuzzed.unapplied} messages never applied by reporting"
