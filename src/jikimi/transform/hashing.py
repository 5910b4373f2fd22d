"""Hashing: salted SHA-256 for users who ask for a hash, and password hashing.

``hash`` is SHA-256 over a user-chosen salt and the value, deterministic and one-way
(prefer ``token``: without a secret key a hash of a phone number is easily brute-forced).
``password_hash`` is the only operator allowed on password fields: scrypt with a fresh
random salt per value in a PHC-style string, so equal passwords hash differently and
nothing can decrypt them.
"""

from __future__ import annotations

import base64
import hashlib
import os
from typing import Literal

import polars as pl
from pydantic import Field, model_validator

from jikimi.transform.base import FieldContext, IrreversibleOperator, map_unique
from jikimi.transform.config import OperatorConfig
from jikimi.transform.errors import OperatorConfigError


class HashConfig(OperatorConfig):
    operator: Literal["hash"] = "hash"
    salt: str | None = None
    salt_env: str | None = None
    length: int = Field(default=64, ge=16, le=64)

    @model_validator(mode="after")
    def _one_salt(self) -> HashConfig:
        if (self.salt is None) == (self.salt_env is None):
            raise ValueError("give exactly one of salt or salt_env")
        return self


class Hash(IrreversibleOperator):
    name = "hash"

    def __init__(self, config: HashConfig) -> None:
        self.config = config
        if config.salt_env is not None:
            salt = os.environ.get(config.salt_env)
            if not salt:
                raise OperatorConfigError(
                    f"hash: environment variable {config.salt_env} is not set"
                )
        else:
            salt = config.salt or ""
        self._salted = hashlib.sha256(salt.encode() + b"\x00")

    def protect_expr(self, col: pl.Expr, ctx: FieldContext) -> pl.Expr:
        base, n = self._salted, self.config.length

        def one(value: str) -> str:
            h = base.copy()
            h.update(value.encode())
            return h.hexdigest()[:n]

        return map_unique(col, one)


class PasswordHashConfig(OperatorConfig):
    operator: Literal["password_hash"] = "password_hash"
    log2_n: int = Field(default=14, ge=10, le=20)


def _b64(b: bytes) -> str:
    return base64.b64encode(b).rstrip(b"=").decode("ascii")


class PasswordHash(IrreversibleOperator):
    name = "password_hash"

    def __init__(self, config: PasswordHashConfig | None = None) -> None:
        self.config = config or PasswordHashConfig()

    def hash_one(self, password: str) -> str:
        ln = self.config.log2_n
        salt = os.urandom(16)
        dk = hashlib.scrypt(
            password.encode(), salt=salt, n=2**ln, r=8, p=1, dklen=32, maxmem=2 ** (ln + 11)
        )
        return f"$scrypt$ln={ln},r=8,p=1${_b64(salt)}${_b64(dk)}"

    def protect_expr(self, col: pl.Expr, ctx: FieldContext) -> pl.Expr:
        def batch(s: pl.Series) -> pl.Series:
            return pl.Series(
                s.name, [None if v is None else self.hash_one(v) for v in s.to_list()], pl.String
            )

        return col.map_batches(batch, return_dtype=pl.String, is_elementwise=True)

    @staticmethod
    def verify(password: str, encoded: str) -> bool:
        """Check a password against a ``$scrypt$`` string made by :meth:`hash_one`."""
        import hmac

        try:
            _, algo, params, salt_b64, dk_b64 = encoded.split("$")
            opts = dict(p.split("=") for p in params.split(","))
            salt = base64.b64decode(salt_b64 + "=" * (-len(salt_b64) % 4))
            dk = base64.b64decode(dk_b64 + "=" * (-len(dk_b64) % 4))
            ln = int(opts["ln"])
        except (ValueError, KeyError):
            return False
        if algo != "scrypt":
            return False
        got = hashlib.scrypt(
            password.encode(),
            salt=salt,
            n=2**ln,
            r=int(opts["r"]),
            p=int(opts["p"]),
            dklen=len(dk),
            maxmem=2 ** (ln + 11),
        )
        return hmac.compare_digest(got, dk)
