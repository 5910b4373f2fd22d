"""`jikimi audit verify` exit codes and messages; `jikimi serve` prints its address."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import click
from click.testing import CliRunner
from sqlalchemy import Engine, text

from jikimi.cli.ledger import COMMANDS
from jikimi.ledger import AccessEvent, AccessLog, Action, HmacSigner

CLI = click.Group(commands={c.name or "": c for c in COMMANDS})
KEY = b"c" * 32
KEY_SPEC = "hmac:" + base64.b64encode(KEY).decode()


def _db_path(engine: Engine) -> str:
    return str(engine.url.database)


def _fill(engine: Engine, n: int = 12) -> None:
    log = AccessLog(engine, HmacSigner(KEY), checkpoint_every=4)
    for i in range(0, n, 4):
        log.append_many(
            AccessEvent(f"u{j}", Action.VIEW, "crm", "billing") for j in range(i, i + 4)
        )


def test_commands_are_exported() -> None:
    assert [c.name for c in COMMANDS] == ["serve", "audit"]


def test_verify_ok_and_tampered(sqlite_engine: Engine) -> None:
    _fill(sqlite_engine)
    runner = CliRunner()
    ok = runner.invoke(CLI, ["audit", "verify", "--db", _db_path(sqlite_engine), "--key", KEY_SPEC])
    assert ok.exit_code == 0, ok.output
    assert "12 entries" in ok.output and "3 signed checkpoints verified" in ok.output
    with sqlite_engine.begin() as conn:
        conn.execute(text("UPDATE ledger_access_log SET actor = 'mallory' WHERE seq = 6"))
    bad = runner.invoke(CLI, ["audit", "verify", "--db", _db_path(sqlite_engine), "--json"])
    assert bad.exit_code == 1
    assert '"seq": 6, "kind": "edited"' in bad.output
    table = runner.invoke(CLI, ["audit", "verify", "--db", _db_path(sqlite_engine)])
    assert table.exit_code == 1
    assert "first problem at entry 6: edited" in table.output


def test_verify_user_errors(tmp_path: Path, sqlite_engine: Engine) -> None:
    runner = CliRunner()
    missing = runner.invoke(CLI, ["audit", "verify", "--db", str(tmp_path / "nope.db")])
    assert missing.exit_code == 2 and "no ledger database" in missing.output
    assert not (tmp_path / "nope.db").exists()
    badkey = runner.invoke(
        CLI, ["audit", "verify", "--db", _db_path(sqlite_engine), "--key", "hmac:c2hvcnQ="]
    )
    assert badkey.exit_code == 2 and "32 bytes" in badkey.output
    assert "Traceback" not in badkey.output
    other = tmp_path / "other.db"
    import sqlite3

    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    notledger = runner.invoke(CLI, ["audit", "verify", "--db", str(other)])
    assert notledger.exit_code == 2 and "no jikimi ledger" in notledger.output


def test_serve_prints_address_and_answers(tmp_path: Path) -> None:
    code = (
        "import click; from jikimi.cli.ledger import COMMANDS; "
        "click.Group(commands={c.name: c for c in COMMANDS})()"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--db", str(tmp_path / "fresh.db"), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert "admin API key" in first
        token = first.rsplit(" ", 1)[1].strip()
        second = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)", second)
        assert match, second
        url = f"http://127.0.0.1:{match.group(1)}"
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        req = urllib.request.Request(url + "/v1/keys", headers={"X-API-Key": token})
        with urllib.request.urlopen(req, timeout=5) as resp:
            assert resp.status == 200
    finally:
        proc.terminate()
        proc.wait(10)
