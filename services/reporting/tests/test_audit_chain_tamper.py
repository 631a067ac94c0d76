"""The audit trail is tamper-evident: verify names the first entry that was changed."""

import asyncpg
import pytest

from services.reporting import audit_trail
from services.reporting.chain import entry_hash
from services.reporting.projections.audit import TrailHalted
from services.reporting.tests.audit_stories import record, reported, seqs

pytestmark = pytest.mark.stack


@pytest.fixture
async def given_five_recorded_entries(read_models: asyncpg.Connection) -> asyncpg.Connection:
    # Five incidents arrive in two batches, as the runner would apply them
    await record(read_models, [reported(1), reported(2)], [reported(3), reported(4), reported(5)])
    return read_models


async def test_an_untouched_trail_verifies(given_five_recorded_entries: asyncpg.Connection) -> None:
    verdict = await audit_trail.verify(given_five_recorded_entries)
    assert verdict.ok, verdict.broken
    assert verdict.entries == 5


async def test_an_edited_entry_is_named(given_five_recorded_entries: asyncpg.Connection) -> None:
    conn = given_five_recorded_entries
    third = (await seqs(conn))[2]
    # When someone changes who did it on the third entry
    await conn.execute("UPDATE audit_trail SET actor_id = 'someone-else' WHERE seq = $1", third)
    # Then verification names exactly that entry as edited
    verdict = await audit_trail.verify(conn)
    assert verdict.broken is not None
    assert verdict.broken.seq == third
    assert "edited" in verdict.broken.reason


async def test_an_edited_payload_is_named(given_five_recorded_entries: asyncpg.Connection) -> None:
    conn = given_five_recorded_entries
    second = (await seqs(conn))[1]
    # When the recorded school is changed inside the payload
    await conn.execute(
        """UPDATE audit_trail SET data = jsonb_set(data, '{school_id}', '"school-z"')
           WHERE seq = $1""",
        second,
    )
    verdict = await audit_trail.verify(conn)
    assert verdict.broken is not None and verdict.broken.seq == second


async def test_a_deleted_entry_is_named_by_its_successor(
    given_five_recorded_entries: asyncpg.Connection,
) -> None:
    conn = given_five_recorded_entries
    order = await seqs(conn)
    # When the third entry is deleted
    await conn.execute("DELETE FROM audit_trail WHERE seq = $1", order[2])
    # Then the fourth no longer links to the entry before it
    verdict = await audit_trail.verify(conn)
    assert verdict.broken is not None
    assert verdict.broken.seq == order[3]
    assert "deleted" in verdict.broken.reason


async def test_a_deleted_last_entry_shows_against_the_head(
    given_five_recorded_entries: asyncpg.Connection,
) -> None:
    conn = given_five_recorded_entries
    # When the newest entry is deleted, leaving a chain that is valid but shorter
    await conn.execute("DELETE FROM audit_trail WHERE seq = $1", (await seqs(conn))[-1])
    # Then the recorded head of the chain gives it away
    verdict = await audit_trail.verify(conn)
    assert verdict.broken is not None
    assert verdict.broken.seq is None
    assert "after 4 entries" in verdict.broken.reason


async def test_two_swapped_entries_are_named(
    given_five_recorded_entries: asyncpg.Connection,
) -> None:
    conn = given_five_recorded_entries
    order = await seqs(conn)
    second, third = order[1], order[2]
    # When the second and third entries swap places (each keeps its own hashes)
    async with conn.transaction():
        await conn.execute("UPDATE audit_trail SET seq = -1 WHERE seq = $1", second)
        await conn.execute("UPDATE audit_trail SET seq = $1 WHERE seq = $2", second, third)
        await conn.execute("UPDATE audit_trail SET seq = $1 WHERE seq = -1", third)
    # Then the first of the swapped positions is named
    verdict = await audit_trail.verify(conn)
    assert verdict.broken is not None
    assert verdict.broken.seq == second
    assert "moved" in verdict.broken.reason


async def test_recomputing_the_edited_hash_still_breaks_the_next_link(
    given_five_recorded_entries: asyncpg.Connection,
) -> None:
    conn = given_five_recorded_entries
    order = await seqs(conn)
    # When a careful editor changes the second entry and recomputes its hash correctly
    stored = await conn.fetchrow("SELECT * FROM audit_trail WHERE seq = $1", order[1])
    assert stored is not None
    row = dict(stored)
    row["actor_id"] = "someone-else"
    forged = entry_hash(row["prev_hash"], row)
    await conn.execute(
        "UPDATE audit_trail SET actor_id = $1, hash = $2 WHERE seq = $3",
        row["actor_id"],
        forged,
        order[1],
    )
    # Then the third entry no longer links to it
    verdict = await audit_trail.verify(conn)
    assert verdict.broken is not None and verdict.broken.seq == order[2]


async def test_a_deleted_head_halts_the_trail_instead_of_being_rebuilt(
    given_five_recorded_entries: asyncpg.Connection,
) -> None:
    conn = given_five_recorded_entries
    # Given the laundering of issue 12: the tail and the head are deleted
    await conn.execute("DELETE FROM audit_trail WHERE seq > (SELECT max(seq) - 2 FROM audit_trail)")
    await conn.execute("DELETE FROM audit_chain_head")
    # When a new event arrives, the trail is not extended from what remains
    with pytest.raises(TrailHalted, match="no chain head is recorded"):
        await record(conn, [reported(6)])
    # And verification keeps saying so
    verdict = await audit_trail.verify(conn)
    assert verdict.broken is not None and "no chain head" in verdict.broken.reason
    assert verdict.entries == 3


async def test_a_truncated_tail_halts_the_trail(
    given_five_recorded_entries: asyncpg.Connection,
) -> None:
    conn = given_five_recorded_entries
    await conn.execute("DELETE FROM audit_trail WHERE seq = (SELECT max(seq) FROM audit_trail)")
    with pytest.raises(TrailHalted, match="trail ends at seq"):
        await record(conn, [reported(6)])


async def test_a_missing_head_is_reported_not_crashed_on(
    given_five_recorded_entries: asyncpg.Connection,
) -> None:
    await given_five_recorded_entries.execute("DROP TABLE audit_chain_head")
    verdict = await audit_trail.verify(given_five_recorded_entries)
    assert verdict.broken is not None and "no chain head" in verdict.broken.reason
