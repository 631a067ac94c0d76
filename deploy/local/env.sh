# shellcheck shell=bash
# Defaults for the local stack (deploy/local/stack.sh). Source it from bash:
#
#     source deploy/local/env.sh
#
# Every variable can be overridden from the environment before sourcing; only
# unset variables get the default. Nothing here starts or changes anything.

# The repository root, from this file's location (deploy/local/env.sh).
SSP_REPO_DIR="${SSP_REPO_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"

# All state (data directories, generated configs, logs, pid files).
: "${SSP_STATE_DIR:=${SSP_REPO_DIR}/.state}"

# Loopback ports of the infrastructure.
: "${SSP_KAFKA_PORT:=19092}"            # Kafka PLAINTEXT listener (clients)
: "${SSP_KAFKA_CONTROLLER_PORT:=19093}" # Kafka KRaft controller listener
: "${SSP_PG_PORT:=15432}"               # PostgreSQL 15
: "${SSP_PROM_PORT:=19090}"             # Prometheus web UI / API
: "${SSP_ALERTMANAGER_PORT:=19095}"     # Alertmanager web UI / API
: "${SSP_ALERT_WEBHOOK_PORT:=19096}"    # Alertmanager's webhook receiver (tests listen here)

# Loopback ports of the project's own services (Prometheus scrapes them).
: "${SSP_INCIDENTS_PORT:=8101}"
: "${SSP_DISCLOSURE_PORT:=8102}"
: "${SSP_STAFFING_PORT:=8103}"
: "${SSP_REPORTING_PORT:=8104}"

# Python used by stack.sh for the Kafka readiness check (needs kafka-python).
: "${SSP_PYTHON:=${SSP_REPO_DIR}/.venv/bin/python}"

# Derived conveniences for clients (override only if you know why).
: "${SSP_KAFKA_BOOTSTRAP:=127.0.0.1:${SSP_KAFKA_PORT}}"
: "${SSP_PG_HOST:=127.0.0.1}"
# PostgreSQL roles and their passwords: stack.sh generates them into
# ${SSP_STATE_DIR}/secrets/pg/<role>.password and the services' settings read them there
# (services/runtime/dbroles.py); set SSP_<SERVICE>_PG_USER/_PG_PASSWORD only to override.
: "${SSP_PROM_URL:=http://127.0.0.1:${SSP_PROM_PORT}}"

export SSP_REPO_DIR SSP_STATE_DIR \
    SSP_KAFKA_PORT SSP_KAFKA_CONTROLLER_PORT SSP_PG_PORT SSP_PROM_PORT \
    SSP_ALERTMANAGER_PORT SSP_ALERT_WEBHOOK_PORT \
    SSP_INCIDENTS_PORT SSP_DISCLOSURE_PORT SSP_STAFFING_PORT SSP_REPORTING_PORT \
    SSP_PYTHON SSP_KAFKA_BOOTSTRAP SSP_PG_HOST SSP_PROM_URL
