"""The operator table: name → typed config model and the class that runs it.

Policies name operators; this table turns ``{"operator": "mask", "preset": "kr-phone"}``
into a validated ``MaskConfig`` and then into a ``Mask``. Third parties add entries with
:func:`register` (or the ``jikimi.operators`` entry-point group, loaded on first use).

Reversibility is stated per row: ``reversible`` operators (fpe, encrypt) can be undone
with the key alone; operators with a ``with_vault`` builder (token) become reversible only
when a token vault is configured, and are one-way otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from jikimi.keys import KeyStore
from jikimi.transform.base import Operator
from jikimi.transform.config import OperatorConfig
from jikimi.transform.dateshift import DateShift, DateShiftConfig
from jikimi.transform.encrypt import Encrypt, EncryptConfig
from jikimi.transform.errors import OperatorConfigError
from jikimi.transform.fpe import Fpe, FpeConfig
from jikimi.transform.generalize import Generalize, GeneralizeConfig
from jikimi.transform.hashing import Hash, HashConfig, PasswordHash, PasswordHashConfig
from jikimi.transform.keep import Keep, KeepConfig
from jikimi.transform.mask import Mask, MaskConfig
from jikimi.transform.redact import Redact, RedactConfig
from jikimi.transform.replace import Replace, ReplaceConfig
from jikimi.transform.token import Token, TokenConfig, VaultedToken
from jikimi.transform.vault import TokenVault


@dataclass(frozen=True, slots=True)
class OperatorSpec:
    """One row of the table: how to validate parameters and how to build the operator.

    ``reversible``: undone with the key alone. ``with_vault``: how to build the operator
    when a token vault is configured (a :class:`ReversibleOperator`, unless its config
    opts out); ``None`` for operators a vault cannot make reversible.
    """

    name: str
    config: type[OperatorConfig]
    build: Callable[[Any, KeyStore | None], Operator]
    keyed: bool
    reversible: bool
    with_vault: Callable[[Any, KeyStore | None, TokenVault], Operator] | None = None

    @property
    def reversible_with_vault(self) -> bool:
        """Whether a key holder can undo it once a token vault is configured."""
        return self.reversible or self.with_vault is not None


def _plain(cls: Callable[[Any], Operator]) -> Callable[[Any, KeyStore | None], Operator]:
    return lambda cfg, _keys: cls(cfg)


def _keyed(cls: Callable[[Any, KeyStore], Operator]) -> Callable[[Any, KeyStore | None], Operator]:
    def build(cfg: Any, keys: KeyStore | None) -> Operator:
        if keys is None:
            raise OperatorConfigError(f"operator {cfg.operator!r} needs a keyring (--keyring)")
        return cls(cfg, keys)

    return build


def _vaulted_token(cfg: TokenConfig, keys: KeyStore | None, vault: TokenVault) -> Operator:
    if keys is None:
        raise OperatorConfigError("operator 'token' needs a keyring (--keyring)")
    return VaultedToken(cfg, keys, vault) if cfg.vault else Token(cfg, keys)


OPERATORS: dict[str, OperatorSpec] = {
    s.name: s
    for s in (
        OperatorSpec("keep", KeepConfig, _plain(Keep), False, False),
        OperatorSpec("redact", RedactConfig, _plain(Redact), False, False),
        OperatorSpec("replace", ReplaceConfig, _plain(Replace), False, False),
        OperatorSpec("mask", MaskConfig, _plain(Mask), False, False),
        OperatorSpec("generalize", GeneralizeConfig, _plain(Generalize), False, False),
        OperatorSpec("hash", HashConfig, _plain(Hash), False, False),
        OperatorSpec("password_hash", PasswordHashConfig, _plain(PasswordHash), False, False),
        OperatorSpec("token", TokenConfig, _keyed(Token), True, False, _vaulted_token),
        OperatorSpec("date_shift", DateShiftConfig, _keyed(DateShift), True, False),
        OperatorSpec("fpe", FpeConfig, _keyed(Fpe), True, True),
        OperatorSpec("encrypt", EncryptConfig, _keyed(Encrypt), True, True),
    )
}
_entry_points_loaded = False


def register(spec: OperatorSpec) -> None:
    """Add a third-party operator; names are unique."""
    if spec.name in OPERATORS:
        raise ValueError(f"operator {spec.name!r} is already registered")
    OPERATORS[spec.name] = spec


def operators() -> dict[str, OperatorSpec]:
    """The table, with entry-point operators loaded on first call."""
    global _entry_points_loaded
    if not _entry_points_loaded:
        _entry_points_loaded = True
        for ep in entry_points(group="jikimi.operators"):
            spec = ep.load()
            if isinstance(spec, OperatorSpec) and spec.name not in OPERATORS:
                OPERATORS[spec.name] = spec
    return OPERATORS


def build_operator(
    config: OperatorConfig, keys: KeyStore | None = None, vault: TokenVault | None = None
) -> Operator:
    """The operator for a validated config (keyed operators need ``keys``).

    With ``vault``, operators that support one (token) are built revealable.
    """
    name = getattr(config, "operator", None)
    spec = operators().get(str(name))
    if spec is None:
        raise OperatorConfigError(f"unknown operator {name!r}")
    if vault is not None and spec.with_vault is not None:
        return spec.with_vault(config, keys, vault)
    return spec.build(config, keys)
