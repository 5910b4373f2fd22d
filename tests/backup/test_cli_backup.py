"""``jikimi erase`` and ``jikimi backup``: end to end through the real CLI group."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from jikimi.cli.main import cli
from jikimi.keys import Keyring, RawKek
from jikimi.shred import KeyDestroyed, Shredder, SqliteSubjectKeyStore

KEK = b"q" * 32


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Keyring.create(tmp_path / "ring.json", RawKek(KEK))
    monkeypatch.setenv("JIKIMI_KEYRING", str(tmp_path / "ring.json"))
    monkeypatch.setenv("TEST_KEK", base64.b64encode(KEK).decode())
    (tmp_path / "backup.yaml").write_text(
        "targets:\n"
        "  - {name: seoul, path: seoul, region: KR, default: true}\n"
        "  - {name: hongkong, path: hk, region: HK}\n"
        "residency:\n"
        "  - {name: rrn-stays-in-kr, tags: [kr.rrn], allowed: [KR]}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("JIKIMI_BACKUP_CONFIG", str(tmp_path / "backup.yaml"))
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "users.csv").write_text("rrn\n900101-1234568\n", encoding="utf-8")
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, [*args], catch_exceptions=False)


def test_backup_cycle(env: Path) -> None:
    res = run("backup", "--kek-env", "TEST_KEK", "create", "data", "--tag", "kr.rrn")
    assert res.exit_code == 0, res.output
    aid = res.stdout.strip().splitlines()[0]
    res = run("backup", "--kek-env", "TEST_KEK", "list")
    assert res.exit_code == 0 and aid in res.stdout and "KR" in res.stdout
    res = run("backup", "--kek-env", "TEST_KEK", "verify", aid)
    assert res.exit_code == 0 and "authentic on seoul" in res.stdout
    res = run("backup", "--kek-env", "TEST_KEK", "restore", aid, "out")
    assert res.exit_code == 0
    assert (env / "out" / "data" / "users.csv").read_text(encoding="utf-8").endswith("1234568\n")
    res = run("backup", "--kek-env", "TEST_KEK", "destroy", aid, "--actor", "dpo")
    assert res.exit_code == 0
    cert = res.stdout.split()[1]
    assert json.loads(Path(cert).read_text())["body"]["archive_id"] == aid
    res = run("backup", "--kek-env", "TEST_KEK", "check-certificate", cert)
    assert res.exit_code == 0 and "archive-destruction" in res.stdout
    res = run("backup", "--kek-env", "TEST_KEK", "verify", aid)
    assert res.exit_code == 1 and "cannot be opened" in res.stderr


def test_residency_refusal_exit_and_message(env: Path) -> None:
    res = run(
        "backup", "--kek-env", "TEST_KEK", "create", "data", "--tag", "kr.rrn",
        "--target", "hongkong",
    )  # fmt: skip
    assert res.exit_code == 1
    assert "rrn-stays-in-kr" in res.stderr and "Traceback" not in res.output
    assert not (env / "hk").exists()


def test_usage_errors(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    res = run("backup", "--kek-env", "TEST_KEK", "create", "data", "--target", "mars")
    assert res.exit_code == 2 and "unknown backup target" in res.stderr
    (env / "bad.yaml").write_text("targets: []\n", encoding="utf-8")
    res = run("backup", "--config", "bad.yaml", "--kek-env", "TEST_KEK", "list")
    assert res.exit_code == 2 and "targets" in res.stderr
    res = run("erase", "--subject", "u1", "--kek-env", "TEST_KEK")
    assert res.exit_code == 2 and "subject key table" in res.stderr


def test_erase_command(env: Path) -> None:
    ring = Keyring.open(env / "ring.json", RawKek(KEK))
    store = SqliteSubjectKeyStore(env / "subjects.db")
    ct = Shredder(ring, store).encrypt("u1", b"kim", b"users.name")
    (env / "sample.bin").write_bytes(ct)
    res = run(
        "erase", "--subject", "u1", "--subject-keys", "subjects.db", "--kek-env", "TEST_KEK",
        "--sample", "sample.bin", "--actor", "dpo",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "2 decrypt attempt(s) failed" in res.stderr
    with pytest.raises(KeyDestroyed):
        Shredder(ring, SqliteSubjectKeyStore(env / "subjects.db")).decrypt(ct, b"users.name")
    assert list((env / "certificates").glob("subject-erasure-*.json"))
    res = run("erase", "--subject", "u1", "--subject-keys", "subjects.db", "--kek-env", "TEST_KEK")
    assert res.exit_code == 2
