"""``jikimi keys init|rotate|list``: manage a local keyring file; and the keyring options
other commands (``protect``, ``reveal``) share.

The KEK comes from ``--kek-env VAR`` (base64 256-bit key), ``--passphrase-env VAR``, AWS KMS
(``JIKIMI_KMS_URI`` naming the key, ``JIKIMI_KMS_KEY_FILE`` where the wrapped KEK is kept),
the ``JIKIMI_PASSPHRASE`` variable, or an interactive prompt, in that order. Passphrases are
never accepted as command-line arguments (they would land in shell history and ``ps``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from jikimi.errors import UsageError
from jikimi.keys import (
    KekSource,
    Keyring,
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


COMMANDS: list[click.Command] = [keys_group]
