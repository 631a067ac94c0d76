"""Service settings from the environment, one prefix per service (SSP_<SERVICE>_)."""

import os
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PORTS = {"incidents": 8101, "disclosure": 8102, "staffing": 8103, "reporting": 8104}


def shared(name: str, default: str) -> str:
    """A setting shared by every service, read from SSP_<NAME>."""
    return os.environ.get(f"SSP_{name}", default)


def state_dir() -> Path:
    """The project-local directory that holds state, logs and development keys."""
    return Path(shared("STATE_DIR", str(REPO_ROOT / ".state")))


class ServiceSettings(BaseSettings):
    """What one service needs to run; build it with ``for_service``."""

    model_config = SettingsConfigDict(extra="ignore")

    service: str
    host: str = "127.0.0.1"
    port: int = 0
    kafka_bootstrap: str = Field(
        default_factory=lambda: shared(
            "KAFKA_BOOTSTRAP", f"127.0.0.1:{shared('KAFKA_PORT', '19092')}"
        )
    )
    pg_host: str = Field(default_factory=lambda: shared("PG_HOST", "127.0.0.1"))
    pg_port: int = Field(default_factory=lambda: int(shared("PG_PORT", "15432")))
    # Empty: the service's own role and the password the stack script generated for it
    # (runtime/dbroles.py); SSP_<SERVICE>_PG_USER / _PG_PASSWORD set them explicitly.
    pg_user: str = ""
    pg_password: str = ""
    db_name: str = ""
    # Development runs the migration (as the migration role) at start; production runs
    # `ssp migrate` as a job of its own and the service never holds that role's password.
    migrate_on_start: bool = Field(
        default_factory=lambda: shared("ENV", "development").lower() != "production"
    )
    db_schema: str = "public"
    cipher_key: str = Field(default="", description="Base64 AES key for events at rest")
    # Master keys that wrap the subjects' data keys, "<id>:<base64>,..." newest first
    # (runtime/masterkeys.py); empty means the development keyring in the state directory.
    subject_master_keys: str = ""
    # Bearer tokens (runtime/tokens.py). An empty JWKS means the development one in the state
    # directory, which production refuses; the audience defaults to ssp-<service>.
    jwt_jwks: str = Field(default_factory=lambda: shared("JWT_JWKS", ""))
    jwt_issuer: str = Field(default_factory=lambda: shared("JWT_ISSUER", "ssp-dev"))
    jwt_audience: str = ""
    jwt_max_lifetime_seconds: int = Field(
        default_factory=lambda: int(shared("JWT_MAX_LIFETIME_SECONDS", "900")), ge=1
    )
    jwt_revoked_jtis: str = Field(default_factory=lambda: shared("JWT_REVOKED_JTIS", ""))
    jwt_revocation_list: str = Field(default_factory=lambda: shared("JWT_REVOCATION_LIST", ""))
    relay_enabled: bool = True
    relay_batch_size: int = 1000
    relay_poll_seconds: float = 1.0
    relay_backoff_initial_seconds: float = 0.5
    relay_backoff_max_seconds: float = 30.0
    relay_standby_poll_seconds: float = 1.0
    relay_drain_seconds: float = 20.0
    relay_delivery_timeout_seconds: float = 30.0
    relay_max_request_bytes: int = 1048576
    # Read, decrypt and translate in a worker process, so sending has the relay's core to itself.
    relay_worker: bool = True
    # ... once this many events are waiting (at the lead, or in full batches back to back): the
    # worker's ~85 MB and second of start-up pay off for a catch-up, not for a burst that the
    # relay clears in process in well under a second.
    relay_worker_backlog: int = Field(default=10_000, ge=1)
    # A worker with no full batch for this long is ended, and its memory given back.
    relay_worker_idle_seconds: float = Field(default=60.0, gt=0)
    projections_enabled: bool = True
    max_body_bytes: int = Field(
        default=1 << 20, ge=1, description="Request bodies over this size get 413 unread"
    )
    consumer_group_suffix: str = ""
    in_memory: bool = Field(
        default=False, description="Fast unit tests: in-memory store, no Kafka, no Postgres"
    )

    @classmethod
    def for_service(cls, service: str, **overrides: Any) -> "ServiceSettings":
        """Settings of ``service`` from SSP_<SERVICE>_* variables, then ``overrides``."""
        config = SettingsConfigDict(env_prefix=f"SSP_{service.upper()}_", extra="ignore")
        bound = type(f"{service.title()}Settings", (cls,), {"model_config": config})
        settings = bound(**{"service": service, **overrides})
        from services.runtime.dbroles import credentials

        user, password = credentials(service, settings.pg_user, settings.pg_password)
        defaults = {"port": DEFAULT_PORTS.get(service, 0), "db_name": service}
        unset = {k: v for k, v in defaults.items() if k not in settings.model_fields_set}
        return settings.model_copy(update={**unset, "pg_user": user, "pg_password": password})

    @property
    def pg_dsn(self) -> str:
        """asyncpg connection string of the service's database."""
        return (
            f"postgresql://{self.pg_user}:{self.pg_password}@{self.pg_host}:{self.pg_port}/"
            f"{self.db_name}"
        )

    @property
    def source(self) -> str:
        """CloudEvents source URI of this service."""
        return f"/ssp/{self.service}"
