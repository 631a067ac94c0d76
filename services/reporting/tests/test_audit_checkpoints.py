"""Signed checkpoints on Kafka catch every tamper of issue 12, laundering included."""

import json
from pathlib import Path

import pytest
from ssp_contracts.events.audit import AuditCheckpointSigned

from services.reporting.chain import entry_hash
from services.reporting.checkpoints import CheckpointRefused
from services.reporting.projections.audit import TrailHalted
from services.reporting.signing import AuditSettings, signature_holds, trusted_keys
from services.reporting.tests.audit_stories import reported
from services.reporting.tests.checkpoint_stories import (
    on,
    publish_and_record,
    publish_only,
    record_placed,
    sign_checkpoint,
    ssp,
    start_trail,
)

pytestmark = pytest.mark.stack


@pytest.fixture
def trail(fresh_db: object) -> tuple[str, list[int]]:
    """Four entries, a signed checkpoint, three entries after it; the db and the seqs."""
    db: str = fresh_db("reporting")  # type: ignore[operator]
    start_trail(db)
    sign_checkpoint(db)  # the service signs the empty trail at once: where it starts reading
    publish_and_record(db, [reported(1), reported(2)])
    publish_and_record(db, [reported(3), reported(4)])
    sign_checkpoint(db)
    publish_and_record(db, [reported(5), reported(6), reported(7)])
    seqs = on(db, lambda c: c.fetch("SELECT seq FROM audit_trail ORDER BY seq"))
    return db, [r["seq"] for r in seqs]


def verify(db: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = ssp("audit", "verify", "--checkpoints", "--db", db)
    out = capsys.readouterr()
    return code, out.out + out.err


def test_an_untouched_trail_verifies_against_its_checkpoints(
    trail: tuple[str, list[int]], capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = verify(trail[0], capsys)
    assert code == 0, text
    assert "7 entries" in text


def test_an_edited_row_is_named(
    trail: tuple[str, list[int]], capsys: pytest.CaptureFixture[str]
) -> None:
    db, seqs = trail
    on(db, lambda c: c.execute("UPDATE audit_trail SET actor_id = 'x' WHERE seq = $1", seqs[1]))
    code, text = verify(db, capsys)
    assert code == 1 and f"entry seq {seqs[1]} " in text, text


def test_a_deleted_row_is_named_by_its_successor(
    trail: tuple[str, list[int]], capsys: pytest.CaptureFixture[str]
) -> None:
    db, seqs = trail
    on(db, lambda c: c.execute("DELETE FROM audit_trail WHERE seq = $1", seqs[5]))
    code, text = verify(db, capsys)
    assert code == 1 and f"entry seq {seqs[6]} " in text and "deleted" in text, text


def test_two_swapped_rows_are_named(
    trail: tuple[str, list[int]], capsys: pytest.CaptureFixture[str]
) -> None:
    db, seqs = trail

    async def swap(conn: object) -> None:
        c = conn
        async with c.transaction():  # type: ignore[attr-defined]
            await c.execute("UPDATE audit_trail SET seq = -1 WHERE seq = $1", seqs[1])  # type: ignore[attr-defined]
            await c.execute("UPDATE audit_trail SET seq = $1 WHERE seq = $2", seqs[1], seqs[2])  # type: ignore[attr-defined]
            await c.execute("UPDATE audit_trail SET seq = $1 WHERE seq = -1", seqs[2])  # type: ignore[attr-defined]

    on(db, swap)
    code, text = verify(db, capsys)
    assert code == 1 and f"entry seq {seqs[1]} " in text, text


def test_the_laundering_of_issue_12_is_caught(
    trail: tuple[str, list[int]], capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = trail
    # Given the tail is cut and the head deleted, as the issue reports
    on(
        db,
        lambda c: c.execute(
            "DELETE FROM audit_trail WHERE seq > (SELECT max(seq) - 2 FROM audit_trail)"
        ),
    )
    on(db, lambda c: c.execute("DELETE FROM audit_chain_head"))
    # When a new event arrives, the trail refuses to go on from what is left
    with pytest.raises(TrailHalted):
        publish_and_record(db, [reported(8)])
    code, text = verify(db, capsys)
    assert code == 1 and "-000000000006:" in text and "is missing" in text, text
    # And when the launderer also writes a head that fits what is left, and events go on
    on(
        db,
        lambda c: c.execute(
            "INSERT INTO audit_chain_head (entries, last_seq, hash)"
            " SELECT 5, seq, hash FROM audit_trail ORDER BY seq DESC LIMIT 1"
        ),
    )
    publish_and_record(db, [reported(9)])
    code, text = verify(db, capsys)
    # Then the events on Kafka still name the first entry that was removed
    assert code == 1 and "-000000000006:" in text and "is missing" in text, text
    # And the service refuses to sign the laundered head
    with pytest.raises(CheckpointRefused, match=r"-000000000006:.* is missing"):
        sign_checkpoint(db)


def test_a_self_consistent_forgery_is_caught(
    trail: tuple[str, list[int]], capsys: pytest.CaptureFixture[str]
) -> None:
    db, seqs = trail

    async def forge(conn: object) -> None:
        # Rewrite entry 2 and recompute every hash after it, and the head, consistently
        c: object = conn
        rows = await c.fetch("SELECT * FROM audit_trail ORDER BY seq")  # type: ignore[attr-defined]
        prev = rows[0]["hash"]
        for row in rows[1:]:
            entry = dict(row)
            if row["seq"] == seqs[1]:
                entry["actor_id"] = "someone-else"
            digest = entry_hash(prev, entry)
            await c.execute(  # type: ignore[attr-defined]
                "UPDATE audit_trail SET actor_id = $1, prev_hash = $2, hash = $3 WHERE seq = $4",
                entry["actor_id"],
                prev,
                digest,
                row["seq"],
            )
            prev = digest
        await c.execute("DELETE FROM audit_chain_head")  # type: ignore[attr-defined]
        await c.execute(  # type: ignore[attr-defined]
            "INSERT INTO audit_chain_head (entries, last_seq, hash) VALUES ($1, $2, $3)",
            len(rows),
            rows[-1]["seq"],
            prev,
        )

    on(db, forge)
    assert ssp("audit", "verify", "--db", db) == 0  # the chain alone is fooled
    code, text = verify(db, capsys)
    assert code == 1 and f"entry seq {seqs[1]} " in text and "differs" in text, text


def test_the_export_carries_the_signed_checkpoints_after_the_entries_they_cover(
    trail: tuple[str, list[int]], tmp_path: Path
) -> None:
    db, seqs = trail
    out = tmp_path / "trail.jsonl"
    assert ssp("audit", "export", "--db", db, "-o", str(out)) == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    kinds = ["checkpoint" if "checkpoint" in line else line["seq"] for line in lines]
    assert kinds == ["checkpoint", *seqs[:4], "checkpoint", *seqs[4:]]
    signed = AuditCheckpointSigned.model_validate(lines[5]["checkpoint"])
    assert signature_holds(signed, trusted_keys(AuditSettings()))
    assert signed.head_hash == lines[4]["hash"]


def test_a_halted_trail_goes_on_in_a_new_signed_epoch_that_names_the_old_head(
    trail: tuple[str, list[int]], capsys: pytest.CaptureFixture[str]
) -> None:
    db, seqs = trail
    # Given the laundering halted the trail
    on(db, lambda c: c.execute("DELETE FROM audit_trail WHERE seq > $1", seqs[4]))
    on(db, lambda c: c.execute("DELETE FROM audit_chain_head"))
    arriving = publish_only(db, [reported(8)])
    with pytest.raises(TrailHalted):
        record_placed(db, arriving)
    # When the operator starts a new epoch, and the runner delivers the event again
    assert ssp("audit", "new-epoch", "--db", db) == 0
    assert "epoch 1 started after entry 5" in capsys.readouterr().out
    record_placed(db, arriving)
    publish_and_record(db, [reported(9)])
    # Then the trail goes on: the database's chain holds across the epochs
    assert ssp("audit", "verify", "--db", db) == 0
    # And the signed start of the epoch names the old head as found, and the missing head
    body = on(
        db, lambda c: c.fetchval("SELECT body FROM audit_checkpoints WHERE body->>'epoch' = '1'")
    )
    start = json.loads(body)["epoch_start"]
    last_kept = on(db, lambda c: c.fetchval("SELECT hash FROM audit_trail WHERE seq = $1", seqs[4]))
    assert start["previous_hash"] == last_kept and start["recorded_head"] is None
    # And what was removed before it still shows against the checkpoints and Kafka
    code, text = verify(db, capsys)
    assert code == 1 and "-000000000006:" in text and "before epoch 1 began" in text, text
    # While the new epoch on its own verifies
    code = ssp("audit", "verify", "--checkpoints", "--from-epoch", "1", "--db", db)
    assert code == 0, capsys.readouterr()
