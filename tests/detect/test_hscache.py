"""The compiled-database cache: hits, misses, corruption and opting out."""

from __future__ import annotations

from pathlib import Path

import pytest

from jikimi.detect import hscache
from jikimi.detect.engine import Engine
from jikimi.detect.kr import RECOGNIZERS as KR


def _scan(engine: Engine) -> list[str]:
    return [f.text for f in engine.scan("주민번호 900101-1234568")]


def test_second_engine_loads_the_cached_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIKIMI_CACHE_DIR", str(tmp_path))
    assert _scan(Engine(KR)) == ["900101-1234568"]
    files = list(tmp_path.glob("hs-*.db"))
    assert len(files) == 1
    compiled: list[int] = []
    monkeypatch.setattr(hscache.hyperscan, "Database", lambda **kw: compiled.append(1))
    assert _scan(Engine(KR)) == ["900101-1234568"]
    assert compiled == []  # loaded, not compiled


def test_a_corrupt_cache_file_is_recompiled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIKIMI_CACHE_DIR", str(tmp_path))
    Engine(KR)
    (path,) = tmp_path.glob("hs-*.db")
    path.write_bytes(b"not a database")
    assert _scan(Engine(KR)) == ["900101-1234568"]
    assert path.read_bytes() != b"not a database"


def test_cache_can_be_switched_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIKIMI_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert _scan(Engine(KR)) == ["900101-1234568"]
    assert list(tmp_path.rglob("hs-*.db")) == []


def test_an_unwritable_cache_directory_is_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("JIKIMI_CACHE_DIR", str(blocker / "sub"))
    assert _scan(Engine(KR)) == ["900101-1234568"]
