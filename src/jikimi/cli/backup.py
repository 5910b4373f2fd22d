"""``jikimi erase`` (crypto-shred one subject) and ``jikimi backup create|list|verify|
restore|destroy`` (encrypted archives on declared locations). Thin: parse, call
:mod:`jikimi.shred` / :mod:`jikimi.backup`, print.

Both need the keyring (``--keyring`` or ``JIKIMI_KEYRING``) and its KEK options. ``erase``
needs the subject key table (``--subject-keys`` or ``JIKIMI_SUBJECT_KEYS``); ``backup`` reads
its targets and residency rules from ``--config`` or ``JIKIMI_BACKUP_CONFIG``.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Sequence
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from jikimi.backup import Archives
from jikimi.backup.config import BackupConfig, load_config
from jikimi.cli.keys import kek_options, keyring_option, open_keyring
from jikimi.errors import UsageError
from jikimi.keys import Keyring
from jikimi.shred import Shredder, SqliteSubjectKeyStore, load_certificate, verify_certificate

SUBJECT_KEYS_ENV = "JIKIMI_SUBJECT_KEYS"
CONFIG_ENV = "JIKIMI_BACKUP_CONFIG"


def _actor(actor: str | None) -> str:
    if actor:
        return actor
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no passwd entry (containers)
        return "unknown"


def _ring(path: str | None, kek_env: str | None, passphrase_env: str | None) -> Keyring:
    ring = open_keyring(path, kek_env, passphrase_env)
    if ring is None:
        raise UsageError("no keyring: give --keyring or set JIKIMI_KEYRING")
    return ring


actor_option = click.option("--actor", help="Who performs this (default: the OS user).")


@click.command("erase")
@click.option("--subject", "subject", required=True, help="Subject reference whose key to destroy.")
@click.option(
    "--subject-keys",
    metavar="DB",
    help=f"Subject key table (SQLite; default ${SUBJECT_KEYS_ENV}).",
)
@click.option("--certificates", metavar="DIR", help="Where to write the certificate.")
@click.option("--reason", default="erasure request", show_default=True)
@click.option(
    "--sample",
    "samples",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="A file holding one ciphertext of this subject, to prove it no longer decrypts.",
)
@click.option(
    "--hash-subject",
    is_flag=True,
    help="Keep only the SHA-256 of the subject reference in the certificate.",
)
@actor_option
@keyring_option
@kek_options
def erase(
    subject: str,
    subject_keys: str | None,
    certificates: str | None,
    reason: str,
    samples: Sequence[str],
    hash_subject: bool,
    actor: str | None,
    keyring_path: str | None,
    kek_env: str | None,
    passphrase_env: str | None,
) -> None:
    """Destroy one subject's key (crypto-shredding every copy) and write a certificate."""
    db = subject_keys or os.environ.get(SUBJECT_KEYS_ENV)
    if not db:
        raise UsageError(f"no subject key table: give --subject-keys or set {SUBJECT_KEYS_ENV}")
    if not Path(db).is_file():
        raise UsageError(f"subject key table {db} does not exist")
    ring = _ring(keyring_path, kek_env, passphrase_env)
    shredder = Shredder(ring, SqliteSubjectKeyStore(db))
    blobs = [Path(s).read_bytes() for s in samples]
    cert = shredder.erase_subject(
        subject,
        actor=_actor(actor),
        reason=reason,
        samples=blobs,
        record_subject=not hash_subject,
    )
    out = cert.save(certificates or Path(db).parent / "certificates")
    click.echo(
        f"erased {len(cert.body['key_ids'])} key(s); "
        f"{len(cert.body['proof'])} decrypt attempt(s) failed as expected",
        err=True,
    )
    click.echo(f"certificate {out} (sha256 {cert.sha256}, Ed25519 key {cert.public_key})")


@click.group("backup")
@click.option(
    "--config",
    "config_path",
    metavar="YAML",
    help=f"Backup targets and residency rules (default ${CONFIG_ENV}).",
)
@keyring_option
@kek_options
@click.pass_context
def backup(
    ctx: click.Context,
    config_path: str | None,
    keyring_path: str | None,
    kek_env: str | None,
    passphrase_env: str | None,
) -> None:
    """Encrypted, chunked backups on targets with a declared country."""
    ctx.obj = (config_path, keyring_path, kek_env, passphrase_env)


def _open(ctx: click.Context) -> tuple[BackupConfig, Archives]:
    config_path, keyring_path, kek_env, passphrase_env = ctx.obj
    path = config_path or os.environ.get(CONFIG_ENV)
    if not path:
        raise UsageError(f"no backup config: give --config or set {CONFIG_ENV}")
    config = load_config(path)
    ring = _ring(keyring_path, kek_env, passphrase_env)
    return config, Archives(ring, SqliteSubjectKeyStore(config.archive_keys), config.policy)


target_option = click.option(
    "--target", "targets", multiple=True, help="Target name (repeatable; default: defaults)."
)


@backup.command("create")
@click.argument("source", type=click.Path(exists=True))
@target_option
@click.option("--tag", "tags", multiple=True, help="Entity category or dataset tag (repeatable).")
@click.option("--label", default="", help="A free-text label stored in the manifest.")
@actor_option
@click.pass_context
def create(
    ctx: click.Context,
    source: str,
    targets: Sequence[str],
    tags: Sequence[str],
    label: str,
    actor: str | None,
) -> None:
    """Back up SOURCE (file or directory); residency is checked before any write."""
    config, archives = _open(ctx)
    chosen = config.pick(targets)
    aid = archives.create(source, chosen, tags=tags, label=label, actor=_actor(actor))
    click.echo(aid)
    click.echo(f"written to {', '.join(f'{t.name} ({t.region})' for t in chosen)}", err=True)


@backup.command("list")
@target_option
@click.pass_context
def list_archives(ctx: click.Context, targets: Sequence[str]) -> None:
    """Every copy per location: what is held in which country."""
    config, archives = _open(ctx)
    chosen = config.pick(targets) if targets else list(config.targets)
    table = Table("region", "target", "archive", "created", "tags", "chunks", "bytes", "state")
    for c in sorted(archives.list_copies(chosen), key=lambda c: (c.region, c.target)):
        state = (
            "ok" if c.complete and c.authentic else "INCOMPLETE" if not c.complete else "BAD MAC"
        )
        table.add_row(
            c.region, c.target, c.archive_id, c.created, ",".join(c.tags),
            str(c.chunks), str(c.stored_bytes), state,
        )  # fmt: skip
    Console(width=200).print(table)


@backup.command("verify")
@click.argument("archive_id")
@target_option
@click.pass_context
def verify(ctx: click.Context, archive_id: str, targets: Sequence[str]) -> None:
    """Authenticate every chunk of every copy without writing anything."""
    config, archives = _open(ctx)
    chosen = config.pick(targets) if targets else list(config.targets)
    result = archives.verify(archive_id, chosen)
    click.echo(
        f"{archive_id}: {result.chunks} chunk(s), {result.plaintext_bytes} bytes, "
        f"authentic on {', '.join(result.copies)}"
    )


@backup.command("restore")
@click.argument("archive_id")
@click.argument("dest", type=click.Path(file_okay=False))
@target_option
@click.pass_context
def restore(ctx: click.Context, archive_id: str, dest: str, targets: Sequence[str]) -> None:
    """Restore into DEST (must not exist); nothing appears unless every chunk verifies."""
    config, archives = _open(ctx)
    chosen = config.pick(targets) if targets else list(config.targets)
    out = archives.restore(archive_id, chosen, dest)
    click.echo(f"restored {archive_id} into {out}", err=True)


@backup.command("destroy")
@click.argument("archive_id")
@click.option("--reason", default="retention period ended", show_default=True)
@actor_option
@click.pass_context
def destroy(ctx: click.Context, archive_id: str, reason: str, actor: str | None) -> None:
    """Destroy the archive key and every copy's objects; write a certificate."""
    config, archives = _open(ctx)
    cert = archives.destroy(archive_id, list(config.targets), actor=_actor(actor), reason=reason)
    out = cert.save(config.certificates)
    click.echo(f"certificate {out} (sha256 {cert.sha256})")


@backup.command("check-certificate")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def check_certificate(ctx: click.Context, path: str) -> None:
    """Verify a destruction certificate's hash and signature against this keyring."""
    _, keyring_path, kek_env, passphrase_env = ctx.obj
    body = verify_certificate(load_certificate(path), _ring(keyring_path, kek_env, passphrase_env))
    click.echo(f"valid: {body.get('kind')} at {body.get('destroyed_at')} by {body.get('actor')}")


COMMANDS: list[click.Command] = [erase, backup]
