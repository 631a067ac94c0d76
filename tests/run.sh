#!/usr/bin/env bash
# The whole suite as `make test` runs it: two pytest sessions at once.
#
# Most of a stack test's time is spent waiting (for a broker, a relay, a restart), so two
# sessions on two cores take little more than the longer of them. The tests marked
# `own_stack` (they SIGKILL, stop or wipe Kafka and PostgreSQL, or are long) run in the second
# session on a stack of their own, started by the session's `stack` fixture on ports
# SSP_SECOND_STACK_OFFSET (default 50) above the first stack's and stopped at the end, so no
# test of the first session ever sees their outages. Extra arguments go to both sessions.
set -euo pipefail
cd "$(dirname "$0")/.."

# The first stack's ports (the caller's, else the defaults), to derive the second's from.
# shellcheck source=../deploy/local/env.sh
source deploy/local/env.sh
offset="${SSP_SECOND_STACK_OFFSET:-50}"
# The slowest tests of each session are listed at its end: where the run's time goes.
pytest=(.venv/bin/pytest -q -p no:cacheprovider --durations=15 "$@")

second_stack() {
    export SSP_STATE_DIR="${SSP_STATE_DIR}-own"
    for var in KAFKA_PORT KAFKA_CONTROLLER_PORT KAFKA_BROKER2_PORT KAFKA_BROKER3_PORT \
        KAFKA_CONTROLLER2_PORT KAFKA_CONTROLLER3_PORT PG_PORT PROM_PORT ALERTMANAGER_PORT \
        ALERT_WEBHOOK_PORT INCIDENTS_PORT DISCLOSURE_PORT STAFFING_PORT REPORTING_PORT; do
        name="SSP_${var}"
        export "${name}=$((${!name} + offset))"
    done
    export SSP_PG_RESTORE_PORT=$((SSP_PG_PORT + 1))
    # Derived from the ports and the state directory: env.sh sets them again when unset.
    unset SSP_KAFKA_BOOTSTRAP SSP_PROM_URL SSP_KAFKA_CA_FILE SSP_KAFKA_CREDENTIALS_DIR
    # shellcheck source=../deploy/local/env.sh
    source deploy/local/env.sh
}

log="$(mktemp -t ssp-own-stack.XXXXXX.log)"
(
    second_stack
    status=0
    "${pytest[@]}" -m own_stack >"${log}" 2>&1 || status=$?
    deploy/local/stack.sh down >>"${log}" 2>&1 || true
    exit "${status}"
) &
second=$!

first_status=0
"${pytest[@]}" -m "not own_stack" || first_status=$?

second_status=0
wait "${second}" || second_status=$?
echo
echo "=== second session (own_stack, on its own stack) ==="
cat "${log}"
rm -f "${log}"
echo "first session: exit ${first_status}; second session: exit ${second_status}"
# pytest's 5 is "no tests collected": a selection by path may leave one session empty.
for s in "${first_status}" "${second_status}"; do
    if [[ "${s}" != 0 && "${s}" != 5 ]]; then exit "${s}"; fi
done
