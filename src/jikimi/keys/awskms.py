"""The keyring's key-encryption key kept under AWS KMS (envelope encryption).

``GenerateDataKey`` makes a fresh 256-bit KEK; KMS returns it twice, in the clear (used in
memory to open the keyring, never written) and wrapped under a KMS key. The wrapped form is
kept in a small JSON file beside the keyring; opening asks KMS to ``Decrypt`` it, pinned to
the configured key id and bound to an encryption context, so a file wrapped under another
key or for another purpose is refused. Whoever can no longer call KMS (revoked IAM grant,
disabled or deleted key, a provider that stops answering) can no longer open the keyring:
that is the point, and it is also why the key's region is a residency decision.

The KMS key is named by a URI, ``aws-kms://<key id | alias/name | arn>?region=…&endpoint=…``.
Credentials come only from boto3's usual chain (environment, shared config, instance role).

:class:`AwsKmsKek` *is a* :class:`~jikimi.keys.kek.RawKek` (kind ``raw``), so the keyring
needs no change: ``Keyring.create(path, AwsKmsKek.create(uri, sidecar))`` and
``Keyring.open(path, AwsKmsKek.open(sidecar))``. Like every KEK source it hides its bytes
from ``repr`` and refuses to be pickled; errors carry the KMS error code, never a key.
"""

from __future__ import annotations

import base64
import binascii
import importlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from jikimi.errors import UsageError
from jikimi.keys.errors import KekSourceError
from jikimi.keys.kek import KEK_BYTES, RawKek

SCHEME = "aws-kms://"
FORMAT = "jikimi-kms-kek/1"
CONTEXT = {"purpose": "jikimi-keyring-kek", "format": FORMAT}
_PARAMS = ("region", "endpoint")


def _boto3() -> Any:
    try:
        return importlib.import_module("boto3")
    except ImportError:
        raise UsageError("the AWS KMS key source needs boto3: pip install 'jikimi[kms]'") from None


@dataclass(frozen=True, slots=True)
class AwsKmsUri:
    """Where the KMS key is: its id (or alias, or ARN), signing region, optional endpoint."""

    key_id: str
    region: str | None = None
    endpoint: str | None = None

    @classmethod
    def parse(cls, uri: str) -> AwsKmsUri:
        if not uri.startswith(SCHEME):
            raise KekSourceError(f"a KMS key URI starts with {SCHEME}")
        key_id, _, query = uri[len(SCHEME) :].partition("?")
        if not key_id:
            raise KekSourceError("the KMS key URI names no key")
        params = parse_qs(query, keep_blank_values=True, strict_parsing=False)
        unknown = sorted(set(params) - set(_PARAMS))
        if unknown:
            raise KekSourceError(
                f"unknown KMS URI parameter {unknown[0]!r} (known: region, endpoint)"
            )
        if any(len(v) != 1 or not v[0] for v in params.values()):
            raise KekSourceError("each KMS URI parameter must be given once, with a value")
        region = params.get("region", [None])[0]
        endpoint = params.get("endpoint", [None])[0]
        if region is None and key_id.startswith("arn:"):
            fields = key_id.split(":")
            region = fields[3] if len(fields) > 5 and fields[3] else None
        if endpoint is not None:
            parts = urlsplit(endpoint)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise KekSourceError("the KMS endpoint must be an http(s) URL")
            if parts.username or parts.password:
                raise KekSourceError("put KMS credentials in the environment, not in the URI")
        return cls(key_id, region, endpoint)

    def __str__(self) -> str:
        query = {k: v for k, v in (("region", self.region), ("endpoint", self.endpoint)) if v}
        return SCHEME + self.key_id + (f"?{urlencode(query)}" if query else "")

    def client(self) -> Any:
        """A boto3 KMS client for this key (credentials from the environment)."""
        config = importlib.import_module("botocore.config").Config(
            retries={"max_attempts": 3, "mode": "standard"}
        )
        session = _boto3().session.Session()
        try:
            return session.client(
                "kms", region_name=self.region, endpoint_url=self.endpoint, config=config
            )
        except _core_error() as err:
            raise KekSourceError(f"cannot reach AWS KMS for {self.key_id}: {_code(err)}") from None


def _client_error() -> type[BaseException]:
    return importlib.import_module("botocore.exceptions").ClientError  # type: ignore[no-any-return]


def _core_error() -> type[BaseException]:
    return importlib.import_module("botocore.exceptions").BotoCoreError  # type: ignore[no-any-return]


def _code(err: BaseException) -> str:
    response = getattr(err, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        if code:
            return str(code)
    return type(err).__name__


def _call(uri: AwsKmsUri, op: str, fn: Any, **kwargs: Any) -> Any:
    """Run one KMS call; every failure becomes one line with the AWS error code only."""
    try:
        return fn(**kwargs)
    except (_client_error(), _core_error()) as err:
        raise KekSourceError(f"AWS KMS {op} with key {uri.key_id} failed ({_code(err)})") from None


class AwsKmsKek(RawKek):
    """A 256-bit KEK that exists in the clear only in memory; KMS holds what unwraps it."""

    __slots__ = ("key_arn",)

    def __init__(self, key: bytes, key_arn: str) -> None:
        super().__init__(key)
        self.key_arn = key_arn

    def __repr__(self) -> str:
        return f"AwsKmsKek(key_arn={self.key_arn!r}, <hidden>)"

    __str__ = __repr__

    @classmethod
    def create(
        cls, uri: str | AwsKmsUri, wrapped_path: str | os.PathLike[str], *, client: Any = None
    ) -> AwsKmsKek:
        """Ask KMS for a new data key and write its wrapped form to ``wrapped_path``.

        Refuses to overwrite: replacing the file would lock out the keyring it opens.
        """
        where = uri if isinstance(uri, AwsKmsUri) else AwsKmsUri.parse(uri)
        path = Path(wrapped_path)
        if path.exists():
            raise KekSourceError(f"{path} already exists; refusing to replace a wrapped KEK")
        kms = client if client is not None else where.client()
        out = _call(
            where,
            "GenerateDataKey",
            kms.generate_data_key,
            KeyId=where.key_id,
            KeySpec="AES_256",
            EncryptionContext=CONTEXT,
        )
        plaintext, blob, arn = (
            bytes(out["Plaintext"]),
            bytes(out["CiphertextBlob"]),
            str(out["KeyId"]),
        )
        if len(plaintext) != KEK_BYTES:
            raise KekSourceError("AWS KMS returned a data key of the wrong size")
        _write(path, {"format": FORMAT, "uri": str(where), "key_arn": arn, "wrapped": _b64(blob)})
        return cls(plaintext, arn)

    @classmethod
    def open(
        cls,
        wrapped_path: str | os.PathLike[str],
        *,
        uri: str | AwsKmsUri | None = None,
        client: Any = None,
    ) -> AwsKmsKek:
        """Unwrap the KEK in ``wrapped_path`` with KMS.

        ``uri`` overrides the one recorded in the file (another endpoint or region for
        the same key); the key it names is pinned, so a file wrapped under another key
        is refused by KMS rather than silently accepted.
        """
        path = Path(wrapped_path)
        doc = _read(path)
        where = uri if isinstance(uri, AwsKmsUri) else AwsKmsUri.parse(uri or doc["uri"])
        kms = client if client is not None else where.client()
        out = _call(
            where,
            "Decrypt",
            kms.decrypt,
            CiphertextBlob=doc["blob"],
            KeyId=where.key_id,
            EncryptionContext=CONTEXT,
        )
        plaintext = bytes(out["Plaintext"])
        if len(plaintext) != KEK_BYTES:
            raise KekSourceError(f"{path} does not hold a {KEK_BYTES}-byte key")
        return cls(plaintext, str(out.get("KeyId", doc["key_arn"])))

    @staticmethod
    def rewrap(
        wrapped_path: str | os.PathLike[str],
        new_uri: str | AwsKmsUri,
        *,
        uri: str | AwsKmsUri | None = None,
        client: Any = None,
    ) -> str:
        """Move the wrapped KEK under another KMS key with ``ReEncrypt``; returns its ARN.

        The KEK itself does not change (so the keyring is not rewritten) and never leaves
        KMS in the clear during the move. Use it to retire a KMS key or change region.
        """
        path = Path(wrapped_path)
        doc = _read(path)
        old = uri if isinstance(uri, AwsKmsUri) else AwsKmsUri.parse(uri or doc["uri"])
        new = new_uri if isinstance(new_uri, AwsKmsUri) else AwsKmsUri.parse(new_uri)
        kms = client if client is not None else new.client()
        out = _call(
            new,
            "ReEncrypt",
            kms.re_encrypt,
            CiphertextBlob=doc["blob"],
            SourceKeyId=old.key_id,
            SourceEncryptionContext=CONTEXT,
            DestinationKeyId=new.key_id,
            DestinationEncryptionContext=CONTEXT,
        )
        arn = str(out["KeyId"])
        _write(
            path,
            {
                "format": FORMAT,
                "uri": str(new),
                "key_arn": arn,
                "wrapped": _b64(bytes(out["CiphertextBlob"])),
            },
        )
        return arn


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _read(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KekSourceError(f"wrapped KEK file {path} does not exist") from None
    except (OSError, UnicodeDecodeError, ValueError):
        raise KekSourceError(f"wrapped KEK file {path} cannot be read") from None
    try:
        if doc["format"] != FORMAT:
            raise KekSourceError(f"{path} is not a {FORMAT} file")
        blob = base64.b64decode(str(doc["wrapped"]).encode("ascii"), validate=True)
        return {"uri": str(doc["uri"]), "key_arn": str(doc["key_arn"]), "blob": blob}
    except (KeyError, TypeError, binascii.Error, UnicodeEncodeError):
        raise KekSourceError(f"wrapped KEK file {path} is malformed") from None


def _write(path: Path, doc: dict[str, str]) -> None:
    """Temporary file + rename, mode 0600: a crash never leaves half a wrapped key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(doc, indent=2) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
