"""An S3-compatible bucket (AWS S3, MinIO, Ceph RGW, …) as a backup target.

Why it is safe to use as a :class:`~jikimi.backup.targets.Target`:

* A single ``PutObject`` is atomic in S3: readers see the old object, the new one, or
  nothing, never half of it. Every upload carries ``Content-MD5`` so a body damaged on
  the way is refused by the server instead of stored. Archives write their manifest last,
  so a writer killed mid-archive leaves chunks without a manifest: listed as incomplete,
  never restorable.
* ``delete`` removes every stored *version* of an object, so destroying an archive on a
  versioned bucket does not leave old versions behind (Object Lock retention, if the
  bucket has it, still wins: the error is reported, not hidden).
* Credentials come only from boto3's usual chain (environment variables, shared config
  files, instance roles); this module never reads, stores, logs or prints them, and error
  messages carry only the S3 error code.

boto3 is imported lazily (the ``s3`` extra), so a configuration that merely names an S3
target does not need it until the target is used.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
from collections.abc import Sequence
from typing import Any, ClassVar
from urllib.parse import urlsplit

from jikimi.backup.errors import BackupError
from jikimi.backup.targets import Data, country_of
from jikimi.errors import UsageError

_MISSING = ("NoSuchKey", "404", "NotFound")


def load_boto3() -> Any:
    """The boto3 module, or a clear message naming the extra that provides it."""
    try:
        return importlib.import_module("boto3")
    except ImportError:
        raise UsageError("S3 targets need boto3: pip install 'jikimi[s3]'") from None


def _botocore_errors() -> tuple[type[BaseException], type[BaseException]]:
    exc = importlib.import_module("botocore.exceptions")
    return exc.ClientError, exc.BotoCoreError


def _error_code(err: BaseException) -> str:
    response = getattr(err, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        if code:
            return str(code)
    return type(err).__name__


def _check_key(key: str) -> None:
    parts = key.split("/")
    if not key or any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        raise BackupError(f"invalid object key {key!r}")


class S3Target:
    """Archives under ``s3://<bucket>/<prefix>/`` on AWS or any S3-compatible endpoint.

    ``region`` is jikimi's residency declaration (``"KR/seoul"``); ``aws_region`` is the
    signing region the endpoint expects (``"ap-northeast-2"``). They are separate on
    purpose: an S3-compatible server in Seoul may well call itself ``us-east-1``.
    """

    __slots__ = ("_client", "aws_region", "bucket", "endpoint_url", "name", "prefix", "region")
    takes_views: ClassVar[bool] = True  # put copies the data before sending it

    def __init__(
        self,
        name: str,
        region: str,
        bucket: str,
        *,
        prefix: str = "",
        endpoint_url: str | None = None,
        aws_region: str | None = None,
        client: Any = None,
    ) -> None:
        c = country_of(region)
        if len(c) != 2 or not c.isalpha():
            raise BackupError(f"target {name}: region must start with a 2-letter country")
        if not bucket or "/" in bucket:
            raise BackupError(f"target {name}: bucket must be a plain bucket name")
        prefix = prefix.strip("/")
        if prefix:
            _check_key(prefix)
        if endpoint_url is not None:
            parts = urlsplit(endpoint_url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise BackupError(f"target {name}: endpoint_url must be an http(s) URL")
            if parts.username or parts.password:
                raise BackupError(
                    f"target {name}: put credentials in the environment, not in endpoint_url"
                )
        self.name = name
        self.region = region
        self.bucket = bucket
        self.prefix = prefix
        self.endpoint_url = endpoint_url
        self.aws_region = aws_region
        self._client = client

    def __repr__(self) -> str:
        return f"S3Target(name={self.name!r}, region={self.region!r}, at={self.location()!r})"

    def __reduce__(self) -> Any:
        raise TypeError("an S3 target holds a live client and cannot be pickled")

    # -- plumbing ------------------------------------------------------------------------
    def _s3(self) -> Any:
        if self._client is None:
            boto3 = load_boto3()
            config = importlib.import_module("botocore.config").Config(
                retries={"max_attempts": 3, "mode": "standard"},
                s3={"addressing_style": "path" if self.endpoint_url else "auto"},
            )
            session = boto3.session.Session()
            self._client = session.client(
                "s3",
                endpoint_url=self.endpoint_url,
                region_name=self.aws_region,
                config=config,
            )
        return self._client

    def _full(self, key: str) -> str:
        _check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _root(self) -> str:
        return f"{self.prefix}/" if self.prefix else ""

    def _fail(self, op: str, key: str, err: BaseException) -> BackupError:
        return BackupError(f"target {self.name}: S3 {op} of {key} failed ({_error_code(err)})")

    # -- Target --------------------------------------------------------------------------
    def location(self) -> str:
        where = f"s3://{self.bucket}/{self.prefix}"
        if self.endpoint_url:
            parts = urlsplit(self.endpoint_url)
            host = parts.hostname or ""
            where += f" at {host}:{parts.port}" if parts.port else f" at {host}"
        return where

    def put(self, key: str, data: Data) -> None:
        full = self._full(key)
        client_error, core_error = _botocore_errors()
        body = bytes(data)  # the caller may reuse its buffer; a retry must resend the same
        md5 = base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode()
        try:
            self._s3().put_object(Bucket=self.bucket, Key=full, Body=body, ContentMD5=md5)
        except (client_error, core_error) as err:
            raise self._fail("put", key, err) from None

    def get(self, key: str) -> bytes:
        full = self._full(key)
        client_error, core_error = _botocore_errors()
        try:
            body = self._s3().get_object(Bucket=self.bucket, Key=full)["Body"]
            try:
                return bytes(body.read())
            finally:
                body.close()
        except client_error as err:
            if _error_code(err) in _MISSING:
                raise BackupError(f"object {key} is missing on target {self.name}") from None
            raise self._fail("get", key, err) from None
        except core_error as err:
            raise self._fail("get", key, err) from None

    def exists(self, key: str) -> bool:
        full = self._full(key)
        client_error, core_error = _botocore_errors()
        try:
            self._s3().head_object(Bucket=self.bucket, Key=full)
        except client_error as err:
            if _error_code(err) in _MISSING:
                return False
            raise self._fail("head", key, err) from None
        except core_error as err:
            raise self._fail("head", key, err) from None
        return True

    def list(self, prefix: str = "") -> Sequence[str]:
        root = self._root()
        client_error, core_error = _botocore_errors()
        keys: list[str] = []
        try:
            pages = self._s3().get_paginator("list_objects_v2")
            for page in pages.paginate(Bucket=self.bucket, Prefix=root + prefix):
                for obj in page.get("Contents", ()):
                    rel = str(obj["Key"])[len(root) :]
                    if rel and not any(p.startswith(".") or not p for p in rel.split("/")):
                        keys.append(rel)
        except (client_error, core_error) as err:
            raise self._fail("list", prefix or "/", err) from None
        return sorted(keys)

    def delete(self, key: str) -> None:
        """Delete ``key`` with every stored version and delete marker (idempotent)."""
        full = self._full(key)
        client_error, core_error = _botocore_errors()
        s3 = self._s3()
        try:
            versions: list[str] = []
            try:
                pages = s3.get_paginator("list_object_versions")
                for page in pages.paginate(Bucket=self.bucket, Prefix=full):
                    for entry in [*page.get("Versions", ()), *page.get("DeleteMarkers", ())]:
                        if entry["Key"] == full and entry.get("VersionId"):
                            versions.append(str(entry["VersionId"]))
            except client_error as err:  # servers without versioning support
                if _error_code(err) not in ("NotImplemented", "MethodNotAllowed"):
                    raise
            for version in versions:
                if version == "null":
                    s3.delete_object(Bucket=self.bucket, Key=full)
                else:
                    s3.delete_object(Bucket=self.bucket, Key=full, VersionId=version)
            if not versions:
                s3.delete_object(Bucket=self.bucket, Key=full)
        except (client_error, core_error) as err:
            raise self._fail("delete", key, err) from None
