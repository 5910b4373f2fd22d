"""Reports are written completely or not at all."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import pytest

from jikimi.reports.atomic import atomic_write


def test_writes_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    target.write_text("old", encoding="utf-8")
    atomic_write(target, lambda fh: print("새 보고서", file=fh, end=""))
    assert target.read_text(encoding="utf-8") == "새 보고서"
    assert list(tmp_path.iterdir()) == [target]
    assert target.stat().st_mode & 0o077 == 0  # reports are private to their owner


def test_failure_leaves_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    target.write_text("old", encoding="utf-8")

    def boom(fh: TextIO) -> None:
        fh.write("half")
        raise RuntimeError("scan failed")

    with pytest.raises(RuntimeError):
        atomic_write(target, boom)
    assert target.read_text(encoding="utf-8") == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        atomic_write(tmp_path / "nope" / "r.json", lambda fh: None)
