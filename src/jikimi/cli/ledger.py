"""``jikimi serve`` (the ledger service) and ``jikimi audit verify`` (check the access log).

Thin: options are parsed here, everything else is :mod:`jikimi.ledger` and
:mod:`jikimi.server`. Exit codes: 0 fine, 1 the chain is tampered, 2 usage or setup errors.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console
from rich.table import Table

from jikimi.ledger import DEFAULT_URL, Ledger, LedgerError, load_signer
from jikimi.ledger.accesslog import verify_chain
from jikimi.ledger.db import current_revision, normalize_url, open_engine

ENV_DB = "JIKIMI_LEDGER_DB"
_db_option = click.option(
    "--db",
    "db",
    envvar=ENV_DB,
    default=DEFAULT_URL.removeprefix("sqlite:///"),
    show_default=True,
    help="SQLite file or database URL (env JIKIMI_LEDGER_DB).",
)
_key_option = click.option(
    "--key",
    "key_spec",
    envvar="JIKIMI_LEDGER_KEY",
    default=None,
    help="Checkpoint key: hmac:<base64> or ed25519:<PEM file> (env JIKIMI_LEDGER_KEY).",
)


def _fail(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


@click.command()
@_db_option
@_key_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port (0 picks a free one).",
)
@click.option(
    "--max-body",
    default=256 * 1024,
    show_default=True,
    type=click.IntRange(1024, 64 * 1024 * 1024),
    help="Request body limit in bytes.",
)
def serve(db: str, key_spec: str | None, host: str, port: int, max_body: int) -> None:
    """Run the privacy-ledger API; a fresh database is created and migrated."""
    try:
        import uvicorn

        from jikimi.server import create_app
    except ImportError:  # pragma: no cover - depends on the [server] extra
        _fail("the service needs the server extra: pip install 'jikimi[server]'")
    try:
        ledger = Ledger.open(db, signer=load_signer(key_spec))
    except LedgerError as exc:
        _fail(str(exc))
    except Exception as exc:  # a database that cannot be opened or migrated
        _fail(f"cannot open the ledger database ({type(exc).__name__})")
    if ledger.keys.count_active() == 0:
        new = ledger.keys.create("admin", "bootstrap admin")
        click.echo(f"first start: admin API key (shown once, store it now): {new.token}")
    try:
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        _fail(f"cannot listen on {host}:{port} ({exc.strerror})")
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"jikimi ledger listening on http://{shown}:{bound}  (API docs: /docs)")
    sys.stdout.flush()
    config = uvicorn.Config(
        create_app(ledger, max_body=max_body), log_level="warning", access_log=False
    )
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        ledger.close()


@click.group()
def audit() -> None:
    """Check the tamper-evident access log."""


@audit.command("verify")
@_db_option
@_key_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes to verify a large chain in parallel.",
)
def verify(db: str, key_spec: str | None, as_json: bool, workers: int) -> None:
    """Verify every entry and signed checkpoint; exit 1 and say where if tampered."""
    url = normalize_url(db)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        _fail(f"no ledger database at {url.removeprefix('sqlite:///')}")
    try:
        signer = load_signer(key_spec)
        engine = open_engine(url)
        if current_revision(engine) is None:
            _fail("this database holds no jikimi ledger")
        report = verify_chain(engine, signer, workers)
        engine.dispose()
    except LedgerError as exc:
        _fail(str(exc))
    except SystemExit:
        raise
    except Exception as exc:  # unreachable or corrupt database
        _fail(f"cannot read the ledger database ({type(exc).__name__})")
    if as_json:
        import json

        click.echo(
            json.dumps(
                {
                    "ok": report.ok,
                    "entries": report.entries,
                    "first_seq": report.first_seq,
                    "last_seq": report.last_seq,
                    "checkpoints": report.checkpoints,
                    "signatures_checked": report.signatures_checked,
                    "problems_total": report.problems_total,
                    "problems": [
                        {"seq": p.seq, "kind": p.kind, "detail": p.detail} for p in report.problems
                    ],
                }
            )
        )
    else:
        console = Console(stderr=not report.ok, highlight=False, soft_wrap=True)
        if report.ok:
            signed = (
                f", {report.signatures_checked} signed checkpoints verified"
                if report.signatures_checked
                else f", {report.checkpoints} checkpoints (signatures not checked: no key)"
            )
            console.print(
                f"ok: {report.entries} entries "
                f"({report.first_seq}..{report.last_seq}) chain intact{signed}"
            )
        else:
            table = Table("entry", "problem", "detail", title="access log TAMPERED")
            for p in report.problems:
                table.add_row(str(p.seq), p.kind, p.detail)
            console.print(table)
            more = report.problems_total - len(report.problems)
            if more > 0:
                console.print(f"... and {more} more")
            first = report.problems[0]
            console.print(f"first problem at entry {first.seq}: {first.kind}")
    if not report.ok:
        sys.exit(1)


COMMANDS: list[click.Command] = [serve, audit]
