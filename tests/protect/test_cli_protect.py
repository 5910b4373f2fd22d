"""``jikimi keys``, ``jikimi protect`` and ``jikimi reveal`` end to end through click."""

import json

import pytest
from click.testing import CliRunner

from jikimi.cli.main import cli

POLICY = """\
profile: kr-pipa
columns:
  name: {entity: PERSON}
  phone: {entity: PHONE}
  card: {entity: CREDIT_CARD}
  rrn: {operator: fpe, keep_first: 6, check_digit: kr-rrn}
"""
CSV = (
    "name,phone,card,rrn\n"
    "홍길동,010-1234-5678,4111-1111-1111-1111,900101-1234568\n"
    "김철,02-312-3456,,900101-1234568\n"
)


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JIKIMI_PASSPHRASE", "correct horse")
    monkeypatch.delenv("JIKIMI_KEYRING", raising=False)
    (tmp_path / "policy.yaml").write_text(POLICY, encoding="utf-8")
    (tmp_path / "in.csv").write_text(CSV, encoding="utf-8")
    return tmp_path


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_keys_protect_reveal_rotate(env):
    assert run("keys", "init", "ring.json").exit_code == 0
    r = run("protect", "in.csv", "-o", "out.csv", "-p", "policy.yaml", "--keyring", "ring.json")
    assert r.exit_code == 0, r.output
    out = (env / "out.csv").read_text(encoding="utf-8")
    assert "홍*동" in out and "010-****-5678" in out and "4111-1111" not in out
    assert "900101-1234568" not in out
    r = run("keys", "rotate", "ring.json")
    assert r.exit_code == 0 and "new primary key" in r.output
    r = run(
        "reveal",
        "out.csv",
        "-o",
        "back.csv",
        "-p",
        "policy.yaml",
        "--keyring",
        "ring.json",
        "--purpose",
        "audit 3",
        "--actor",
        "kim",
        "--audit-log",
        "audit.jsonl",
    )
    assert r.exit_code == 0, r.output
    back = (env / "back.csv").read_text(encoding="utf-8")
    assert "4111-1111-1111-1111" in back and "900101-1234568" in back
    events = [json.loads(x) for x in (env / "audit.jsonl").read_text().splitlines()]
    assert [(e["field"], e["actor"], e["purpose"]) for e in events] == [
        ("card", "kim", "audit 3"),
        ("rrn", "kim", "audit 3"),
    ]
    listing = run("keys", "list", "ring.json").output
    assert listing.count("yes") == 1


def test_text_through_stdin(env):
    run("keys", "init", "ring.json")
    r = run(
        "protect", "-", "-p", "kr-pipa", "--keyring", "ring.json", input="연락처 010-1234-5678\n"
    )
    assert r.exit_code == 0 and r.output == "연락처 010-****-5678\n"


def test_wrong_passphrase_exit_1_one_line(env, monkeypatch):
    run("keys", "init", "ring.json")
    monkeypatch.setenv("JIKIMI_PASSPHRASE", "wrong")
    r = run("protect", "in.csv", "-o", "out.csv", "-p", "policy.yaml", "--keyring", "ring.json")
    assert r.exit_code == 1
    assert "wrong passphrase" in r.output and "Traceback" not in r.output
    assert not (env / "out.csv").exists()


def test_bad_policy_exit_2_names_the_line(env):
    (env / "bad.yaml").write_text("entities:\n  PHONE: {operator: maks}\n", encoding="utf-8")
    r = run("protect", "in.csv", "-o", "out.csv", "-p", "bad.yaml")
    assert r.exit_code == 2
    assert "bad.yaml:2: entities.PHONE.operator: unknown operator 'maks'" in r.output
    assert not (env / "out.csv").exists()


def test_fpe_domain_error_leaves_no_file(env):
    run("keys", "init", "ring.json")
    (env / "short.csv").write_text("code\n12345\n", encoding="utf-8")
    (env / "fpe.yaml").write_text("columns:\n  code: fpe\n", encoding="utf-8")
    r = run("protect", "short.csv", "-o", "o.csv", "-p", "fpe.yaml", "--keyring", "ring.json")
    assert r.exit_code == 2 and "FF3-1 needs 6 to 56" in r.output and "12345" not in r.output
    assert sorted(p.name for p in env.iterdir()) == [
        "fpe.yaml",
        "in.csv",
        "policy.yaml",
        "ring.json",
        "short.csv",
    ]


def test_keyed_policy_without_keyring(env):
    r = run("protect", "in.csv", "-o", "out.csv", "-p", "policy.yaml")
    assert r.exit_code == 2 and "needs a keyring" in r.output


def test_reveal_needs_purpose_and_keyring(env):
    assert run("reveal", "in.csv", "-o", "x.csv", "-p", "policy.yaml").exit_code == 2
    r = run("reveal", "in.csv", "-o", "x.csv", "-p", "policy.yaml", "--purpose", "p")
    assert r.exit_code == 2 and "needs the keyring" in r.output


def test_table_needs_output(env):
    r = run("protect", "in.csv", "-p", "kr-pipa")
    assert r.exit_code == 2 and "-o" in r.output


def test_policy_column_typo_warns(env):
    (env / "p2.yaml").write_text("columns:\n  phnoe: redact\n", encoding="utf-8")
    r = run("protect", "in.csv", "-o", "o.csv", "-p", "p2.yaml")
    assert r.exit_code == 0 and "'phnoe' is not in in.csv" in r.output
