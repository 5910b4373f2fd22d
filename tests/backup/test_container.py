"""The jikimi-backup/2 container: layout, metadata, hostile file tables, /1 compatibility."""

from __future__ import annotations

import errno
import io
import itertools
import json
import os
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jikimi.backup import (
    ArchiveCorrupt,
    Archives,
    BackupError,
    LocalTarget,
    MemoryTarget,
    container,
)
from jikimi.backup import archive as arc
from jikimi.backup.archive import MANIFEST, chunk_key, files_key
from jikimi.keys import MemoryKeyStore
from jikimi.shred import DecryptionFailed, MemorySubjectKeyStore, Shredder, key_id_of
from jikimi.shred.envelope import OVERHEAD
from jikimi.shred.errors import ShredError

CHUNK = 4096


@pytest.fixture
def keys() -> MemoryKeyStore:
    return MemoryKeyStore()


@pytest.fixture
def store() -> MemorySubjectKeyStore:
    return MemorySubjectKeyStore()


@pytest.fixture
def archives(keys: MemoryKeyStore, store: MemorySubjectKeyStore) -> Archives:
    return Archives(keys, store)


@pytest.fixture
def seoul(tmp_path: Path) -> LocalTarget:
    return LocalTarget("seoul", tmp_path / "seoul", "KR")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    d = tmp_path / "tree"
    (d / "a" / "b").mkdir(parents=True)
    (d / "empty-dir").mkdir()
    (d / "empty.txt").write_bytes(b"")
    (d / "exact.bin").write_bytes(os.urandom(2 * CHUNK))  # ends on a chunk boundary
    (d / "a" / "small.txt").write_text("주민번호 900101-1234568\n", encoding="utf-8")
    (d / "a" / "b" / "big.bin").write_bytes(os.urandom(3 * CHUNK + 17))
    for i in range(30):  # many files inside one chunk
        (d / "a" / f"n{i:02d}.txt").write_bytes(bytes([i]) * (i * 37))
    (d / "a" / "run.sh").write_bytes(b"#!/bin/sh\n")
    os.chmod(d / "a" / "run.sh", 0o750)
    os.symlink("b/big.bin", d / "a" / "link-to-big")
    os.utime(d / "a" / "small.txt", ns=(1_600_000_000_123_456_789, 1_600_000_000_123_456_789))
    return d


def _snapshot(root: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_symlink():
            out[rel] = ("l", os.readlink(p))
        elif p.is_dir():
            out[rel] = ("d",)
        else:
            st = p.stat()
            out[rel] = ("f", p.read_bytes(), st.st_mode & 0o777, st.st_mtime_ns)
    return out


@pytest.mark.parametrize("workers", [1, 3])
def test_round_trip_keeps_contents_modes_mtimes_links(
    archives: Archives, tree: Path, seoul: LocalTarget, tmp_path: Path, workers: int
) -> None:
    order: list[int] = []
    aid = archives.create(
        tree, [seoul], chunk_size=CHUNK, workers=workers, after_chunk=order.append
    )
    assert order == list(range(len(order))) and len(order) > 3  # stored strictly in order
    assert sorted(p.name for p in (seoul.root / aid).iterdir())[-2:] == ["files", MANIFEST]
    stored = b"".join(p.read_bytes() for p in (seoul.root / aid).iterdir())
    assert b"900101" not in stored and b"small.txt" not in stored  # names are encrypted too
    assert archives.verify(aid, [seoul], workers=workers).plaintext_bytes == sum(
        p.stat().st_size for p in tree.rglob("*") if p.is_file() and not p.is_symlink()
    )
    out = archives.restore(aid, [seoul], tmp_path / "out", workers=workers)
    assert _snapshot(out / "tree") == _snapshot(tree)
    assert (out / "tree" / "a" / "link-to-big").read_bytes() == (
        tree / "a" / "b" / "big.bin"
    ).read_bytes()
    (seoul.root / aid / MANIFEST).unlink()
    assert archives.list_copies([seoul])[0].complete is False


def test_empty_directory_and_exact_multiple(
    archives: Archives, seoul: LocalTarget, tmp_path: Path
) -> None:
    empty = tmp_path / "nothing"
    empty.mkdir()
    aid = archives.create(empty, [seoul], chunk_size=CHUNK)
    assert archives.verify(aid, [seoul]).chunks == 1  # one empty, last chunk
    assert archives.restore(aid, [seoul], tmp_path / "o1").joinpath("nothing").is_dir()
    exact = tmp_path / "exact.bin"
    exact.write_bytes(os.urandom(4 * CHUNK))
    aid = archives.create(exact, [seoul], chunk_size=CHUNK)
    assert archives.verify(aid, [seoul]).chunks == 4  # no empty tail chunk
    out = archives.restore(aid, [seoul], tmp_path / "o2")
    assert (out / "exact.bin").read_bytes() == exact.read_bytes()


def test_modes_are_filtered_like_tar_data_filter(
    archives: Archives, seoul: LocalTarget, tmp_path: Path
) -> None:
    src = tmp_path / "m"
    src.mkdir()
    (src / "suid").write_bytes(b"x")
    os.chmod(src / "suid", 0o4777)
    (src / "ro").write_bytes(b"y")
    os.chmod(src / "ro", 0o400)
    aid = archives.create(src, [seoul], chunk_size=CHUNK)
    out = archives.restore(aid, [seoul], tmp_path / "o") / "m"
    assert (out / "suid").stat().st_mode & 0o7777 == 0o755  # no setuid, no group/other write
    assert (out / "ro").stat().st_mode & 0o777 == 0o600  # owner can always read and write


def _tamper(path: Path, offset: int) -> None:
    raw = bytearray(path.read_bytes())
    raw[offset] ^= 1
    path.write_bytes(bytes(raw))


def _nothing_left(tmp_path: Path) -> bool:
    return not (tmp_path / "out").exists() and not [
        p for p in tmp_path.iterdir() if p.name.startswith(".out")
    ]


# offsets: magic, key id, nonce, table ciphertext, tag
@pytest.mark.parametrize("offset", [0, 6, 15, 40, -1])
def test_file_table_tamper_detected(
    archives: Archives, tree: Path, seoul: LocalTarget, tmp_path: Path, offset: int
) -> None:
    aid = archives.create(tree, [seoul], chunk_size=CHUNK)
    _tamper(seoul.root / files_key(aid), offset)
    with pytest.raises(ArchiveCorrupt, match="file table"):
        archives.verify(aid, [seoul])
    with pytest.raises(ArchiveCorrupt):
        archives.restore(aid, [seoul], tmp_path / "out")
    assert _nothing_left(tmp_path)


def test_file_table_missing_or_from_another_archive(
    archives: Archives, tree: Path, seoul: LocalTarget, tmp_path: Path
) -> None:
    aid = archives.create(tree, [seoul], chunk_size=CHUNK)
    other = archives.create(tree, [seoul], chunk_size=CHUNK)
    mine = seoul.root / files_key(aid)
    kept = mine.read_bytes()
    mine.write_bytes((seoul.root / files_key(other)).read_bytes())
    with pytest.raises(ArchiveCorrupt, match=r"another key|fails authentication"):
        archives.verify(aid, [seoul])
    mine.unlink()
    with pytest.raises(ArchiveCorrupt, match="missing"):
        archives.restore(aid, [seoul], tmp_path / "out")
    assert _nothing_left(tmp_path)
    mine.write_bytes(kept)
    assert archives.verify(aid, [seoul]).copies == ("seoul",)


def test_last_chunk_flag_detects_a_dropped_tail(
    archives: Archives, keys: MemoryKeyStore, tree: Path, seoul: LocalTarget
) -> None:
    """Even a manifest re-signed with one chunk fewer cannot hide the truncation."""
    aid = archives.create(tree, [seoul], chunk_size=CHUNK)
    path = seoul.root / aid / MANIFEST
    body = json.loads(path.read_bytes())["body"]
    count = body["chunks"]
    body["chunks"] = count - 1
    body["chunk_bytes"] = body["chunk_bytes"][:-1]
    (seoul.root / chunk_key(aid, count - 1)).unlink()
    doc = {"body": body, "mac": arc._mac(keys, body["mac_key_id"], body)}
    path.write_text(json.dumps(doc))
    with pytest.raises(ArchiveCorrupt):
        archives.verify(aid, [seoul])


# -- hostile file tables (made by someone who holds the archive key) --------------------
def _reseal(
    keys: MemoryKeyStore,
    store: MemorySubjectKeyStore,
    target: LocalTarget,
    aid: str,
    mutate: Callable[[list[list[Any]]], None],
) -> None:
    shredder = Shredder(keys, store)
    body = json.loads((target.root / aid / MANIFEST).read_bytes())["body"]
    aad = arc._table_aad(aid, body["chunks"], body["plaintext_bytes"])
    path = target.root / files_key(aid)
    blob = path.read_bytes()
    doc = json.loads(shredder.decrypt(blob, aad))
    mutate(doc["entries"])
    path.write_bytes(shredder.encrypt_with(key_id_of(blob), json.dumps(doc).encode(), aad))


def _rename_first_file(new: str) -> Callable[[list[list[Any]]], None]:
    def mutate(rows: list[list[Any]]) -> None:
        next(r for r in rows if r[0] == "f")[1] = new

    return mutate


def _add_link(path: str, target: str) -> Callable[[list[list[Any]]], None]:
    def mutate(rows: list[list[Any]]) -> None:
        rows.append(["l", path, 0o777, 0, target])

    return mutate


def _shallow_trick(rows: list[list[Any]]) -> None:
    # lexically inside ("d/y/../.." is "."), but d/y -> "." makes it the parent of root
    rows += [
        ["l", "tree/x", 0o777, 0, "d/y/../../.."],
        ["d", "tree/d", 0o755, 0, 0],
        ["l", "tree/d/y", 0o777, 0, "."],
    ]


HOSTILE: dict[str, Callable[[list[list[Any]]], None]] = {
    "absolute": _rename_first_file("/tmp/jikimi-owned"),
    "dotdot": _rename_first_file("tree/../../owned"),
    "dot": _rename_first_file("tree/./x"),
    "empty part": _rename_first_file("tree//x"),
    "nul": _rename_first_file("tree/x\x00y"),
    "not under a directory": _rename_first_file("nowhere/x"),
    "duplicate": lambda rows: rows.append(list(next(r for r in rows if r[0] == "f"))),
    "under a link": lambda rows: rows.append(["f", "tree/a/link-to-big/x", 0o644, 0, 0]),
    "absolute link": _add_link("tree/evil", "/etc/passwd"),
    "escaping link": _add_link("tree/evil", "../../outside"),
    "shallow link trick": _shallow_trick,
    "wrong sizes": lambda rows: next(r for r in rows if r[0] == "f").__setitem__(4, 1),
    "bad kind": lambda rows: rows.append(["c", "tree/dev", 0o600, 0, 0]),
    "bad mode": lambda rows: next(r for r in rows if r[0] == "f").__setitem__(2, "0777"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_file_table_refused_and_nothing_written(
    keys: MemoryKeyStore,
    store: MemorySubjectKeyStore,
    archives: Archives,
    tree: Path,
    seoul: LocalTarget,
    tmp_path: Path,
    case: str,
) -> None:
    aid = archives.create(tree, [seoul], chunk_size=CHUNK)
    _reseal(keys, store, seoul, aid, HOSTILE[case])
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ArchiveCorrupt):
        archives.restore(aid, [seoul], tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no out, no hidden dir
    assert not Path("/tmp/jikimi-owned").exists()


def test_extractor_refuses_link_escaping_after_creation(tmp_path: Path) -> None:
    """The realpath check after all links exist, independent of table order."""
    root = tmp_path / "r"
    root.mkdir()
    entries = [
        container.Entry("d", "t", 0o755, 0),
        container.Entry("l", "t/x", 0o777, 0, link="d/y/../../.."),
        container.Entry("d", "t/d", 0o755, 0),
        container.Entry("l", "t/d/y", 0o777, 0, link="."),
    ]
    ex = container.Extractor(root, entries, "test")
    with pytest.raises(ArchiveCorrupt, match="outside"):
        ex.finish()


def test_content_longer_or_shorter_than_table(tmp_path: Path) -> None:
    entries = [container.Entry("d", "t", 0o755, 0), container.Entry("f", "t/f", 0o644, 0, 3)]
    (tmp_path / "a").mkdir()
    ex = container.Extractor(tmp_path / "a", entries, "test")
    with pytest.raises(ArchiveCorrupt, match="more bytes"):
        ex.write(memoryview(b"abcd"))
    ex.abort()
    (tmp_path / "b").mkdir()
    ex = container.Extractor(tmp_path / "b", entries, "test")
    ex.write(memoryview(b"ab"))
    with pytest.raises(ArchiveCorrupt, match="fewer bytes"):
        ex.finish()
    ex.abort()


@pytest.mark.parametrize(
    "raw",
    [b"not json", b"[]", b'{"v": 2, "entries": []}', b'{"v": 1, "entries": [["f"]]}'],
)
def test_malformed_table_is_corrupt(raw: bytes) -> None:
    with pytest.raises(ArchiveCorrupt, match="malformed"):
        container.decode_table(raw, "test")


# -- creation failures -------------------------------------------------------------------
def test_unreadable_source_names_no_path(
    archives: Archives, tree: Path, seoul: LocalTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_scan = container.scan

    def vanishing(src: Path) -> Any:
        for kind, a, fs, st in real_scan(src):
            yield kind, a, (fs + "-gone-김민수" if kind == "f" else fs), st

    monkeypatch.setattr(container, "scan", vanishing)
    with pytest.raises(BackupError) as info:
        archives.create(tree, [seoul], chunk_size=CHUNK)
    assert "ENOENT" in str(info.value) and "김민수" not in str(info.value)
    assert "tree" not in str(info.value)
    assert seoul.list() == []


def test_failing_store_stops_the_pipeline(
    archives: Archives, tree: Path, seoul: LocalTarget
) -> None:
    calls: list[int] = []

    def fail(index: int) -> None:
        calls.append(index)
        if index == 1:
            raise RuntimeError("target gone")

    with pytest.raises(RuntimeError, match="target gone"):
        archives.create(tree, [seoul], chunk_size=CHUNK, workers=3, after_chunk=fail)
    assert calls == [0, 1]  # nothing stored after the failure
    assert seoul.list() == []


def test_chunk_size_bounds(archives: Archives, tree: Path, seoul: LocalTarget) -> None:
    for bad in (1023, container.MAX_CHUNK + 1):
        with pytest.raises(BackupError, match="chunk size"):
            archives.create(tree, [seoul], chunk_size=bad)


# -- sealing into buffers ----------------------------------------------------------------
def test_seal_into_and_open_into(keys: MemoryKeyStore, store: MemorySubjectKeyStore) -> None:
    shredder = Shredder(keys, store)
    kid = shredder.key_id_for("s")
    data = os.urandom(1000)
    out = bytearray(2000)
    n = shredder.seal_into(kid, data, b"ctx", out)
    assert n == len(data) + OVERHEAD
    assert shredder.decrypt(bytes(out[:n]), b"ctx") == data  # same envelope as encrypt
    plain = bytearray(1000)
    assert shredder.open_into(memoryview(out)[:n], b"ctx", plain) == 1000 and plain == data
    with pytest.raises(DecryptionFailed):
        shredder.open_into(memoryview(out)[:n], b"other", plain)
    with pytest.raises(ShredError):
        shredder.seal_into(kid, data, b"", bytearray(len(data)))
    with pytest.raises(ShredError):
        shredder.open_into(memoryview(out)[:n], b"ctx", bytearray(10))
    with pytest.raises(DecryptionFailed):
        shredder.open_into(b"garbage" * 10, b"ctx", plain)


# -- jikimi-backup/1 archives stay readable ----------------------------------------------
def _v1_archive(
    keys: MemoryKeyStore, store: MemorySubjectKeyStore, target: LocalTarget, src: Path
) -> str:
    """What the tar-based writer produced: a PAX tar stream cut into sealed chunks."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        tar.add(src, arcname=src.name)
    raw = buf.getvalue()
    aid = arc._new_archive_id()
    shredder = Shredder(keys, store)
    kid = shredder.key_id_for(arc.archive_subject(aid))
    pieces = [raw[i : i + CHUNK] for i in range(0, len(raw), CHUNK)]
    sizes = []
    for i, piece in enumerate(pieces):
        aad = arc._chunk_aad(aid, i, i == len(pieces) - 1, arc.FORMAT_V1)
        sealed = shredder.encrypt_with(kid, piece, aad)
        target.put(chunk_key(aid, i), sealed)
        sizes.append(len(sealed))
    body = {
        "format": arc.FORMAT_V1,
        "archive_id": aid,
        "created": "2026-11-01T00:00:00+00:00",
        "created_by": "old",
        "label": "",
        "tags": [],
        "archive_key_id": kid,
        "chunk_size": CHUNK,
        "chunks": len(pieces),
        "chunk_bytes": sizes,
        "plaintext_bytes": len(raw),
        "mac_key_id": keys.primary().key_id,
    }
    Archives(keys, store)._put_manifest(target, body)
    return aid


def test_format_1_archives_verify_and_restore(
    keys: MemoryKeyStore,
    store: MemorySubjectKeyStore,
    archives: Archives,
    tree: Path,
    seoul: LocalTarget,
    tmp_path: Path,
) -> None:
    aid = _v1_archive(keys, store, seoul, tree)
    assert archives.verify(aid, [seoul]).chunks > 3
    out = archives.restore(aid, [seoul], tmp_path / "o")
    assert (out / "tree" / "a" / "b" / "big.bin").read_bytes() == (
        tree / "a" / "b" / "big.bin"
    ).read_bytes()
    _tamper(seoul.root / chunk_key(aid, 2), 40)
    with pytest.raises(ArchiveCorrupt):
        archives.restore(aid, [seoul], tmp_path / "out")
    assert _nothing_left(tmp_path)


class _KeepingTarget:
    """A third-party target that keeps the very objects it is given."""

    name = "keeper"
    region = "KR"

    def __init__(self) -> None:
        self.objects: dict[str, Any] = {}

    def location(self) -> str:
        return "memory:keeper"

    def put(self, key: str, data: Any) -> None:
        self.objects[key] = data

    def get(self, key: str) -> bytes:
        try:
            return bytes(self.objects[key])
        except KeyError:
            raise BackupError(f"object {key} is missing") from None

    def exists(self, key: str) -> bool:
        return key in self.objects

    def list(self, prefix: str = "") -> list[str]:
        return sorted(k for k in self.objects if k.startswith(prefix))

    def delete(self, key: str) -> None:
        self.objects.pop(key, None)


def test_other_targets_get_their_own_bytes(archives: Archives, tree: Path, tmp_path: Path) -> None:
    keeper = _KeepingTarget()
    aid = archives.create(tree, [keeper], chunk_size=CHUNK, workers=2)
    assert {type(v) for v in keeper.objects.values()} == {bytes}  # not views of reused buffers
    out = archives.restore(aid, [keeper], tmp_path / "out")
    assert _snapshot(out / "tree") == _snapshot(tree)


def test_extractor_takes_pieces_in_any_order(tmp_path: Path) -> None:
    entries = [
        container.Entry("d", "t", 0o755, 0),
        container.Entry("f", "t/a", 0o640, 7_000_000_000, 5),
        container.Entry("f", "t/empty", 0o644, 0, 0),
        container.Entry("f", "t/b", 0o644, 0, 6),
    ]
    ex = container.Extractor(tmp_path, entries, "test")
    ex.write_at(8, memoryview(b"fgh"))  # b's tail, before its head
    ex.write_at(4, memoryview(b"eabc"))  # a's last byte, b's first three
    ex.write_at(0, memoryview(b"ABCD"))
    ex.finish()
    assert (tmp_path / "t" / "a").read_bytes() == b"ABCDe"
    assert (tmp_path / "t" / "b").read_bytes() == b"abcfgh"
    assert (tmp_path / "t" / "empty").read_bytes() == b""
    assert (tmp_path / "t" / "a").stat().st_mtime_ns == 7_000_000_000


def test_extractor_refuses_a_piece_twice(tmp_path: Path) -> None:
    entries = [container.Entry("d", "t", 0o755, 0), container.Entry("f", "t/a", 0o644, 0, 4)]
    ex = container.Extractor(tmp_path, entries, "test")
    ex.write_at(0, memoryview(b"abcd"))
    with pytest.raises(ArchiveCorrupt, match="twice"):
        ex.write_at(0, memoryview(b"ab"))
    with pytest.raises(ArchiveCorrupt, match="more bytes"):
        ex.write_at(2, memoryview(b"abc"))
    ex.abort()


@pytest.mark.parametrize("workers", [1, 2, 4])
def test_consume_chunks_raises_the_lowest_failure_and_stops(workers: int) -> None:
    seen: list[int] = []

    def open_chunk(index: int, buf: bytearray) -> int:
        if index in (3, 5):
            raise ArchiveCorrupt(f"chunk {index} fails authentication")
        buf[:1] = bytes([index])
        return 1

    def consume(index: int, view: memoryview) -> None:
        assert view.tobytes() == bytes([index])
        seen.append(index)

    with pytest.raises(ArchiveCorrupt, match="chunk 3 "):
        container.consume_chunks(100, open_chunk, consume, 16, workers)
    assert 3 not in seen and {0, 1, 2} <= set(seen) and len(seen) < 100 - 2
    seen.clear()

    def intact(index: int, buf: bytearray) -> int:
        buf[:1] = bytes([index])
        return 1

    container.consume_chunks(7, intact, consume, 16, workers)
    assert sorted(seen) == list(range(7))


def test_local_target_get_into(tmp_path: Path) -> None:
    t = LocalTarget("t", tmp_path, "KR")
    t.put("a/b", b"0123456789")
    buf = bytearray(16)
    assert t.get_into("a/b", buf) == 10 and buf[:10] == b"0123456789"
    small = bytearray(4)
    assert t.get_into("a/b", small) == 10 and small == b"0123"  # too long: full length
    with pytest.raises(BackupError, match="missing"):
        t.get_into("a/c", buf)


class _GetOnly:
    """The minimal :class:`Target`: ``get`` only, neither ``get_into`` nor ``get_view``."""

    def __init__(self, inner: MemoryTarget) -> None:
        self._inner = inner
        self.name, self.region = inner.name, inner.region
        self.takes_views = inner.takes_views
        self.put, self.get, self.exists = inner.put, inner.get, inner.exists
        self.list, self.delete, self.location = inner.list, inner.delete, inner.location


@pytest.mark.parametrize("minimal", [False, True], ids=["get_view", "get-only"])
def test_restore_without_get_into(tree: Path, tmp_path: Path, minimal: bool) -> None:
    archives = Archives(MemoryKeyStore(), MemorySubjectKeyStore())
    mem = MemoryTarget("mem", "KR")
    target: Any = _GetOnly(mem) if minimal else mem
    assert hasattr(target, "get_view") is not minimal
    aid = archives.create(tree, [target], chunk_size=CHUNK)
    out = archives.restore(aid, [target], tmp_path / "out", workers=2)
    for p in tree.rglob("*"):
        if p.is_file() and not p.is_symlink():
            assert (out / tree.name / p.relative_to(tree)).read_bytes() == p.read_bytes()
    key = chunk_key(aid, 1)
    sealed = bytearray(mem.get(key))
    sealed[-1] ^= 1
    mem.put(key, sealed)
    with pytest.raises(ArchiveCorrupt, match="chunk 1"):
        archives.restore(aid, [target], tmp_path / "again", workers=2)
    assert not (tmp_path / "again").exists()


@pytest.mark.parametrize(("count", "lanes"), [(0, 2), (1, 2), (7, 1), (7, 2), (100, 3), (512, 2)])
def test_striped_hands_out_every_chunk_once_alternating_lanes(count: int, lanes: int) -> None:
    order = container.striped(count, lanes)
    assert sorted(order) == list(range(count))
    width = -(-count // lanes) if count else 1
    lane_of = [i // width for i in order]
    for lane in set(lane_of):  # each lane in its own order
        mine = [i for i in order if i // width == lane]
        assert mine == sorted(mine)
    if lanes > 1 and count > lanes:  # neighbours in the hand-out order are far apart
        assert all(a != b for a, b in itertools.pairwise(lane_of))


def _big_tree(tmp_path: Path) -> Path:
    d = tmp_path / "big"
    d.mkdir()
    (d / "large.bin").write_bytes(os.urandom(container._PREALLOCATE + 5))
    (d / "small.txt").write_bytes(b"under the preallocation size")
    return d


def test_restore_reserves_space_for_large_files_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = _big_tree(tmp_path)
    archives = Archives(MemoryKeyStore(), MemorySubjectKeyStore())
    mem = MemoryTarget("mem", "KR")
    aid = archives.create(src, [mem], chunk_size=64 * 1024)
    reserved: list[int] = []
    real = os.posix_fallocate

    def spy(fd: int, offset: int, size: int) -> None:
        reserved.append(size)
        real(fd, offset, size)

    monkeypatch.setattr(os, "posix_fallocate", spy)
    out = archives.restore(aid, [mem], tmp_path / "out", workers=2)
    assert reserved == [container._PREALLOCATE + 5]  # the large file only
    for p in src.iterdir():
        assert (out / "big" / p.name).read_bytes() == p.read_bytes()

    def full(fd: int, offset: int, size: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "posix_fallocate", full)
    with pytest.raises(BackupError, match="not enough free space") as caught:
        archives.restore(aid, [mem], tmp_path / "full", workers=2)
    assert "large.bin" not in str(caught.value)  # no file names from the archive
    assert not (tmp_path / "full").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".full")]

    def unsupported(fd: int, offset: int, size: int) -> None:
        raise OSError(errno.EOPNOTSUPP, "Operation not supported")

    monkeypatch.setattr(os, "posix_fallocate", unsupported)  # e.g. some network filesystems
    out = archives.restore(aid, [mem], tmp_path / "plain", workers=2)
    assert (out / "big" / "large.bin").read_bytes() == (src / "large.bin").read_bytes()
