"""Wiring of eventsourcing applications to PostgreSQL with AES encryption at rest."""

from typing import TypeVar

from eventsourcing.application import Application

from services.runtime.dbroles import SERVICES
from services.runtime.keys import cipher_key
from services.runtime.settings import ServiceSettings

A = TypeVar("A", bound=Application)


def eventstore_env(settings: ServiceSettings, encrypted: bool = True) -> dict[str, str]:
    """The eventsourcing environment for ``settings``' database and key.

    Unencrypted only for the migration, which creates tables and never reads an event.
    """
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": settings.db_name,
        "POSTGRES_HOST": settings.pg_host,
        "POSTGRES_PORT": str(settings.pg_port),
        "POSTGRES_USER": settings.pg_user,
        "POSTGRES_PASSWORD": settings.pg_password,
        "POSTGRES_SCHEMA": settings.db_schema,
        "POSTGRES_POOL_SIZE": "10",
        "POSTGRES_MAX_OVERFLOW": "10",
        # No POSTGRES_ENABLE_DB_FUNCTIONS: the library's insert function skips the exclusive
        # table lock, so concurrent commits can land out of notification-id order and the
        # relay, which reads past its position, would skip the late one. The lock costs
        # write throughput and keeps the notification log gap-free in commit order.
        "COMPRESSOR_TOPIC": "eventsourcing.compressor:ZlibCompressor",
        # A service's role may not create its store: `ssp migrate` does, as the migration role
        # (the canary's store, on the admin role, makes its own table).
        "CREATE_TABLE": "n" if settings.service in SERVICES else "y",
        # Stores a request's Idempotency-Key in the transaction of its events; concurrent
        # commands share one transaction under the table lock (group commit).
        "APPLICATION_RECORDER_TOPIC": "services.runtime.group_commit:GroupCommitRecorder",
    }
    if encrypted:
        env["CIPHER_TOPIC"] = "eventsourcing.cryptography:AESCipher"
        env["CIPHER_KEY"] = cipher_key(settings.service, settings.cipher_key)
        # Read by ServiceApplication.subjects when a field is first sealed or opened.
        env["SUBJECT_MASTER_KEYS"] = settings.subject_master_keys
    return env


def open_application(app_class: type[A], settings: ServiceSettings) -> A:
    """An application of ``app_class`` persisted in the service's database."""
    return app_class(env=eventstore_env(settings))


def events_table(app: Application) -> str:
    """Name of the application's stored-events table (its notification log)."""
    return f"{app.name.lower()}_events"
