"""The data disk's own latency, measured before the cells: one 4096-byte
O_DIRECT pwrite at successive offsets of a preallocated file, then fdatasync,
again and again for a few seconds. A strict commit cannot be faster than this."""

import mmap
import os
import time

from common import percentile_of_sorted
from results import DiskProbe

BLOCK_BYTES = 4096
FILE_BYTES = 64 << 20  # preallocated, written with zeros; offsets wrap around within it
PREALLOCATE_CHUNK_BYTES = 1 << 20


def preallocate(path):
    """Writes FILE_BYTES of zeros to `path` and makes them durable, so that the
    probe's writes overwrite allocated blocks (as a log segment's do)."""
    chunk = bytes(PREALLOCATE_CHUNK_BYTES)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for offset in range(0, FILE_BYTES, PREALLOCATE_CHUNK_BYTES):
            os.pwrite(descriptor, chunk, offset)
        os.fdatasync(descriptor)
    finally:
        os.close(descriptor)


def open_direct(path):
    """(descriptor, note): O_DIRECT if the filesystem takes it, else buffered writes."""
    try:
        return os.open(path, os.O_WRONLY | os.O_DIRECT), ""
    except OSError as error:
        return os.open(path, os.O_WRONLY), f"without O_DIRECT (the filesystem refused it: {error.strerror})"


def measure(directory, filesystem, seconds):
    """Probes `directory` for `seconds`; the file is removed afterwards."""
    path = os.path.join(directory, "fdatasync-probe")
    preallocate(path)
    descriptor, note = open_direct(path)
    block = mmap.mmap(-1, BLOCK_BYTES)  # page-aligned, as O_DIRECT needs; zeros
    microseconds = []
    try:
        blocks = FILE_BYTES // BLOCK_BYTES
        deadline = time.monotonic() + seconds
        index = 0
        while time.monotonic() < deadline:
            started = time.perf_counter_ns()
            os.pwrite(descriptor, block, (index % blocks) * BLOCK_BYTES)
            os.fdatasync(descriptor)
            microseconds.append((time.perf_counter_ns() - started) / 1000)
            index += 1
    finally:
        os.close(descriptor)
        block.close()
        os.remove(path)
    values = sorted(microseconds)
    return DiskProbe(
        directory=directory, filesystem=filesystem, seconds=seconds, writes=len(values),
        p50_microseconds=percentile_of_sorted(values, 50), p99_microseconds=percentile_of_sorted(values, 99),
        max_microseconds=values[-1] if values else 0.0, note=note,
    )  # fmt: skip
