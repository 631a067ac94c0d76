"""The partition of each relayed message, as aiokafka's default partitioner picks it, cached.

The default partitioner hashes every key with a pure-Python murmur2 (about a tenth of the
relay's time in a profile); an aggregate's events share their key, so the relay hashes each
key once and hands the producer the partition.
"""

from aiokafka.partitioner import murmur2


class KeyPartitions:
    """Partition per (topic, key): the default partitioner's choice, computed once per key."""

    # Most of a batch's repeats are one aggregate's events; 100,000 keys a topic held 15 MB.
    def __init__(self, limit: int = 10_000) -> None:
        self.limit = limit
        self._topics: dict[str, tuple[tuple[int, ...], dict[bytes, int]]] = {}

    def partition(self, topic: str, partitions: list[int], key: bytes) -> int:
        """The partition of ``key`` among ``partitions`` (the topic's, as the producer lists
        them): what ``DefaultPartitioner`` gives for a key, so a key's partition never moves."""
        known = tuple(partitions)
        cached = self._topics.get(topic)
        if cached is None or cached[0] != known or len(cached[1]) >= self.limit:
            # New topic, changed partitions, or full: start afresh (bounded memory).
            cached = self._topics[topic] = (known, {})
        by_key = cached[1]
        found = by_key.get(key)
        if found is None:
            found = by_key[key] = partitions[(murmur2(key) & 0x7FFFFFFF) % len(partitions)]
        return found
