#!/usr/bin/env bash
# Local infrastructure stack without Docker: single-node Kafka (KRaft) on the
# JDK, PostgreSQL 15, Prometheus and Alertmanager, all on loopback, all state under
# ${SSP_STATE_DIR:-<repo>/.state}. See deploy/local/README.md.
#
#   deploy/local/stack.sh up       start what is not running, wait until it answers
#   deploy/local/stack.sh down     stop everything (also leftovers of crashed runs)
#   deploy/local/stack.sh status   one line per part; exit 0 only if all are up
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=env.sh
source "${HERE}/env.sh"

REPO="${SSP_REPO_DIR}"
mkdir -p "${SSP_STATE_DIR}"
STATE="$(cd "${SSP_STATE_DIR}" && pwd -P)"

KAFKA_DIR="${STATE}/kafka"
KAFKA_LIBS="${KAFKA_DIR}/libs"
KAFKA_PIDFILE="${KAFKA_DIR}/kafka.pid"
KAFKA_LOG="${KAFKA_DIR}/kafka.log"
KAFKA_HEAP_OPTS="${SSP_KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"

PG_BIN="${SSP_PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_OS_USER="${SSP_PG_OS_USER:-ssp-pg}"
PG_DIR="${STATE}/pg"
PG_DATA="${PG_DIR}/data"
PG_LOG="${PG_DIR}/postgres.log"
# The four stores, and the subject registry every store holding subjects shares
# (services/runtime/subject_registry.py).
PG_DATABASES=(incidents disclosure staffing reporting "${SSP_SUBJECT_REGISTRY_DB:-ssp_subjects}")

PROM_BIN="${SSP_PROM_BIN:-/usr/bin/prometheus}"
PROM_DIR="${STATE}/prometheus"
PROM_PIDFILE="${PROM_DIR}/prometheus.pid"
PROM_LOG="${PROM_DIR}/prometheus.log"
PROM_CONFIG="${PROM_DIR}/prometheus.yml"
PROM_RULES="${REPO}/deploy/prometheus/alerts.yml"
# Extra rule files (tests put fast copies of the alert rules here).
PROM_EXTRA_RULES="${PROM_DIR}/rules"

AM_BIN="${SSP_ALERTMANAGER_BIN:-/usr/bin/prometheus-alertmanager}"
AM_DIR="${STATE}/alertmanager"
AM_PIDFILE="${AM_DIR}/alertmanager.pid"
AM_LOG="${AM_DIR}/alertmanager.log"
AM_CONFIG="${AM_DIR}/alertmanager.yml"

WAIT_SECONDS="${SSP_STACK_WAIT_SECONDS:-60}"
STOP_SECONDS="${SSP_STACK_STOP_SECONDS:-30}"

# ---------------------------------------------------------------- helpers ---

say() { printf '[stack] %s\n' "$*"; }
warn() { printf '[stack] WARNING: %s\n' "$*" >&2; }
die() {
    printf '[stack] ERROR: %s\n' "$*" >&2
    exit 1
}

# fail PART LOGFILE MESSAGE: say which part failed, show its log, exit 1.
fail() {
    local part="$1" logfile="$2" msg="$3"
    {
        printf '\n[stack] FAILED: %s: %s\n' "${part}" "${msg}"
        printf '[stack] log: %s\n' "${logfile}"
        if [[ -f "${logfile}" ]]; then
            printf '[stack] ---- last 20 lines of %s ----\n' "${logfile}"
            tail -n 20 "${logfile}"
            printf '[stack] ----\n'
        fi
    } >&2
    exit 1
}

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# Escape a literal string for use inside an (extended) regex given to pgrep -f.
re_escape() { printf '%s' "$1" | sed -e 's/[][\\.*^$+?(){}|]/\\&/g'; }

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# A live process (a zombie waiting to be reaped by init does not count).
pid_alive() {
    [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null || return 1
    local st
    st="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
    [[ -n "${st}" && "${st}" != Z* ]]
}

# wait_gone PID SECONDS: wait until PID no longer exists at all (zombies included).
wait_gone() {
    local i
    for ((i = 0; i < $2 * 4; i++)); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.25
    done
    return 1
}

read_pid() { if [[ -s "$1" ]]; then tr -dc '0-9' <"$1"; fi; }

# pid_cmdline_has PID REGEX: the process's command line matches REGEX.
pid_cmdline_has() {
    local cmdline
    cmdline="$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)" || return 1
    grep -Eq -- "$2" <<<"${cmdline}"
}

# PIDs of processes whose command line matches REGEX (never this script).
pids_matching() { pgrep -f -- "$1" 2>/dev/null | grep -vx -e "$$" -e "${BASHPID}" || true; }

# stop_pids NAME SIGNAL PID...: SIGNAL, wait up to STOP_SECONDS, then SIGKILL.
stop_pids() {
    local name="$1" sig="$2" pid waited=0 alive
    shift 2
    [[ $# -gt 0 ]] || return 0
    say "stopping ${name} (pid $*)"
    kill "-${sig}" "$@" 2>/dev/null || true
    while :; do
        alive=()
        for pid in "$@"; do pid_alive "${pid}" && alive+=("${pid}"); done
        [[ ${#alive[@]} -eq 0 ]] && return 0
        if ((waited >= STOP_SECONDS * 2)); then
            warn "${name} did not stop within ${STOP_SECONDS}s; sending SIGKILL to ${alive[*]}"
            kill -KILL "${alive[@]}" 2>/dev/null || true
            sleep 0.5
            return 0
        fi
        sleep 0.5
        waited=$((waited + 1))
    done
}

# Start a command in the background in its own session, detached from this
# shell (no terminal, no inherited lock fd), appending output to LOG.
# Usage: spawn LOG PIDFILE CMD...
spawn() {
    local logfile="$1" pidfile="$2"
    shift 2
    (cd "$(dirname "${logfile}")" && exec setsid nohup "$@" >>"${logfile}" 2>&1 </dev/null 9>&-) &
    echo "$!" >"${pidfile}"
}

# Keep logs from growing without bound across many runs.
rotate_log() {
    local f="$1"
    if [[ -f "${f}" ]] && (($(stat -c %s "${f}") > 50 * 1024 * 1024)); then
        mv -f "${f}" "${f}.1"
    fi
}

# Install Debian packages (only ever called when something is missing).
APT_UPDATED=0
apt_install() {
    local sudo=()
    if ! is_root; then
        command -v sudo >/dev/null || die "need to install $* but not root and no sudo"
        sudo=(sudo)
    fi
    say "installing missing Debian packages: $*"
    if [[ "${APT_UPDATED}" -eq 0 ]]; then
        "${sudo[@]}" apt-get update -q || die "apt-get update failed"
        APT_UPDATED=1
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "$@" || die "apt-get install $* failed"
}

ensure_tools() {
    local pkgs=()
    command -v curl >/dev/null || pkgs+=(curl)
    command -v java >/dev/null || pkgs+=(openjdk-17-jre-headless)
    if ! kafka_libs_ok; then command -v mvn >/dev/null || pkgs+=(maven); fi
    [[ -x "${PG_BIN}/initdb" ]] || pkgs+=(postgresql-15)
    [[ -x "${PROM_BIN}" ]] || pkgs+=(prometheus)
    [[ -x "${AM_BIN}" ]] || pkgs+=(prometheus-alertmanager)
    # The tests run the fast suite with the clock on British Summer Time dates.
    command -v faketime >/dev/null || pkgs+=(faketime)
    backup_tools pkgs
    if [[ ${#pkgs[@]} -gt 0 ]]; then apt_install "${pkgs[@]}"; fi
    [[ -x "${PG_BIN}/initdb" ]] || die "${PG_BIN}/initdb still missing after install"
    [[ -x "${PROM_BIN}" ]] || die "${PROM_BIN} still missing after install"
    [[ -x "${AM_BIN}" ]] || die "${AM_BIN} still missing after install"
}

# ------------------------------------------------------------------ kafka ---
# One broker (node 1, in ${KAFKA_DIR}) or, with SSP_KAFKA_BROKERS=3 (make up BROKERS=3),
# three combined broker+controller nodes in ${KAFKA_DIR}/cluster3/node<n>. Node 1 listens on
# SSP_KAFKA_PORT in both shapes, so clients' bootstrap address does not change.

KAFKA_BROKERS="${SSP_KAFKA_BROKERS:-1}"
[[ "${KAFKA_BROKERS}" == 1 || "${KAFKA_BROKERS}" == 3 ]] || die "SSP_KAFKA_BROKERS must be 1 or 3"

kafka_libs_stamp() { sha256sum "${HERE}/pom.xml" | cut -d' ' -f1; }

kafka_libs_ok() {
    [[ -f "${KAFKA_LIBS}/.fetched" ]] &&
        [[ "$(cat "${KAFKA_LIBS}/.fetched")" == "$(kafka_libs_stamp)" ]] &&
        compgen -G "${KAFKA_LIBS}/kafka_2.13-*.jar" >/dev/null
}

# kafka_node_dir BROKERS N: the directory of node N in a cluster of BROKERS nodes.
kafka_node_dir() { if [[ "$1" == 1 ]]; then echo "${KAFKA_DIR}"; else echo "${KAFKA_DIR}/cluster$1/node$2"; fi; }

# kafka_ports N: "client-port controller-port" of node N.
kafka_ports() {
    case "$1" in
        1) echo "${SSP_KAFKA_PORT} ${SSP_KAFKA_CONTROLLER_PORT}" ;;
        2) echo "${SSP_KAFKA_BROKER2_PORT} ${SSP_KAFKA_CONTROLLER2_PORT}" ;;
        3) echo "${SSP_KAFKA_BROKER3_PORT} ${SSP_KAFKA_CONTROLLER3_PORT}" ;;
    esac
}

# All pids of the broker of one node directory.
kafka_node_pids() {
    local dir="$1" pid re
    re="kafka\.Kafka $(re_escape "${dir}/server.properties")"
    pid="$(read_pid "${dir}/kafka.pid")"
    {
        if pid_alive "${pid}" && pid_cmdline_has "${pid}" "${re}"; then echo "${pid}"; fi
        pids_matching "${re}"
    } | sort -un
}

# Pids of every broker this state dir runs, in either shape.
kafka_pids() {
    local n
    {
        kafka_node_pids "$(kafka_node_dir 1 1)"
        for n in 1 2 3; do kafka_node_pids "$(kafka_node_dir 3 "${n}")"; done
    } | sort -un
}

kafka_fetch() {
    kafka_libs_ok && return 0
    local tmp="${KAFKA_LIBS}.tmp" mvnlog="${KAFKA_DIR}/mvn.log"
    say "kafka: fetching Kafka jars from Maven Central (once) ..."
    rm -rf "${tmp}"
    if ! mvn -B -q -f "${HERE}/pom.xml" dependency:copy-dependencies \
        -DoutputDirectory="${tmp}" -DincludeScope=runtime >"${mvnlog}" 2>&1; then
        fail kafka "${mvnlog}" "mvn dependency:copy-dependencies failed"
    fi
    kafka_libs_stamp >"${tmp}/.fetched"
    rm -rf "${KAFKA_LIBS}"
    mv "${tmp}" "${KAFKA_LIBS}"
    say "kafka: $(find "${KAFKA_LIBS}" -name '*.jar' | wc -l) jars in ${KAFKA_LIBS}"
}

# kafka_write_config DIR N: server.properties of node N (SASL_SSL for clients, mTLS controller).
kafka_write_config() {
    local dir="$1" n="$2" ports voters="" i p c rf isr
    read -r p c <<<"$(kafka_ports "${n}")"
    for ((i = 1; i <= KAFKA_BROKERS; i++)); do
        voters+="${voters:+,}${i}@127.0.0.1:$(kafka_ports "${i}" | cut -d' ' -f2)"
    done
    rf="${KAFKA_BROKERS}"
    isr=$((KAFKA_BROKERS > 1 ? 2 : 1))
    mkdir -p "${dir}"
    (
        umask 077
        cat >"${dir}/server.properties" <<CONF
# Generated by deploy/local/stack.sh on every start; edits are overwritten.
process.roles=broker,controller
node.id=${n}
controller.quorum.voters=${voters}
listeners=SASL_SSL://127.0.0.1:${p},CONTROLLER://127.0.0.1:${c}
advertised.listeners=SASL_SSL://127.0.0.1:${p}
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_SSL
listener.security.protocol.map=CONTROLLER:SSL,SASL_SSL:SASL_SSL
log.dirs=${dir}/data
$(kafka_security_config)

num.partitions=3
default.replication.factor=${rf}
min.insync.replicas=${isr}
offsets.topic.replication.factor=${rf}
transaction.state.log.replication.factor=${rf}
transaction.state.log.min.isr=${isr}
share.coordinator.state.topic.replication.factor=${rf}
share.coordinator.state.topic.min.isr=${isr}
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
unclean.leader.election.enable=false

# small machine (2 cores shared with the tests)
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
background.threads=4
log.retention.hours=168
CONF
    )
    cat >"${dir}/log4j2.properties" <<'CONF'
# Generated by deploy/local/stack.sh. The broker logs to stdout, which
# stack.sh appends to kafka.log next to this file.
status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = STDOUT
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.org_apache_kafka.name = org.apache.kafka
logger.org_apache_kafka.level = INFO
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.state.name = state.change.logger
logger.state.level = WARN
logger.authorizer.name = kafka.authorizer.logger
logger.authorizer.level = WARN
CONF
}

# Sets KAFKA_JAVA to the java command line (without main class) for the node in DIR.
kafka_java() {
    local dir="$1" heap_opts="${KAFKA_HEAP_OPTS}"
    if [[ "${KAFKA_BROKERS}" != 1 && -z "${SSP_KAFKA_HEAP_OPTS:-}" ]]; then heap_opts="-Xms192m -Xmx384m"; fi
    # shellcheck disable=SC2206 # word splitting of the heap options is intended
    local heap=(${heap_opts})
    KAFKA_JAVA=(java "${heap[@]}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20
        -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent
        -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
        "-Dlog4j2.configurationFile=${dir}/log4j2.properties"
        "-Dkafka.logs.dir=${dir}" -cp "${KAFKA_LIBS}/*")
}

kafka_cluster_id() {
    local f="${KAFKA_DIR}/cluster${KAFKA_BROKERS}.id" id
    [[ "${KAFKA_BROKERS}" != 1 ]] || f="${KAFKA_DIR}/cluster.id"
    if [[ ! -s "${f}" ]]; then
        id="$(java -cp "${KAFKA_LIBS}/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
        [[ -n "${id}" ]] || fail kafka "${KAFKA_DIR}/format.log" "could not generate a cluster id"
        echo "${id}" >"${f}"
    fi
    cat "${f}"
}

# kafka_format DIR: format a node's storage once, with the admin and broker SCRAM users in it.
kafka_format() {
    local dir="$1" id fmtlog="$1/format.log"
    kafka_migrate_unsecured "${dir}"
    [[ -f "${dir}/data/meta.properties" ]] && return 0
    id="$(kafka_cluster_id)"
    say "kafka: formatting storage of ${dir} (cluster id ${id}, SCRAM users ssp-admin, ssp-broker)"
    kafka_java "${dir}"
    if ! "${KAFKA_JAVA[@]}" kafka.tools.StorageTool format -t "${id}" \
        -c "${dir}/server.properties" \
        --add-scram "SCRAM-SHA-512=[name=ssp-admin,password=$(kafka_password admin)]" \
        --add-scram "SCRAM-SHA-512=[name=ssp-broker,password=$(kafka_password broker)]" \
        >"${fmtlog}" 2>&1; then
        fail kafka "${fmtlog}" "kafka-storage format failed"
    fi
    touch "${dir}/data/.scram"
}

# kafka_node_up DIR N: start node N unless it runs.
kafka_node_up() {
    local dir="$1" n="$2" pids p c
    mkdir -p "${dir}"
    pids="$(kafka_node_pids "${dir}")"
    if [[ -n "${pids}" ]]; then
        echo "${pids}" | head -n 1 >"${dir}/kafka.pid"
        say "kafka: node ${n} already running (pid $(cat "${dir}/kafka.pid"))"
        return 0
    fi
    rm -f "${dir}/kafka.pid"
    read -r p c <<<"$(kafka_ports "${n}")"
    if port_open "${p}" || port_open "${c}"; then
        fail kafka "${dir}/kafka.log" "port ${p} or ${c} is in use by a process that is not this stack's broker (state ${STATE}); stop it or set SSP_KAFKA_PORT/SSP_KAFKA_CONTROLLER_PORT (and SSP_KAFKA_BROKER<n>_PORT/SSP_KAFKA_CONTROLLER<n>_PORT with BROKERS=3)"
    fi
    kafka_write_config "${dir}" "${n}"
    kafka_format "${dir}"
    rotate_log "${dir}/kafka.log"
    say "kafka: starting node ${n} on 127.0.0.1:${p} (SASL_SSL; controller ${c})"
    kafka_java "${dir}"
    spawn "${dir}/kafka.log" "${dir}/kafka.pid" "${KAFKA_JAVA[@]}" kafka.Kafka "${dir}/server.properties"
}

kafka_up() {
    mkdir -p "${KAFKA_DIR}"
    local n other
    other=$((KAFKA_BROKERS == 1 ? 3 : 1))
    # The other shape shares node 1's ports: stop it (its data stays) before starting this one.
    for ((n = 1; n <= other; n++)); do
        # shellcheck disable=SC2046 # one pid per word
        stop_pids "kafka (${other}-broker shape)" TERM $(kafka_node_pids "$(kafka_node_dir "${other}" "${n}")")
    done
    kafka_fetch
    kafka_tls
    kafka_credentials
    for ((n = 1; n <= KAFKA_BROKERS; n++)); do kafka_node_up "$(kafka_node_dir "${KAFKA_BROKERS}" "${n}")" "${n}"; done
}

kafka_wait() {
    local py="${SSP_PYTHON}" n dir p
    [[ -x "${py}" ]] || fail kafka "${KAFKA_LOG}" "no Python at ${py} for the readiness check (run 'make venv' or set SSP_PYTHON to a Python with kafka-python)"
    for ((n = 1; n <= KAFKA_BROKERS; n++)); do
        dir="$(kafka_node_dir "${KAFKA_BROKERS}" "${n}")"
        p="$(kafka_ports "${n}" | cut -d' ' -f1)"
        # TLS on both listeners makes a start on a loaded machine slower than the other parts.
        if ! "${py}" "${HERE}/wait_kafka.py" --bootstrap "127.0.0.1:${p}" \
            --timeout "${SSP_KAFKA_WAIT_SECONDS:-$((WAIT_SECONDS * 2))}" --pid-file "${dir}/kafka.pid"; then
            fail kafka "${dir}/kafka.log" "broker did not answer an authenticated metadata request on 127.0.0.1:${p}"
        fi
    done
}

kafka_topics() {
    local ssp="${REPO}/.venv/bin/ssp"
    if [[ ! -x "${ssp}" ]]; then
        say "kafka: ${ssp} not found; skipping 'ssp topics create'"
        return 0
    fi
    kafka_secure
    say "kafka: ssp topics create"
    local rc=0 isr=$((KAFKA_BROKERS > 1 ? 2 : 1))
    SSP_KAFKA_REPLICATION_FACTOR="${KAFKA_BROKERS}" SSP_KAFKA_MIN_INSYNC_REPLICAS="${isr}" \
        "${ssp}" topics create || rc=$?
    if [[ ${rc} -ne 0 ]]; then
        fail "kafka topics" "${KAFKA_LOG}" "'${ssp} topics create' exited with ${rc}"
    fi
}

kafka_down() {
    local pids
    pids="$(kafka_pids)"
    # shellcheck disable=SC2086 # one pid per word
    stop_pids kafka TERM ${pids}
    rm -f "${KAFKA_PIDFILE}" "${KAFKA_DIR}"/cluster3/node*/kafka.pid
}

# ------------------------------------------------------- kafka security ---
# TLS (a local CA and one broker certificate), SCRAM passwords and ACLs. Nothing here is
# committed: it is all generated into ${KAFKA_DIR}/tls and ${KAFKA_DIR}/credentials on first
# run, and the services find it there (services/runtime/kafka_security.py).

KAFKA_TLS="${KAFKA_DIR}/tls"

kafka_password() { tr -d '\n' <"${SSP_KAFKA_CREDENTIALS_DIR}/$1"; }

# Passwords of every principal, incl. the test-only 'poison' (this stack is never production).
kafka_credentials() {
    local ssp="${REPO}/.venv/bin/ssp"
    [[ -x "${ssp}" ]] || fail kafka "${KAFKA_LOG}" "${ssp} not found (run 'make venv'): it generates the Kafka passwords"
    "${ssp}" kafka credentials --test >/dev/null || fail kafka "${KAFKA_LOG}" "ssp kafka credentials failed"
}

# A CA and a broker certificate (CN=ssp-broker, for 127.0.0.1/localhost; server and client
# use: brokers present it to the controllers, which require it). EC P-256 keys: their TLS
# handshakes cost a fraction of RSA's on a busy 2-core machine.
kafka_tls() {
    [[ -s "${KAFKA_TLS}/broker.p12" && -s "${KAFKA_TLS}/ca.crt" ]] && return 0
    command -v openssl >/dev/null || apt_install openssl
    local log="${KAFKA_DIR}/tls.log" pw
    say "kafka: generating a local CA and the broker certificate in ${KAFKA_TLS}"
    rm -rf "${KAFKA_TLS}"
    mkdir -p "${KAFKA_TLS}"
    chmod 700 "${KAFKA_TLS}"
    pw="$(openssl rand -hex 24)"
    printf '%s\n' "${pw}" >"${KAFKA_TLS}/keystore.password"
    {
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -sha256 \
            -days 3650 -subj "/CN=ssp-local-ca" \
            -keyout "${KAFKA_TLS}/ca.key" -out "${KAFKA_TLS}/ca.crt" &&
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -sha256 \
                -subj "/CN=ssp-broker" \
                -keyout "${KAFKA_TLS}/broker.key" -out "${KAFKA_TLS}/broker.csr" &&
            printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" \
                "extendedKeyUsage=serverAuth,clientAuth" "basicConstraints=CA:FALSE" \
                >"${KAFKA_TLS}/broker.ext" &&
            openssl x509 -req -sha256 -days 825 -in "${KAFKA_TLS}/broker.csr" \
                -CA "${KAFKA_TLS}/ca.crt" -CAkey "${KAFKA_TLS}/ca.key" -CAcreateserial \
                -extfile "${KAFKA_TLS}/broker.ext" -out "${KAFKA_TLS}/broker.crt" &&
            openssl pkcs12 -export -name ssp-broker -in "${KAFKA_TLS}/broker.crt" \
                -inkey "${KAFKA_TLS}/broker.key" -certfile "${KAFKA_TLS}/ca.crt" \
                -out "${KAFKA_TLS}/broker.p12" -passout "pass:${pw}"
    } >"${log}" 2>&1 || fail kafka "${log}" "openssl could not make the certificates"
    chmod 600 "${KAFKA_TLS}"/*
    chmod 644 "${KAFKA_TLS}/ca.crt"
}

kafka_security_config() {
    local pw
    pw="$(tr -d '\n' <"${KAFKA_TLS}/keystore.password")"
    cat <<CONF

# Security (deploy/local/README.md): clients SCRAM-SHA-512 over TLS; the controller listener
# takes only brokers, by their certificate; every request is checked against the ACLs.
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="ssp-broker" password="$(kafka_password broker)";
ssl.keystore.type=PKCS12
ssl.keystore.location=${KAFKA_TLS}/broker.p12
ssl.keystore.password=${pw}
ssl.key.password=${pw}
ssl.truststore.type=PEM
ssl.truststore.location=${KAFKA_TLS}/ca.crt
listener.name.controller.ssl.client.auth=required
ssl.principal.mapping.rules=RULE:^CN=([^,]+)$/\$1/,DEFAULT
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:ssp-admin;User:ssp-broker
allow.everyone.if.no.acl.found=false
# A TLS handshake with the controller can take seconds on a starved machine; the 10 s default
# abandons it and starts over, which after a kill -9 kept the broker from registering for minutes.
socket.connection.setup.timeout.ms=30000
socket.connection.setup.timeout.max.ms=60000
CONF
}

# A node formatted before the broker had SASL has no SCRAM users and cannot be secured in
# place: its data is moved aside (events are safe in the stores; 'ssp relay' resends them).
kafka_migrate_unsecured() {
    local dir="$1"
    [[ -f "${dir}/data/meta.properties" && ! -f "${dir}/data/.scram" ]] || return 0
    warn "kafka: ${dir}/data predates SASL; moving it to ${dir}/data.unsecured and reformatting"
    rm -rf "${dir}/data.unsecured"
    mv "${dir}/data" "${dir}/data.unsecured"
}

# SCRAM users of the services, the auditor and 'poison', and the ACL table (ssp kafka secure).
kafka_secure() {
    say "kafka: ssp kafka secure --test (SCRAM users and ACLs)"
    "${REPO}/.venv/bin/ssp" kafka secure --test || fail "kafka security" "${KAFKA_LOG}" "'ssp kafka secure' failed"
}

# --------------------------------------------------------------- postgres ---

PG_RE="postgres -D $(re_escape "${PG_DATA}")( |$)"

# Run a command as the PostgreSQL OS user (PostgreSQL refuses to run as root).
as_pg() {
    if is_root; then
        (cd "${PG_DIR}" && runuser -u "${PG_OS_USER}" -- "$@" 9>&-)
    else
        (cd "${PG_DIR}" && "$@" 9>&-)
    fi
}

pg_socket_dir() {
    local d="${PG_DIR}/run"
    # unix socket paths are limited to 107 bytes
    if ((${#d} + 20 > 107)); then
        d="/tmp/ssp-pg-$(printf '%s' "${STATE}" | sha256sum | cut -c1-12)"
    fi
    echo "${d}"
}

pg_prepare_user() {
    mkdir -p "${PG_DIR}"
    is_root || return 0
    if ! id -u "${PG_OS_USER}" >/dev/null 2>&1; then
        say "postgres: creating system user ${PG_OS_USER}"
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "${PG_OS_USER}" || die "useradd ${PG_OS_USER} failed"
    fi
    # Every ancestor of the pg dir must be traversable by that user.
    local d="${PG_DIR}" parents=()
    while [[ "${d}" != "/" ]]; do
        d="$(dirname "${d}")"
        parents+=("${d}")
    done
    for d in "${parents[@]}"; do
        if ! runuser -u "${PG_OS_USER}" -- test -x "${d}" 2>/dev/null; then
            say "postgres: chmod o+x ${d} so ${PG_OS_USER} can reach ${PG_DIR}"
            chmod o+x "${d}"
        fi
    done
    if [[ "$(stat -c %U "${PG_DIR}")" != "${PG_OS_USER}" ]]; then
        chown -R "${PG_OS_USER}:" "${PG_DIR}"
    fi
}

pg_pid() { if [[ -s "${PG_DATA}/postmaster.pid" ]]; then head -n 1 "${PG_DATA}/postmaster.pid"; fi; }

pg_running() {
    [[ -s "${PG_DATA}/PG_VERSION" ]] &&
        as_pg "${PG_BIN}/pg_ctl" -D "${PG_DATA}" status >/dev/null 2>&1 &&
        pid_alive "$(pg_pid)"
}

# The stack administers PostgreSQL as ssp through the Unix socket (peer authentication of the
# OS user that runs it, see pg_write_hba); every TCP client needs its role's password.
pg_psql() {
    PGCONNECT_TIMEOUT=5 as_pg "${PG_BIN}/psql" -X -q -h "$(pg_socket_dir)" -p "${SSP_PG_PORT}" \
        -U ssp -v ON_ERROR_STOP=1 "$@"
}

pg_initdb() {
    [[ -s "${PG_DATA}/PG_VERSION" ]] && return 0
    local locale=C
    if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale=C.UTF-8; fi
    say "postgres: initdb ${PG_DATA} (superuser ssp, scram-sha-256 on 127.0.0.1, locale ${locale})"
    as_pg rm -rf "${PG_DATA}"
    pg_password_of ssp >"${PG_DIR}/.pwfile"
    if is_root; then chown "${PG_OS_USER}:" "${PG_DIR}/.pwfile"; fi
    local initlog="${PG_DIR}/initdb.log" rc=0
    as_pg "${PG_BIN}/initdb" -D "${PG_DATA}" --username=ssp --pwfile="${PG_DIR}/.pwfile" \
        --auth-host=scram-sha-256 --auth-local=peer --encoding=UTF8 --locale="${locale}" >"${initlog}" 2>&1 || rc=$?
    rm -f "${PG_DIR}/.pwfile"
    [[ ${rc} -eq 0 ]] || fail postgres "${initlog}" "initdb failed"
    printf "\n# local stack settings (deploy/local/stack.sh)\ninclude_if_exists = 'ssp.conf'\n" |
        as_pg tee -a "${PG_DATA}/postgresql.conf" >/dev/null
}

pg_write_config() {
    local sock
    sock="$(pg_socket_dir)"
    as_pg mkdir -p "${sock}"
    as_pg tee "${PG_DATA}/ssp.conf" >/dev/null <<EOF
# Generated by deploy/local/stack.sh on every start; edits are overwritten.
listen_addresses = '127.0.0.1'
port = ${SSP_PG_PORT}
unix_socket_directories = '${sock}'
max_connections = 200
shared_buffers = 128MB
log_line_prefix = '%m [%p] %q%u@%d '
log_min_duration_statement = -1
EOF
}

pg_up() {
    pg_prepare_user
    if pg_running; then
        say "postgres: already running (pid $(pg_pid))"
        return 0
    fi
    if port_open "${SSP_PG_PORT}"; then
        fail postgres "${PG_LOG}" "port ${SSP_PG_PORT} is in use by a process that is not this stack's PostgreSQL (state ${STATE}); stop it or set SSP_PG_PORT"
    fi
    # A crashed earlier run may have left a postmaster that pg_ctl cannot see.
    local left old
    left="$(pids_matching "${PG_RE}")"
    # shellcheck disable=SC2086
    [[ -z "${left}" ]] || stop_pids "postgres leftovers" INT ${left}
    # PostgreSQL refuses to start while the pid in postmaster.pid exists, even
    # as a not yet reaped zombie of a killed postmaster.
    old="$(pg_pid)"
    if [[ -n "${old}" ]] && kill -0 "${old}" 2>/dev/null; then
        if [[ "$(ps -o stat= -p "${old}")" == Z* ]] || pid_cmdline_has "${old}" "postgres"; then
            wait_gone "${old}" 15 ||
                fail postgres "${PG_LOG}" "old postmaster pid ${old} (${PG_DATA}/postmaster.pid) does not go away"
        else
            say "postgres: removing stale ${PG_DATA}/postmaster.pid (pid ${old} is another program)"
            as_pg rm -f "${PG_DATA}/postmaster.pid"
        fi
    fi
    pg_initdb
    pg_write_config
    pg_write_hba || true
    rotate_log "${PG_LOG}"
    if is_root; then
        touch "${PG_LOG}"
        chown "${PG_OS_USER}:" "${PG_LOG}"
    fi
    say "postgres: starting on 127.0.0.1:${SSP_PG_PORT}"
    if ! as_pg setsid -w "${PG_BIN}/pg_ctl" -D "${PG_DATA}" -l "${PG_LOG}" -w -t "${WAIT_SECONDS}" \
        start >>"${PG_DIR}/pg_ctl.log" 2>&1; then
        fail postgres "${PG_LOG}" "pg_ctl start failed (see also ${PG_DIR}/pg_ctl.log)"
    fi
}

pg_wait_and_create_dbs() {
    local i err="${PG_DIR}/psql.err"
    for ((i = 0; i < WAIT_SECONDS; i++)); do
        if pg_psql -d postgres -Atc 'select 1' >/dev/null 2>"${err}"; then break; fi
        sleep 1
    done
    if ((i >= WAIT_SECONDS)); then
        fail postgres "${PG_LOG}" "psql -h 127.0.0.1 -p ${SSP_PG_PORT} -U ssp -c 'select 1' failed: $(cat "${err}")"
    fi
    rm -f "${err}"
    pg_roles
    local existing db
    existing="$(pg_psql -d postgres -Atc 'select datname from pg_database')"
    for db in "${PG_DATABASES[@]}"; do
        if ! grep -qx "${db}" <<<"${existing}"; then
            say "postgres: create database ${db} (owner ${PG_MIGRATOR})"
            pg_psql -d postgres -c "create database ${db} owner ${PG_MIGRATOR}" ||
                fail postgres "${PG_LOG}" "create database ${db} failed"
        else
            pg_adopt_database "${db}"
        fi
    done
}

# ------------------------------------------------ postgres roles (issue 11) ---
# One login role per service (no superuser, no CREATEDB, no CREATEROLE), a migration role that
# owns the databases and the tables a service must not change (services/runtime/dbroles.py),
# passwords generated once into ${STATE}/secrets/pg/<role>.password, where the services'
# settings find them. PostgreSQL checks them with scram-sha-256 on every TCP connection.

PG_SECRETS="${STATE}/secrets/pg"
PG_MIGRATOR=ssp_migrate
PG_SERVICE_ROLES=(ssp_incidents ssp_disclosure ssp_staffing ssp_reporting)

# pg_password_of ROLE: print the role's password, generating it on first use.
pg_password_of() {
    local file="${PG_SECRETS}/$1.password"
    if [[ ! -s "${file}" ]]; then
        mkdir -p "${PG_SECRETS}"
        chmod 700 "${STATE}/secrets" "${PG_SECRETS}"
        (umask 077 && head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32 >"${file}.tmp")
        mv -f "${file}.tmp" "${file}"
    fi
    cat "${file}"
}

# Peer authentication maps only the OS user running PostgreSQL to ssp on the socket.
# Returns 0 when the file changed.
pg_write_hba() {
    local os_user
    os_user="$(is_root && echo "${PG_OS_USER}" || id -un)"
    printf '# Generated by deploy/local/stack.sh; edits are overwritten.\nssp-admin %s ssp\n' \
        "${os_user}" | as_pg tee "${PG_DATA}/pg_ident.conf" >/dev/null
    as_pg tee "${PG_DATA}/pg_hba.conf.new" >/dev/null <<'EOF'
# Generated by deploy/local/stack.sh; edits are overwritten. No trust anywhere.
local   all   ssp   peer map=ssp-admin
host    all   all   127.0.0.1/32   scram-sha-256
host    all   all   ::1/128        scram-sha-256
EOF
    if as_pg cmp -s "${PG_DATA}/pg_hba.conf.new" "${PG_DATA}/pg_hba.conf"; then
        as_pg rm -f "${PG_DATA}/pg_hba.conf.new"
        return 1
    fi
    as_pg mv -f "${PG_DATA}/pg_hba.conf.new" "${PG_DATA}/pg_hba.conf"
    return 0
}

pg_roles() {
    local role sql
    sql="ALTER ROLE ssp PASSWORD '$(pg_password_of ssp)';"
    for role in "${PG_MIGRATOR}" "${PG_SERVICE_ROLES[@]}"; do
        sql+="
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN CREATE ROLE ${role}; END IF;
END \$\$;
ALTER ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  PASSWORD '$(pg_password_of "${role}")';"
    done
    # Passed on stdin: a password on the command line would show in ps.
    pg_psql -d postgres <<<"${sql}" || fail postgres "${PG_LOG}" "creating the roles failed"
    # A cluster made before the roles trusted loopback: its hba is rewritten and reloaded.
    if pg_write_hba; then
        say "postgres: pg_hba.conf now scram-sha-256 only (peer for ssp on the socket); reloading"
        pg_psql -d postgres -Atc 'select pg_reload_conf()' >/dev/null
    fi
}

# pg_adopt_database DB: a database made before the roles goes to the migration role, with
# the tables and schemas in it (they were the superuser's); `ssp migrate` then grants the
# service's role.
pg_adopt_database() {
    local db="$1" owner
    owner="$(pg_psql -d postgres -Atc "select pg_get_userbyid(datdba) from pg_database where datname = '${db}'")"
    [[ "${owner}" == "${PG_MIGRATOR}" ]] && return 0
    say "postgres: database ${db} now owned by ${PG_MIGRATOR}"
    pg_psql -d "${db}" <<EOF || fail postgres "${PG_LOG}" "handing ${db} to ${PG_MIGRATOR} failed"
ALTER DATABASE ${db} OWNER TO ${PG_MIGRATOR};
DO \$\$ DECLARE r record; BEGIN
  FOR r IN SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
             AND n.nspname NOT LIKE 'pg_toast%' AND pg_get_userbyid(c.relowner) = 'ssp'
  LOOP EXECUTE format('ALTER TABLE %I.%I OWNER TO ${PG_MIGRATOR}', r.nspname, r.relname); END LOOP;
  FOR r IN SELECT nspname FROM pg_namespace WHERE pg_get_userbyid(nspowner) = 'ssp'
           AND nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\_%'
  LOOP EXECUTE format('ALTER SCHEMA %I OWNER TO ${PG_MIGRATOR}', r.nspname); END LOOP;
END \$\$;
EOF
}

# Schema changes of the four databases, as the migration role (`ssp migrate`).
pg_migrate() {
    local ssp="${REPO}/.venv/bin/ssp"
    if [[ ! -x "${ssp}" ]]; then
        say "postgres: ${ssp} not found; skipping 'ssp migrate'"
        return 0
    fi
    say "postgres: ssp migrate (as ${PG_MIGRATOR})"
    "${ssp}" migrate >/dev/null || fail "postgres migrate" "${PG_LOG}" "'${ssp} migrate' failed"
}

pg_down() {
    if [[ -d "${PG_DIR}" ]] && pg_running; then
        say "postgres: pg_ctl stop -m fast"
        as_pg "${PG_BIN}/pg_ctl" -D "${PG_DATA}" stop -m fast -w -t "${STOP_SECONDS}" >/dev/null ||
            warn "pg_ctl stop failed; killing leftovers"
    fi
    local left
    left="$(pids_matching "${PG_RE}")"
    # shellcheck disable=SC2086
    stop_pids "postgres leftovers" INT ${left}
}

# ---------------------------------------------------- backups (pgBackRest) ---
# Continuous archiving of the PostgreSQL cluster (all four stores) with pgBackRest into an
# encrypted repository under the state directory. Kept apart from the postgres functions
# above: ensure_tools calls backup_tools, and cmd_up calls backup_up once PostgreSQL answers.
# docs/operations.md ("Backups and restores") is the runbook.

BR_DIR="${STATE}/pgbackrest"
BR_CONF="${BR_DIR}/pgbackrest.conf"
BR_STANZA="${SSP_BACKUP_STANZA:-ssp}"
BR_PASSFILE="${STATE}/keys/pgbackrest.cipher"
BR_RETENTION_FULL="${SSP_BACKUP_RETENTION_FULL:-2}"
BR_RETENTION_DIFF="${SSP_BACKUP_RETENTION_DIFF:-6}"
# Seconds after which a WAL segment is archived even if not full: the bound of the RPO.
BR_ARCHIVE_TIMEOUT="${SSP_PG_ARCHIVE_TIMEOUT:-30}"
# 'up' takes a full backup when the newest is older than this, so that the retention expires
# old backups and their WAL on a machine that only ever runs the stack and its tests.
BR_FULL_EVERY_HOURS="${SSP_BACKUP_FULL_EVERY_HOURS:-24}"

# backup_tools ARRAY_NAME: add the Debian packages the backups need to ARRAY_NAME.
backup_tools() {
    local -n wanted="$1"
    command -v pgbackrest >/dev/null || wanted+=(pgbackrest)
}

# Two wrappers the `ssp backup|restore` commands call: run a command as the PostgreSQL OS
# user, and pgBackRest with this stack's configuration.
backup_write_wrappers() {
    local user=""
    if is_root; then user="runuser -u ${PG_OS_USER} -- "; fi
    cat >"${BR_DIR}/as-pg" <<EOF
#!/bin/sh
# Generated by deploy/local/stack.sh: run a command as the PostgreSQL OS user.
cd "${BR_DIR}" && exec ${user}"\$@"
EOF
    cat >"${BR_DIR}/pgbackrest" <<EOF
#!/bin/sh
# Generated by deploy/local/stack.sh: pgBackRest with this stack's repository and stanza.
exec "${BR_DIR}/as-pg" pgbackrest --config="${BR_CONF}" --stanza="${BR_STANZA}" "\$@"
EOF
    chmod 755 "${BR_DIR}/as-pg" "${BR_DIR}/pgbackrest"
}

backup_write_config() {
    mkdir -p "${BR_DIR}/repo" "${BR_DIR}/log" "${BR_DIR}/lock" "${BR_DIR}/spool" "$(dirname "${BR_PASSFILE}")"
    if [[ ! -s "${BR_PASSFILE}" ]]; then
        say "backups: generating the repository passphrase in ${BR_PASSFILE}"
        (umask 077 && head -c 48 /dev/urandom | base64 -w0 >"${BR_PASSFILE}")
    fi
    local tmp="${BR_CONF}.new"
    (
        umask 077
        cat >"${tmp}" <<EOF
# Generated by deploy/local/stack.sh on every 'up'; edits are overwritten.
[global]
repo1-path=${BR_DIR}/repo
repo1-cipher-type=aes-256-cbc
repo1-cipher-pass=$(cat "${BR_PASSFILE}")
repo1-retention-full-type=count
repo1-retention-full=${BR_RETENTION_FULL}
repo1-retention-diff=${BR_RETENTION_DIFF}
compress-type=lz4
start-fast=y
process-max=2
log-path=${BR_DIR}/log
lock-path=${BR_DIR}/lock
spool-path=${BR_DIR}/spool
log-level-console=warn
log-level-file=info

[${BR_STANZA}]
pg1-path=${PG_DATA}
pg1-port=${SSP_PG_PORT}
pg1-socket-path=$(pg_socket_dir)
pg1-user=ssp
EOF
    )
    mv -f "${tmp}" "${BR_CONF}"
    backup_write_wrappers
    if is_root; then chown -R "${PG_OS_USER}:" "${BR_DIR}"; fi
}

# archive_mode needs a restart; archive_command and archive_timeout a reload.
backup_archive_settings() {
    local cmd="pgbackrest --config=${BR_CONF} --stanza=${BR_STANZA} archive-push %p"
    local mode current timeout
    mode="$(pg_psql -d postgres -Atc 'show archive_mode')"
    current="$(pg_psql -d postgres -Atc 'show archive_command')"
    timeout="$(pg_psql -d postgres -Atc "select setting from pg_settings where name = 'archive_timeout'")"
    if [[ "${mode}" == on && "${current}" == "${cmd}" && "${timeout}" == "${BR_ARCHIVE_TIMEOUT}" ]]; then
        return 0
    fi
    say "backups: archive_mode=on, archive_timeout=${BR_ARCHIVE_TIMEOUT}s, archive_command=pgbackrest archive-push"
    pg_psql -d postgres -c "alter system set archive_mode = on" \
        -c "alter system set archive_command = '${cmd}'" \
        -c "alter system set archive_timeout = '${BR_ARCHIVE_TIMEOUT}s'" \
        -c "select pg_reload_conf()" >/dev/null || fail backups "${PG_LOG}" "alter system failed"
    if [[ "${mode}" != on ]]; then
        say "backups: restarting PostgreSQL once to turn archiving on"
        as_pg "${PG_BIN}/pg_ctl" -D "${PG_DATA}" -l "${PG_LOG}" -w -t "${WAIT_SECONDS}" \
            restart -m fast >>"${PG_DIR}/pg_ctl.log" 2>&1 ||
            fail backups "${PG_LOG}" "pg_ctl restart failed (see ${PG_DIR}/pg_ctl.log)"
        pg_wait_and_create_dbs
    fi
}

# Stanza (idempotent); on the first run a check that WAL reaches the repository and a full backup.
backup_up() {
    local blog="${BR_DIR}/stack.log"
    backup_write_config
    backup_archive_settings
    if ! "${BR_DIR}/pgbackrest" stanza-create >>"${blog}" 2>&1; then
        fail backups "${blog}" "pgbackrest stanza-create failed"
    fi
    local newest py=python3
    [[ -x "${SSP_PYTHON}" ]] && py="${SSP_PYTHON}"
    # When the newest full backup finished (epoch seconds); empty if there is none.
    newest="$("${BR_DIR}/pgbackrest" info --output=json 2>>"${blog}" | "${py}" -c '
import json, sys
stops = [b["timestamp"]["stop"] for s in json.load(sys.stdin) for b in s.get("backup", [])
         if b["type"] == "full"]
print(max(stops) if stops else "")')" || true
    if [[ -z "${newest}" ]]; then
        # check switches a WAL segment and waits for it in the repository (a few seconds).
        if ! "${BR_DIR}/pgbackrest" check >>"${blog}" 2>&1; then
            fail backups "${blog}" "pgbackrest check failed: WAL does not reach the repository"
        fi
        say "backups: first full backup"
        "${BR_DIR}/pgbackrest" backup --type=full >>"${blog}" 2>&1 ||
            fail backups "${blog}" "pgbackrest backup --type=full failed"
    elif (($(date +%s) - newest > BR_FULL_EVERY_HOURS * 3600)); then
        say "backups: newest full backup older than ${BR_FULL_EVERY_HOURS} h; taking one"
        "${BR_DIR}/pgbackrest" backup --type=full >>"${blog}" 2>&1 ||
            fail backups "${blog}" "pgbackrest backup --type=full failed"
    fi
    say "backups: WAL archived to ${BR_DIR}/repo (stanza ${BR_STANZA}, encrypted); base backups: ssp backup"
}

# ------------------------------------------------------------- prometheus ---

PROM_RE="prometheus --config\.file=$(re_escape "${PROM_CONFIG}")( |$)"

prom_pids() {
    local pid
    pid="$(read_pid "${PROM_PIDFILE}")"
    {
        if pid_alive "${pid}" && pid_cmdline_has "${pid}" "${PROM_RE}"; then echo "${pid}"; fi
        pids_matching "${PROM_RE}"
    } | sort -un
}

prom_write_config() {
    mkdir -p "${PROM_DIR}/targets" "${PROM_DIR}/data" "${PROM_EXTRA_RULES}"
    local svc port first=1
    {
        echo "["
        for svc in incidents disclosure staffing reporting; do
            case "${svc}" in
                incidents) port="${SSP_INCIDENTS_PORT}" ;;
                disclosure) port="${SSP_DISCLOSURE_PORT}" ;;
                staffing) port="${SSP_STAFFING_PORT}" ;;
                reporting) port="${SSP_REPORTING_PORT}" ;;
            esac
            [[ ${first} -eq 1 ]] || echo ","
            first=0
            printf '  {"targets": ["127.0.0.1:%s"], "labels": {"service": "%s"}}' "${port}" "${svc}"
        done
        # Reporting's audit process (the demo starts it beside the API: services/cli/launcher.py).
        printf ',\n  {"targets": ["127.0.0.1:%s"], "labels": {"service": "reporting", "role": "audit"}}' \
            "${SSP_REPORTING_AUDIT_PORT:-$((SSP_REPORTING_PORT + 1))}"
        printf '\n]\n'
    } >"${PROM_DIR}/targets/services.json.tmp"
    mv -f "${PROM_DIR}/targets/services.json.tmp" "${PROM_DIR}/targets/services.json"

    {
        echo "# Generated by deploy/local/stack.sh on every 'up'; edits are overwritten."
        echo "global:"
        echo "  scrape_interval: 5s"
        echo "  evaluation_interval: 5s"
        echo "rule_files:"
        if [[ -f "${PROM_RULES}" ]]; then echo "  - '${PROM_RULES}'"; fi
        echo "  - '${PROM_EXTRA_RULES}/*.yml'"
        echo "alerting:"
        echo "  alertmanagers:"
        echo "    - static_configs:"
        echo "        - targets: ['127.0.0.1:${SSP_ALERTMANAGER_PORT}']"
        echo "scrape_configs:"
        echo "  - job_name: ssp-services"
        echo "    file_sd_configs:"
        echo "      - files: ['${PROM_DIR}/targets/*.json']"
        echo "        refresh_interval: 5s"
        echo "  - job_name: prometheus"
        echo "    static_configs:"
        echo "      - targets: ['127.0.0.1:${SSP_PROM_PORT}']"
    } >"${PROM_CONFIG}.new"
    if [[ -f "${PROM_CONFIG}" ]] && cmp -s "${PROM_CONFIG}.new" "${PROM_CONFIG}"; then
        rm -f "${PROM_CONFIG}.new"
        return 1 # unchanged
    fi
    mv -f "${PROM_CONFIG}.new" "${PROM_CONFIG}"
    return 0 # changed
}

prom_ready() { curl -fsS --max-time 2 "http://127.0.0.1:${SSP_PROM_PORT}/-/ready" >/dev/null 2>&1; }

prom_up() {
    local changed=0 pids
    prom_write_config && changed=1
    pids="$(prom_pids)"
    if [[ -n "${pids}" ]]; then
        echo "${pids}" | head -n 1 >"${PROM_PIDFILE}"
        say "prometheus: already running (pid $(cat "${PROM_PIDFILE}"))"
        if [[ ${changed} -eq 1 ]]; then
            say "prometheus: config changed, reloading"
            curl -fsS --max-time 10 -X POST "http://127.0.0.1:${SSP_PROM_PORT}/-/reload" >/dev/null ||
                fail prometheus "${PROM_LOG}" "reload of ${PROM_CONFIG} failed"
        fi
        return 0
    fi
    rm -f "${PROM_PIDFILE}"
    if port_open "${SSP_PROM_PORT}"; then
        fail prometheus "${PROM_LOG}" "port ${SSP_PROM_PORT} is in use by a process that is not this stack's Prometheus (state ${STATE}); stop it or set SSP_PROM_PORT"
    fi
    rotate_log "${PROM_LOG}"
    say "prometheus: starting on 127.0.0.1:${SSP_PROM_PORT}"
    spawn "${PROM_LOG}" "${PROM_PIDFILE}" "${PROM_BIN}" \
        "--config.file=${PROM_CONFIG}" \
        "--storage.tsdb.path=${PROM_DIR}/data" \
        "--storage.tsdb.retention.time=7d" \
        "--web.listen-address=127.0.0.1:${SSP_PROM_PORT}" \
        --web.enable-lifecycle
}

prom_wait() {
    local i pid
    for ((i = 0; i < WAIT_SECONDS * 2; i++)); do
        prom_ready && return 0
        pid="$(read_pid "${PROM_PIDFILE}")"
        pid_alive "${pid}" || fail prometheus "${PROM_LOG}" "prometheus exited during start-up"
        sleep 0.5
    done
    fail prometheus "${PROM_LOG}" "http://127.0.0.1:${SSP_PROM_PORT}/-/ready did not answer within ${WAIT_SECONDS}s"
}

prom_down() {
    local pids
    pids="$(prom_pids)"
    # shellcheck disable=SC2086
    stop_pids prometheus TERM ${pids}
    rm -f "${PROM_PIDFILE}"
}

# ----------------------------------------------------------- alertmanager ---

AM_RE="prometheus-alertmanager --config\.file=$(re_escape "${AM_CONFIG}")( |$)"

am_pids() {
    local pid
    pid="$(read_pid "${AM_PIDFILE}")"
    {
        if pid_alive "${pid}" && pid_cmdline_has "${pid}" "${AM_RE}"; then echo "${pid}"; fi
        pids_matching "${AM_RE}"
    } | sort -un
}

# Every alert goes to one webhook receiver (a test listens on SSP_ALERT_WEBHOOK_PORT).
am_write_config() {
    mkdir -p "${AM_DIR}/data"
    cat >"${AM_CONFIG}.new" <<EOF
# Generated by deploy/local/stack.sh on every 'up'; edits are overwritten.
route:
  receiver: ssp-webhook
  group_by: [alertname, relay, instance]
  group_wait: 1s
  group_interval: 5s
  repeat_interval: 1h
receivers:
  - name: ssp-webhook
    webhook_configs:
      - url: http://127.0.0.1:${SSP_ALERT_WEBHOOK_PORT}/alerts
        send_resolved: true
EOF
    if [[ -f "${AM_CONFIG}" ]] && cmp -s "${AM_CONFIG}.new" "${AM_CONFIG}"; then
        rm -f "${AM_CONFIG}.new"
        return 1 # unchanged
    fi
    mv -f "${AM_CONFIG}.new" "${AM_CONFIG}"
    return 0 # changed
}

am_ready() { curl -fsS --max-time 2 "http://127.0.0.1:${SSP_ALERTMANAGER_PORT}/-/ready" >/dev/null 2>&1; }

am_up() {
    local changed=0 pids
    am_write_config && changed=1
    pids="$(am_pids)"
    if [[ -n "${pids}" ]]; then
        echo "${pids}" | head -n 1 >"${AM_PIDFILE}"
        say "alertmanager: already running (pid $(cat "${AM_PIDFILE}"))"
        if [[ ${changed} -eq 1 ]]; then
            say "alertmanager: config changed, reloading"
            curl -fsS --max-time 10 -X POST "http://127.0.0.1:${SSP_ALERTMANAGER_PORT}/-/reload" >/dev/null ||
                fail alertmanager "${AM_LOG}" "reload of ${AM_CONFIG} failed"
        fi
        return 0
    fi
    rm -f "${AM_PIDFILE}"
    if port_open "${SSP_ALERTMANAGER_PORT}"; then
        fail alertmanager "${AM_LOG}" "port ${SSP_ALERTMANAGER_PORT} is in use by a process that is not this stack's Alertmanager (state ${STATE}); stop it or set SSP_ALERTMANAGER_PORT"
    fi
    rotate_log "${AM_LOG}"
    say "alertmanager: starting on 127.0.0.1:${SSP_ALERTMANAGER_PORT}"
    # An empty cluster address turns gossip off: one instance, no port 9094 taken.
    spawn "${AM_LOG}" "${AM_PIDFILE}" "${AM_BIN}" \
        "--config.file=${AM_CONFIG}" \
        "--storage.path=${AM_DIR}/data" \
        "--web.listen-address=127.0.0.1:${SSP_ALERTMANAGER_PORT}" \
        "--cluster.listen-address="
}

am_wait() {
    local i pid
    for ((i = 0; i < WAIT_SECONDS * 2; i++)); do
        am_ready && return 0
        pid="$(read_pid "${AM_PIDFILE}")"
        pid_alive "${pid}" || fail alertmanager "${AM_LOG}" "alertmanager exited during start-up"
        sleep 0.5
    done
    fail alertmanager "${AM_LOG}" "http://127.0.0.1:${SSP_ALERTMANAGER_PORT}/-/ready did not answer within ${WAIT_SECONDS}s"
}

am_down() {
    local pids
    pids="$(am_pids)"
    # shellcheck disable=SC2086
    stop_pids alertmanager TERM ${pids}
    rm -f "${AM_PIDFILE}"
}

# ------------------------------------------------- services (ssp demo) ---

SERVICES_DIR="${STATE}/services"

# PIDFILE of a service the demo started, if it still runs `ssp serve <service>`.
service_pid() {
    local pid svc
    svc="$(basename "$1" .pid)"
    pid="$(read_pid "$1")"
    # (reporting-audit.pid names reporting's audit process: `ssp serve reporting`, role audit)
    if pid_alive "${pid}" && pid_cmdline_has "${pid}" "services\.cli\.main serve ${svc%-audit}( |$)"; then
        echo "${pid}"
    fi
}

services_down() {
    local f pid
    [[ -d "${SERVICES_DIR}" ]] || return 0
    for f in "${SERVICES_DIR}"/*.pid; do
        [[ -e "${f}" ]] || continue
        pid="$(service_pid "${f}")"
        # shellcheck disable=SC2086 # empty when it no longer runs
        stop_pids "service $(basename "${f}" .pid)" TERM ${pid}
        rm -f "${f}"
    done
}

services_status() {
    local f pid svc port var
    [[ -d "${SERVICES_DIR}" ]] || return 0
    for f in "${SERVICES_DIR}"/*.pid; do
        [[ -e "${f}" ]] || continue
        svc="$(basename "${f}" .pid)"
        var="SSP_${svc^^}_PORT"
        var="${var//-/_}"
        port="${!var:--}"
        pid="$(service_pid "${f}")"
        status_line "${svc}" "$([[ -n "${pid}" ]] && echo up || echo down)" \
            "${port}" "(ssp demo)" "${pid:--}" "${SERVICES_DIR}/${svc}.log"
    done
}

# ---------------------------------------------------------------- commands ---

lock() {
    exec 9>"${STATE}/.stack.lock"
    if ! flock -w 300 9; then die "another stack.sh is still running after 300s (${STATE}/.stack.lock)"; fi
}

cmd_up() {
    lock
    local t0=${SECONDS}
    ensure_tools
    # Start all three first (Kafka is the slowest), then wait for each.
    kafka_up
    pg_up
    am_up
    prom_up
    pg_wait_and_create_dbs
    pg_migrate
    backup_up
    say "postgres: ready on 127.0.0.1:${SSP_PG_PORT} (databases: ${PG_DATABASES[*]})"
    prom_wait
    say "prometheus: ready on http://127.0.0.1:${SSP_PROM_PORT}"
    am_wait
    say "alertmanager: ready on http://127.0.0.1:${SSP_ALERTMANAGER_PORT}"
    kafka_wait
    say "kafka: ready on 127.0.0.1:${SSP_KAFKA_PORT}"
    kafka_topics
    say "stack up in $((SECONDS - t0))s (state ${STATE})"
}

cmd_down() {
    lock
    # Services first: they hold connections to PostgreSQL and Kafka.
    services_down
    prom_down
    am_down
    kafka_down
    pg_down
    say "stack down"
}

# status_line PART STATE PORT EXTRA PID LOG
status_line() { printf '%-11s %-9s port %-5s %-19s pid %-8s log %s\n' "$@"; }

cmd_status() {
    local all=0 pid state
    # kafka
    pid="$(kafka_pids | head -n 1)"
    if [[ -n "${pid}" ]] && port_open "${SSP_KAFKA_PORT}"; then
        state=up
    elif [[ -n "${pid}" ]]; then
        state=starting all=1
    else
        state=down all=1
    fi
    status_line kafka "${state}" "${SSP_KAFKA_PORT}" \
        "(controller ${SSP_KAFKA_CONTROLLER_PORT})" "${pid:--}" "${KAFKA_LOG}"
    # postgres
    pid=""
    if [[ -d "${PG_DATA}" ]] && pg_running; then pid="$(pg_pid)"; fi
    if [[ -n "${pid}" ]] && "${PG_BIN}/pg_isready" -q -h 127.0.0.1 -p "${SSP_PG_PORT}" -U ssp -d postgres -t 2; then
        state=up
    elif [[ -n "${pid}" ]]; then
        state=starting all=1
    else
        state=down all=1
    fi
    status_line postgres "${state}" \
        "${SSP_PG_PORT}" "" "${pid:--}" "${PG_LOG}"
    # prometheus
    pid="$(prom_pids | head -n 1)"
    if [[ -n "${pid}" ]] && prom_ready; then
        state=up
    elif [[ -n "${pid}" ]]; then
        state=starting all=1
    else
        state=down all=1
    fi
    status_line prometheus "${state}" \
        "${SSP_PROM_PORT}" "" "${pid:--}" "${PROM_LOG}"
    # alertmanager
    pid="$(am_pids | head -n 1)"
    if [[ -n "${pid}" ]] && am_ready; then
        state=up
    elif [[ -n "${pid}" ]]; then
        state=starting all=1
    else
        state=down all=1
    fi
    status_line alertmanager "${state}" \
        "${SSP_ALERTMANAGER_PORT}" "" "${pid:--}" "${AM_LOG}"
    services_status
    return "${all}"
}

case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    *)
        echo "usage: $0 up|down|status" >&2
        exit 2
        ;;
esac
