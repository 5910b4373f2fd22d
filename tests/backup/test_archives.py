"""Encrypted backups: round trip, tamper detection, residency, destruction, crashes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from jikimi.backup import (
    ArchiveCorrupt,
    ArchiveDestroyed,
    ArchiveNotFound,
    Archives,
    LocalTarget,
    ResidencyPolicy,
    ResidencyRefused,
    ResidencyRule,
)
from jikimi.backup.archive import MANIFEST, chunk_key
from jikimi.keys import Keyring, MemoryKeyStore, RawKek
from jikimi.shred import MemorySubjectKeyStore, SqliteSubjectKeyStore, verify_certificate

CHUNK = 4096


@pytest.fixture
def data(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    (d / "sub").mkdir(parents=True)
    (d / "users.csv").write_text("name,rrn\n김민수,900101-1234568\n" * 500, encoding="utf-8")
    (d / "sub" / "blob.bin").write_bytes(os.urandom(20_000))
    return d


@pytest.fixture
def seoul(tmp_path: Path) -> LocalTarget:
    return LocalTarget("seoul", tmp_path / "seoul", "KR/seoul")


@pytest.fixture
def hk(tmp_path: Path) -> LocalTarget:
    return LocalTarget("hongkong", tmp_path / "hk", "HK")


@pytest.fixture
def archives() -> Archives:
    return Archives(MemoryKeyStore(), MemorySubjectKeyStore())


def _same_tree(a: Path, b: Path) -> bool:
    files_a = sorted(p.relative_to(a) for p in a.rglob("*"))
    files_b = sorted(p.relative_to(b) for p in b.rglob("*"))
    return files_a == files_b and all(
        (a / f).read_bytes() == (b / f).read_bytes() for f in files_a if (a / f).is_file()
    )


def test_round_trip_to_two_targets(
    archives: Archives, data: Path, seoul: LocalTarget, hk: LocalTarget, tmp_path: Path
) -> None:
    aid = archives.create(data, [seoul, hk], tags=["dataset.crm"], chunk_size=CHUNK)
    stored = b"".join(p.read_bytes() for p in (seoul.root / aid).iterdir())
    assert "김민수".encode() not in stored and b"900101" not in stored
    result = archives.verify(aid, [seoul, hk])
    assert result.copies == ("seoul", "hongkong") and result.chunks > 5
    out = archives.restore(aid, [hk], tmp_path / "restored")
    assert _same_tree(data, out / "data")
    copies = archives.list_copies([seoul, hk])
    assert {(c.target, c.region, c.complete, c.authentic) for c in copies} == {
        ("seoul", "KR/seoul", True, True),
        ("hongkong", "HK", True, True),
    }


def test_single_file_and_empty_file(archives: Archives, seoul: LocalTarget, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    aid = archives.create(empty, [seoul], chunk_size=CHUNK)
    out = archives.restore(aid, [seoul], tmp_path / "r")
    assert (out / "empty.txt").read_bytes() == b""


def _tamper(path: Path, offset: int) -> None:
    raw = bytearray(path.read_bytes())
    raw[offset] ^= 1
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize("offset", [0, 5, 13, 40, -1])
def test_chunk_tamper_detected(
    archives: Archives, data: Path, seoul: LocalTarget, tmp_path: Path, offset: int
) -> None:
    aid = archives.create(data, [seoul], chunk_size=CHUNK)
    _tamper(seoul.root / chunk_key(aid, 2), offset)
    with pytest.raises(ArchiveCorrupt):
        archives.verify(aid, [seoul])
    with pytest.raises(ArchiveCorrupt):
        archives.restore(aid, [seoul], tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


@pytest.mark.parametrize("field", ["chunks", "tags", "archive_key_id", "region", "mac"])
def test_manifest_tamper_detected(
    archives: Archives, data: Path, seoul: LocalTarget, field: str
) -> None:
    aid = archives.create(data, [seoul], tags=["kr.rrn"], chunk_size=CHUNK)
    path = seoul.root / aid / MANIFEST
    doc = json.loads(path.read_bytes())
    if field == "mac":
        doc["mac"] = "0" * 64
    elif field == "chunks":
        doc["body"]["chunks"] -= 1
    elif field == "tags":
        doc["body"]["tags"] = []
    else:
        doc["body"][field] = "ffffffffffffffff" if field == "archive_key_id" else "KR"
    path.write_text(json.dumps(doc))
    with pytest.raises(ArchiveCorrupt):
        archives.verify(aid, [seoul])


def test_manifest_bytes_garbled(archives: Archives, data: Path, seoul: LocalTarget) -> None:
    aid = archives.create(data, [seoul], chunk_size=CHUNK)
    _tamper(seoul.root / aid / MANIFEST, 3)
    with pytest.raises(ArchiveCorrupt):
        archives.verify(aid, [seoul])


def test_reordered_swapped_and_truncated_chunks(
    archives: Archives, data: Path, seoul: LocalTarget
) -> None:
    aid = archives.create(data, [seoul], chunk_size=CHUNK)
    other = archives.create(data, [seoul], chunk_size=CHUNK)
    c1, c2 = seoul.root / chunk_key(aid, 1), seoul.root / chunk_key(aid, 2)
    b1, b2 = c1.read_bytes(), c2.read_bytes()
    c1.write_bytes(b2), c2.write_bytes(b1)
    with pytest.raises(ArchiveCorrupt):
        archives.verify(aid, [seoul])
    c1.write_bytes(b1), c2.write_bytes(b2)
    archives.verify(aid, [seoul])
    c1.write_bytes((seoul.root / chunk_key(other, 1)).read_bytes())
    with pytest.raises(ArchiveCorrupt):
        archives.verify(aid, [seoul])
    c1.write_bytes(b1)
    last = max(seoul.root.joinpath(aid).glob("chunk-*"))
    last.unlink()
    with pytest.raises(ArchiveCorrupt):  # a missing chunk is never a silent success
        archives.verify(aid, [seoul])


def test_wrong_kek_cannot_open(data: Path, seoul: LocalTarget, tmp_path: Path) -> None:
    ring = Keyring.create(tmp_path / "ring.json", RawKek(b"a" * 32))
    store = SqliteSubjectKeyStore(tmp_path / "archive-keys.db")
    aid = Archives(ring, store).create(data, [seoul], chunk_size=CHUNK)
    other = Archives(MemoryKeyStore(), store)
    with pytest.raises(ArchiveCorrupt):  # manifest MAC key is not in this keyring
        other.verify(aid, [seoul])
    reopened = Keyring.open(tmp_path / "ring.json", RawKek(b"a" * 32))
    assert Archives(reopened, store).verify(aid, [seoul]).chunks > 1


def test_residency_refusal_names_rule_and_writes_nothing(
    data: Path, seoul: LocalTarget, hk: LocalTarget
) -> None:
    policy = ResidencyPolicy(
        [
            ResidencyRule.of("rrn-stays-in-kr", ["kr.rrn"], ["KR"]),
            ResidencyRule.of("cn-users-in-cn", ["cn"], ["CN"], transfers=["HK"]),
        ]
    )
    archives = Archives(MemoryKeyStore(), MemorySubjectKeyStore(), policy)
    with pytest.raises(ResidencyRefused) as info:
        archives.create(data, [seoul, hk], tags=["kr.rrn"])
    assert info.value.rule == "rrn-stays-in-kr" and "hongkong" in str(info.value)
    assert not seoul.root.exists() and not hk.root.exists()
    archives.create(data, [seoul], tags=["kr.rrn"])
    archives.create(data, [hk], tags=["cn.id_card"])  # registered transfer to HK
    with pytest.raises(ResidencyRefused, match="cn-users-in-cn"):
        archives.create(data, [seoul], tags=["cn.id_card"])


def test_destroy_certifies_and_retained_copy_stays_unreadable(
    data: Path, seoul: LocalTarget, hk: LocalTarget, tmp_path: Path
) -> None:
    keys = MemoryKeyStore()
    archives = Archives(keys, MemorySubjectKeyStore())
    aid = archives.create(data, [seoul, hk], chunk_size=CHUNK)
    kept = LocalTarget("hongkong", tmp_path / "provider-kept", "HK")
    shutil.copytree(hk.root, kept.root)  # a storage provider keeps a copy
    cert = archives.destroy(aid, [seoul, hk], actor="dpo")
    body = verify_certificate(cert.to_dict(), keys)
    assert body["kind"] == "archive-destruction" and body["countries"] == ["HK", "KR"]
    assert all(c["objects_remaining"] == 0 for c in body["copies"])
    assert body["proof"] and body["proof"][0]["decrypt"] == "failed"
    assert not seoul.list() and not hk.list()
    with pytest.raises(ArchiveDestroyed):
        archives.verify(aid, [seoul, hk])
    with pytest.raises(ArchiveDestroyed):
        archives.verify(aid, [kept])
    with pytest.raises(ArchiveDestroyed):
        archives.restore(aid, [kept], tmp_path / "out")
    assert not (tmp_path / "out").exists()
    with pytest.raises(ArchiveNotFound):
        archives.destroy(aid, [seoul], actor="dpo")


def test_failure_mid_write_cleans_up(archives: Archives, data: Path, seoul: LocalTarget) -> None:
    def boom(index: int) -> None:
        if index == 2:
            raise OSError("disk full")

    with pytest.raises(OSError):
        archives.create(data, [seoul], chunk_size=CHUNK, after_chunk=boom)
    assert seoul.list() == []


_KILLER = """
import os, signal, sys
from jikimi.backup import Archives, LocalTarget
from jikimi.keys import Keyring, RawKek
from jikimi.shred import SqliteSubjectKeyStore
root = sys.argv[1]
ring = Keyring.open(root + "/ring.json", RawKek(b"k" * 32))
archives = Archives(ring, SqliteSubjectKeyStore(root + "/keys.db"))
def die(index):
    if index == 3:
        os.kill(os.getpid(), signal.SIGKILL)
archives.create(root + "/data", [LocalTarget("seoul", __import__("pathlib").Path(root) / "seoul",
                "KR")], chunk_size=4096, after_chunk=die)
"""


def test_killed_process_leaves_nothing_restorable(data: Path, tmp_path: Path) -> None:
    ring = Keyring.create(tmp_path / "ring.json", RawKek(b"k" * 32))
    proc = subprocess.run([sys.executable, "-c", _KILLER, str(tmp_path)], check=False)
    assert proc.returncode == -signal.SIGKILL
    seoul = LocalTarget("seoul", tmp_path / "seoul", "KR")
    archives = Archives(ring, SqliteSubjectKeyStore(tmp_path / "keys.db"))
    copies = archives.list_copies([seoul])
    assert len(copies) == 1 and not copies[0].complete and copies[0].chunks == 4
    aid = copies[0].archive_id
    with pytest.raises(ArchiveNotFound):
        archives.restore(aid, [seoul], tmp_path / "out")
    with pytest.raises(ArchiveNotFound):
        archives.verify(aid, [seoul])
    assert not (tmp_path / "out").exists()
    archives.destroy(aid, [seoul], actor="ops")  # orphans can be cleaned and certified
    assert seoul.list() == []


def test_rotation_rewraps_archive_keys(data: Path, seoul: LocalTarget, tmp_path: Path) -> None:
    from jikimi.shred import Shredder

    keys = MemoryKeyStore()
    store = SqliteSubjectKeyStore(tmp_path / "archive-keys.db")
    archives = Archives(keys, store)
    aid = archives.create(data, [seoul], chunk_size=CHUNK)
    keys.rotate()
    assert Shredder(keys, store).rewrap() == 1
    assert {row.master_id for row in store} == {keys.primary().key_id}
    assert Archives(keys, store).verify(aid, [seoul]).chunks > 1


def test_memory_target_and_bad_object_keys(archives: Archives, data: Path) -> None:
    from jikimi.backup import BackupError, MemoryTarget

    mem = MemoryTarget("mem", "SG")
    aid = archives.create(data, [mem], chunk_size=CHUNK)
    assert archives.verify(aid, [mem]).copies == ("mem",)
    local = LocalTarget("x", data.parent / "x", "KR")
    for bad in ("../escape", "a//b", ".hidden", ""):
        with pytest.raises(BackupError):
            local.put(bad, b"")
    with pytest.raises(BackupError):
        LocalTarget("x", data, "Korea")


def test_config_file(tmp_path: Path) -> None:
    from jikimi.backup.config import load_config
    from jikimi.errors import UsageError

    cfg = tmp_path / "b.yaml"
    cfg.write_text(
        "targets:\n  - {name: a, path: a, region: KR}\n  - {name: b, path: b, region: hk}\n"
        "residency:\n  - {name: r, tags: [kr.rrn], allowed: [kr]}\n",
        encoding="utf-8",
    )
    config = load_config(cfg)
    assert [t.name for t in config.pick([])] == ["a", "b"]
    with pytest.raises(ResidencyRefused, match="'r'"):
        config.policy.check(["kr.rrn"], config.pick(["b"])[0])
    for text in ("targets: []\n", "targets:\n  - {name: a, path: a, region: KR, x: 1}\n", ": :"):
        cfg.write_text(text, encoding="utf-8")
        with pytest.raises(UsageError):
            load_config(cfg)


def test_damaged_chunk_does_not_block_destroy(
    archives: Archives, data: Path, seoul: LocalTarget
) -> None:
    aid = archives.create(data, [seoul], chunk_size=CHUNK)
    (seoul.root / chunk_key(aid, 0)).write_bytes(b"garbage")
    cert = archives.destroy(aid, [seoul], actor="ops")
    assert cert.body["key_ids"] and seoul.list() == []


class _Journal:
    """A LocalTarget that notes what reaches the disk and when (put syncs, put_unsynced
    does not until sync)."""

    takes_views = True

    def __init__(self, inner: LocalTarget) -> None:
        self.inner = inner
        self.name, self.region = inner.name, inner.region
        self.events: list[tuple[str, str]] = []
        self.get, self.get_into, self.exists = inner.get, inner.get_into, inner.exists
        self.list, self.delete, self.location = inner.list, inner.delete, inner.location

    def put(self, key: str, data: bytes | bytearray | memoryview) -> None:
        self.inner.put(key, data)
        self.events.append(("durable", key))

    def put_unsynced(self, key: str, data: bytes | bytearray | memoryview) -> None:
        self.inner.put_unsynced(key, data)
        self.events.append(("unsynced", key))

    def sync(self, keys: list[str]) -> None:
        self.inner.sync(keys)
        self.events += [("durable", k) for k in keys]


def test_chunks_reach_the_disk_before_the_manifest_names_them(
    archives: Archives, data: Path, seoul: LocalTarget, tmp_path: Path
) -> None:
    journal = _Journal(seoul)
    aid = archives.create(data, [journal], chunk_size=CHUNK)  # type: ignore[list-item]
    chunks = [k for kind, k in journal.events if kind == "unsynced"]
    assert len(chunks) > 3 and all("/chunk-" in k for k in chunks)
    durable = [k for kind, k in journal.events if kind == "durable"]
    manifest = f"{aid}/{MANIFEST}"
    assert durable[-1] == manifest  # the manifest comes last …
    assert set(chunks) <= set(durable[:-1])  # … after every chunk was flushed
    assert not [p for p in (seoul.root / aid).iterdir() if p.name.startswith(".")]
    out = archives.restore(aid, [seoul], tmp_path / "out")
    assert _same_tree(data, out / data.name)


def test_local_target_sync_flushes_what_put_unsynced_wrote(
    seoul: LocalTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    flushed: list[int] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (flushed.append(fd), real(fd))[1])
    seoul.put_unsynced("a/one", b"1")
    seoul.put_unsynced("a/two", b"22")
    assert flushed == []
    seoul.sync(["a/one", "a/two"])
    assert len(flushed) == 3  # two files and their directory
    assert seoul.get("a/one") == b"1" and seoul.get("a/two") == b"22"
    flushed.clear()
    seoul.put("a/three", b"333")
    assert len(flushed) == 2  # the file, then the directory entry of its rename
