"""The byte layout of a subject ciphertext.

::

    magic "JKS" | version 0x01 | subject key id (8 bytes) | nonce (12) | AES-256-GCM ct+tag

The 12-byte header is associated data, together with the caller's context (e.g. a table
and column name), so a ciphertext moved to another field or relabelled with another key id
fails to open instead of decrypting under the wrong meaning.
"""

from __future__ import annotations

from dataclasses import dataclass

from jikimi.shred.errors import DecryptionFailed

MAGIC = b"JKS\x01"
KEY_ID_BYTES = 8
NONCE_BYTES = 12
TAG_BYTES = 16
HEADER_BYTES = len(MAGIC) + KEY_ID_BYTES
OVERHEAD = HEADER_BYTES + NONCE_BYTES + TAG_BYTES


@dataclass(frozen=True, slots=True)
class Envelope:
    """A parsed ciphertext: the header names the key; the rest is opaque."""

    key_id: str
    nonce: bytes
    body: bytes

    @property
    def header(self) -> bytes:
        return MAGIC + bytes.fromhex(self.key_id)


def header_for(key_id: str) -> bytes:
    return MAGIC + bytes.fromhex(key_id)


def parse(blob: bytes) -> Envelope:
    """Split ``blob``; anything that is not a jikimi subject ciphertext is one opaque error."""
    if len(blob) < OVERHEAD or blob[: len(MAGIC)] != MAGIC:
        raise DecryptionFailed("not a jikimi subject ciphertext")
    key_id = blob[len(MAGIC) : HEADER_BYTES].hex()
    nonce = blob[HEADER_BYTES : HEADER_BYTES + NONCE_BYTES]
    return Envelope(key_id, nonce, blob[HEADER_BYTES + NONCE_BYTES :])


def key_id_of(blob: bytes) -> str:
    """The subject key id a ciphertext was made with (no key needed)."""
    return parse(blob).key_id
