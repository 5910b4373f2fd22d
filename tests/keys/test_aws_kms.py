"""The AWS KMS key source against a real KMS-compatible HTTP server (moto's, on 127.0.0.1)."""

from __future__ import annotations

import base64
import json
import pickle
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jikimi.errors import UsageError
from jikimi.keys import KekSourceError, Keyring, RawKek, WrongPassphrase
from jikimi.keys.awskms import AwsKmsKek, AwsKmsUri
from jikimi.testing.aws import local_aws_server

boto3 = pytest.importorskip("boto3", reason="boto3 is not installed (the 'kms' extra)")
moto_server = pytest.importorskip(
    "moto.moto_server.threaded_moto_server", reason="moto[server] is not installed (dev extra)"
)

SECRET = "kms-test-secret-" + secrets.token_hex(8)


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with local_aws_server(SECRET, region=None) as url:
        yield url


@pytest.fixture
def kms(endpoint: str) -> Any:
    return boto3.client("kms", endpoint_url=endpoint, region_name="ap-northeast-2")


@pytest.fixture
def key_id(kms: Any) -> str:
    return str(kms.create_key(Description="jikimi test KEK")["KeyMetadata"]["KeyId"])


def _uri(key: str, endpoint: str) -> str:
    return f"aws-kms://{key}?region=ap-northeast-2&endpoint={endpoint}"


def test_keyring_round_trip_through_kms(endpoint: str, key_id: str, tmp_path: Path) -> None:
    sidecar, ring_path = tmp_path / "ring.kek.json", tmp_path / "ring.json"
    kek = AwsKmsKek.create(_uri(key_id, endpoint), sidecar)
    assert key_id in kek.key_arn
    ring = Keyring.create(ring_path, kek)
    ring.rotate()
    reopened = Keyring.open(ring_path, AwsKmsKek.open(sidecar))  # endpoint from the file
    assert reopened.key_ids() == ring.key_ids()
    assert reopened.primary().derive("t") == ring.primary().derive("t")
    doc = json.loads(sidecar.read_text(encoding="utf-8"))
    assert doc["format"] == "jikimi-kms-kek/1" and key_id in doc["uri"]
    assert (sidecar.stat().st_mode & 0o777) == 0o600
    # the file holds only the wrapped form: it is not the KEK, and not the KEK's base64
    blob = base64.b64decode(doc["wrapped"])
    assert kek.kek() not in blob and base64.b64encode(kek.kek()).decode() not in sidecar.read_text()


def test_two_data_keys_differ(endpoint: str, key_id: str, tmp_path: Path) -> None:
    a = AwsKmsKek.create(_uri(key_id, endpoint), tmp_path / "a.json")
    b = AwsKmsKek.create(_uri(key_id, endpoint), tmp_path / "b.json")
    assert a.kek() != b.kek() and len(a.kek()) == 32


def test_alias_and_arn_uris(endpoint: str, kms: Any, key_id: str, tmp_path: Path) -> None:
    kms.create_alias(AliasName="alias/jikimi-test-" + secrets.token_hex(4), TargetKeyId=key_id)
    alias = kms.list_aliases(KeyId=key_id)["Aliases"][0]["AliasName"]
    kek = AwsKmsKek.create(_uri(alias, endpoint), tmp_path / "k.json")
    arn = kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"]
    assert kek.key_arn == arn
    again = AwsKmsKek.open(tmp_path / "k.json", uri=f"aws-kms://{arn}?endpoint={endpoint}")
    assert again.kek() == kek.kek()  # region taken from the ARN


def test_file_moved_under_another_key_is_refused(
    endpoint: str, kms: Any, key_id: str, tmp_path: Path
) -> None:
    sidecar = tmp_path / "k.json"
    AwsKmsKek.create(_uri(key_id, endpoint), sidecar)
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(KekSourceError, match=r"Decrypt with key .* failed \(AccessDenied"):
        AwsKmsKek.open(sidecar, uri=_uri(other, endpoint))


def test_tampered_wrapped_key_is_refused(endpoint: str, key_id: str, tmp_path: Path) -> None:
    sidecar = tmp_path / "k.json"
    AwsKmsKek.create(_uri(key_id, endpoint), sidecar)
    doc = json.loads(sidecar.read_text(encoding="utf-8"))
    blob = bytearray(base64.b64decode(doc["wrapped"]))
    blob[-5] ^= 0x01
    doc["wrapped"] = base64.b64encode(bytes(blob)).decode()
    sidecar.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(KekSourceError, match="InvalidCiphertext"):
        AwsKmsKek.open(sidecar)


def test_keyring_of_another_kms_key_is_wrong_kek(
    endpoint: str, key_id: str, tmp_path: Path
) -> None:
    Keyring.create(tmp_path / "ring.json", AwsKmsKek.create(_uri(key_id, endpoint), tmp_path / "a"))
    stranger = AwsKmsKek.create(_uri(key_id, endpoint), tmp_path / "b")
    with pytest.raises(WrongPassphrase):
        Keyring.open(tmp_path / "ring.json", stranger)


def test_rewrap_moves_the_kek_under_a_new_key(
    endpoint: str, kms: Any, key_id: str, tmp_path: Path
) -> None:
    sidecar = tmp_path / "k.json"
    kek = AwsKmsKek.create(_uri(key_id, endpoint), sidecar)
    Keyring.create(tmp_path / "ring.json", kek)
    before = (tmp_path / "ring.json").read_bytes()
    new_key = kms.create_key()["KeyMetadata"]["KeyId"]
    arn = AwsKmsKek.rewrap(sidecar, _uri(new_key, endpoint))
    assert new_key in arn
    assert (tmp_path / "ring.json").read_bytes() == before  # keyring untouched
    moved = AwsKmsKek.open(sidecar)
    assert moved.kek() == kek.kek() and new_key in moved.key_arn
    Keyring.open(tmp_path / "ring.json", moved)
    with pytest.raises(KekSourceError, match="AccessDenied"):  # the old key no longer opens it
        AwsKmsKek.open(sidecar, uri=_uri(key_id, endpoint))


def test_unknown_key_and_refused_overwrite(endpoint: str, tmp_path: Path) -> None:
    missing = "11111111-2222-3333-4444-555555555555"
    with pytest.raises(KekSourceError, match=r"GenerateDataKey with key 1111.* failed \(NotFound"):
        AwsKmsKek.create(_uri(missing, endpoint), tmp_path / "k.json")
    assert not (tmp_path / "k.json").exists()
    (tmp_path / "k.json").write_text("{}", encoding="utf-8")
    with pytest.raises(KekSourceError, match="refusing to replace"):
        AwsKmsKek.create(_uri(missing, endpoint), tmp_path / "k.json")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        ("not json", "cannot be read"),
        ('{"format": "other"}', "is not a jikimi-kms-kek/1"),
        ('{"format": "jikimi-kms-kek/1", "uri": "aws-kms://k"}', "malformed"),
        (
            '{"format": "jikimi-kms-kek/1", "uri": "u", "key_arn": "a", "wrapped": "!!"}',
            "malformed",
        ),
    ],
)
def test_bad_wrapped_files(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "k.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(KekSourceError, match=message):
        AwsKmsKek.open(path)


def test_no_key_material_in_repr_pickle_or_errors(
    endpoint: str, key_id: str, tmp_path: Path
) -> None:
    kek = AwsKmsKek.create(_uri(key_id, endpoint), tmp_path / "k.json")
    material = kek.kek()
    for text in (repr(kek), str(kek)):
        assert "<hidden>" in text and key_id in text
        assert material.hex() not in text and base64.b64encode(material).decode() not in text
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(kek)
    with pytest.raises(KekSourceError) as exc:
        AwsKmsKek.open(tmp_path / "k.json", uri=_uri("alias/nope", endpoint))
    assert SECRET not in str(exc.value) and "testing-access" not in str(exc.value)
    assert exc.value.__cause__ is None and exc.value.__suppress_context__
    assert isinstance(kek, RawKek) and kek.kind == "raw"


def test_missing_region_is_a_clear_error(endpoint: str, tmp_path: Path) -> None:
    with pytest.raises(KekSourceError, match="NoRegionError"):
        AwsKmsKek.create(f"aws-kms://some-key?endpoint={endpoint}", tmp_path / "k.json")


def test_missing_boto3_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)
    with pytest.raises(UsageError, match=r"jikimi\[kms\]"):
        AwsKmsKek.create("aws-kms://k?region=eu-west-1", tmp_path / "k.json")


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("aws-kms://abc", AwsKmsUri("abc")),
        ("aws-kms://alias/x?region=eu-west-1", AwsKmsUri("alias/x", "eu-west-1")),
        (
            "aws-kms://arn:aws:kms:ap-northeast-2:123456789012:key/abc",
            AwsKmsUri("arn:aws:kms:ap-northeast-2:123456789012:key/abc", "ap-northeast-2"),
        ),
        (
            "aws-kms://k?region=r&endpoint=http://127.0.0.1:4566",
            AwsKmsUri("k", "r", "http://127.0.0.1:4566"),
        ),
    ],
)
def test_uri_parsing(uri: str, expected: AwsKmsUri) -> None:
    parsed = AwsKmsUri.parse(uri)
    assert parsed == expected
    assert AwsKmsUri.parse(str(parsed)) == parsed


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("vault://k", "starts with aws-kms://"),
        ("aws-kms://", "names no key"),
        ("aws-kms://?region=x", "names no key"),
        ("aws-kms://k?regoin=x", "unknown KMS URI parameter 'regoin'"),
        ("aws-kms://k?region=a&region=b", "given once"),
        ("aws-kms://k?endpoint=ftp://h", "http"),
        ("aws-kms://k?endpoint=http://u:p@h", "credentials in the environment"),
    ],
)
def test_bad_uris(uri: str, message: str) -> None:
    with pytest.raises(KekSourceError, match=message):
        AwsKmsUri.parse(uri)


def test_cli_keyring_through_kms_env(
    endpoint: str, key_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from jikimi.cli.main import cli

    monkeypatch.delenv("JIKIMI_PASSPHRASE", raising=False)
    monkeypatch.setenv("JIKIMI_KMS_URI", _uri(key_id, endpoint))
    monkeypatch.setenv("JIKIMI_KMS_KEY_FILE", str(tmp_path / "kek.json"))
    ring = tmp_path / "ring.json"
    runner = CliRunner()
    assert runner.invoke(cli, ["keys", "init", str(ring)]).exit_code == 0
    assert (tmp_path / "kek.json").exists()
    listed = runner.invoke(cli, ["keys", "list", str(ring)])
    assert listed.exit_code == 0, listed.output
    monkeypatch.setenv("JIKIMI_KMS_KEY_FILE", str(tmp_path / "missing.json"))
    res = runner.invoke(cli, ["keys", "list", str(ring)])
    assert res.exit_code == 2 and "does not exist" in res.output
    monkeypatch.delenv("JIKIMI_KMS_KEY_FILE")
    res = runner.invoke(cli, ["keys", "list", str(ring)])
    assert res.exit_code == 2 and "JIKIMI_KMS_KEY_FILE" in res.output
