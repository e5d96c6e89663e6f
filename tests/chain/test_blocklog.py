"""The block log survives torn writes, lost indexes and reopening."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from stoa.chain.blocklog import BlockLog, BlockLogError


def filled(path: Path, count: int) -> BlockLog:
    log = BlockLog(path)
    for num in range(1, count + 1):
        log.append(num, f"block {num}".encode() * num)
    return log


def test_append_read_reopen(tmp_path: Path) -> None:
    filled(tmp_path, 20).close()
    log = BlockLog(tmp_path)
    assert log.head_num == 20
    assert log.read(7) == b"block 7" * 7
    assert [num for num, _ in log.iter_from(18)] == [18, 19, 20]


def test_rejects_gaps_and_unknown_blocks(tmp_path: Path) -> None:
    log = filled(tmp_path, 3)
    with pytest.raises(BlockLogError, match="cannot append block 5"):
        log.append(5, b"x")
    with pytest.raises(BlockLogError, match="not in the log"):
        log.read(4)
    assert log.head_num == 3


@pytest.mark.parametrize("cut", [1, 4, 8, 12])
def test_torn_tail_is_cut_on_open(tmp_path: Path, cut: int) -> None:
    filled(tmp_path, 5).close()
    size = (tmp_path / "blocks.log").stat().st_size
    os.truncate(tmp_path / "blocks.log", size - cut)
    log = BlockLog(tmp_path)
    assert log.head_num == 4
    assert log.read(4) == b"block 4" * 4
    log.append(5, b"again")
    log.close()
    assert BlockLog(tmp_path).read(5) == b"again"


def test_corrupt_tail_checksum_is_cut(tmp_path: Path) -> None:
    filled(tmp_path, 3).close()
    with open(tmp_path / "blocks.log", "r+b") as handle:
        handle.seek(-1, os.SEEK_END)
        handle.write(b"\xff")
    assert BlockLog(tmp_path).head_num == 2


def test_lost_or_stale_index_is_rebuilt(tmp_path: Path) -> None:
    filled(tmp_path, 6).close()
    (tmp_path / "blocks.index").write_bytes(b"")
    log = BlockLog(tmp_path)
    assert log.head_num == 6 and log.read(6) == b"block 6" * 6
    log.close()
    with open(tmp_path / "blocks.index", "r+b") as handle:
        handle.truncate(8 * 3 + 5)  # three whole entries and a torn one
    assert BlockLog(tmp_path).head_num == 6


def test_truncate(tmp_path: Path) -> None:
    log = filled(tmp_path, 6)
    log.truncate(2)
    assert log.head_num == 2
    log.append(3, b"new")
    log.close()
    assert BlockLog(tmp_path).read(3) == b"new"
