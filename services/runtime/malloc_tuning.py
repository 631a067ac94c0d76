"""glibc malloc settings for the services' processes.

A service's resident memory is mostly what malloc holds, not what Python uses: after the full
default demo, tracemalloc counted 82 MB of live Python allocations in incidents while it held
190 MiB, and glibc's ``malloc_info`` showed 31 of the main heap's 63 MB free but kept. Two
defaults cause it (bench/README.md, "Memory"):

- each thread may get an arena of its own, up to eight a core, and each keeps what it once held;
- glibc raises its mmap threshold to the size of any large block freed (up to 32 MB), so the
  Kafka fetch responses and store result sets (hundreds of kB) that came and went through mmap
  land on the heap from then on, where the small blocks between them pin the pages.

Fixed thresholds keep blocks of 128 kB and more in mmap (returned whole when freed) and let the
heap's free top go back at once. Measured over the full default demo: incidents 159 MiB peak
with the arenas alone, 132 MiB with the thresholds too; the others 2-5 MiB less.
"""

import contextlib
import ctypes

# glibc's mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8

ARENAS = 2
# glibc's own starting value for both, kept fixed instead of rising with each large free.
THRESHOLD_BYTES = 128 * 1024


def tune_malloc() -> None:
    """Two arenas and fixed mmap and trim thresholds, before any thread starts.

    The GIL lets one thread allocate at a time, so two arenas cost no contention. Not glibc
    (musl, macOS): nothing to do.
    """
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_ARENA_MAX, ARENAS)
        libc.mallopt(_M_MMAP_THRESHOLD, THRESHOLD_BYTES)
        libc.mallopt(_M_TRIM_THRESHOLD, THRESHOLD_BYTES)
