"""The block log: an append-only file of signed blocks, fsynced before their state commits.

Layout: `blocks.log` holds records `u32 length | u32 crc32 | payload` (the packed signed block),
`blocks.index` holds one u64 offset per block so block N is one seek away. The log is the truth;
the index is rebuilt from it whenever the two disagree. A record cut short by a crash (a torn
write, a bad checksum at the tail) is truncated away on open: it was never acknowledged, because
acknowledgement waits for the fsync.
"""

from __future__ import annotations

import logging
import os
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

RECORD_HEADER = struct.Struct("<II")
OFFSET = struct.Struct("<Q")


class BlockLogError(RuntimeError):
    """The block log cannot serve a request (a gap, an unknown block, a corrupt record mid-file)."""


class BlockLog:
    """Blocks 1..head_num, in order, crash-safe."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.log_path = directory / "blocks.log"
        self.index_path = directory / "blocks.index"
        # Not O_APPEND: Linux's pwrite ignores the offset on append-mode files.
        self._log = os.fdopen(os.open(self.log_path, os.O_RDWR | os.O_CREAT, 0o644), "r+b")
        self._index = open(self.index_path, "a+b")  # noqa: SIM115
        self._offsets: list[int] = []
        self._end = 0
        self._recover()

    @property
    def head_num(self) -> int:
        return len(self._offsets)

    def append(self, block_num: int, payload: bytes) -> None:
        """Write block `block_num` (must be head_num + 1) and fsync it before returning."""
        if block_num != self.head_num + 1:
            raise BlockLogError(f"block log holds 1..{self.head_num}; cannot append block {block_num}")
        record = RECORD_HEADER.pack(len(payload), zlib.crc32(payload)) + payload
        os.pwrite(self._log.fileno(), record, self._end)
        os.fsync(self._log.fileno())
        self._offsets.append(self._end)
        self._end += len(record)
        self._index.write(OFFSET.pack(self._offsets[-1]))
        self._index.flush()

    def read(self, block_num: int) -> bytes:
        if not 1 <= block_num <= self.head_num:
            raise BlockLogError(f"block {block_num} is not in the log (it holds 1..{self.head_num})")
        payload, _ = self._read_record(self._offsets[block_num - 1])
        if payload is None:
            raise BlockLogError(f"block {block_num} is corrupt in {self.log_path}")
        return payload

    def iter_from(self, block_num: int = 1) -> Iterator[tuple[int, bytes]]:
        for num in range(max(block_num, 1), self.head_num + 1):
            yield num, self.read(num)

    def truncate(self, head_num: int) -> None:
        """Drop every block after `head_num` (used to cut a log back for tests and forks)."""
        if head_num >= self.head_num:
            return
        self._end = self._offsets[head_num] if head_num < len(self._offsets) else self._end
        del self._offsets[head_num:]
        self._log.truncate(self._end)
        os.fsync(self._log.fileno())
        self._rewrite_index()

    def sync(self) -> None:
        os.fsync(self._index.fileno())

    def close(self) -> None:
        self.sync()
        self._log.close()
        self._index.close()

    # --- recovery ---------------------------------------------------------------------------

    def _read_record(self, offset: int) -> tuple[bytes | None, int]:
        """The payload at `offset` and the offset after it; None if the record is torn or corrupt.

        Positional reads (pread) leave the append position alone, so API threads may read while
        the producer appends."""
        fd = self._log.fileno()
        header = os.pread(fd, RECORD_HEADER.size, offset)
        if len(header) < RECORD_HEADER.size:
            return None, offset
        length, checksum = RECORD_HEADER.unpack(header)
        payload = os.pread(fd, length, offset + RECORD_HEADER.size)
        if len(payload) < length or zlib.crc32(payload) != checksum:
            return None, offset
        return payload, offset + RECORD_HEADER.size + length

    def _recover(self) -> None:
        """Trust the index up to its last intact record, then scan the log past it and cut a torn tail."""
        size = os.fstat(self._log.fileno()).st_size
        self._index.seek(0)
        raw = self._index.read()
        indexed = [OFFSET.unpack_from(raw, pos)[0] for pos in range(0, len(raw) - len(raw) % OFFSET.size, OFFSET.size)]
        offsets = _increasing_prefix(indexed)
        end = 0
        while offsets:
            payload, end = self._read_record(offsets[-1])
            if payload is not None:
                break
            offsets.pop()
            end = 0
        while end < size:  # records written after the last index entry, or an index lost
            payload, after = self._read_record(end)
            if payload is None:
                log.warning("block log: dropping %d torn bytes after block %d", size - end, len(offsets))
                self._log.truncate(end)
                os.fsync(self._log.fileno())
                break
            offsets.append(end)
            end = after
        self._offsets, self._end = offsets, end
        if offsets != indexed:
            self._rewrite_index()

    def _rewrite_index(self) -> None:
        self._index.truncate(0)
        self._index.write(b"".join(OFFSET.pack(offset) for offset in self._offsets))
        self._index.flush()
        os.fsync(self._index.fileno())


def _increasing_prefix(offsets: list[int]) -> list[int]:
    """The leading run of strictly increasing offsets starting at 0 (the rest of the index is suspect)."""
    kept: list[int] = []
    for offset in offsets:
        if (not kept and offset != 0) or (kept and offset <= kept[-1]):
            break
        kept.append(offset)
    return kept
