"""Format-preserving encryption (FF3-1, NIST SP 800-38G Rev.1, via the ``ff3`` package).

Digits stay digits and every other character (hyphens, spaces, letters) stays where it
was, so a protected resident number still fits the column, the form and the validator.
``keep_first``/``keep_last`` leave digits in clear (e.g. the birth date of an RRN);
``check_digit`` re-computes the identifier's check digit over the encrypted digits so the
output still validates.

FF3-1 has no room for a key id or an integrity tag. So FPE does not follow the primary
key: it uses the key pinned by ``key_id`` or else the store's oldest key, which rotation
never changes (to move FPE data to a new key, reveal and protect again with ``key_id``
pinned). A wrong key yields wrong digits rather than an error, except that a check digit
which no longer validates is reported as a ``DecryptionError``. Each distinct value of a batch is
encrypted once, all of them together (see :mod:`jikimi.transform.ff3batch`).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Literal

import polars as pl
from pydantic import Field
from stdnum import luhn
from stdnum.iso7064 import mod_11_2

from jikimi.keys import KeyStore, UnknownKey
from jikimi.keys.subkeys import Subkeys
from jikimi.transform.base import FieldContext, ReversibleOperator
from jikimi.transform.config import OperatorConfig
from jikimi.transform.errors import DecryptionError, FpeDomainError
from jikimi.transform.ff3batch import FF3Batch

MIN_DIGITS = 6  # radix 10: 10**6 is the FF3-1 minimum domain
MAX_DIGITS = 56  # 2 * floor(96 / log2(10))

CheckDigit = Literal["none", "luhn", "kr-rrn", "cn-ric"]


def _kr_rrn(body: str) -> str:
    s = sum(int(c) * w for c, w in zip(body, (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5), strict=False))
    return str((11 - s % 11) % 10)


CHECKS: dict[str, Callable[[str], str]] = {
    "luhn": lambda body: str(luhn.calc_check_digit(body)),
    "kr-rrn": _kr_rrn,
    "cn-ric": lambda body: str(mod_11_2.calc_check_digit(body)),
}


class FpeConfig(OperatorConfig):
    operator: Literal["fpe"] = "fpe"
    keep_first: int = Field(default=0, ge=0)
    keep_last: int = Field(default=0, ge=0)
    check_digit: CheckDigit = "none"
    key_id: str | None = Field(default=None, pattern=r"^[0-9a-f]{8}$")
    domain: str | None = None


class Fpe(ReversibleOperator):
    name = "fpe"

    def __init__(self, config: FpeConfig, keys: KeyStore) -> None:
        self.config = config
        self._store = keys
        self._keys = Subkeys(keys, "fpe/ff3-1")
        self._tweaks = Subkeys(keys, "fpe/tweak")
        self._check = CHECKS.get(config.check_digit)

    def key_id(self) -> str:
        """The key this operator encrypts and decrypts with: pinned, or the oldest."""
        if self.config.key_id:
            return self.config.key_id
        ids = self._store.key_ids()
        return ids[0] if ids else self._store.primary().key_id

    def _cipher(self, ctx: FieldContext) -> FF3Batch:
        kid = self.key_id()
        try:
            key = self._keys.get(kid)
        except UnknownKey:
            raise DecryptionError from None
        domain = (self.config.domain or ctx.domain).encode()
        return FF3Batch(key, hmac.digest(self._tweaks.get(kid), domain, "sha256")[:7])

    def _digit_pattern(self) -> str:
        """The characters FPE rewrites: digits, and a trailing X for Chinese IDs."""
        return r"[0-9]|[Xx]$" if self.config.check_digit == "cn-ric" else r"[0-9]"

    def _domain_error(self, ctx: FieldContext, n: int) -> FpeDomainError:
        return FpeDomainError(
            f"{ctx.label}: a value has {max(n, 0)} digits to encrypt; FF3-1 needs "
            f"{MIN_DIGITS} to {MAX_DIGITS} (keep fewer digits in clear, or use encrypt/token "
            "for short values)"
        )

    def _run_unique(
        self, uniq: pl.Series, ctx: FieldContext, revealing: bool, cipher: FF3Batch
    ) -> pl.Series:
        """Protect (or reveal) distinct values; digit extraction and reassembly are
        vectorised, grouped by the value's shape (where its separators are)."""
        kf, kl = self.config.keep_first, self.config.keep_last
        pat = self._digit_pattern()
        v = pl.col("v")
        df = uniq.to_frame("v").with_columns(
            d=v.str.extract_all(pat).list.join("").str.to_uppercase(),
            shape=v.str.replace_all(pat, "0"),
        )
        has_check = self._check is not None
        body = pl.col("d").str.slice(0, pl.col("d").str.len_chars().cast(pl.Int64) - int(has_check))
        df = df.with_columns(body=body, check=pl.col("d").str.slice(-1))
        n = pl.col("body").str.len_chars().cast(pl.Int64) - kf - kl
        lo, hi = df.select(n.min(), n.max().alias("hi")).row(0)
        if lo is not None and lo < MIN_DIGITS:
            raise self._domain_error(ctx, lo)
        if hi is not None and hi > MAX_DIGITS:
            raise self._domain_error(ctx, hi)
        if self._check is not None:
            calc = self._check
            if any(calc(b) != c for b, c in zip(df["body"], df["check"], strict=True)):
                if revealing:
                    raise DecryptionError
                raise FpeDomainError(
                    f"{ctx.label}: a value's check digit is invalid, so check_digit cannot be "
                    "preserved"
                )
        blen = pl.col("body").str.len_chars().cast(pl.Int64)
        regions = df.select(pl.col("body").str.slice(kf, blen - kf - kl)).to_series().to_list()
        df = df.with_columns(r=pl.Series(run_cipher(cipher, regions, revealing), dtype=pl.String))
        df = df.with_columns(
            nb=pl.concat_str(
                [
                    pl.col("body").str.slice(0, kf),
                    pl.col("r"),
                    pl.col("body").str.slice(blen - kl, kl),
                ]
            )
        )
        if self._check is not None:
            calc = self._check
            df = df.with_columns(
                nd=pl.concat_str(
                    [pl.col("nb"), pl.Series([calc(b) for b in df["nb"]], dtype=pl.String)]
                )
            )
        else:
            df = df.with_columns(nd=pl.col("nb"))
        parts = [_reassemble(part) for part in df.partition_by("shape", maintain_order=True)]
        out = pl.concat(parts) if parts else df.select("v", o=pl.col("v"))
        return uniq.replace_strict(out["v"], out["o"], return_dtype=pl.String)

    def _expr(self, col: pl.Expr, ctx: FieldContext, revealing: bool) -> pl.Expr:
        cipher = self._cipher(ctx)

        def batch(s: pl.Series) -> pl.Series:
            uniq = s.drop_nulls().unique()
            mapped = self._run_unique(uniq, ctx, revealing, cipher)
            return s.replace_strict(uniq, mapped, default=None, return_dtype=pl.String)

        return col.map_batches(batch, return_dtype=pl.String, is_elementwise=True)

    def protect_expr(self, col: pl.Expr, ctx: FieldContext) -> pl.Expr:
        return self._expr(col, ctx, revealing=False)

    def reveal_expr(self, col: pl.Expr, ctx: FieldContext) -> pl.Expr:
        return self._expr(col, ctx, revealing=True)

    def key_ids_in(self, values: pl.Series) -> set[str]:
        return {self.key_id()}


def run_cipher(cipher: FF3Batch, regions: list[str], revealing: bool) -> list[str]:
    return cipher.decrypt(regions) if revealing else cipher.encrypt(regions)


def _reassemble(part: pl.DataFrame) -> pl.DataFrame:
    """Put new digits back where the old ones were, for values sharing one shape."""
    shape = part["shape"][0]
    pieces: list[pl.Expr] = []
    taken = 0
    i = 0
    while i < len(shape):
        j = i
        if shape[i] == "0":
            while j < len(shape) and shape[j] == "0":
                j += 1
            pieces.append(pl.col("nd").str.slice(taken, j - i))
            taken += j - i
        else:
            while j < len(shape) and shape[j] != "0":
                j += 1
            pieces.append(pl.col("v").str.slice(i, j - i))
        i = j
    return part.select("v", o=pl.concat_str(pieces) if pieces else pl.col("v"))
