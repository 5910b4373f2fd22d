"""``jikimi protect`` and ``jikimi reveal``: thin wrappers over :mod:`jikimi.protect`.

Tables (.csv, .jsonl, .parquet) are protected column by column as the policy's
``columns`` say; any other file (or ``-`` for stdin) is text, protected finding by
finding as its ``entities`` say. Outputs are written to a temporary file and renamed.
``--vault FILE`` (or ``vault:`` in the policy) records tokens so ``reveal`` can undo them.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click
import polars as pl

from jikimi.cli.keys import kek_options, keyring_option, open_keyring
from jikimi.errors import InputError, JikimiError, UsageError
from jikimi.policy import coerce_policy
from jikimi.protect import (
    FORMATS,
    RevealRequest,
    file_format,
    one_way_token_columns,
    protect_file,
    protect_text,
    reveal_table,
    reveal_text,
    scan_file,
    sink_file,
)
from jikimi.reports import atomic_write
from jikimi.sources.text import sniff_file
from jikimi.transform.events import JsonlSink, ListSink, ReversalEvent

F = TypeVar("F", bound=Callable[..., Any])
_FORMAT_CHOICE = click.Choice(["csv", "jsonl", "parquet", "text"])


def _is_table(path: str, fmt: str | None) -> bool:
    if fmt:
        return fmt != "text"
    return Path(path).suffix.lower() in FORMATS


def _read_text(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        encoding = sniff_file(path)
        if encoding is None:
            raise InputError(f"{path}: looks binary, not text")
        return Path(path).read_bytes().decode(encoding, errors="replace")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None


def _write_text(output: str | None, text: str) -> None:
    if output is None or output == "-":
        sys.stdout.write(text)
        return

    def write(fh: TextIO) -> None:
        fh.write(text)

    atomic_write(output, write)


def vault_option(func: F) -> F:
    return click.option(
        "--vault",
        "vault_path",
        type=click.Path(dir_okay=False),
        help="Token vault file (SQLite) that makes tokens revealable; "
        "overrides the policy's vault.",
    )(func)


def _polars_guard(action: str, exc: pl.exceptions.PolarsError) -> JikimiError:
    # Polars messages can quote cell contents: name the failure, never the data.
    return InputError(f"{action} failed ({type(exc).__name__}); check the file's format")


@click.command("protect")
@click.argument("source", type=click.Path(allow_dash=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Output file (required for tables; text defaults to stdout).",
)
@click.option(
    "-p",
    "--policy",
    "policy_ref",
    required=True,
    metavar="FILE|PROFILE",
    help="Policy YAML file or a profile name (kr-pipa, cn-pipl, cn-waybill, gdpr).",
)
@click.option("--format", "fmt", type=_FORMAT_CHOICE, help="Input format (default: by suffix).")
@click.option(
    "--output-format",
    "out_fmt",
    type=_FORMAT_CHOICE,
    help="Output format for tables (default: by suffix).",
)
@vault_option
@keyring_option
@kek_options
def protect_cmd(
    source: str,
    output: str | None,
    policy_ref: str,
    fmt: str | None,
    out_fmt: str | None,
    vault_path: str | None,
    keyring_path: str | None,
    kek_env: str | None,
    passphrase_env: str | None,
) -> None:
    """Protect personal data in a text file or a table, as a policy says."""
    policy = coerce_policy(policy_ref)
    keys = open_keyring(keyring_path, kek_env, passphrase_env)
    if _is_table(source, fmt) and source != "-":
        if not output or output == "-":
            raise UsageError("tables need an output file (-o)")
        try:
            missing = protect_file(
                source,
                output,
                policy,
                keys=keys,
                in_format=fmt,
                out_format=out_fmt,
                vault=vault_path,
            )
        except pl.exceptions.PolarsError as exc:
            raise _polars_guard("protecting the table", exc) from None
        for col in missing:
            click.echo(f"warning: policy column {col!r} is not in {Path(source).name}", err=True)
        return
    _write_text(output, protect_text(_read_text(source), policy, keys=keys, vault=vault_path))


@click.command("reveal")
@click.argument("source", type=click.Path(allow_dash=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Output file (required for tables; text defaults to stdout).",
)
@click.option(
    "-p",
    "--policy",
    "policy_ref",
    required=True,
    metavar="FILE|PROFILE",
    help="The policy the data was protected with.",
)
@click.option("--purpose", required=True, help="Why the data is revealed (audit record).")
@click.option("--actor", default=None, help="Who reveals (default: the login name).")
@click.option(
    "--audit-log",
    type=click.Path(dir_okay=False),
    help="Append reversal events to this JSONL file (default: stderr).",
)
@click.option("--column", "columns", multiple=True, help="Reveal only these columns.")
@click.option("--format", "fmt", type=_FORMAT_CHOICE, help="Input format (default: by suffix).")
@vault_option
@keyring_option
@kek_options
def reveal_cmd(
    source: str,
    output: str | None,
    policy_ref: str,
    purpose: str,
    actor: str | None,
    audit_log: str | None,
    columns: tuple[str, ...],
    fmt: str | None,
    vault_path: str | None,
    keyring_path: str | None,
    kek_env: str | None,
    passphrase_env: str | None,
) -> None:
    """Undo reversible operators (fpe, encrypt; tokens with a vault) with the keyring.

    Every reveal is recorded. Tokens made without a token vault are one-way.
    """
    policy = coerce_policy(policy_ref)
    keys = open_keyring(keyring_path, kek_env, passphrase_env)
    if keys is None:
        raise UsageError("revealing needs the keyring (--keyring or JIKIMI_KEYRING)")
    request = RevealRequest(actor or getpass.getuser(), purpose, Path(source).name)
    sink = ListSink()
    if _is_table(source, fmt) and source != "-":
        if not output or output == "-":
            raise UsageError("tables need an output file (-o)")
        in_fmt = file_format(source, fmt)
        try:
            frame = scan_file(source, in_fmt).collect()
            revealed = reveal_table(
                frame,
                policy,
                keys=keys,
                sink=sink,
                request=request,
                columns=columns or None,
                vault=vault_path,
            )
            _record(sink.events, audit_log)  # recorded before anything revealed is written
            sink_file(revealed, output, file_format(output))
        except pl.exceptions.PolarsError as exc:
            raise _polars_guard("revealing the table", exc) from None
        if not columns:
            for col in one_way_token_columns(frame.columns, policy, vault=vault_path):
                click.echo(f"note: column {col!r} holds one-way tokens; left as is", err=True)
    else:
        text = reveal_text(
            _read_text(source), policy, keys=keys, sink=sink, request=request, vault=vault_path
        )
        _record(sink.events, audit_log)
        _write_text(output, text)


def _record(events: list[ReversalEvent], audit_log: str | None) -> None:
    if audit_log:
        jsonl = JsonlSink(audit_log)
        for e in events:
            jsonl.record(e)
        return
    for e in events:
        click.echo(f"reveal: {e.to_json()}", err=True)


COMMANDS: list[click.Command] = [protect_cmd, reveal_cmd]
