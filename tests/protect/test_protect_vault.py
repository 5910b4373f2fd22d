"""Revealable tokens through a token vault: the Python API and ``jikimi protect|reveal``."""

import json

import polars as pl
import pytest
from click.testing import CliRunner

from jikimi.cli.main import cli
from jikimi.errors import UsageError
from jikimi.keys import MemoryKeyStore
from jikimi.policy import PolicyError, load_policy, parse_policy
from jikimi.protect import (
    RevealRequest,
    one_way_token_columns,
    protect_file,
    protect_text,
    reveal_table,
    reveal_text,
)
from jikimi.transform import DecryptionError, ListSink, SqliteTokenVault, VaultError
from jikimi.types import EntityId, Finding

KEYS = MemoryKeyStore()
REQ = RevealRequest("analyst", "case 9")


def F(entity, text, value):
    s = text.index(value)
    return Finding(EntityId(entity), s, s + len(value), 0.9, value, "test")


# -- text ------------------------------------------------------------------------------------


TEXT_POLICY = {
    "entities": {
        "EMAIL": {"operator": "token", "prefix": "em_"},
        "PHONE": "token",
        "CREDIT_CARD": "encrypt",
    },
    "default": "token",
}


def protected_text(vault):
    text = "mail kim@example.com, tel 010-1234-5678, card 4111-1111-1111-1111, id K-77"
    found = [
        F("EMAIL", text, "kim@example.com"),
        F("PHONE", text, "010-1234-5678"),
        F("CREDIT_CARD", text, "4111-1111-1111-1111"),
        F("PERSON", text, "K-77"),  # falls to the default rule
    ]
    return text, protect_text(text, TEXT_POLICY, keys=KEYS, findings=found, vault=vault)


def test_text_round_trip_with_events(tmp_path):
    vault = SqliteTokenVault(tmp_path / "v.db")
    text, out = protected_text(vault)
    assert "kim@example.com" not in out and "em_" in out and "010-1234-5678" not in out
    sink = ListSink()
    assert reveal_text(out, TEXT_POLICY, keys=KEYS, sink=sink, request=REQ, vault=vault) == text
    got = {(e.operator, e.field, e.count) for e in sink.events}
    assert got == {
        ("encrypt", "CREDIT_CARD", 1),
        ("token", "EMAIL", 1),
        ("token", "PHONE", 1),
        ("token", "PERSON", 1),
    }
    assert all("kim" not in e.to_json() for e in sink.events)


def test_text_without_a_vault_leaves_tokens_and_tampered_text_fails(tmp_path):
    vault = SqliteTokenVault(tmp_path / "v.db")
    _, out = protected_text(vault)
    sink = ListSink()
    kept = reveal_text(out, TEXT_POLICY, keys=KEYS, sink=sink, request=REQ)
    assert "em_" in kept and "4111-1111-1111-1111" in kept
    assert [e.operator for e in sink.events] == ["encrypt"]
    forged = out.replace("em_", "em_", 1)
    first = forged.index("em_")
    forged = (
        forged[: first + 14] + ("0" if forged[first + 14] != "0" else "1") + forged[first + 15 :]
    )
    sink = ListSink()
    with pytest.raises(DecryptionError):
        reveal_text(forged, TEXT_POLICY, keys=KEYS, sink=sink, request=REQ, vault=vault)
    assert sink.events == []


# -- tables and files ---------------------------------------------------------------------------


def test_policy_vault_is_relative_to_the_policy_file(tmp_path):
    (tmp_path / "conf").mkdir()
    pfile = tmp_path / "conf" / "p.yaml"
    pfile.write_text("vault: tokens.db\ncolumns:\n  mail: token\n  tel: token\n", "utf-8")
    policy = load_policy(pfile)
    assert policy.vault == str(tmp_path / "conf" / "tokens.db")
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    pl.DataFrame({"mail": ["a@x.kr", None, "b@x.kr"], "tel": ["1", "2", "1"]}).write_csv(src)
    protect_file(src, dst, policy, keys=KEYS)
    assert (tmp_path / "conf" / "tokens.db").is_file()
    out = pl.read_csv(dst, infer_schema=False)
    sink = ListSink()
    back = reveal_table(out, policy, keys=KEYS, sink=sink, request=REQ)
    assert back["mail"].to_list() == ["a@x.kr", None, "b@x.kr"]
    assert back["tel"].to_list() == ["1", "2", "1"]
    assert [(e.field, e.count) for e in sink.events] == [("mail", 2), ("tel", 3)]


def test_policy_vault_must_be_a_path():
    with pytest.raises(PolicyError, match=r"<policy>:1: vault"):
        parse_policy("vault: 3\ncolumns:\n  a: token\n")


def test_reveal_without_a_vault_says_tokens_are_one_way(tmp_path):
    policy = {
        "columns": {
            "mail": "token",
            "card": "encrypt",
            "tag": {"operator": "token", "vault": False},
        }
    }
    df = pl.DataFrame({"mail": ["a@x.kr"], "card": ["4111"], "tag": ["t"]})
    from jikimi.protect import protect_table

    vault = SqliteTokenVault(tmp_path / "v.db")
    out = protect_table(df, policy, keys=KEYS, vault=vault)
    assert len(vault) == 1  # the opted-out rule is not recorded
    with pytest.raises(UsageError, match="one-way tokens \\(no token vault"):
        reveal_table(out, policy, keys=KEYS, sink=ListSink(), request=REQ, columns=["mail"])
    with pytest.raises(UsageError, match="vault: false"):
        reveal_table(
            out, policy, keys=KEYS, sink=ListSink(), request=REQ, columns=["tag"], vault=vault
        )
    back = reveal_table(out, policy, keys=KEYS, sink=ListSink(), request=REQ)
    assert back["mail"][0] == out["mail"][0] and back["card"][0] == "4111"
    assert one_way_token_columns(out.columns, policy) == ["mail", "tag"]
    assert one_way_token_columns(out.columns, policy, vault=vault) == ["tag"]


def test_reveal_with_a_missing_vault_file(tmp_path):
    policy = {"columns": {"mail": "token"}}
    out = pl.DataFrame({"mail": ["tok_00000000_" + "0" * 32]})
    with pytest.raises(VaultError, match="does not exist"):
        reveal_table(
            out, policy, keys=KEYS, sink=ListSink(), request=REQ, vault=tmp_path / "gone.db"
        )
    assert not (tmp_path / "gone.db").exists()


# -- CLI -------------------------------------------------------------------------------------


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JIKIMI_PASSPHRASE", "correct horse")
    monkeypatch.delenv("JIKIMI_KEYRING", raising=False)
    (tmp_path / "policy.yaml").write_text("columns:\n  mail: token\n", encoding="utf-8")
    (tmp_path / "in.csv").write_text("mail,n\nkim@example.com,1\nlee@example.com,2\n", "utf-8")
    assert run("keys", "init", "ring.json").exit_code == 0
    return tmp_path


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


KEYRING = ("--keyring", "ring.json")


def test_cli_protect_rotate_reveal_with_vault(env):
    r = run("protect", "in.csv", "-o", "out.csv", "-p", "policy.yaml", "--vault", "v.db", *KEYRING)
    assert r.exit_code == 0, r.output
    out = (env / "out.csv").read_text("utf-8")
    assert "kim@example.com" not in out and "tok_" in out
    assert run("keys", "rotate", "ring.json").exit_code == 0
    r = run(
        "reveal", "out.csv", "-o", "back.csv", "-p", "policy.yaml", "--vault", "v.db",
        "--purpose", "dsar 4", "--audit-log", "audit.jsonl", *KEYRING,
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert (env / "back.csv").read_text("utf-8") == (env / "in.csv").read_text("utf-8")
    [event] = [json.loads(x) for x in (env / "audit.jsonl").read_text().splitlines()]
    assert (event["operator"], event["field"], event["count"]) == ("token", "mail", 2)


def test_cli_reveal_without_vault_notes_one_way_tokens(env):
    run("protect", "in.csv", "-o", "out.csv", "-p", "policy.yaml", *KEYRING)
    reveal = ("reveal", "out.csv", "-o", "back.csv", "-p", "policy.yaml", "--purpose", "p")
    r = run(*reveal, *KEYRING)
    assert r.exit_code == 0 and "'mail' holds one-way tokens" in r.output
    assert "kim@example.com" not in (env / "back.csv").read_text("utf-8")
    r = run(*reveal, "--column", "mail", *KEYRING)
    assert r.exit_code == 2 and "one-way tokens" in r.output and "Traceback" not in r.output


def test_cli_reveal_missing_vault_or_not_recorded(env):
    run("protect", "in.csv", "-o", "out.csv", "-p", "policy.yaml", *KEYRING)  # no vault
    reveal = ("reveal", "out.csv", "-o", "back.csv", "-p", "policy.yaml", "--purpose", "p")
    r = run(*reveal, "--vault", "missing.db", *KEYRING)
    assert r.exit_code == 2 and "token vault missing.db does not exist" in r.output
    assert not (env / "back.csv").exists() and not (env / "missing.db").exists()
    (env / "other.csv").write_text("mail\npark@example.com\n", "utf-8")
    run("protect", "other.csv", "-o", "o2.csv", "-p", "policy.yaml", "--vault", "v.db", *KEYRING)
    assert (env / "v.db").is_file()
    r = run(*reveal, "--vault", "v.db", *KEYRING)  # the vault exists but never saw these
    assert r.exit_code == 1 and "one-way" in r.output and "kim@" not in r.output
    assert not (env / "back.csv").exists()
