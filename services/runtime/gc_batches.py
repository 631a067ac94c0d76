"""Python's cyclic garbage collector held off while a batch of events is handled.

A batch's thousand-odd decoded events, envelopes and payloads stay alive until the batch is
applied. Left on, the collector keeps examining them while they are being handled (they are
all reachable, so the work finds nothing), promotes them to its oldest generation and so sets
off full collections of the whole process heap: a quarter of a projection runner's time in
`bench/README.md`'s profile. Held off, the batch's objects are freed by reference counting
when it is done and the collector runs between batches on what is left, so cyclic garbage is
still collected, at most one batch later.
"""

import contextlib
import gc
from collections.abc import Iterator

# Batches in progress in this process (runners share one event loop and interleave).
_active = 0
# Whether this module turned the collector off (so it never turns on one that was off).
_turned_off = False


@contextlib.contextmanager
def collection_deferred() -> Iterator[None]:
    """Within this block the collector does not run; it resumes when no batch is in progress."""
    global _active, _turned_off
    if _active == 0 and gc.isenabled():
        gc.disable()
        _turned_off = True
    _active += 1
    try:
        yield
    finally:
        _active -= 1
        if _active == 0 and _turned_off:
            _turned_off = False
            gc.enable()
