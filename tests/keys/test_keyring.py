import base64
import copy
import json
import os
import pickle

import pytest

from jikimi.keys import (
    KekSourceError,
    Keyring,
    KeyringError,
    KeyStore,
    MemoryKeyStore,
    Passphrase,
    RawKek,
    SecretKey,
    UnknownKey,
    WrongPassphrase,
    raw_kek_from_env,
)
from jikimi.keys.subkeys import Subkeys

N = 2**12  # cheap scrypt for tests; the default is 2**15


def test_create_open_round_trip(tmp_path):
    path = tmp_path / "ring.json"
    ring = Keyring.create(path, Passphrase("pw"), scrypt_n=N)
    again = Keyring.open(path, Passphrase("pw"))
    assert again.key_ids() == ring.key_ids()
    kid = ring.primary().key_id
    assert again.primary().derive("x") == ring.primary().derive("x")
    assert isinstance(again, KeyStore)
    assert oct(path.stat().st_mode)[-3:] == "600"
    doc = json.loads(path.read_text())
    assert kid in path.read_text() and doc["primary"] == kid


def test_wrong_passphrase_is_a_clear_error(tmp_path):
    path = tmp_path / "ring.json"
    Keyring.create(path, Passphrase("right"), scrypt_n=N)
    with pytest.raises(WrongPassphrase, match="wrong passphrase"):
        Keyring.open(path, Passphrase("wrong"))


def test_refuses_to_overwrite(tmp_path):
    path = tmp_path / "ring.json"
    Keyring.create(path, Passphrase("pw"), scrypt_n=N)
    with pytest.raises(KeyringError, match="already exists"):
        Keyring.create(path, Passphrase("pw"), scrypt_n=N)


def test_rotation_keeps_old_keys_and_persists(tmp_path):
    path = tmp_path / "ring.json"
    ring = Keyring.create(path, Passphrase("pw"), scrypt_n=N)
    old = ring.primary().key_id
    new = ring.rotate().key_id
    reopened = Keyring.open(path, Passphrase("pw"))
    assert reopened.primary().key_id == new != old
    assert reopened.get(old).derive("p") == ring.get(old).derive("p")
    assert [d["primary"] for d in reopened.describe()] == [False, True]


def test_swapped_wrapped_keys_are_detected(tmp_path):
    path = tmp_path / "ring.json"
    ring = Keyring.create(path, Passphrase("pw"), scrypt_n=N)
    ring.rotate()
    doc = json.loads(path.read_text())
    a, b = doc["keys"]
    a["wrapped"], b["wrapped"] = b["wrapped"], a["wrapped"]
    path.write_text(json.dumps(doc))
    with pytest.raises(WrongPassphrase):
        Keyring.open(path, Passphrase("pw"))


def test_raw_kek_from_env(tmp_path, monkeypatch):
    key = os.urandom(32)
    monkeypatch.setenv("TEST_KEK", base64.b64encode(key).decode())
    path = tmp_path / "ring.json"
    ring = Keyring.create(path, raw_kek_from_env("TEST_KEK"))
    assert Keyring.open(path, RawKek(key)).key_ids() == ring.key_ids()
    with pytest.raises(WrongPassphrase):
        Keyring.open(path, RawKek(os.urandom(32)))
    with pytest.raises(KeyringError, match="raw key"):
        Keyring.open(path, Passphrase("pw"))


def test_kek_env_problems(monkeypatch):
    monkeypatch.delenv("NOPE_KEK", raising=False)
    with pytest.raises(KekSourceError, match="NOPE_KEK is not set"):
        raw_kek_from_env("NOPE_KEK")
    monkeypatch.setenv("SHORT_KEK", base64.b64encode(b"short").decode())
    with pytest.raises(KekSourceError, match="32 bytes"):
        raw_kek_from_env("SHORT_KEK")


@pytest.mark.parametrize(
    "content", ["{", "[]", '{"format": "other"}', '{"format": "jikimi-keyring/1"}']
)
def test_malformed_files(tmp_path, content):
    path = tmp_path / "ring.json"
    path.write_text(content)
    with pytest.raises(KeyringError):
        Keyring.open(path, Passphrase("pw"))


def test_missing_file(tmp_path):
    with pytest.raises(KeyringError, match="does not exist"):
        Keyring.open(tmp_path / "nope.json", Passphrase("pw"))


def test_key_material_never_shown_or_pickled(tmp_path):
    key = SecretKey.generate()
    raw = key.export_material()
    for text in (
        repr(key),
        str(key),
        repr(Passphrase("hunter2")),
        repr(RawKek(raw)),
        repr(Subkeys(MemoryKeyStore([key]), "p")),
        repr(MemoryKeyStore([key])),
    ):
        assert raw.hex() not in text and "hunter2" not in text
        assert base64.b64encode(raw).decode() not in text
    ring = Keyring.create(tmp_path / "r.json", Passphrase("pw"), scrypt_n=N)
    for obj in (key, Passphrase("x"), RawKek(raw), ring, Subkeys(ring, "p")):
        with pytest.raises(TypeError):
            pickle.dumps(obj)
    with pytest.raises(TypeError):
        copy.deepcopy(key)
    assert raw.hex() not in repr(ring)


def test_memory_store_rotation_and_unknown_key():
    store = MemoryKeyStore()
    first = store.primary().key_id
    second = store.rotate().key_id
    assert store.primary().key_id == second and store.get(first).key_id == first
    with pytest.raises(UnknownKey):
        store.get("00000000")


def test_derive_separates_purposes():
    key = SecretKey.generate()
    assert key.derive("token/PHONE") != key.derive("token/EMAIL")
    assert len(key.derive("x", 64)) == 64
    with pytest.raises(ValueError):
        SecretKey("bad id", os.urandom(32))
