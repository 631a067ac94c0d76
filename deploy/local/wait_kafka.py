"""Wait until the local Kafka broker really answers a metadata request.

Used by deploy/local/stack.sh; exits 0 once ``list_topics()`` succeeds (as the stack's admin
principal, over SASL_SSL), 1 on timeout or if the broker process (``--pid-file``) dies while
we wait.

    python deploy/local/wait_kafka.py --bootstrap 127.0.0.1:19092 --timeout 60
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import socket
import sys
import time


def _alive(pid_file: str | None) -> bool:
    if not pid_file:
        return True
    try:
        with open(pid_file) as fh:
            pid = int(fh.read().strip())
        os.kill(pid, 0)
        with open(f"/proc/{pid}/stat") as fh:
            state = fh.read().rpartition(")")[2].split()[0]
    except (OSError, ValueError, IndexError):
        return False
    return state != "Z"  # a killed broker not yet reaped by init is a zombie


def _port_open(bootstrap: str) -> bool:
    host, _, port = bootstrap.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=1.0):
            return True
    except OSError:
        return False


def _client_timeouts(client_cls: type) -> dict[str, int]:
    """Short bootstrap timeouts; the option's name differs between kafka-python 2.x and 3.x."""
    known = getattr(client_cls, "DEFAULT_CONFIG", {})
    opts = {"request_timeout_ms": 5000}
    for name in ("bootstrap_timeout_ms", "api_version_auto_timeout_ms"):
        if name in known:
            opts[name] = 5000
    return opts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap", default="127.0.0.1:19092")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds")
    parser.add_argument("--pid-file", default=None, help="give up early if this pid dies")
    args = parser.parse_args(argv)

    # kafka-python logs every refused connection at ERROR while the broker starts.
    logging.basicConfig(level=logging.CRITICAL)
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaConfigurationError

    from services.runtime.kafka_security import ADMIN, kafka_client

    security = kafka_client(ADMIN, args.bootstrap).kafka_python()

    started = time.monotonic()
    deadline = started + args.timeout
    last_error: BaseException | None = None
    while time.monotonic() < deadline:
        if not _alive(args.pid_file):
            print(f"wait_kafka: broker process ({args.pid_file}) is not running", file=sys.stderr)
            return 1
        # A client bootstrapping against a closed port blocks for its whole
        # bootstrap timeout, so wait for the listener first.
        if not _port_open(args.bootstrap):
            last_error = ConnectionRefusedError(f"{args.bootstrap} not listening yet")
            time.sleep(0.5)
            continue
        admin = None
        try:
            admin = KafkaAdminClient(
                client_id="ssp-stack-wait",
                **security,
                **_client_timeouts(KafkaAdminClient),
            )
            topics = admin.list_topics()
            waited = time.monotonic() - started
            print(
                f"wait_kafka: {args.bootstrap} answered after {waited:.1f}s ({len(topics)} topics)"
            )
            return 0
        except (KafkaConfigurationError, TypeError) as exc:
            print(f"wait_kafka: bad client configuration: {exc!r}", file=sys.stderr)
            return 2
        except Exception as exc:  # any other failure means "not yet"
            last_error = exc
        finally:
            if admin is not None:
                with contextlib.suppress(Exception):
                    admin.close()
        time.sleep(1.0)
    print(
        f"wait_kafka: {args.bootstrap} did not answer within {args.timeout:.0f}s "
        f"(last error: {last_error!r})",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
