"""Retiring an old master key: refused while anything depends on it, then gone for good."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from jikimi.backup import ArchiveCorrupt, Archives, LocalTarget
from jikimi.backup.archive import MANIFEST
from jikimi.cli.main import cli
from jikimi.keys import KeyInUse, Keyring, KeyUser, RawKek, UnknownKey
from jikimi.shred import Shredder, SqliteSubjectKeyStore
from jikimi.transform import FieldContext, SqliteTokenVault, VaultError
from jikimi.transform.token import TokenConfig, VaultedToken

KEK = b"r" * 32


@pytest.fixture
def ring(tmp_path: Path) -> Keyring:
    return Keyring.create(tmp_path / "ring.json", RawKek(KEK))


@pytest.fixture
def seoul(tmp_path: Path) -> LocalTarget:
    return LocalTarget("seoul", tmp_path / "seoul", "KR")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    (d / "users.csv").write_text("rrn\n900101-1234568\n" * 300, encoding="utf-8")
    return d


def test_primary_unknown_and_oldest_are_refused(ring: Keyring) -> None:
    first = ring.primary().key_id
    with pytest.raises(KeyInUse, match="primary") as info:
        ring.retire(first)
    assert info.value.key_id == first and len(info.value.uses) == 2  # primary and oldest
    with pytest.raises(UnknownKey):
        ring.retire("00000000")
    ring.rotate()
    with pytest.raises(KeyInUse, match="oldest key") as info:
        ring.retire(first)
    assert len(info.value.uses) == 1
    ring.retire(first, allow_oldest=True)
    reopened = Keyring.open(ring.path, RawKek(KEK))
    assert reopened.key_ids() == (ring.primary().key_id,)


def test_middle_key_retires_without_flag(ring: Keyring) -> None:
    ring.rotate()
    middle = ring.primary().key_id
    ring.rotate()
    ring.retire(middle)
    assert middle not in Keyring.open(ring.path, RawKek(KEK)).key_ids()


def test_subject_keys_block_until_rewrapped(ring: Keyring, tmp_path: Path) -> None:
    store = SqliteSubjectKeyStore(tmp_path / "subjects.db")
    shredder = Shredder(ring, store)
    ct = shredder.encrypt("u1", b"kim", b"ctx")
    shredder.ensure_keys(["u2", "u3"])
    old = ring.primary().key_id
    ring.rotate()
    assert isinstance(shredder, KeyUser)
    with pytest.raises(KeyInUse, match=r"3 subject key\(s\) in SqliteSubjectKeyStore") as info:
        ring.retire(old, [shredder], allow_oldest=True)
    assert "kim" not in str(info.value) and "u1" not in str(info.value)
    assert old in Keyring.open(ring.path, RawKek(KEK)).key_ids()  # nothing was removed
    assert shredder.rewrap() == 3
    ring.retire(old, [shredder], allow_oldest=True)
    fresh = Keyring.open(ring.path, RawKek(KEK))
    assert (
        Shredder(fresh, SqliteSubjectKeyStore(tmp_path / "subjects.db")).decrypt(ct, b"ctx")
        == b"kim"
    )


def test_archives_block_until_rewrapped(
    ring: Keyring, seoul: LocalTarget, data: Path, tmp_path: Path
) -> None:
    store = SqliteSubjectKeyStore(tmp_path / "archive-keys.db")
    archives = Archives(ring, store)
    aid = archives.create(data, [seoul], chunk_size=4096)
    old = ring.primary().key_id
    ring.rotate()
    user = archives.key_user([seoul])
    with pytest.raises(KeyInUse) as info:
        ring.retire(old, [user], allow_oldest=True)
    assert any("archive 1 subject key(s)" in u for u in info.value.uses)
    assert any("1 archive manifest(s) on seoul are signed with it" in u for u in info.value.uses)
    result = archives.rewrap([seoul])
    assert (result.archive_keys, result.manifests, result.refused) == (1, 1, ())
    assert archives.rewrap([seoul]).manifests == 0  # idempotent
    ring.retire(old, [user], allow_oldest=True)
    fresh = Keyring.open(ring.path, RawKek(KEK))
    again = Archives(fresh, SqliteSubjectKeyStore(tmp_path / "archive-keys.db"))
    assert again.verify(aid, [seoul]).chunks > 1
    assert (again.restore(aid, [seoul], tmp_path / "out") / "data" / "users.csv").exists()


def test_rewrap_does_not_bless_a_tampered_manifest(
    ring: Keyring, seoul: LocalTarget, data: Path, tmp_path: Path
) -> None:
    archives = Archives(ring, SqliteSubjectKeyStore(tmp_path / "archive-keys.db"))
    aid = archives.create(data, [seoul], chunk_size=4096)
    old = ring.primary().key_id
    path = seoul.root / aid / MANIFEST
    doc = json.loads(path.read_bytes())
    doc["body"]["tags"] = ["forged"]
    path.write_text(json.dumps(doc))
    ring.rotate()
    result = archives.rewrap([seoul])
    assert result.refused == (f"{aid} on seoul",) and result.manifests == 0
    assert json.loads(path.read_bytes())["body"]["mac_key_id"] == old
    with pytest.raises(ArchiveCorrupt):
        archives.verify(aid, [seoul])
    path.write_text("{not json")
    with pytest.raises(KeyInUse, match="unreadable"):
        ring.retire(old, [archives.key_user([seoul])], allow_oldest=True)


def test_vault_blocks_retire_while_it_holds_tokens_of_the_key(
    ring: Keyring, tmp_path: Path
) -> None:
    phone = FieldContext(entity="PHONE")
    old = ring.primary().key_id
    with SqliteTokenVault(tmp_path / "tokens.db") as vault:
        tokens = VaultedToken(TokenConfig(), ring, vault).protect(["010-1234-5678"] * 3, phone)
        ring.rotate()
        VaultedToken(TokenConfig(), ring, vault).protect(["010-0000-0000"], phone)
        assert isinstance(vault, KeyUser)
        assert vault.uses_of(ring.primary().key_id) == [
            f"1 vaulted token(s) in token vault {vault.path} were made with it "
            "(revealing them needs it)"
        ]
        with pytest.raises(KeyInUse, match=r"1 vaulted token\(s\) in token vault .*tokens\.db"):
            ring.retire(old, [vault], allow_oldest=True)
        assert old in Keyring.open(ring.path, RawKek(KEK)).key_ids()  # nothing was removed
        # still revealable: the refusal is what kept the key
        fresh = Keyring.open(ring.path, RawKek(KEK))
        assert VaultedToken(TokenConfig(), fresh, vault).reveal(tokens, phone)[0] == (
            "010-1234-5678"
        )
    with SqliteTokenVault(tmp_path / "other.db") as other:
        other.record([("t", "PHONE", ring.primary().key_id, b"opaque")])
        assert other.uses_of(old) == []
        ring.retire(old, [other], allow_oldest=True)  # a vault without its tokens: no block
    assert old not in Keyring.open(ring.path, RawKek(KEK)).key_ids()


def test_unreadable_vault_refuses_rather_than_passes(ring: Keyring, tmp_path: Path) -> None:
    ring.rotate()
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"not a database" * 100)
    with pytest.raises(VaultError):
        ring.retire(ring.key_ids()[0], [SqliteTokenVault(bogus, create=False)], allow_oldest=True)
    assert len(Keyring.open(ring.path, RawKek(KEK)).key_ids()) == 2


# -- CLI --------------------------------------------------------------------------------
@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ring: Keyring, data: Path) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TEST_KEK", base64.b64encode(KEK).decode())
    (tmp_path / "backup.yaml").write_text(
        "targets:\n  - {name: seoul, path: seoul, region: KR}\n", encoding="utf-8"
    )
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, [*args], catch_exceptions=False)


def test_cli_rotate_rewrap_retire(env: Path, ring: Keyring) -> None:
    store = SqliteSubjectKeyStore(env / "subjects.db")
    Shredder(ring, store).ensure_keys(["u1", "u2"])
    Archives(ring, SqliteSubjectKeyStore(env / "archive-keys.db")).create(
        env / "data", [LocalTarget("seoul", env / "seoul", "KR")], chunk_size=4096
    )
    old = ring.primary().key_id
    kek = ["--kek-env", "TEST_KEK"]
    deps = ["--subject-keys", "subjects.db", "--backup-config", "backup.yaml"]
    assert run("keys", "rotate", "ring.json", *kek).exit_code == 0

    res = run("keys", "retire", "ring.json", old, *kek)
    assert res.exit_code == 2 and "--no-dependents" in res.stderr

    res = run("keys", "retire", "ring.json", old, "--allow-oldest", *deps, *kek)
    assert res.exit_code == 1 and "still in use" in res.stderr
    assert "2 subject key(s)" in res.stderr and "manifest(s) on seoul" in res.stderr
    assert old in Keyring.open(env / "ring.json", RawKek(KEK)).key_ids()

    res = run("keys", "rewrap", "ring.json", *deps, *kek)
    assert res.exit_code == 0, res.output
    assert "2 key(s) re-wrapped" in res.stderr and "1 manifest(s) re-signed" in res.stderr

    res = run("keys", "retire", "ring.json", old, *deps, *kek)
    assert res.exit_code == 1 and "oldest key" in res.stderr
    res = run("keys", "retire", "ring.json", old, "--allow-oldest", *deps, *kek)
    assert res.exit_code == 0, res.output
    assert f"retired key {old}" in res.stderr and "public key" in res.stdout
    assert old not in Keyring.open(env / "ring.json", RawKek(KEK)).key_ids()
    res = run("backup", "--config", "backup.yaml", "--keyring", "ring.json", *kek, "list")
    assert res.exit_code == 0 and " ok " in res.stdout and "BAD MAC" not in res.stdout


def test_cli_rewrap_needs_something(env: Path) -> None:
    res = run("keys", "rewrap", "ring.json", "--kek-env", "TEST_KEK")
    assert res.exit_code == 2 and "nothing to re-wrap" in res.stderr
    res = run("keys", "rewrap", "ring.json", "--subject-keys", "nope.db", "--kek-env", "TEST_KEK")
    assert res.exit_code == 2 and "does not exist" in res.stderr


def test_cli_retire_names_the_vault(env: Path, ring: Keyring) -> None:
    old = ring.primary().key_id
    with SqliteTokenVault(env / "tokens.db") as vault:
        VaultedToken(TokenConfig(), ring, vault).protect(["kim"], FieldContext(entity="NAME"))
    kek = ["--kek-env", "TEST_KEK"]
    assert run("keys", "rotate", "ring.json", *kek).exit_code == 0
    res = run("keys", "retire", "ring.json", old, "--allow-oldest", "--vault", "nope.db", *kek)
    assert res.exit_code == 2 and "token vault nope.db does not exist" in res.stderr
    res = run("keys", "retire", "ring.json", old, "--allow-oldest", "--vault", "tokens.db", *kek)
    assert res.exit_code == 1 and "still in use" in res.stderr
    assert "1 vaulted token(s) in token vault tokens.db" in res.stderr
    assert "kim" not in res.stderr
    assert old in Keyring.open(env / "ring.json", RawKek(KEK)).key_ids()
    with SqliteTokenVault(env / "other.db") as other:  # only tokens of another key
        other.record([("t", "NAME", "0123abcd", b"opaque")])
    res = run("keys", "retire", "ring.json", old, "--allow-oldest", "--vault", "other.db", *kek)
    assert res.exit_code == 0, res.output
    assert "checked: token vault other.db" in res.stderr
    assert old not in Keyring.open(env / "ring.json", RawKek(KEK)).key_ids()
