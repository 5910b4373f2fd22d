"""The S3 target against a real S3-compatible HTTP server (moto's, on 127.0.0.1)."""

from __future__ import annotations

import base64
import os
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from jikimi.backup import (
    ArchiveCorrupt,
    ArchiveDestroyed,
    Archives,
    BackupError,
    ResidencyPolicy,
    ResidencyRefused,
    ResidencyRule,
)
from jikimi.backup.archive import MANIFEST, chunk_key
from jikimi.backup.config import load_config
from jikimi.backup.s3target import S3Target
from jikimi.errors import UsageError
from jikimi.keys import Keyring, MemoryKeyStore, RawKek
from jikimi.shred import MemorySubjectKeyStore
from jikimi.testing.aws import local_aws_server

boto3 = pytest.importorskip("boto3", reason="boto3 is not installed (the 's3' extra)")
moto_server = pytest.importorskip(
    "moto.moto_server.threaded_moto_server", reason="moto[server] is not installed (dev extra)"
)

CHUNK = 4096
SECRET = "s3-test-secret-" + secrets.token_hex(8)


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with local_aws_server(SECRET, region="us-east-1") as url:
        yield url


@pytest.fixture
def raw_s3(endpoint: str) -> Any:
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")


@pytest.fixture
def bucket(raw_s3: Any) -> str:
    name = f"jikimi-{secrets.token_hex(6)}"
    raw_s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def seoul(endpoint: str, bucket: str) -> S3Target:
    return S3Target("seoul", "KR/seoul", bucket, prefix="backups/kr", endpoint_url=endpoint)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    (d / "sub").mkdir(parents=True)
    (d / "users.csv").write_text("name,rrn\n김민수,900101-1234568\n" * 300, encoding="utf-8")
    (d / "sub" / "blob.bin").write_bytes(os.urandom(12_000))
    return d


def _keys(raw_s3: Any, bucket: str) -> list[str]:
    pages = raw_s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return sorted(o["Key"] for p in pages for o in p.get("Contents", ()))


def _same_tree(a: Path, b: Path) -> bool:
    fa = sorted(p.relative_to(a) for p in a.rglob("*"))
    fb = sorted(p.relative_to(b) for p in b.rglob("*"))
    return fa == fb and all(
        (a / f).read_bytes() == (b / f).read_bytes() for f in fa if (a / f).is_file()
    )


# -- the Target protocol ------------------------------------------------------------------
def test_object_operations(seoul: S3Target, raw_s3: Any, bucket: str) -> None:
    seoul.put("a1/chunk-00000000", b"one")
    seoul.put("a1/manifest.json", b"{}")
    seoul.put("a2/chunk-00000000", b"two")
    assert seoul.get("a1/chunk-00000000") == b"one"
    assert seoul.exists("a1/manifest.json") and not seoul.exists("a1/nope")
    assert seoul.list() == ["a1/chunk-00000000", "a1/manifest.json", "a2/chunk-00000000"]
    assert seoul.list("a2/") == ["a2/chunk-00000000"]
    assert all(k.startswith("backups/kr/") for k in _keys(raw_s3, bucket))
    seoul.delete("a1/chunk-00000000")
    seoul.delete("a1/chunk-00000000")  # idempotent
    assert not seoul.exists("a1/chunk-00000000")
    with pytest.raises(BackupError, match="missing on target seoul"):
        seoul.get("a1/chunk-00000000")


def test_temporaries_and_foreign_keys_are_not_listed(
    seoul: S3Target, raw_s3: Any, bucket: str
) -> None:
    raw_s3.put_object(Bucket=bucket, Key="backups/kr/a1/.chunk.tmp", Body=b"x")
    raw_s3.put_object(Bucket=bucket, Key="elsewhere/a1/chunk-00000000", Body=b"x")
    seoul.put("a1/chunk-00000000", b"y")
    assert seoul.list() == ["a1/chunk-00000000"]


@pytest.mark.parametrize("key", ["", "../x", "a/../b", "a//b", ".hidden", "a/.tmp"])
def test_bad_keys_refused(seoul: S3Target, key: str) -> None:
    with pytest.raises(BackupError, match="invalid object key"):
        seoul.put(key, b"x")


def test_delete_removes_every_version(endpoint: str, raw_s3: Any, bucket: str) -> None:
    raw_s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    t = S3Target("v", "KR", bucket, endpoint_url=endpoint)
    t.put("a/chunk-00000000", b"v1")
    t.put("a/chunk-00000000", b"v2")
    t.put("a/chunk-00000001", b"keep")
    t.delete("a/chunk-00000000")
    left = raw_s3.list_object_versions(Bucket=bucket)
    keys = {v["Key"] for v in [*left.get("Versions", ()), *left.get("DeleteMarkers", ())]}
    assert keys == {"a/chunk-00000001"}


def test_errors_name_the_code_never_credentials(endpoint: str) -> None:
    t = S3Target("gone", "KR", "no-such-bucket-jikimi", endpoint_url=endpoint)
    with pytest.raises(BackupError) as exc:
        t.put("a/chunk-00000000", b"x")
    text = str(exc.value)
    assert "NoSuchBucket" in text and "gone" in text
    assert SECRET not in text and "testing-access" not in text
    assert exc.value.__cause__ is None and exc.value.__suppress_context__


def test_unreachable_endpoint_is_one_clear_error() -> None:
    t = S3Target("down", "KR", "b", endpoint_url="http://127.0.0.1:9")  # discard port
    with pytest.raises(BackupError, match="target down: S3 list"):
        t.list()


def test_missing_boto3_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # makes `import boto3` fail
    with pytest.raises(UsageError, match=r"jikimi\[s3\]"):
        S3Target("x", "KR", "b").list()


def test_construction_checks() -> None:
    with pytest.raises(BackupError, match="2-letter country"):
        S3Target("x", "Korea", "b")
    with pytest.raises(BackupError, match="bucket"):
        S3Target("x", "KR", "b/c")
    with pytest.raises(BackupError, match="credentials in the environment"):
        S3Target("x", "KR", "b", endpoint_url="http://user:pw@127.0.0.1:1")
    with pytest.raises(BackupError, match="http"):
        S3Target("x", "KR", "b", endpoint_url="ftp://127.0.0.1")
    t = S3Target("x", "KR/seoul", "b", prefix="/p/", endpoint_url="http://127.0.0.1:9000")
    assert t.location() == "s3://b/p at 127.0.0.1:9000"
    assert "KR/seoul" in repr(t) and "client" not in repr(t)


# -- archives on S3 -----------------------------------------------------------------------
def test_archive_round_trip(
    seoul: S3Target, raw_s3: Any, bucket: str, data: Path, tmp_path: Path
) -> None:
    archives = Archives(MemoryKeyStore(), MemorySubjectKeyStore())
    aid = archives.create(data, [seoul], tags=["kr.rrn"], label="weekly", chunk_size=CHUNK)
    stored = _keys(raw_s3, bucket)
    assert f"backups/kr/{aid}/{MANIFEST}" in stored and len(stored) > 3
    plain = (data / "users.csv").read_bytes()
    for key in stored:  # ciphertext only on the provider's disks
        body = raw_s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        assert b"900101-1234568" not in body and plain[:64] not in body
    [copy] = archives.list_copies([seoul])
    assert copy.archive_id == aid and copy.complete and copy.authentic
    assert copy.region == "KR/seoul" and copy.location.startswith(f"s3://{bucket}/backups/kr")
    result = archives.verify(aid, [seoul])
    assert result.copies == ("seoul",) and result.chunks == len(stored) - 2  # manifest, files
    out = archives.restore(aid, [seoul], tmp_path / "out")
    assert _same_tree(data, out / "data")

    cert = archives.destroy(aid, [seoul], actor="dpo")
    assert cert.body["copies"][0]["objects_remaining"] == 0
    assert cert.body["countries"] == ["KR"]
    assert _keys(raw_s3, bucket) == []
    with pytest.raises(ArchiveDestroyed):
        archives.verify(aid, [seoul])


def test_residency_refused_before_any_object(
    endpoint: str, raw_s3: Any, bucket: str, data: Path
) -> None:
    hk = S3Target("hongkong", "HK", bucket, endpoint_url=endpoint)
    policy = ResidencyPolicy([ResidencyRule.of("rrn-stays-in-kr", ["kr.rrn"], ["KR"], [])])
    archives = Archives(MemoryKeyStore(), MemorySubjectKeyStore(), policy)
    kr = S3Target("seoul", "KR", bucket, prefix="kr", endpoint_url=endpoint)
    with pytest.raises(ResidencyRefused) as exc:
        archives.create(data, [kr, hk], tags=["kr.rrn"], chunk_size=CHUNK)
    assert exc.value.rule == "rrn-stays-in-kr"
    assert _keys(raw_s3, bucket) == []  # not even the allowed target got a byte


@pytest.mark.parametrize("victim", ["chunk", "manifest"])
def test_tampered_object_detected(
    seoul: S3Target, raw_s3: Any, bucket: str, data: Path, tmp_path: Path, victim: str
) -> None:
    archives = Archives(MemoryKeyStore(), MemorySubjectKeyStore())
    aid = archives.create(data, [seoul], chunk_size=CHUNK)
    key = f"backups/kr/{chunk_key(aid, 1) if victim == 'chunk' else f'{aid}/{MANIFEST}'}"
    blob = bytearray(raw_s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    blob[len(blob) // 2] ^= 0x01
    raw_s3.put_object(Bucket=bucket, Key=key, Body=bytes(blob))
    with pytest.raises(ArchiveCorrupt, match=r"fails authentication|unreadable"):
        archives.verify(aid, [seoul])
    with pytest.raises(ArchiveCorrupt):
        archives.restore(aid, [seoul], tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_interrupted_backup_leaves_nothing_restorable(
    seoul: S3Target, data: Path, tmp_path: Path
) -> None:
    """A writer that dies after some chunks: no manifest, listed incomplete, not restorable."""

    class Crash(BaseException):
        pass

    def die(index: int) -> None:
        if index == 1:
            raise Crash

    archives = Archives(MemoryKeyStore(), MemorySubjectKeyStore())
    with pytest.raises(Crash):  # BaseException: like a kill, skips the tidy-up path
        archives.create(data, [seoul], chunk_size=CHUNK, after_chunk=die)
    [copy] = archives.list_copies([seoul])
    assert not copy.complete and copy.chunks == 2
    with pytest.raises(UsageError, match="no complete copy"):
        archives.restore(copy.archive_id, [seoul], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_failed_upload_discards_the_partial_archive(
    seoul: S3Target, raw_s3: Any, bucket: str, data: Path
) -> None:
    def fail(index: int) -> None:
        if index == 1:
            raise RuntimeError("disk full")

    archives = Archives(MemoryKeyStore(), MemorySubjectKeyStore())
    with pytest.raises(RuntimeError):
        archives.create(data, [seoul], chunk_size=CHUNK, after_chunk=fail)
    assert _keys(raw_s3, bucket) == []


# -- configuration and CLI ----------------------------------------------------------------
def _config(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "backup.yaml"
    p.write_text(body, encoding="utf-8")
    return p


def test_config_builds_s3_target(tmp_path: Path) -> None:
    cfg = load_config(
        _config(
            tmp_path,
            "targets:\n"
            "  - {name: local, path: here, region: KR}\n"
            "  - {name: s3, kind: s3, bucket: b, prefix: p, region: KR/seoul,\n"
            "     endpoint_url: 'http://127.0.0.1:9000', aws_region: ap-northeast-2}\n",
        )
    )
    [s3] = cfg.pick(["s3"])
    assert isinstance(s3, S3Target)
    assert (s3.bucket, s3.prefix, s3.region) == ("b", "p", "KR/seoul")
    assert s3.aws_region == "ap-northeast-2"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{name: s, kind: s3, region: KR}", "needs a bucket"),
        ("{name: s, kind: s3, bucket: b, path: x, region: KR}", "not path"),
        ("{name: s, path: x, bucket: b, region: KR}", "only applies to s3"),
        ("{name: s, kind: s3, bucket: b, region: KR, secret_key: x}", "Extra inputs"),
        ("{name: s, kind: s3, bucket: b, region: KR, endpoint_url: 'x://h'}", "http"),
        ("{name: s, kind: gcs, bucket: b, region: KR}", "kind"),
    ],
)
def test_config_errors_are_usage_errors(tmp_path: Path, line: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        load_config(_config(tmp_path, f"targets:\n  - {line}\n"))


def test_cli_backup_cycle_on_s3(
    endpoint: str,
    bucket: str,
    raw_s3: Any,
    data: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from jikimi.cli.main import cli

    kek = b"k" * 32
    Keyring.create(tmp_path / "ring.json", RawKek(kek))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JIKIMI_KEYRING", str(tmp_path / "ring.json"))
    monkeypatch.setenv("TEST_KEK", base64.b64encode(kek).decode())
    monkeypatch.setenv(
        "JIKIMI_BACKUP_CONFIG",
        str(
            _config(
                tmp_path,
                "targets:\n"
                f"  - {{name: cloud, kind: s3, bucket: {bucket}, region: KR,\n"
                f"     endpoint_url: '{endpoint}', aws_region: us-east-1}}\n",
            )
        ),
    )

    def run(*args: str) -> Any:
        return CliRunner().invoke(cli, ["backup", "--kek-env", "TEST_KEK", *args])

    res = run("create", str(data))
    assert res.exit_code == 0, res.output
    aid = res.stdout.strip().splitlines()[0]
    assert run("list").stdout.count(aid) == 1
    assert run("verify", aid).exit_code == 0
    assert run("restore", aid, "out").exit_code == 0
    assert _same_tree(data, tmp_path / "out" / "data")
    res = run("destroy", aid, "--actor", "dpo")
    assert res.exit_code == 0, res.output
    assert _keys(raw_s3, bucket) == []
    assert SECRET not in res.output
