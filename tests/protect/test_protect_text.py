import pytest

from jikimi import scan_text
from jikimi.keys import MemoryKeyStore
from jikimi.protect import RevealRequest, protect_text, resolve_overlaps, reveal_text
from jikimi.transform import DecryptionError, ListSink
from jikimi.transform.errors import OperatorConfigError
from jikimi.types import EntityId, Finding

KEYS = MemoryKeyStore()


def F(entity, text, value, score=0.9, start=None):
    s = text.index(value) if start is None else start
    return Finding(EntityId(entity), s, s + len(value), score, value, "test")


def test_replaced_from_the_right_offsets_stay_valid():
    text = "call 010-1234-5678 or mail a@b.co, again 010-1234-5678."
    found = [
        F("PHONE", text, "010-1234-5678"),
        F("EMAIL", text, "a@b.co"),
        F("PHONE", text, "010-1234-5678", start=text.rindex("010")),
    ]
    pol = {"entities": {"PHONE": {"operator": "mask", "preset": "kr-phone"}, "EMAIL": "replace"}}
    out = protect_text(text, pol, findings=found)
    assert out == "call 010-****-5678 or mail <EMAIL>, again 010-****-5678."


def test_overlaps_go_to_the_higher_score_then_the_longer_span():
    text = "id 900101-1234568 end"
    rrn = F("KR_RRN", text, "900101-1234568", 0.95)
    phone = F("PHONE", text, "1234568", 0.6)
    date = F("DATE_OF_BIRTH", text, "900101", 0.95)
    assert resolve_overlaps([phone, date, rrn]) == [rrn]
    pol = {"entities": {"KR_RRN": "replace", "PHONE": "redact", "DATE_OF_BIRTH": "redact"}}
    assert protect_text(text, pol, findings=[phone, rrn, date]) == "id <KR_RRN> end"


def test_low_scores_and_unlisted_entities_are_left_alone():
    text = "a 010-1234-5678 b x@y.z"
    found = [F("PHONE", text, "010-1234-5678", 0.3), F("EMAIL", text, "x@y.z")]
    pol = {"min_score": 0.5, "entities": {"PHONE": "redact"}, "default": None}
    assert protect_text(text, pol, findings=found) == text


def test_tokens_in_text_match_tokens_in_tables():
    import polars as pl

    from jikimi.protect import protect_table

    text = "mail kim@example.com"
    pol = {
        "entities": {"EMAIL": {"operator": "token", "prefix": "em_"}},
        "columns": {"mail": {"entity": "EMAIL"}},
    }
    out = protect_text(text, pol, keys=KEYS, findings=[F("EMAIL", text, "kim@example.com")])
    token = out.removeprefix("mail ")
    df = protect_table(pl.DataFrame({"mail": ["kim@example.com"]}), pol, keys=KEYS)
    assert df["mail"][0] == token and token.startswith(f"em_{KEYS.primary().key_id}_")


def test_keyed_rule_without_keys_is_a_clear_error():
    text = "mail kim@example.com"
    with pytest.raises(OperatorConfigError, match="needs a keyring"):
        protect_text(
            text, {"entities": {"EMAIL": "token"}}, findings=[F("EMAIL", text, "kim@example.com")]
        )


def test_with_the_scanner_and_a_profile_then_reveal():
    text = "연락처 010-1234-5678 카드 4111-1111-1111-1111 메일 gildong@example.com"
    assert {f.entity.value for f in scan_text(text, languages=["ko", "en"])} >= {
        "PHONE",
        "CREDIT_CARD",
        "EMAIL",
    }
    out = protect_text(text, "kr-pipa", keys=KEYS)
    assert "010-****-5678" in out and "gi*****@example.com" in out
    assert "4111-1111-1111-1111" not in out and "enc.siv." in out
    sink = ListSink()
    back = reveal_text(
        out, "kr-pipa", keys=KEYS, sink=sink, request=RevealRequest("tester", "support ticket 7")
    )
    assert "4111-1111-1111-1111" in back and "010-****-5678" in back
    [event] = sink.events
    assert (event.operator, event.field, event.count) == ("encrypt", "CREDIT_CARD", 1)
    assert event.actor == "tester" and event.key_ids == (KEYS.primary().key_id,)
    assert "4111" not in event.to_json()


def test_reveal_text_with_wrong_keys_fails_loudly():
    text = "카드 4111-1111-1111-1111"
    out = protect_text(text, "kr-pipa", keys=KEYS)
    with pytest.raises(DecryptionError):
        reveal_text(
            out, "kr-pipa", keys=MemoryKeyStore(), sink=ListSink(), request=RevealRequest("a", "b")
        )


def test_reveal_needs_actor_and_purpose():
    from jikimi.errors import UsageError

    with pytest.raises(UsageError):
        RevealRequest("someone", " ")
