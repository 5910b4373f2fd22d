"""Token vault: tokens keep their text, and a key holder can reveal them through the vault."""

import os
import sqlite3
import stat

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jikimi.keys import MemoryKeyStore
from jikimi.transform import (
    OPERATORS,
    DecryptionError,
    FieldContext,
    IrreversibleOperator,
    ReversibleOperator,
    SqliteTokenVault,
    TokenRevealError,
    TokenVault,
    VaultError,
    build_operator,
)
from jikimi.transform.token import Token, TokenConfig, VaultedToken

KEYS = MemoryKeyStore()
PHONE = FieldContext(entity="PHONE")
EMAIL = FieldContext(entity="EMAIL")
SECRET = "010-9876-5432"


@pytest.fixture(scope="module")
def shared_vault(tmp_path_factory):
    vault = SqliteTokenVault(tmp_path_factory.mktemp("vault") / "tokens.db")
    yield vault
    vault.close()


@pytest.fixture
def vault(tmp_path):
    v = SqliteTokenVault(tmp_path / "tokens.db")
    yield v
    v.close()


def rows(vault: SqliteTokenVault) -> list[tuple]:
    with sqlite3.connect(vault.path) as conn:
        return conn.execute("SELECT token, domain, key_id, sealed FROM tokens").fetchall()


def update(vault: SqliteTokenVault, sql: str, *params) -> None:
    vault.close()  # the next use reopens and sees the change
    conn = sqlite3.connect(vault.path)
    with conn:
        conn.execute(sql, params)
    conn.close()


# -- round trips and determinism -----------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.one_of(st.text(max_size=30), st.none()), max_size=25))
def test_round_trip_values(shared_vault, values):
    op = VaultedToken(TokenConfig(), KEYS, shared_vault)
    tokens = op.protect(values, PHONE)
    assert [t is None for t in tokens] == [v is None for v in values]
    assert op.reveal(tokens, PHONE) == values


@settings(max_examples=25, deadline=None)
@given(
    table=st.lists(
        st.tuples(st.one_of(st.text(min_size=1, max_size=12), st.none()), st.integers(0, 99)),
        min_size=1,
        max_size=30,
    )
)
def test_round_trip_table(shared_vault, table):
    from jikimi.protect import RevealRequest, protect_table, reveal_table
    from jikimi.transform import ListSink

    df = pl.DataFrame(
        {"mail": [m for m, _ in table], "n": [n for _, n in table]},
        schema={"mail": pl.String, "n": pl.Int64},
    )
    policy = {"columns": {"mail": {"entity": "EMAIL", "operator": "token"}}}
    out = protect_table(df, policy, keys=KEYS, vault=shared_vault)
    assert out["n"].to_list() == df["n"].to_list()
    plain = protect_table(df, policy, keys=KEYS)  # no vault: the very same tokens
    assert out.equals(plain)
    sink = ListSink()
    back = reveal_table(
        out, policy, keys=KEYS, sink=sink, request=RevealRequest("a", "b"), vault=shared_vault
    )
    assert back.equals(df)
    [event] = sink.events
    assert (event.operator, event.field) == ("token", "mail")
    assert event.count == df["mail"].drop_nulls().len()
    assert event.key_ids == ((KEYS.primary().key_id,) if event.count else ())


def test_tokens_are_unchanged_by_the_vault_and_stay_deterministic(vault):
    plain = Token(TokenConfig(prefix="m_", bits=96), KEYS)
    vaulted = VaultedToken(TokenConfig(prefix="m_", bits=96), KEYS, vault)
    values = ["a", "b", "a", None, ""]
    assert vaulted.protect(values, PHONE) == plain.protect(values, PHONE)
    assert vaulted.protect(["a"], EMAIL) != vaulted.protect(["a"], PHONE)
    other = VaultedToken(TokenConfig(prefix="m_", bits=96), MemoryKeyStore(), vault)
    assert other.protect(["a"], PHONE) != vaulted.protect(["a"], PHONE)
    assert vaulted.matches("a", vaulted.protect(["a"], PHONE)[0], PHONE)


def test_each_distinct_value_is_recorded_once(vault):
    op = VaultedToken(TokenConfig(), KEYS, vault)
    op.protect(["x", "y", "x", None, "x"] * 100, PHONE)
    op.protect(["x", "z"], PHONE)  # x again: INSERT OR IGNORE keeps the first row
    assert len(vault) == 3
    assert {r[1] for r in rows(vault)} == {"PHONE"}
    assert {r[2] for r in rows(vault)} == {KEYS.primary().key_id}


def test_large_lazy_frame_on_many_threads(vault):
    n = 60_000
    df = pl.DataFrame({"v": [f"user{i % 20_000}@example.com" for i in range(n)]})
    policy = {"columns": {"v": {"entity": "EMAIL"}}, "entities": {"EMAIL": "token"}}
    from jikimi.protect import protect_table

    out = protect_table(df.lazy(), policy, keys=KEYS, vault=vault).collect(engine="streaming")
    assert len(vault) == 20_000
    op = VaultedToken(TokenConfig(), KEYS, vault)
    assert op.reveal(out["v"], EMAIL) == df["v"].to_list()


# -- rotation --------------------------------------------------------------------------------


def test_tokens_recorded_under_an_old_key_reveal_after_rotation(vault):
    store = MemoryKeyStore()
    op = VaultedToken(TokenConfig(), store, vault)
    old_kid = store.primary().key_id
    old = op.protect(["alice", "bob"], PHONE)
    store.rotate()
    new = op.protect(["alice"], PHONE)
    assert new[0] != old[0] and store.primary().key_id in new[0]
    assert op.reveal([*old, *new], PHONE) == ["alice", "bob", "alice"]
    assert op.key_ids_in(pl.Series([*old, *new])) == {old_kid, store.primary().key_id}
    # a fresh operator (a new process) over the same vault and keyring
    assert VaultedToken(TokenConfig(), store, vault).reveal(old, PHONE) == ["alice", "bob"]


# -- failures --------------------------------------------------------------------------------


def test_wrong_key_fails_with_one_opaque_error(vault):
    tokens = VaultedToken(TokenConfig(), KEYS, vault).protect([SECRET], PHONE)
    with pytest.raises(TokenRevealError) as info:
        VaultedToken(TokenConfig(), MemoryKeyStore(), vault).reveal(tokens, PHONE)
    assert isinstance(info.value, DecryptionError)
    assert SECRET not in str(info.value) and tokens[0] not in str(info.value)


def test_wrong_domain_does_not_open(vault):
    op = VaultedToken(TokenConfig(), KEYS, vault)
    tokens = op.protect([SECRET], PHONE)
    with pytest.raises(TokenRevealError):
        op.reveal(tokens, EMAIL)


def test_token_made_without_a_vault_stays_one_way(vault):
    token = Token(TokenConfig(), KEYS).protect([SECRET], PHONE)
    with pytest.raises(TokenRevealError, match="one-way"):
        VaultedToken(TokenConfig(), KEYS, vault).reveal(token, PHONE)
    assert not hasattr(Token(TokenConfig(), KEYS), "reveal")


@pytest.mark.parametrize(
    "tamper",
    [
        "flip a bit of the sealed value",
        "swap sealed values between rows",
        "move the row to another domain",
        "name another key",
    ],
)
def test_tampered_rows_fail(vault, tamper):
    store = MemoryKeyStore()
    op = VaultedToken(TokenConfig(), store, vault)
    a, b = op.protect([SECRET, "010-0000-0000"], PHONE)
    before = {r[0]: r for r in rows(vault)}
    if tamper.startswith("flip"):
        sealed = bytearray(before[a][3])
        sealed[-1] ^= 1
        update(vault, "UPDATE tokens SET sealed = ? WHERE token = ?", bytes(sealed), a)
    elif tamper.startswith("swap"):
        update(vault, "UPDATE tokens SET sealed = ? WHERE token = ?", before[b][3], a)
    elif tamper.startswith("move"):
        update(vault, "UPDATE tokens SET domain = 'EMAIL' WHERE token = ?", a)
        with pytest.raises(TokenRevealError):
            op.reveal([a], EMAIL)
    else:
        old = store.primary().key_id
        store.rotate()
        op.protect(["warm the new key"], PHONE)
        update(vault, "UPDATE tokens SET key_id = ? WHERE token = ?", store.primary().key_id, a)
        assert old != store.primary().key_id
    with pytest.raises(TokenRevealError) as info:
        op.reveal([a], PHONE)
    assert SECRET not in str(info.value)
    assert op.reveal([b], PHONE) == ["010-0000-0000"] or tamper.startswith("swap")


def test_missing_vault_file_is_a_clear_error_and_is_not_created(tmp_path):
    path = tmp_path / "nowhere" / "tokens.db"
    token = Token(TokenConfig(), KEYS).protect([SECRET], PHONE)
    op = VaultedToken(TokenConfig(), KEYS, SqliteTokenVault(path, create=False))
    with pytest.raises(VaultError, match="does not exist") as info:
        op.reveal(token, PHONE)
    assert "tokens.db" in str(info.value) and "This error occurred" not in str(info.value)
    assert not path.exists()


def test_a_file_that_is_not_a_vault_is_refused(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(VaultError, match="cannot be opened"):
        SqliteTokenVault(junk).fetch(["x"])
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(VaultError, match="not a jikimi token vault"):
        SqliteTokenVault(other).record([("t", "d", "00000000", b"x")])


def test_vault_file_is_private_and_holds_no_values(vault):
    VaultedToken(TokenConfig(), KEYS, vault).protect([SECRET], PHONE)
    mode = stat.S_IMODE(os.stat(vault.path).st_mode)
    assert mode & 0o077 == 0
    vault.close()
    assert SECRET.encode() not in vault.path.read_bytes()
    assert all(SECRET.encode() not in r[3] for r in rows(vault))


def test_no_values_or_keys_in_repr(vault):
    op = VaultedToken(TokenConfig(), KEYS, vault)
    op.protect([SECRET], PHONE)
    for text in (repr(op), repr(vault), repr(op.token), str(TokenRevealError())):
        assert SECRET not in text
    assert "tokens.db" in repr(vault)
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(vault)


# -- typing: reversible only with a vault -------------------------------------------------------


def test_registry_says_token_is_reversible_only_with_a_vault(vault):
    assert {n for n, s in OPERATORS.items() if s.reversible} == {"fpe", "encrypt"}
    assert {n for n, s in OPERATORS.items() if s.reversible_with_vault} == {
        "fpe",
        "encrypt",
        "token",
    }
    plain = build_operator(TokenConfig(), KEYS)
    assert isinstance(plain, IrreversibleOperator) and not plain.reversible
    vaulted = build_operator(TokenConfig(), KEYS, vault)
    assert isinstance(vaulted, ReversibleOperator) and vaulted.reversible
    assert vaulted.name == "token" and vaulted.keyed
    opted_out = build_operator(TokenConfig(vault=False), KEYS, vault)
    assert isinstance(opted_out, IrreversibleOperator)
    from jikimi.transform.mask import MaskConfig

    assert isinstance(
        build_operator(MaskConfig(preset="kr-phone"), None, vault), IrreversibleOperator
    )
    assert isinstance(vault, TokenVault)


def test_vaulted_token_needs_keys(vault):
    from jikimi.transform import OperatorConfigError

    with pytest.raises(OperatorConfigError, match="needs a keyring"):
        build_operator(TokenConfig(), None, vault)
