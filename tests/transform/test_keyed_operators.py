"""Tokens, field encryption and FPE: round trips, determinism, rotation, failures."""

import re

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.iso7064 import mod_11_2

from jikimi.detect.checksums import kr_rrn_checksum
from jikimi.keys import MemoryKeyStore
from jikimi.transform import DecryptionError, FieldContext, FpeDomainError
from jikimi.transform.encrypt import Encrypt, EncryptConfig
from jikimi.transform.fpe import Fpe, FpeConfig, _kr_rrn
from jikimi.transform.token import Token, TokenConfig

KEYS = MemoryKeyStore()
OTHER = MemoryKeyStore()
PHONE = FieldContext(entity="PHONE")
EMAIL = FieldContext(entity="EMAIL")
texts = st.text(max_size=40)

# -- token -----------------------------------------------------------------------------------


def test_token_deterministic_per_key_and_domain():
    t = Token(TokenConfig(), KEYS)
    a = t.protect(["010-1234-5678", "010-1234-5678", "x"], PHONE)
    assert a[0] == a[1] != a[2]
    assert Token(TokenConfig(), KEYS).protect(["010-1234-5678"], PHONE)[0] == a[0]
    assert Token(TokenConfig(), OTHER).protect(["010-1234-5678"], PHONE)[0] != a[0]
    assert t.protect(["010-1234-5678"], EMAIL)[0] != a[0]


def test_token_format_prefix_and_key_id():
    t = Token(TokenConfig(prefix="member_", bits=96), KEYS)
    tok = t.protect(["someone"], PHONE)[0]
    kid = KEYS.primary().key_id
    assert re.fullmatch(rf"member_{kid}_[0-9a-f]{{24}}", tok)
    assert t.matches("someone", tok, PHONE) and not t.matches("other", tok, PHONE)
    assert not t.reversible and t.keyed


def test_token_uses_new_primary_after_rotation_and_old_tokens_still_verify():
    store = MemoryKeyStore()
    t = Token(TokenConfig(), store)
    old = t.protect(["v"], PHONE)[0]
    store.rotate()
    new = t.protect(["v"], PHONE)[0]
    assert new != old and store.primary().key_id in new
    assert t.matches("v", old, PHONE) and t.matches("v", new, PHONE)


def test_token_dedup_path_equals_direct_path():
    t = Token(TokenConfig(), KEYS)
    repeated = ["a", "b"] * 50 + [None]
    assert t.protect(repeated, PHONE)[:2] == t.protect(["a", "b"], PHONE)
    assert t.protect(repeated, PHONE)[-1] is None


# -- encrypt ---------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["deterministic", "randomized"])
@settings(max_examples=50, deadline=None)
@given(values=st.lists(st.one_of(texts, st.none()), max_size=20))
def test_encrypt_round_trip(mode, values):
    op = Encrypt(EncryptConfig(mode=mode), KEYS)
    assert op.reveal(op.protect(values, PHONE), PHONE) == values


def test_deterministic_vs_randomized():
    det = Encrypt(EncryptConfig(mode="deterministic"), KEYS)
    rnd = Encrypt(EncryptConfig(mode="randomized"), KEYS)
    a, b = det.protect(["x", "x"], PHONE)
    assert a == b and a.startswith(f"enc.siv.{KEYS.primary().key_id}.")
    c, d = rnd.protect(["x", "x"], PHONE)
    assert c != d and c.startswith("enc.gcm.")
    assert Encrypt(EncryptConfig(), OTHER).protect(["x"], PHONE)[0] != a


def test_encrypt_rotation_old_ciphertexts_open():
    store = MemoryKeyStore()
    op = Encrypt(EncryptConfig(), store)
    old = op.protect(["secret"], PHONE)[0]
    new_kid = store.rotate().key_id
    new = op.protect(["secret"], PHONE)[0]
    assert new.split(".")[2] == new_kid != old.split(".")[2]
    assert op.reveal([old, new], PHONE) == ["secret", "secret"]
    assert op.key_ids_in(pl.Series([old, new])) == {old.split(".")[2], new_kid}


@pytest.mark.parametrize("mode", ["deterministic", "randomized"])
def test_encrypt_failures_are_one_opaque_error(mode):
    op = Encrypt(EncryptConfig(mode=mode), KEYS)
    ct = op.protect(["secret value"], PHONE)[0]
    head, body = ct.rsplit(".", 1)
    flipped = head + "." + body[:-3] + ("A" if body[-3] != "A" else "B") + body[-2:]
    bad = [
        flipped,  # tampered body
        ct.replace(KEYS.primary().key_id, "00000000"),  # unknown key id
        "enc.siv.zz.garbage",  # malformed
        "not a ciphertext",
    ]
    messages = set()
    for value in bad:
        with pytest.raises(DecryptionError) as info:
            op.reveal([value], PHONE)
        messages.add(str(info.value))
    with pytest.raises(DecryptionError) as info:
        Encrypt(EncryptConfig(mode=mode), OTHER).reveal([ct], PHONE)  # wrong key
    messages.add(str(info.value))
    with pytest.raises(DecryptionError) as info:
        op.reveal([ct], EMAIL)  # moved to another field
    messages.add(str(info.value))
    assert len(messages) == 1 and "secret" not in messages.pop()


# -- fpe -------------------------------------------------------------------------------------

digits = st.text(alphabet="0123456789", min_size=6, max_size=30)


@settings(max_examples=40, deadline=None)
@given(value=digits, sep=st.sampled_from(["", "-", " "]))
def test_fpe_round_trip_keeps_format(value, sep):
    shaped = value[:3] + sep + value[3:]
    op = Fpe(FpeConfig(), KEYS)
    out = op.protect([shaped], PHONE)[0]
    assert len(out) == len(shaped)
    assert [c.isdigit() for c in out] == [c.isdigit() for c in shaped]
    assert [c for c in out if not c.isdigit()] == [c for c in shaped if not c.isdigit()]
    assert op.reveal([out], PHONE) == [shaped]


def _rrn(body12: str) -> str:
    d = body12 + _kr_rrn(body12)
    return d[:6] + "-" + d[6:]


@settings(max_examples=30, deadline=None)
@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_fpe_keeps_rrn_check_digit_valid(body):
    rrn = _rrn(body)
    op = Fpe(FpeConfig(keep_first=6, check_digit="kr-rrn"), KEYS)
    out = op.protect([rrn], FieldContext(entity="KR_RRN"))[0]
    assert re.fullmatch(r"\d{6}-\d{7}", out) and out[:6] == rrn[:6]
    assert _kr_rrn(out.replace("-", "")[:12]) == out[-1]
    assert op.reveal([out], FieldContext(entity="KR_RRN")) == [rrn]


def test_fpe_check_digits_luhn_and_cn_ric():
    card = "4111-1111-1111-1111"
    op = Fpe(FpeConfig(keep_first=6, keep_last=3, check_digit="luhn"), KEYS)
    out = op.protect([card], FieldContext(entity="CREDIT_CARD"))[0]
    assert out != card and out[:7] == card[:7] and out[-4:-1] == card[-4:-1]
    assert luhn.is_valid(out.replace("-", ""))
    ric = Fpe(FpeConfig(keep_first=6, check_digit="cn-ric"), KEYS)
    ids = ["11010519491231002X", "440304199001011233"]
    enc = ric.protect(ids, FieldContext(entity="CN_RESIDENT_ID"))
    assert all(mod_11_2.is_valid(v) and v[:6] == i[:6] for v, i in zip(enc, ids, strict=True))
    assert ric.reveal(enc, FieldContext(entity="CN_RESIDENT_ID")) == ids


def test_known_valid_rrn_example_passes_validator_after_fpe():
    rrn = "900101-1234568"
    assert kr_rrn_checksum(rrn.replace("-", ""))
    out = Fpe(FpeConfig(keep_first=6, check_digit="kr-rrn"), KEYS).protect([rrn])[0]
    assert _kr_rrn(out.replace("-", "")[:12]) == out[-1]


def test_fpe_domain_too_small():
    with pytest.raises(FpeDomainError, match="needs 6 to 56") as info:
        Fpe(FpeConfig(), KEYS).protect(["12345"], PHONE)
    assert "12345" not in str(info.value)
    with pytest.raises(FpeDomainError):  # keeping 7 of an RRN leaves 5 digits
        Fpe(FpeConfig(keep_first=7, check_digit="kr-rrn"), KEYS).protect(["900101-1234568"])


def test_fpe_invalid_check_digit_input_and_tampered_output():
    op = Fpe(FpeConfig(check_digit="luhn"), KEYS)
    with pytest.raises(FpeDomainError, match="check digit"):
        op.protect(["4111111111111112"])
    out = op.protect(["4111111111111111"])[0]
    tampered = out[:-1] + str((int(out[-1]) + 1) % 10)
    with pytest.raises(DecryptionError):
        op.reveal([tampered])


def test_fpe_deterministic_and_key_dependent():
    a = Fpe(FpeConfig(), KEYS).protect(["0101234567"], PHONE)[0]
    assert Fpe(FpeConfig(), KEYS).protect(["0101234567"], PHONE)[0] == a
    assert Fpe(FpeConfig(), OTHER).protect(["0101234567"], PHONE)[0] != a
    assert Fpe(FpeConfig(), KEYS).protect(["0101234567"], EMAIL)[0] != a


def test_fpe_default_key_is_stable_across_rotation():
    store = MemoryKeyStore()
    op = Fpe(FpeConfig(), store)
    out = op.protect(["0101234567"], PHONE)
    store.rotate()
    assert op.protect(["0101234567"], PHONE) == out
    assert op.reveal(out, PHONE) == ["0101234567"]
    pinned = Fpe(FpeConfig(key_id=store.primary().key_id), store)
    assert pinned.protect(["0101234567"], PHONE) != out


def test_fpe_pinned_key_survives_rotation():
    store = MemoryKeyStore()
    kid = store.primary().key_id
    op = Fpe(FpeConfig(key_id=kid), store)
    out = op.protect(["0101234567"], PHONE)
    store.rotate()
    assert op.reveal(out, PHONE) == ["0101234567"]
    assert op.key_ids_in(pl.Series(out)) == {kid}
    with pytest.raises(DecryptionError):
        Fpe(FpeConfig(key_id="00000000"), store).reveal(out, PHONE)


@settings(max_examples=25, deadline=None)
@given(
    st.integers(6, 30),
    st.binary(min_size=32, max_size=32),
    st.binary(min_size=7, max_size=7),
    st.randoms(use_true_random=False),
)
def test_batched_ff3_matches_the_ff3_package(n, key, tweak, rnd):
    from ff3 import FF3Cipher

    from jikimi.transform.ff3batch import FF3Batch

    values = ["".join(rnd.choice("0123456789") for _ in range(n)) for _ in range(12)]
    ref = FF3Cipher(key.hex(), tweak.hex(), 10)
    batch = FF3Batch(key, tweak)
    encrypted = batch.encrypt(values)
    assert encrypted == [ref.encrypt(v) for v in values]
    assert batch.decrypt(encrypted) == values


@given(st.binary(min_size=1, max_size=100), st.binary(max_size=20), st.binary(max_size=50))
def test_prepared_hmac_states_equal_hmac(key, prefix, message):
    import hmac

    from jikimi.transform.token import hmac_states

    inner, outer = hmac_states(key, prefix)
    h = inner.copy()
    h.update(message)
    outer.update(h.digest())
    assert outer.digest() == hmac.digest(key, prefix + message, "sha256")


def test_fpe_domain_error_counts_are_sane():
    with pytest.raises(FpeDomainError, match="has 0 digits"):
        Fpe(FpeConfig(keep_first=6), KEYS).protect(["123"], PHONE)
