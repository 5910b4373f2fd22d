"""Token: a keyed pseudonym, HMAC-SHA-256 of the value under a managed key.

``tok_3f9a1b2c_5be0…``: a visible prefix says "this is a pseudonym", the key id says which
key made it (rotation), and the digest is deterministic per key and entity domain, so the
same person gets the same token in every table and joins keep working. HMAC is one-way:
on its own a token cannot be reversed, only re-derived from a candidate value by a key
holder (:meth:`Token.matches`).

With a token vault (:mod:`jikimi.transform.vault`) the same token becomes revealable:
:class:`VaultedToken` also seals each new value with AES-SIV under the token's key and
records it in the vault, keyed by token and domain. The token text does not change, so
vaulted and unvaulted tokens join. Only :class:`VaultedToken` is a
:class:`ReversibleOperator`; a policy rule can opt out with ``vault: false``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Sequence
from typing import Any, Literal

import polars as pl
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from pydantic import Field, field_validator

from jikimi.keys import KeyStore, UnknownKey
from jikimi.keys.subkeys import Subkeys
from jikimi.transform.base import (
    FieldContext,
    IrreversibleOperator,
    ReversibleOperator,
    mostly_distinct,
)
from jikimi.transform.config import OperatorConfig
from jikimi.transform.errors import DecryptionError
from jikimi.transform.vault import TokenVault, VaultRow

_SEAL_AD = b"jikimi/token-vault/v1\x00"


class TokenConfig(OperatorConfig):
    operator: Literal["token"] = "token"
    prefix: str = "tok_"
    bits: int = Field(default=128, ge=64, le=256, multiple_of=8)
    domain: str | None = None  # override the entity/column domain (e.g. to join two columns)
    vault: bool = True  # record in the token vault when one is configured (False: one-way)

    @field_validator("prefix")
    @classmethod
    def _printable(cls, v: str) -> str:
        if not v.isprintable() or any(c.isspace() for c in v):
            raise ValueError("a token prefix must be printable and without spaces")
        return v


class TokenRevealError(DecryptionError):
    """A token the vault cannot reveal; as opaque as every other decryption failure."""

    MESSAGE = (
        "token could not be revealed: not in the token vault (tokens made without a "
        "vault are one-way), wrong key, or tampered vault"
    )


Tokenizer = Callable[[Sequence[str | None]], list[str | None]]


class Token(IrreversibleOperator):
    name = "token"
    keyed = True

    def __init__(self, config: TokenConfig, keys: KeyStore) -> None:
        self.config = config
        self._keys = Subkeys(keys, "token")
        self._hexlen = config.bits // 4

    def domain(self, ctx: FieldContext) -> str:
        """The domain the digest is bound to: the config's, else the entity's or column's."""
        return self.config.domain or ctx.domain

    def _domain(self, ctx: FieldContext) -> bytes:
        return self.domain(ctx).encode() + b"\x00"

    def _one(self, key_id: str, sub: bytes, domain: bytes, value: str) -> str:
        digest = hmac.digest(sub, domain + value.encode(), "sha256").hex()
        return f"{self.config.prefix}{key_id}_{digest[: self._hexlen]}"

    def tokenizer(self, ctx: FieldContext) -> tuple[str, Tokenizer]:
        """The primary key id and a function from values to their tokens (None stays None)."""
        kid, sub = self._keys.primary()
        inner, outer = hmac_states(sub, self._domain(ctx))
        head = f"{self.config.prefix}{kid}_"
        n = self._hexlen

        def tokens(values: Sequence[str | None]) -> list[str | None]:
            out: list[str | None] = []
            append = out.append
            inner_copy, outer_copy = inner.copy, outer.copy
            for v in values:
                if v is None:
                    append(None)
                    continue
                h = inner_copy()
                h.update(v.encode())
                o = outer_copy()
                o.update(h.digest())
                append(head + o.hexdigest()[:n])
            return out

        return kid, tokens

    def protect_expr(self, col: pl.Expr, ctx: FieldContext) -> pl.Expr:
        _, tokens = self.tokenizer(ctx)

        def batch(s: pl.Series) -> pl.Series:
            dedup = not mostly_distinct(s)
            uniq = s.drop_nulls().unique() if dedup else s
            mapped = pl.Series(s.name, tokens(uniq.to_list()), pl.String)
            if not dedup:
                return mapped
            return s.replace_strict(uniq, mapped, default=None, return_dtype=pl.String)

        return col.map_batches(batch, return_dtype=pl.String, is_elementwise=True)

    def matches(self, value: str, token: str, ctx: FieldContext | None = None) -> bool:
        """Whether ``token`` is this operator's token for ``value`` (under its key id)."""
        rest = token.removeprefix(self.config.prefix)
        kid = rest.partition("_")[0]
        try:
            sub = self._keys.get(kid)
        except UnknownKey:
            return False
        expect = self._one(kid, sub, self._domain(ctx or FieldContext()), value)
        return hmac.compare_digest(expect, token)

    def pattern(self) -> re.Pattern[str]:
        """What this operator's tokens look like inside free text (group 1: the key id)."""
        return re.compile(
            re.escape(self.config.prefix)
            + rf"([0-9a-f]{{8}})_[0-9a-f]{{{self._hexlen}}}(?![0-9A-Za-z])"
        )


class VaultedToken(ReversibleOperator):
    """The token operator with a vault: the same tokens, and a key holder can reveal them.

    Each distinct value of a batch is hashed once, sealed once (AES-256-SIV under a
    subkey of the token's own key, associated data = key id, domain and token, so a row
    moved to another token or domain does not open) and recorded with one batched
    ``INSERT OR IGNORE``. Revealing looks tokens up in batches and opens them; every
    failure (unknown token, unknown key, tampered row) is one :class:`TokenRevealError`.
    """

    name = "token"

    def __init__(self, config: TokenConfig, keys: KeyStore, vault: TokenVault) -> None:
        self.config = config
        self.token = Token(config, keys)
        self._seal_keys = Subkeys(keys, "token/vault/aes-siv", 64)
        self._ciphers: dict[str, AESSIV] = {}
        self._vault = vault
        self._pattern = self.token.pattern()

    def _cipher(self, key_id: str) -> AESSIV:
        c = self._ciphers.get(key_id)
        if c is None:
            c = self._ciphers[key_id] = AESSIV(self._seal_keys.get(key_id))
        return c

    @staticmethod
    def _ad_head(key_id: str, domain: str) -> bytes:
        return b"%s%s\x00%s\x00" % (_SEAL_AD, key_id.encode(), domain.encode())

    def protect_expr(self, col: pl.Expr, ctx: FieldContext) -> pl.Expr:
        kid, tokens = self.token.tokenizer(ctx)
        domain = self.token.domain(ctx)
        seal = self._cipher(kid).encrypt
        ad_head = self._ad_head(kid, domain)
        vault = self._vault

        def batch(s: pl.Series) -> pl.Series:
            uniq = s.drop_nulls().unique()
            values: list[str] = uniq.to_list()
            toks = tokens(values)
            rows: list[VaultRow] = [
                (t, domain, kid, seal(v.encode(), [ad_head + t.encode()]))
                for v, t in zip(values, toks, strict=True)
                if t is not None
            ]
            vault.record(rows)  # before any token leaves this function
            mapped = pl.Series(s.name, toks, pl.String)
            return s.replace_strict(uniq, mapped, default=None, return_dtype=pl.String)

        return col.map_batches(batch, return_dtype=pl.String, is_elementwise=True)

    def open_row(self, row: VaultRow) -> str:
        """The value sealed in one vault row; any failure is :class:`TokenRevealError`."""
        token, domain, kid, sealed = row
        try:
            plain = self._cipher(kid).decrypt(
                bytes(sealed), [self._ad_head(kid, domain) + token.encode()]
            )
            return plain.decode("utf-8")
        except (UnknownKey, InvalidTag, ValueError, TypeError, UnicodeDecodeError):
            raise TokenRevealError from None

    def open_many(self, tokens: Sequence[str], domain: str) -> list[str]:
        """The values of ``tokens`` (all distinct) in ``domain``, in the same order."""
        found: dict[str, str] = {}
        heads: dict[str, tuple[Callable[..., bytes], bytes]] = {}
        try:
            for token, dom, kid, sealed in self._vault.fetch(tokens):
                if dom != domain:
                    continue
                head = heads.get(kid)
                if head is None:
                    head = heads[kid] = (self._cipher(kid).decrypt, self._ad_head(kid, domain))
                found[token] = head[0](bytes(sealed), [head[1] + token.encode()]).decode("utf-8")
            return [found[t] for t in tokens]
        except (KeyError, UnknownKey, InvalidTag, ValueError, TypeError, UnicodeDecodeError):
            raise TokenRevealError from None

    def reveal_expr(self, col: pl.Expr, ctx: FieldContext) -> pl.Expr:
        domain = self.token.domain(ctx)

        def batch(s: pl.Series) -> pl.Series:
            uniq = s.drop_nulls().unique()
            values = self.open_many(uniq.to_list(), domain)
            mapped = pl.Series(s.name, values, pl.String)
            return s.replace_strict(uniq, mapped, default=None, return_dtype=pl.String)

        return col.map_batches(batch, return_dtype=pl.String, is_elementwise=True)

    def key_ids_in(self, values: pl.Series) -> set[str]:
        prefix = re.escape(self.config.prefix)
        ids = values.drop_nulls().str.extract(rf"^{prefix}([0-9a-f]{{8}})_", 1)
        return {v for v in ids.unique().to_list() if v is not None}

    def pattern(self) -> re.Pattern[str]:
        return self._pattern

    def matches(self, value: str, token: str, ctx: FieldContext | None = None) -> bool:
        return self.token.matches(value, token, ctx)


def hmac_states(key: bytes, prefix: bytes) -> tuple[Any, Any]:
    """HMAC-SHA-256 (RFC 2104) with the keyed inner/outer states computed once.

    ``hmac.digest`` sets up an OpenSSL context per call, which costs three times the
    hashing itself on short values; copying two prepared SHA-256 states does not.
    The inner state has already absorbed ``prefix`` (the entity domain).
    """
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    inner.update(prefix)
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    return inner, outer
