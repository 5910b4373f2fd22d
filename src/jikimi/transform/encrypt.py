"""Encrypt: field-level authenticated encryption, deterministic or randomised.

``enc.siv.<key id>.<base64url>`` (AES-256-SIV: equal values give equal ciphertexts, so
columns stay joinable and searchable by equality) or ``enc.gcm.<key id>.<base64url>``
(AES-256-GCM with a fresh 96-bit nonce: equal values look different). The entity/column
domain is bound as associated data, so a ciphertext moved to another column does not open.
Every failure to open (unknown key id, wrong key, tampering, garbage) is the same
:class:`DecryptionError`.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from typing import Literal

import polars as pl
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, AESSIV

from jikimi.keys import KeyStore, UnknownKey
from jikimi.keys.subkeys import Subkeys
from jikimi.transform.base import FieldContext, ReversibleOperator, map_unique
from jikimi.transform.config import OperatorConfig
from jikimi.transform.errors import DecryptionError

Mode = Literal["deterministic", "randomized"]
_TAG = {"deterministic": "siv", "randomized": "gcm"}
# What a jikimi ciphertext looks like inside free text (used by reveal_text).
CIPHERTEXT_RE = re.compile(r"enc\.(?:siv|gcm)\.[0-9a-f]{8}\.[A-Za-z0-9_-]{16,}")
_NONCE = 12


class EncryptConfig(OperatorConfig):
    operator: Literal["encrypt"] = "encrypt"
    mode: Mode = "deterministic"
    domain: str | None = None


def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Encrypt(ReversibleOperator):
    name = "encrypt"

    def __init__(self, config: EncryptConfig, keys: KeyStore) -> None:
        self.config = config
        self._tag = _TAG[config.mode]
        length = 64 if config.mode == "deterministic" else 32
        self._keys = Subkeys(keys, f"encrypt/{self._tag}", length)
        self._ciphers: dict[str, AESSIV | AESGCM] = {}

    def _cipher(self, key_id: str) -> AESSIV | AESGCM:
        c = self._ciphers.get(key_id)
        if c is None:
            sub = self._keys.get(key_id)
            c = AESSIV(sub) if self._tag == "siv" else AESGCM(sub)
            self._ciphers[key_id] = c
        return c

    def _ad(self, key_id: str, ctx: FieldContext) -> bytes:
        return f"jikimi/{self._tag}/{key_id}/{self.config.domain or ctx.domain}".encode()

    def protect_expr(self, col: pl.Expr, ctx: FieldContext) -> pl.Expr:
        kid, _ = self._keys.primary()
        cipher, ad = self._cipher(kid), self._ad(kid, ctx)
        head = f"enc.{self._tag}.{kid}."
        if isinstance(cipher, AESSIV):
            siv = cipher

            def det(value: str) -> str:
                return head + _b64e(siv.encrypt(value.encode(), [ad]))

            return map_unique(col, det)
        gcm = cipher

        def rnd(s: pl.Series) -> pl.Series:
            out: list[str | None] = []
            for v in s.to_list():
                if v is None:
                    out.append(None)
                    continue
                nonce = os.urandom(_NONCE)
                out.append(head + _b64e(nonce + gcm.encrypt(nonce, v.encode(), ad)))
            return pl.Series(s.name, out, pl.String)

        return col.map_batches(rnd, return_dtype=pl.String, is_elementwise=True)

    def open(self, token: str, ctx: FieldContext) -> str:
        """Decrypt one ciphertext; any failure is the one opaque ``DecryptionError``."""
        try:
            _, tag, kid, body = token.split(".", 3)
            if tag != self._tag:
                raise DecryptionError
            cipher, blob = self._cipher(kid), _b64d(body)
            ad = self._ad(kid, ctx)
            if isinstance(cipher, AESSIV):
                plain = cipher.decrypt(blob, [ad])
            else:
                plain = cipher.decrypt(blob[:_NONCE], blob[_NONCE:], ad)
            return plain.decode("utf-8")
        except (ValueError, UnknownKey, InvalidTag, binascii.Error, UnicodeDecodeError):
            raise DecryptionError from None

    def key_ids_in(self, values: pl.Series) -> set[str]:
        ids = values.drop_nulls().str.extract(r"^enc\.[a-z]{3}\.([0-9a-f]{8})\.", 1)
        return {v for v in ids.unique().to_list() if v is not None}

    def reveal_expr(self, col: pl.Expr, ctx: FieldContext) -> pl.Expr:
        return map_unique(col, lambda t: self.open(t, ctx))
