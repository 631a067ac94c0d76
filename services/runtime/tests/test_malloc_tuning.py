"""The services' malloc settings: large blocks stay in mmap even after a large one was freed."""

import subprocess
import sys

import pytest

# Counts the blocks malloc holds in mmap around one 256 kB allocation, after a 4 MB block was
# freed (glibc would then raise its mmap threshold past 256 kB and serve it from the heap).
PROBE = """
import ctypes, sys
from services.runtime.malloc_tuning import tune_malloc

class MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd",
        "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = MallInfo2
libc.malloc.restype = ctypes.c_void_p
if sys.argv[1] == "tuned":
    tune_malloc()
libc.free(ctypes.c_void_p(libc.malloc(4 << 20)))
before = libc.mallinfo2().hblks
block = libc.malloc(256 << 10)
print(libc.mallinfo2().hblks - before)
"""


def _mmapped_blocks(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True
    )
    return int(done.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc")
def test_a_large_block_is_mapped_even_after_a_larger_one_was_freed() -> None:
    # Without the settings the block lands on the heap, where it pins pages (the control).
    assert _mmapped_blocks("default") == 0
    assert _mmapped_blocks("tuned") == 1
