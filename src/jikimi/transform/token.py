"""Token: a keyed pseudonym, HMAC-SHA-256 of the value under a managed key.

``tok_3f9a1b2c_5be0…``: a visible prefix says "this is a pseudonym", the key id says which
key made it (rotation), and the digest is deterministic per key and entity domain, so the
same person gets the same token in every table and joins keep working. HMAC is one-way:
a token cannot be reversed, only re-derived from a candidate value by a key holder
(:meth:`Token.matches`). Use ``encrypt`` (deterministic mode) when you need to reveal.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, Literal

import polars as pl
from pydantic import Field, field_validator

from jikimi.keys import KeyStore, UnknownKey
from jikimi.keys.subkeys import Subkeys
from jikimi.transform.base import FieldContext, IrreversibleOperator, mostly_distinct
from jikimi.transform.config import OperatorConfig


class TokenConfig(OperatorConfig):
    operator: Literal["token"] = "token"
    prefix: str = "tok_"
    bits: int = Field(default=128, ge=64, le=256, multiple_of=8)
    domain: str | None = None  # override the entity/column domain (e.g. to join two columns)

    @field_validator("prefix")
    @classmethod
    def _printable(cls, v: str) -> str:
        if not v.isprintable() or any(c.isspace() for c in v):
            raise ValueError("a token prefix must be printable and without spaces")
        return v


class Token(IrreversibleOperator):
    name = "token"
    keyed = True

    def __init__(self, config: TokenConfig, keys: KeyStore) -> None:
        self.config = config
        self._keys = Subkeys(keys, "token")
        self._hexlen = config.bits // 4

    def _domain(self, ctx: FieldContext) -> bytes:
        return (self.config.domain or ctx.domain).encode() + b"\x00"

    def _one(self, key_id: str, sub: bytes, domain: bytes, value: str) -> str:
        digest = hmac.digest(sub, domain + value.encode(), "sha256").hex()
        return f"{self.config.prefix}{key_id}_{digest[: self._hexlen]}"

    def protect_expr(self, col: pl.Expr, ctx: FieldContext) -> pl.Expr:
        kid, sub = self._keys.primary()
        inner, outer = hmac_states(sub, self._domain(ctx))
        head = f"{self.config.prefix}{kid}_"
        n = self._hexlen

        def batch(s: pl.Series) -> pl.Series:
            dedup = not mostly_distinct(s)
            uniq = s.drop_nulls().unique() if dedup else s
            values = uniq.to_list()
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
            mapped = pl.Series(s.name, out, pl.String)
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
