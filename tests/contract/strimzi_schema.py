"""A strict JSON Schema of the part of Strimzi's kafka.strimzi.io/v1beta2 API the manifests use.

Written from the openAPIV3Schema of Strimzi's CRDs (Kafka, KafkaNodePool, KafkaTopic, KafkaUser
as of Strimzi 0.48/0.49). Stricter than the CRDs on purpose: every object closes its properties
(``additionalProperties: false``), so a misspelt or misplaced field fails here, where the API
server would have pruned it silently. A field the manifests start to use must be added here.
"""

from typing import Any


def obj(required: list[str] | None = None, **properties: Any) -> dict[str, Any]:
    """A closed object schema."""
    return {
        "type": "object",
        "properties": properties,
        "required": required or [],
        "additionalProperties": False,
    }


STR = {"type": "string", "minLength": 1}
INT = {"type": "integer", "minimum": 0}
STR_MAP = {"type": "object", "additionalProperties": {"type": "string"}}
SCALAR_MAP = {
    "type": "object",
    "additionalProperties": {"type": ["string", "integer", "number", "boolean"]},
}
METADATA = obj(["name"], name=STR, labels=STR_MAP, annotations=STR_MAP)
RESOURCES = obj(requests=STR_MAP, limits=STR_MAP)
SCRAM_OR_TLS = obj(["type"], type={"enum": ["tls", "tls-external", "scram-sha-512"]})


def resource(kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    """A whole custom resource of ``kind``."""
    return obj(
        ["apiVersion", "kind", "metadata", "spec"],
        apiVersion={"const": "kafka.strimzi.io/v1beta2"},
        kind={"const": kind},
        metadata=METADATA,
        spec=spec,
    )


VOLUME = obj(
    ["id", "type"],
    id=INT,
    type={"enum": ["ephemeral", "persistent-claim"]},
    size=STR,
    deleteClaim={"type": "boolean"},
    kraftMetadata={"enum": ["shared"]},
)
NODE_POOL = resource(
    "KafkaNodePool",
    obj(
        ["replicas", "roles", "storage"],
        replicas=INT,
        roles={"type": "array", "items": {"enum": ["controller", "broker"]}, "minItems": 1},
        storage=obj(
            ["type"],
            type={"enum": ["jbod", "ephemeral", "persistent-claim"]},
            volumes={"type": "array", "items": VOLUME},
        ),
        resources=RESOURCES,
    ),
)
LISTENER = obj(
    ["name", "port", "type", "tls"],
    name={"type": "string", "pattern": "^[a-z0-9]{1,11}$"},
    port={"type": "integer", "minimum": 9092},
    type={"enum": ["internal", "route", "loadbalancer", "nodeport", "ingress", "cluster-ip"]},
    tls={"type": "boolean"},
    authentication=SCRAM_OR_TLS,
)
KAFKA = resource(
    "Kafka",
    obj(
        ["kafka"],
        kafka=obj(
            ["listeners"],
            version=STR,
            metadataVersion=STR,
            listeners={"type": "array", "items": LISTENER, "minItems": 1},
            authorization=obj(
                ["type"],
                type={"enum": ["simple", "opa", "keycloak", "custom"]},
                superUsers={"type": "array", "items": STR},
            ),
            config=SCALAR_MAP,
        ),
        entityOperator=obj(
            topicOperator=obj(resources=RESOURCES), userOperator=obj(resources=RESOURCES)
        ),
    ),
)
TOPIC = resource(
    "KafkaTopic",
    obj(
        topicName=STR,
        partitions={"type": "integer", "minimum": 1},
        replicas={"type": "integer", "minimum": 1, "maximum": 32767},
        config=SCALAR_MAP,
    ),
)
ACL = obj(
    ["resource", "operations"],
    type={"enum": ["allow", "deny"]},
    resource=obj(
        ["type"],
        type={"enum": ["topic", "group", "cluster", "transactionalId"]},
        name=STR,
        patternType={"enum": ["literal", "prefix"]},
    ),
    host=STR,
    operations={
        "type": "array",
        "minItems": 1,
        "items": {
            "enum": [
                "Read",
                "Write",
                "Create",
                "Delete",
                "Alter",
                "Describe",
                "ClusterAction",
                "AlterConfigs",
                "DescribeConfigs",
                "IdempotentWrite",
                "All",
            ]
        },
    },
)
USER = resource(
    "KafkaUser",
    obj(
        authentication=SCRAM_OR_TLS,
        authorization=obj(
            ["type", "acls"], type={"const": "simple"}, acls={"type": "array", "items": ACL}
        ),
    ),
)
SCHEMAS = {"Kafka": KAFKA, "KafkaNodePool": NODE_POOL, "KafkaTopic": TOPIC, "KafkaUser": USER}
