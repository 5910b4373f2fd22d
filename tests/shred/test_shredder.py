"""Crypto-shredding: round trips, tamper detection, erasure proofs and certificates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jikimi.keys import Keyring, MemoryKeyStore, RawKek, WrongPassphrase
from jikimi.shred import (
    CertificateInvalid,
    DecryptionFailed,
    KeyDestroyed,
    MemorySubjectKeyStore,
    SampleMismatch,
    Shredder,
    ShredError,
    SqliteSubjectKeyStore,
    UnknownSubject,
    key_id_of,
    load_certificate,
    verify_certificate,
)
from jikimi.shred.store import SubjectKeyStore


@pytest.fixture
def shredder(subject_store: SubjectKeyStore) -> Shredder:
    return Shredder(MemoryKeyStore(), subject_store)


def test_round_trip_and_key_id_in_ciphertext(shredder: Shredder) -> None:
    ct = shredder.encrypt("user-1", "김민수 010-1234-5678".encode(), b"users.name")
    assert "김민수".encode() not in ct
    assert key_id_of(ct) == shredder.key_id_for("user-1", create=False)
    assert shredder.decrypt(ct, b"users.name").decode() == "김민수 010-1234-5678"


def test_each_subject_has_its_own_key(shredder: Shredder) -> None:
    a = shredder.encrypt("a", b"x")
    b = shredder.encrypt("b", b"x")
    assert key_id_of(a) != key_id_of(b)
    assert key_id_of(shredder.encrypt("a", b"y")) == key_id_of(a)


def test_wrong_context_fails(shredder: Shredder) -> None:
    ct = shredder.encrypt("s", b"secret", b"users.email")
    with pytest.raises(DecryptionFailed):
        shredder.decrypt(ct, b"users.phone")


@pytest.mark.parametrize("where", ["magic", "key_id", "nonce", "body", "tag"])
def test_every_byte_class_is_authenticated(shredder: Shredder, where: str) -> None:
    other = shredder.encrypt("other", b"z")  # a second valid key id to swap in
    ct = bytearray(shredder.encrypt("s", b"secret payload"))
    if where == "magic":
        ct[0] ^= 1
    elif where == "key_id":
        ct[4:12] = bytes.fromhex(key_id_of(other))
    elif where == "nonce":
        ct[12] ^= 1
    elif where == "body":
        ct[24] ^= 1
    else:
        ct[-1] ^= 1
    with pytest.raises(DecryptionFailed):
        shredder.decrypt(bytes(ct))


def test_truncated_or_foreign_input_is_one_opaque_error(shredder: Shredder) -> None:
    with pytest.raises(DecryptionFailed):
        shredder.decrypt(b"short")
    with pytest.raises(DecryptionFailed):
        shredder.decrypt(b"\x00" * 64)


def test_erase_then_decrypt_fails_and_certificate_verifies(shredder: Shredder) -> None:
    kept = shredder.encrypt("keep", b"stays")
    gone = [shredder.encrypt("gone", f"row {i}".encode()) for i in range(3)]
    cert = shredder.erase_subject("gone", actor="dpo@example.kr", samples=gone[:1])
    for ct in gone:
        with pytest.raises(KeyDestroyed):
            shredder.decrypt(ct)
    assert shredder.decrypt(kept) == b"stays"
    body = verify_certificate(cert.to_dict())
    assert body["key_ids"] == [key_id_of(gone[0])]
    assert body["actor"] == "dpo@example.kr"
    assert [p["decrypt"] for p in body["proof"]] == ["failed", "failed"]
    assert body["keys_remaining_for_subject"] == 0


def test_erase_unknown_subject_is_a_usage_error(shredder: Shredder) -> None:
    with pytest.raises(UnknownSubject):
        shredder.erase_subject("nobody", actor="x")


def test_certificate_tamper_and_wrong_signer(tmp_path: Path) -> None:
    keys = MemoryKeyStore()
    shredder = Shredder(keys, MemorySubjectKeyStore())
    shredder.encrypt("s", b"x")
    cert = shredder.erase_subject("s", actor="ops")
    path = cert.save(tmp_path / "certs")
    doc = load_certificate(path)
    verify_certificate(doc, keys)
    forged = json.loads(json.dumps(doc))
    forged["body"]["actor"] = "someone else"
    with pytest.raises(CertificateInvalid):
        verify_certificate(forged)
    forged["sha256"] = (
        __import__("hashlib")
        .sha256(json.dumps(forged["body"], sort_keys=True, separators=(",", ":")).encode())
        .hexdigest()
    )
    with pytest.raises(CertificateInvalid):  # hash fixed up, signature still fails
        verify_certificate(forged)
    with pytest.raises(CertificateInvalid):
        verify_certificate(doc, MemoryKeyStore())


def test_rotation_rewraps_without_touching_data(tmp_path: Path) -> None:
    keys = MemoryKeyStore()
    store = SqliteSubjectKeyStore(tmp_path / "s.db")
    ct = Shredder(keys, store).encrypt("s", b"old data")
    old_master = keys.primary().key_id
    keys.rotate()
    assert Shredder(keys, store).rewrap() == 1
    assert {row.master_id for row in store} == {keys.primary().key_id}
    only_new = MemoryKeyStore([keys.primary()])
    assert Shredder(only_new, store).decrypt(ct) == b"old data"
    assert old_master not in only_new.key_ids()


def test_wrong_kek_cannot_open_keyring_nor_data(tmp_path: Path) -> None:
    ring = Keyring.create(tmp_path / "ring.json", RawKek(b"k" * 32))
    store = SqliteSubjectKeyStore(tmp_path / "s.db")
    ct = Shredder(ring, store).encrypt("s", b"data")
    with pytest.raises(WrongPassphrase):
        Keyring.open(tmp_path / "ring.json", RawKek(b"j" * 32))
    with pytest.raises(ShredError, match="cannot be unwrapped"):
        Shredder(MemoryKeyStore(), store).decrypt(ct)


def test_sqlite_store_persists_and_forgets_after_erase(tmp_path: Path) -> None:
    keys = MemoryKeyStore()
    db = tmp_path / "s.db"
    ct = Shredder(keys, SqliteSubjectKeyStore(db)).encrypt("s", b"persisted")
    assert Shredder(keys, SqliteSubjectKeyStore(db)).decrypt(ct) == b"persisted"
    Shredder(keys, SqliteSubjectKeyStore(db)).erase_subject("s", actor="t")
    with pytest.raises(KeyDestroyed):
        Shredder(keys, SqliteSubjectKeyStore(db)).decrypt(ct)
    assert key_id_of(ct).encode() not in db.read_bytes()
    assert bytes.fromhex(key_id_of(ct)) not in db.read_bytes()


def test_no_secrets_in_repr(shredder: Shredder) -> None:
    shredder.encrypt("subject-42", b"x")
    text = repr(shredder) + "".join(repr(r) for r in shredder._store)
    assert "subject-42" not in text
    with pytest.raises(TypeError):
        __import__("pickle").dumps(shredder)


def test_foreign_sample_is_refused_before_anything_is_destroyed(shredder: Shredder) -> None:
    mine = shredder.encrypt("me", b"mine")
    other = shredder.encrypt("other", b"theirs")
    with pytest.raises(SampleMismatch):
        shredder.erase_subject("me", actor="t", samples=[other])
    assert shredder.decrypt(mine) == b"mine"
    cert = shredder.erase_subject("me", actor="t", samples=[mine], record_subject=False)
    assert cert.body["subject"] is None and len(cert.body["subject_sha256"]) == 64
