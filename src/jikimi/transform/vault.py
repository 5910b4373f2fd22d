"""Token vaults: where revealable tokens keep their original values, sealed.

HMAC tokens are one-way. A vault makes them revealable the way DLP token vaults do,
without changing the token: each new token is stored with its entity domain, the id of
the key it was made with, and the original value sealed by the token operator (AES-SIV,
see :class:`~jikimi.transform.token.VaultedToken`). The vault itself never sees a value
in clear or a key: it stores and returns opaque rows, so a SQL back end can replace the
SQLite file without touching the operator.

SQLite layout (``PRAGMA application_id`` marks the file, ``user_version`` its format)::

    tokens(token TEXT, domain TEXT, key_id TEXT, sealed BLOB, PRIMARY KEY (token, domain))
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from operator import itemgetter
from pathlib import Path
from typing import NoReturn, Protocol, runtime_checkable

from jikimi.errors import InputError
from jikimi.transform.errors import _first_part

# (token, domain, key id, sealed value): plain tuples, because a batch holds millions.
VaultRow = tuple[str, str, str, bytes]

APPLICATION_ID = 0x6A6B7476  # "jktv"
FORMAT_VERSION = 1
_LOOKUP_CHUNK = 500  # below SQLite's bound-parameter limit
_CACHE_KIB = 64 * 1024  # page cache: random-key inserts need the B-tree's inner pages


class VaultError(InputError):
    """A token vault is missing, unreadable or not a jikimi vault (names the file only)."""

    def __init__(self, message: object = "", *_: object) -> None:
        super().__init__(_first_part(message))


@runtime_checkable
class TokenVault(Protocol):
    """What the vaulted token operator needs from a store of sealed token rows."""

    def record(self, rows: Sequence[VaultRow]) -> None:
        """Store rows whose (token, domain) is new; existing rows are left untouched."""
        ...

    def fetch(self, tokens: Sequence[str]) -> list[VaultRow]:
        """Every stored row for these tokens (any domain); unknown tokens are absent."""
        ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT NOT NULL,
    domain TEXT NOT NULL,
    key_id TEXT NOT NULL,
    sealed BLOB NOT NULL,
    PRIMARY KEY (token, domain)
) WITHOUT ROWID
"""


class SqliteTokenVault:
    """A token vault in one SQLite file (mode 0600), opened on first use.

    Protecting creates the file; revealing (``create=False``) refuses a missing file, so
    a wrong path is a clear error rather than an empty vault and "token not found".
    One connection serves every Polars thread, guarded by a lock; each ``record`` is one
    transaction, so a failed run leaves only whole batches behind (harmless extra rows).
    """

    __slots__ = ("_conn", "_create", "_lock", "path")

    def __init__(self, path: str | os.PathLike[str], *, create: bool = True) -> None:
        self.path = Path(path)
        self._create = create
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        if self._conn is not None:
            return self._conn
        name = self.path.name
        if not self.path.exists():
            if not self._create:
                raise VaultError(f"token vault {self.path} does not exist")
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
            except OSError as exc:
                raise VaultError(f"token vault {name} cannot be created ({exc.strerror})") from None
        elif not self.path.is_file():
            raise VaultError(f"token vault {self.path} is not a file")
        try:
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if app_id == 0 and version == 0 and self._create and self._is_empty(conn):
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(_SCHEMA)
                conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version={FORMAT_VERSION}")
                conn.execute("COMMIT")
            elif app_id != APPLICATION_ID:
                conn.close()
                raise VaultError(f"{name} is not a jikimi token vault")
            elif version != FORMAT_VERSION:
                conn.close()
                raise VaultError(f"token vault {name} has unsupported format {version}")
        except sqlite3.Error as exc:
            raise VaultError(
                f"token vault {name} cannot be opened ({_sqlite_reason(exc)})"
            ) from None
        self._conn = conn
        return conn

    @staticmethod
    def _is_empty(conn: sqlite3.Connection) -> bool:
        count: int = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        return count == 0

    def record(self, rows: Sequence[VaultRow]) -> None:
        if not rows:
            return
        # Tokens are random: inserting in key order touches each B-tree page once per
        # batch instead of once per row (2-3x faster on large batches).
        ordered = sorted(rows, key=itemgetter(0))
        with self._lock:
            conn = self._connection()
            try:
                conn.execute("BEGIN")
                conn.executemany("INSERT OR IGNORE INTO tokens VALUES (?, ?, ?, ?)", ordered)
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise VaultError(
                    f"token vault {self.path.name} cannot be written ({_sqlite_reason(exc)})"
                ) from None

    def fetch(self, tokens: Sequence[str]) -> list[VaultRow]:
        out: list[VaultRow] = []
        ordered = sorted(tokens)  # key order: each B-tree page is read once (2x faster)
        with self._lock:
            conn = self._connection()
            try:
                for chunk in _chunks(ordered, _LOOKUP_CHUNK):
                    marks = ",".join("?" * len(chunk))
                    out.extend(
                        conn.execute(
                            "SELECT token, domain, key_id, sealed FROM tokens "
                            f"WHERE token IN ({marks})",
                            chunk,
                        )
                    )
            except sqlite3.Error as exc:
                raise VaultError(
                    f"token vault {self.path.name} cannot be read ({_sqlite_reason(exc)})"
                ) from None
        return out

    def uses_of(self, key_id: str) -> list[str]:
        """What in this vault still needs master key ``key_id`` (a keyring ``KeyUser``):
        its rows made with that key can only be revealed with it, and re-wrapping cannot
        move them (the token itself is derived from the key). Names a count and the
        file, never a token or value; an unreadable vault raises :class:`VaultError`."""
        with self._lock:
            conn = self._connection()
            try:
                row = conn.execute(
                    "SELECT count(*) FROM tokens WHERE key_id = ?", (key_id,)
                ).fetchone()
            except sqlite3.Error as exc:
                raise VaultError(
                    f"token vault {self.path.name} cannot be read ({_sqlite_reason(exc)})"
                ) from None
        n = int(row[0])
        if not n:
            return []
        return [
            f"{n} vaulted token(s) in token vault {self.path} were made with it "
            "(revealing them needs it)"
        ]

    def __len__(self) -> int:
        with self._lock:
            row = self._connection().execute("SELECT count(*) FROM tokens").fetchone()
        return int(row[0])

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> SqliteTokenVault:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SqliteTokenVault(path={str(self.path)!r})"

    def __reduce__(self) -> NoReturn:
        raise TypeError("a token vault connection cannot be pickled")


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _sqlite_reason(exc: sqlite3.Error) -> str:
    # SQLite messages name the file's state ("file is not a database"), never cell values;
    # still, keep only the error class and the first line.
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def open_vault(
    vault: TokenVault | str | os.PathLike[str] | None, *, create: bool
) -> TokenVault | None:
    """A vault object from a vault or a path (``None`` stays ``None``: no vault)."""
    if vault is None or isinstance(vault, TokenVault):
        return vault
    return SqliteTokenVault(vault, create=create)
