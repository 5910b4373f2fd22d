"""``jikimi keys init|rotate|list|rewrap|retire``: manage a local keyring file; and the
keyring options other commands (``protect``, ``reveal``) share.

A master key's retirement is three steps: ``rotate`` (a new primary), ``rewrap`` (subject
keys, archive keys and archive manifests move under it), ``retire OLD_ID`` (refused, with
the reasons, while anything named by ``--subject-keys`` / ``--backup-config`` / ``--vault``
still needs the old key; vaulted tokens cannot be re-wrapped, so a vault holding tokens
made with the old key keeps it in use).

The KEK comes from ``--kek-env VAR`` (base64 256-bit key), ``--passphrase-env VAR``, AWS KMS
(``JIKIMI_KMS_URI`` naming the key, ``JIKIMI_KMS_KEY_FILE`` where the wrapped KEK is kept),
the ``JIKIMI_PASSPHRASE`` variable, or an interactive prompt, in that order. Passphrases are
never accepted as command-line arguments (they would land in shell history and ``ps``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from jikimi.errors import UsageError
from jikimi.keys import (
    KekSource,
    Keyring,
    KeyringError,
    KeyUser,
    Passphrase,
    passphrase_from_env,
    raw_kek_from_env,
)

F = TypeVar("F", bound=Callable[..., Any])
PASSPHRASE_ENV = "JIKIMI_PASSPHRASE"
KMS_URI_ENV = "JIKIMI_KMS_URI"
KMS_KEY_FILE_ENV = "JIKIMI_KMS_KEY_FILE"
KEYRING_ENV = "JIKIMI_KEYRING"


def kek_options(func: F) -> F:
    func = click.option(
        "--kek-env",
        metavar="VAR",
        help="Environment variable holding a base64 256-bit key-encryption key.",
    )(func)
    func = click.option(
        "--passphrase-env",
        metavar="VAR",
        help=f"Environment variable holding the passphrase "
        f"(default {PASSPHRASE_ENV}; else prompt).",
    )(func)
    return func


def kek_source(
    kek_env: str | None,
    passphrase_env: str | None,
    *,
    confirm: bool = False,
) -> KekSource:
    if kek_env and passphrase_env:
        raise UsageError("give --kek-env or --passphrase-env, not both")
    if kek_env:
        return raw_kek_from_env(kek_env)
    if passphrase_env:
        return passphrase_from_env(passphrase_env)
    if os.environ.get(KMS_URI_ENV):
        return _kms_source(os.environ[KMS_URI_ENV], create=confirm)
    if os.environ.get(PASSPHRASE_ENV):
        return passphrase_from_env(PASSPHRASE_ENV)
    if not sys.stdin.isatty():
        raise UsageError(f"no passphrase: set {PASSPHRASE_ENV}, --passphrase-env or --kek-env")
    value = click.prompt(
        "Keyring passphrase", hide_input=True, confirmation_prompt=confirm, err=True
    )
    return Passphrase(value)


def _kms_source(uri: str, *, create: bool) -> KekSource:
    """The KEK unwrapped by AWS KMS; ``keys init`` (``create``) asks KMS for a new one."""
    key_file = os.environ.get(KMS_KEY_FILE_ENV)
    if not key_file:
        raise UsageError(f"{KMS_URI_ENV} needs {KMS_KEY_FILE_ENV}: where the wrapped KEK is kept")
    from jikimi.keys.awskms import AwsKmsKek

    if os.path.exists(key_file):
        return AwsKmsKek.open(key_file, uri=uri)
    if create:
        return AwsKmsKek.create(uri, key_file)
    raise UsageError(f"{key_file} does not exist; create it with 'jikimi keys init'")


def open_keyring(
    path: str | None,
    kek_env: str | None,
    passphrase_env: str | None,
) -> Keyring | None:
    """The keyring named by ``--keyring`` or ``JIKIMI_KEYRING``, or None when neither is set."""
    path = path or os.environ.get(KEYRING_ENV)
    if not path:
        return None
    return Keyring.open(path, kek_source(kek_env, passphrase_env))


keyring_option = click.option(
    "--keyring",
    "keyring_path",
    metavar="PATH",
    help=f"Keyring file for keyed operators (default ${KEYRING_ENV}).",
)


@click.group("keys")
def keys_group() -> None:
    """Create, rotate and list the keys of a local keyring file."""


@keys_group.command("init")
@click.argument("path", type=click.Path(dir_okay=False))
@kek_options
def init(path: str, kek_env: str | None, passphrase_env: str | None) -> None:
    """Create a keyring with one fresh primary key (refuses to overwrite)."""
    ring = Keyring.create(path, kek_source(kek_env, passphrase_env, confirm=True))
    click.echo(f"created {path} with primary key {ring.primary().key_id}", err=True)


@keys_group.command("rotate")
@click.argument("path", type=click.Path(dir_okay=False))
@kek_options
def rotate(path: str, kek_env: str | None, passphrase_env: str | None) -> None:
    """Add a new primary key; older keys stay so existing data can still be revealed."""
    ring = Keyring.open(path, kek_source(kek_env, passphrase_env))
    key = ring.rotate()
    click.echo(f"new primary key {key.key_id} ({len(ring.key_ids())} keys)", err=True)


@keys_group.command("list")
@click.argument("path", type=click.Path(dir_okay=False))
@kek_options
def list_keys(path: str, kek_env: str | None, passphrase_env: str | None) -> None:
    """Show key ids and creation times (never key material)."""
    ring = Keyring.open(path, kek_source(kek_env, passphrase_env))
    table = Table("key id", "created", "primary")
    for row in ring.describe():
        table.add_row(str(row["id"]), str(row["created"]), "yes" if row["primary"] else "")
    Console().print(table)


@dataclass(frozen=True)
class _Dependent:
    """One thing holding keys wrapped under the keyring: how to check it, how to re-wrap."""

    name: str
    user: KeyUser
    rewrap: Callable[[], tuple[str, Sequence[str]]]  # → (what changed, refused manifests)


def _dependents(
    ring: Keyring, subject_keys: Sequence[str], backup_config: str | None
) -> list[_Dependent]:
    from jikimi.backup import Archives
    from jikimi.backup.config import load_config
    from jikimi.shred import Shredder, SqliteSubjectKeyStore

    found: list[_Dependent] = []
    for db in subject_keys:
        if not os.path.isfile(db):
            raise UsageError(f"subject key table {db} does not exist")
        shredder = Shredder(ring, SqliteSubjectKeyStore(db))

        def keys_only(s: Shredder = shredder) -> tuple[str, Sequence[str]]:
            return f"{s.rewrap()} key(s) re-wrapped", ()

        found.append(_Dependent(f"subject keys {db}", shredder, keys_only))
    if backup_config:
        config = load_config(backup_config)
        archives = Archives(ring, SqliteSubjectKeyStore(config.archive_keys), config.policy)
        targets = list(config.targets)

        def archive_rewrap() -> tuple[str, Sequence[str]]:
            r = archives.rewrap(targets)
            return (
                f"{r.archive_keys} archive key(s) re-wrapped, {r.manifests} manifest(s) re-signed",
                r.refused,
            )

        where = ", ".join(t.name for t in targets)
        found.append(
            _Dependent(
                f"archive keys {config.archive_keys} and manifests on {where}",
                archives.key_user(targets),
                archive_rewrap,
            )
        )
    return found


dependents_options = [
    click.option(
        "--subject-keys",
        "subject_keys",
        multiple=True,
        metavar="DB",
        help="A subject key table (SQLite) wrapped under this keyring (repeatable).",
    ),
    click.option(
        "--backup-config",
        metavar="YAML",
        help="A backup config: its archive keys and every manifest on its targets.",
    ),
]


def _with_dependents(func: F) -> F:
    for option in reversed(dependents_options):
        func = option(func)
    return func


@keys_group.command("rewrap")
@click.argument("path", type=click.Path(dir_okay=False))
@_with_dependents
@kek_options
def rewrap(
    path: str,
    subject_keys: Sequence[str],
    backup_config: str | None,
    kek_env: str | None,
    passphrase_env: str | None,
) -> None:
    """Move subject keys, archive keys and archive manifests under the primary key."""
    ring = Keyring.open(path, kek_source(kek_env, passphrase_env))
    found = _dependents(ring, subject_keys, backup_config)
    if not found:
        raise UsageError("nothing to re-wrap: give --subject-keys and/or --backup-config")
    refused: list[str] = []
    for dep in found:
        changed, bad = dep.rewrap()
        refused += bad
        click.echo(f"{dep.name}: {changed}", err=True)
    click.echo(f"primary key {ring.primary().key_id}", err=True)
    if refused:
        raise KeyringError(
            f"{len(refused)} manifest(s) failed authentication and were not re-signed: "
            + ", ".join(refused)
        )


@keys_group.command("retire")
@click.argument("path", type=click.Path(dir_okay=False))
@click.argument("key_id")
@_with_dependents
@click.option(
    "--allow-oldest",
    is_flag=True,
    help="Allow retiring the oldest key (only if no unpinned fpe/date-shift used it).",
)
@click.option(
    "--vault",
    "vaults",
    multiple=True,
    metavar="DB",
    help="A token vault (SQLite) whose tokens were made with this keyring (repeatable).",
)
@click.option(
    "--no-dependents",
    is_flag=True,
    help="State that no subject key table, backup or vault uses this keyring.",
)
@kek_options
def retire(
    path: str,
    key_id: str,
    subject_keys: Sequence[str],
    backup_config: str | None,
    vaults: Sequence[str],
    allow_oldest: bool,
    no_dependents: bool,
    kek_env: str | None,
    passphrase_env: str | None,
) -> None:
    """Remove an old master key once nothing named here needs it (run rewrap first).

    Refused, with every reason, while KEY_ID is the primary, while a subject key table,
    archive or token vault still depends on it, or while it is the oldest key (see
    --allow-oldest). Tokens and ciphertexts made by ``protect`` outside a vault cannot be
    checked from here.
    """
    from jikimi.shred import public_key
    from jikimi.transform.vault import SqliteTokenVault

    if not subject_keys and not backup_config and not vaults and not no_dependents:
        raise UsageError(
            "name what may hold keys wrapped under this keyring (--subject-keys, "
            "--backup-config, --vault), or state --no-dependents"
        )
    for db in vaults:
        if not os.path.isfile(db):
            raise UsageError(f"token vault {db} does not exist")
    ring = Keyring.open(path, kek_source(kek_env, passphrase_env))
    found = _dependents(ring, subject_keys, backup_config)
    opened = [SqliteTokenVault(db, create=False) for db in vaults]
    try:
        signer = public_key(ring, ring.get(key_id).key_id)
        users: list[KeyUser] = [d.user for d in found]
        ring.retire(key_id, [*users, *opened], allow_oldest=allow_oldest)
    finally:
        for vault in opened:
            vault.close()
    click.echo(f"retired key {key_id} ({len(ring.key_ids())} keys left)", err=True)
    names = [d.name for d in found] + [f"token vault {db}" for db in vaults]
    checked = "; ".join(names) or "the keyring only (--no-dependents)"
    click.echo(f"checked: {checked}", err=True)
    click.echo(
        f"destruction certificates it signed still verify on their own; its Ed25519 "
        f"public key, to keep with them: {signer}"
    )


COMMANDS: list[click.Command] = [keys_group]
