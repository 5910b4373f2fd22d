"""Fixtures for CLI tests: a runner and a small tree of files with known personal data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from jikimi.cli.main import cli

RRN = "900101-1234568"
CN_ID = "11010519491231002X"
PHONE = "010-1234-5678"
CARD = "4111111111111111"


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., Result]:
    """Invoke ``jikimi`` in ``tmp_path`` (so report paths are relative to it)."""
    monkeypatch.chdir(tmp_path)

    def invoke(args: Sequence[str], input: str | bytes | None = None) -> Result:
        return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """tmp_path with: docs/customers.txt (RRN, phone), docs/ids_cn.txt (CN ID, card),
    clean.txt (nothing), logo.bin (binary)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "customers.txt").write_text(
        f"고객 목록\n홍길동 주민등록번호 {RRN}\n연락처 {PHONE}\n", encoding="utf-8"
    )
    (docs / "ids_cn.txt").write_text(f"身份证号码 {CN_ID}\n银行卡 {CARD}\n", encoding="utf-8")
    (tmp_path / "clean.txt").write_text("nothing personal here\n", encoding="utf-8")
    (tmp_path / "logo.bin").write_bytes(bytes(range(256)) * 8)
    return tmp_path
