"""The relay's partition for a key is the default partitioner's, however it is cached."""

import uuid

from aiokafka.partitioner import DefaultPartitioner

from services.runtime.relay_partitions import KeyPartitions


def test_every_key_goes_where_the_default_partitioner_sends_it() -> None:
    cache = KeyPartitions(limit=50)
    keys = [str(uuid.uuid4()).encode() for _ in range(200)]
    for partitions in ([0, 1, 2], [0, 1, 2, 3, 4, 5], [0, 1, 2]):  # partitions added, then a
        for key in keys + keys:  # second topic's metadata; each key asked twice (cached)
            expected = DefaultPartitioner()(key, partitions, partitions)
            assert cache.partition("ssp.t", partitions, key) == expected


def test_topics_are_cached_apart() -> None:
    cache = KeyPartitions()
    key = b"one-aggregate"
    assert cache.partition("a", [0], key) == 0
    assert cache.partition("b", [0, 1, 2], key) == DefaultPartitioner()(key, [0, 1, 2], [])
