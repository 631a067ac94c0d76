"""The restore drill: backups, a point-in-time restore and Kafka rebuilt from the stores.

A known load goes through the services' HTTP APIs; a base backup is taken; more load; the
target time is noted with every store and read model quiet and caught up; more load. Then
the four databases and the subject registry's are dropped and restored as of the target
(exactly the events and registry rows up to it must come back), the Kafka data directory
is wiped, every store is republished, and the reporting read models are rebuilt from the
new topics and must equal their restored state.
"""

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from services.cli.faults.fleet import SERVICES, WRITERS, Fleet
from services.cli.faults.load import HttpLoad
from services.cli.faults.tally import Tally, query
from services.cli.recovery import repository, restore
from services.cli.recovery.sampling import ArchiveLag, quiesce, wait_drained, wipe_kafka
from services.cli.workload import platform
from services.reporting import rebuild
from services.reporting.cli import grant_reporting
from services.runtime.dbroles import as_migrator
from services.runtime.identity import source_service
from services.runtime.settings import ServiceSettings
from services.runtime.testing import create_database, drop_database
from services.runtime.topic_ends import start_runners_at_end

STORES = (*WRITERS, "reporting", "subjects")
REGISTRY_ROWS = "SELECT subject_ref, holder, pseudonym FROM ssp_subject_registry ORDER BY 1, 2"


@dataclass
class DrillOptions:
    """The scale of a drill."""

    schools: int = 245
    officers: int = 135
    seed: int = 1
    phase: float = 150.0  # seconds of load before and after the target
    keep: bool = False  # keep the drill's databases afterwards (to look into a failure)


@dataclass
class DrillResult:
    """What the drill found and how long each part took."""

    at_target: dict[str, int] = field(default_factory=dict)  # notifications per store
    after_target: dict[str, int] = field(default_factory=dict)
    restored: dict[str, int] = field(default_factory=dict)
    exact: dict[str, bool] = field(default_factory=dict)
    reporting_rows_equal: bool = False
    republished: dict[str, int] = field(default_factory=dict)
    on_kafka_equal: bool = False
    differences: list[str] = field(default_factory=list)
    audit: str = ""
    restored_audit: str = ""
    backup: str = ""
    seconds: dict[str, float] = field(default_factory=dict)
    megabytes: dict[str, float] = field(default_factory=dict)  # each database at the loss
    requests: int = 0  # HTTP requests the workload had answered
    wal_at_risk: list[float] = field(default_factory=list)

    def failures(self) -> list[str]:
        """Every check the drill missed, in words."""
        out = [f"{s}: restored rows differ from those up to the target" for s, ok in
               self.exact.items() if not ok]  # fmt: skip
        if not self.reporting_rows_equal:
            out.append("reporting: restored row counts differ from those at the target")
        if not self.on_kafka_equal:
            out.append("Kafka: republished ids differ from the stores' published events")
        out += [f"rebuilt read model differs: {d}" for d in self.differences]
        if not self.restored_audit.startswith("intact"):
            out.append(f"restored audit trail {self.restored_audit}")
        if not self.audit.startswith("intact"):
            out.append(f"rebuilt audit trail {self.audit}")
        return out


class Drill:
    """One drill on fresh databases of the local stack (which it changes: Kafka is wiped)."""

    def __init__(self, opts: DrillOptions, say: Callable[[str], None] = print) -> None:
        self.opts, self.say = opts, say
        self.run = uuid.uuid4().hex[:8]
        self.dbs = {s: create_database(f"drill_{s}") for s in (*SERVICES, "subjects")}
        self.fleet = Fleet(self.dbs, f".drill-{self.run}")
        self.result = DrillResult()
        self.lag = ArchiveLag()

    def load(self) -> None:
        """The platform on the drill's databases, the workload's setup, a base backup, load."""
        platform.start_read_models_at_end(self.dbs)
        start_runners_at_end(self.dbs["selftest"], {"selftest.canary": ["ssp.platform.selftest"]})
        self.fleet.start()
        self.lag.start()
        http = HttpLoad(self.fleet.urls(), self.opts.seed, self.opts.schools, self.opts.officers)
        http.start()
        while not http.ready:
            if not http.thread.is_alive():
                raise RuntimeError("the HTTP workload's setup failed")
            time.sleep(0.5)
        self.say(f"drill {self.run}: workload set up; base backup")
        started = time.monotonic()
        taken = repository.backup(repository.Tools.from_env(), "incr")
        self.result.seconds["backup"] = time.monotonic() - started
        self.result.backup = f"{taken['label']} ({taken['type']})"
        self._play(http)
        wait_drained(self.dbs, 600)
        self.snapshot = {s: self.notifications(self.dbs[s], s) for s in WRITERS}
        self.reporting_at_target = restore.verify("reporting", self.dbs["reporting"]).tables
        self.registry_at_target = query(self.dbs["subjects"], REGISTRY_ROWS)
        time.sleep(1)
        self.target = datetime.now(UTC)
        time.sleep(1)
        self.say(f"target {self.target.isoformat()}; more load")
        self._play(http)
        http.stopped.set()
        self.result.requests = http.requests
        self.lag.stop()
        self.result.wal_at_risk = self.lag.samples
        self.result.at_target = {s: len(v) for s, v in self.snapshot.items()}
        self.result.after_target = {s: len(self.notifications(self.dbs[s], s)) for s in WRITERS}
        size = "SELECT pg_database_size(current_database())"
        self.result.megabytes = {s: int(query(self.dbs[s], size)[0][0]) / 1e6 for s in STORES}

    def _play(self, http: HttpLoad) -> None:
        http.resume()
        time.sleep(self.opts.phase)
        http.pause()
        quiesce(self.dbs, WRITERS)

    def notifications(self, db: str, service: str) -> list[tuple[int, str, int]]:
        """(notification id, aggregate, version) of every stored event, in log order."""
        rows = query(
            db,
            f"SELECT notification_id, originator_id::text, originator_version"
            f" FROM {service}_events ORDER BY notification_id",
        )
        return [(int(a), str(b), int(c)) for a, b, c in rows]

    def lose_and_restore_databases(self) -> None:
        """Stop the platform, drop the four databases and the subject registry's, restore them
        as of the target, swap."""
        self.fleet.stop()
        self.say("dropping the databases; restoring them as of the target")
        started = time.monotonic()
        for s in STORES:
            drop_database(self.dbs[s])
        found = restore.restore_stores({s: self.dbs[s] for s in STORES}, self.target)
        self.result.seconds["restore"] = time.monotonic() - started
        for service, store in zip(STORES, found, strict=True):
            if service == "reporting":
                self.result.reporting_rows_equal = store.tables == self.reporting_at_target
                self.result.restored_audit = store.audit or ""
            elif service == "subjects":
                rows = query(store.database, REGISTRY_ROWS)
                self.result.restored[service] = len(rows)
                self.result.exact[service] = rows == self.registry_at_target
            else:
                got = self.notifications(store.database, service)
                self.result.restored[service] = len(got)
                self.result.exact[service] = got == self.snapshot[service]
            restore.swap(service, store.database, self.dbs[service])
        self.result.seconds["restore+swap"] = time.monotonic() - started

    def lose_and_rebuild_kafka(self) -> None:
        """Wipe the broker, republish every store, rebuild reporting and compare, swap it in."""
        self.say("wiping Kafka's data directory; republishing; rebuilding reporting")
        started = time.monotonic()
        wipe_kafka()
        self.result.seconds["broker"] = time.monotonic() - started
        from services.cli.main import main as ssp

        for service in WRITERS:
            if ssp(["republish", "--service", service, "--db", self.dbs[service]]) != 0:
                raise RuntimeError(f"ssp republish --service {service} failed")
        self.result.seconds["republish"] = time.monotonic() - started
        # The selftest store of the drill stays empty: what it commits is the writers' events.
        tally = Tally(self.dbs, {})
        committed = tally.committed()
        tally.read_kafka()
        # Sources name the store too (/ssp/<service>/<store id>): match on the service.
        on_kafka = {
            i.decode() for (src, i) in tally.kafka_ids if source_service(src.decode()) in WRITERS
        }
        self.result.on_kafka_equal = on_kafka == committed
        self.result.republished = {s: len(self.snapshot[s]) for s in WRITERS}
        asyncio.run(self._rebuild())
        self.result.seconds["rebuild"] = time.monotonic() - started

    async def _rebuild(self) -> None:
        settings = ServiceSettings.for_service("reporting", db_name=self.dbs["reporting"])
        # As the migration role, like `ssp reporting rebuild --swap`: it owns the tables.
        settings = as_migrator(settings)
        await rebuild.rebuild(settings, "drill_rebuilt")
        conn = await rebuild.connect(settings, "public")
        try:
            found = await rebuild.compare(conn, "public", "drill_rebuilt")
            self.result.differences = [
                f"{d.table}: {d.only_in_live} only restored, {d.only_in_fresh} only rebuilt"
                for d in found
            ]
            from services.reporting.audit_trail import verify

            # The trail is never rebuilt: the restored one is kept (and moved by the swap).
            verdict = await verify(conn)
            self.result.audit = (
                f"BROKEN at {verdict.broken}" if verdict.broken is not None
                else f"intact, {verdict.entries} entries"
            )  # fmt: skip
            await rebuild.swap(conn, "public", "drill_rebuilt", "before_loss", True)
        finally:
            await conn.close()
        await grant_reporting(settings)

    def serve(self, since: float) -> None:
        """Start the platform again; time from ``since`` until it serves and has caught up."""
        self.fleet.start()
        wait_drained(self.dbs, 300)
        self.result.seconds["to serving"] = time.monotonic() - since

    def stop(self) -> None:
        """Stop the processes and drop the drill's databases."""
        self.lag.stop()
        self.fleet.stop()
        for db in () if self.opts.keep else self.dbs.values():
            drop_database(db)


def run_drill(opts: DrillOptions, say: Callable[[str], None] = print) -> DrillResult:
    """The whole drill; the result carries every check and timing."""
    drill = Drill(opts, say)
    try:
        drill.load()
        lost = time.monotonic()
        drill.lose_and_restore_databases()
        drill.lose_and_rebuild_kafka()
        drill.serve(lost)
        return drill.result
    finally:
        drill.stop()
