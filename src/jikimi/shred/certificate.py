"""Destruction certificates: what was destroyed, when, by whom, with which key ids, and the
proof that a sample could no longer be decrypted.

The body is canonical JSON; the certificate carries its SHA-256 and an Ed25519 signature
made with a key derived from the keyring's master key (purpose ``shred/certificate``). The
public key travels in the certificate, so an auditor can check the signature without any
secret; comparing that public key with the one published by the keyring owner (``jikimi
erase`` prints it) ties the certificate to its issuer.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from jikimi.keys import KeyStore, UnknownKey
from jikimi.reports.atomic import atomic_write_text
from jikimi.shred.errors import CertificateInvalid

FORMAT = "jikimi-destruction-certificate/1"
_PURPOSE = "shred/certificate-ed25519"


def canonical(body: Mapping[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _signing_key(keys: KeyStore, master_id: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(keys.get(master_id).derive(_PURPOSE))


def public_key(keys: KeyStore, master_id: str | None = None) -> str:
    """The base64 Ed25519 public key certificates from this keyring are signed with."""
    mid = master_id or keys.primary().key_id
    raw = _signing_key(keys, mid).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


@dataclass(frozen=True, slots=True)
class DestructionCertificate:
    """A signed record of one destruction; ``to_json`` gives the file form."""

    body: Mapping[str, Any]
    sha256: str
    signer_key_id: str
    public_key: str
    signature: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "body": dict(self.body),
            "sha256": self.sha256,
            "signature": {
                "alg": "Ed25519",
                "signer_key_id": self.signer_key_id,
                "public_key": self.public_key,
                "value": self.signature,
            },
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Write ``<kind>-<sha256 prefix>.json`` atomically into ``directory``."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        path = d / f"{self.body.get('kind', 'destruction')}-{self.sha256[:16]}.json"
        atomic_write_text(path, self.to_json())
        return path


def issue(keys: KeyStore, body: Mapping[str, Any]) -> DestructionCertificate:
    """Hash and sign ``body`` with the keyring's current primary master key."""
    signer = keys.primary().key_id
    data = canonical(body)
    sk = _signing_key(keys, signer)
    return DestructionCertificate(
        body=dict(body),
        sha256=hashlib.sha256(data).hexdigest(),
        signer_key_id=signer,
        public_key=public_key(keys, signer),
        signature=base64.b64encode(sk.sign(data)).decode("ascii"),
    )


def verify(document: Mapping[str, Any], keys: KeyStore | None = None) -> Mapping[str, Any]:
    """Check a certificate's hash and signature; returns its body.

    With ``keys``, also check that the signer is this keyring (not merely *a* key).
    """
    try:
        if document["format"] != FORMAT:
            raise CertificateInvalid("not a jikimi destruction certificate")
        body = document["body"]
        sig = document["signature"]
        data = canonical(body)
        if hashlib.sha256(data).hexdigest() != document["sha256"]:
            raise CertificateInvalid("certificate body does not match its SHA-256")
        pub = Ed25519PublicKey.from_public_bytes(base64.b64decode(sig["public_key"]))
        pub.verify(base64.b64decode(sig["value"]), data)
    except (KeyError, TypeError, ValueError):
        raise CertificateInvalid("certificate is malformed") from None
    except InvalidSignature:
        raise CertificateInvalid("certificate signature does not verify") from None
    if keys is not None:
        try:
            expected = public_key(keys, sig["signer_key_id"])
        except UnknownKey:
            raise CertificateInvalid("certificate was not signed by this keyring") from None
        if expected != sig["public_key"]:
            raise CertificateInvalid("certificate was not signed by this keyring")
    return dict(body)


def load(path: str | os.PathLike[str]) -> dict[str, Any]:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise CertificateInvalid(f"certificate {path} cannot be read") from None
    if not isinstance(doc, dict):
        raise CertificateInvalid(f"certificate {path} is malformed")
    return doc
