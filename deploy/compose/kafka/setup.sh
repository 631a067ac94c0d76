#!/usr/bin/env bash
# One-shot set-up of the compose profile's three Kafka brokers (run by the kafka-setup service in
# the apache/kafka image, before any broker starts). Idempotent: a second run changes nothing.
#
#  - a CA and one broker certificate (CN=ssp-broker, for kafka-1..3), made with the JDK's keytool,
#    into /tls (the brokers' keystore; ca.crt is what clients trust);
#  - server.properties of each node into /tls/node<n>.properties: SASL_SSL with SCRAM-SHA-512
#    for clients and between brokers, mutual TLS on the controller listener, StandardAuthorizer;
#  - each node's storage formatted with the SCRAM users ssp-admin and ssp-broker.
# The other users and the ACLs come after, from `ssp kafka secure` (the kafka-secure service).
set -euo pipefail
: "${SSP_KAFKA_ADMIN_PASSWORD:?}" "${SSP_KAFKA_BROKER_PASSWORD:?}" "${KAFKA_CLUSTER_ID:?}"
TLS="${TLS_DIR:-/tls}"
DATA="${DATA_DIR:-/data}" # node<n>/ below it: each broker's data volume
STORAGE="${KAFKA_STORAGE:-/opt/kafka/bin/kafka-storage.sh}"
PW_FILE="${TLS}/keystore.password"
KEYTOOL="${KEYTOOL:-keytool}"

if [[ ! -s "${TLS}/broker.p12" ]]; then
    pw="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    printf '%s' "${pw}" >"${PW_FILE}"
    kt() { "${KEYTOOL}" -storetype PKCS12 -storepass "${pw}" "$@"; }
    kt -genkeypair -alias ca -dname CN=ssp-compose-ca -keyalg RSA -keysize 2048 -validity 3650 \
        -ext bc:c -keystore "${TLS}/ca.p12"
    kt -exportcert -rfc -alias ca -keystore "${TLS}/ca.p12" -file "${TLS}/ca.crt"
    kt -genkeypair -alias broker -dname CN=ssp-broker -keyalg RSA -keysize 2048 -validity 825 \
        -keystore "${TLS}/broker.p12"
    kt -certreq -alias broker -keystore "${TLS}/broker.p12" -file "${TLS}/broker.csr"
    kt -gencert -rfc -alias ca -keystore "${TLS}/ca.p12" -infile "${TLS}/broker.csr" \
        -outfile "${TLS}/broker.crt" -validity 825 \
        -ext SAN=dns:kafka-1,dns:kafka-2,dns:kafka-3 -ext EKU=serverAuth,clientAuth
    kt -importcert -noprompt -alias ca -keystore "${TLS}/broker.p12" -file "${TLS}/ca.crt"
    kt -importcert -alias broker -keystore "${TLS}/broker.p12" -file "${TLS}/broker.crt"
    rm -f "${TLS}/broker.csr"
fi
pw="$(cat "${PW_FILE}")"

for n in 1 2 3; do
    cat >"${TLS}/node${n}.properties" <<CONF
process.roles=broker,controller
node.id=${n}
controller.quorum.voters=1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093
listeners=SASL_SSL://:9092,CONTROLLER://:9093
advertised.listeners=SASL_SSL://kafka-${n}:9092
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_SSL
listener.security.protocol.map=CONTROLLER:SSL,SASL_SSL:SASL_SSL
log.dirs=/var/lib/kafka/data
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="ssp-broker" password="${SSP_KAFKA_BROKER_PASSWORD}";
ssl.keystore.type=PKCS12
ssl.keystore.location=${TLS}/broker.p12
ssl.keystore.password=${pw}
ssl.key.password=${pw}
ssl.truststore.type=PEM
ssl.truststore.location=${TLS}/ca.crt
listener.name.controller.ssl.client.auth=required
ssl.principal.mapping.rules=RULE:^CN=([^,]+)\$/\$1/,DEFAULT
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:ssp-admin;User:ssp-broker
allow.everyone.if.no.acl.found=false
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
unclean.leader.election.enable=false
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
CONF
    if [[ ! -f "${DATA}/node${n}/meta.properties" ]]; then
        sed "s#^log.dirs=.*#log.dirs=${DATA}/node${n}#" "${TLS}/node${n}.properties" >/tmp/format.properties
        "${STORAGE}" format -t "${KAFKA_CLUSTER_ID}" -c /tmp/format.properties \
            --add-scram "SCRAM-SHA-512=[name=ssp-admin,password=${SSP_KAFKA_ADMIN_PASSWORD}]" \
            --add-scram "SCRAM-SHA-512=[name=ssp-broker,password=${SSP_KAFKA_BROKER_PASSWORD}]" \
            --ignore-formatted 2>&1 | sed "s/^/node${n}: /"
    fi
done
