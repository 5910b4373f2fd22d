"""The labelled corpus: deterministic, exact labels, valid identifiers, clean negatives,
and a scoring function that counts what it should."""

from __future__ import annotations

import random
import re
import sys
from collections import Counter

import phonenumbers
import pytest
from stdnum import iban as std_iban
from stdnum import imei as std_imei
from stdnum import isbn as std_isbn
from stdnum import luhn as std_luhn
from stdnum.cn import uscc as std_uscc
from stdnum.iso7064 import mod_11_2
from stdnum.jp import in_ as std_jp_in
from stdnum.kr import brn as std_brn
from stdnum.kr import rrn as std_rrn
from stdnum.us import ssn as std_ssn

from jikimi.testing import values as vx
from jikimi.testing.corpus import (
    KINDS,
    LANGUAGES,
    V,
    _Doc,
    corpus_pieces,
    generate_doc,
    generate_docs,
    make_corpus,
)
from jikimi.testing.scoring import Counts, Rule, count, match_spans, spans_match, total
from jikimi.types import EntityId as E

DOCS = generate_docs(700, seed=11)


def _compact(v: str) -> str:
    return re.sub(r"[\s\-().]", "", v)


# -- determinism ------------------------------------------------------------------------------


def test_same_seed_same_documents() -> None:
    assert generate_docs(60, seed=3) == generate_docs(60, seed=3)


def test_other_seed_other_documents() -> None:
    a, b = generate_docs(20, seed=3), generate_docs(20, seed=4)
    assert [d.text for d in a] != [d.text for d in b]


def test_every_language_and_kind_is_generated() -> None:
    seen = Counter((d.language, d.kind) for d in DOCS)
    assert {lang for lang, _ in seen} == set(LANGUAGES)
    assert {kind for _, kind in seen} == set(KINDS)


def test_corpus_is_deterministic_and_big_enough() -> None:
    a = make_corpus(200_000, seed=5)
    assert a == make_corpus(200_000, seed=5)
    assert len(a.encode()) >= 200_000
    assert a != make_corpus(200_000, seed=6)


def test_corpus_density_is_near_the_target() -> None:
    for density in (0.5, 0.7, 1.0):
        pieces = list(corpus_pieces(2_000_000, seed=2, pii_density=density))
        size_kib = sum(len(t.encode()) + 2 for t, _ in pieces) / 1024
        got = sum(n for _, n in pieces) / size_kib
        assert density * 0.8 < got < density * 1.2, (density, got)


def test_corpus_mixes_three_scripts() -> None:
    text = make_corpus(300_000, seed=1)
    assert re.search("[가-힣]", text) and re.search("[一-鿿]", text) and re.search("[A-Za-z]", text)


@pytest.mark.parametrize("size", [0, -1])
def test_corpus_rejects_bad_size(size: int) -> None:
    with pytest.raises(ValueError, match="size_bytes"):
        make_corpus(size)


def test_corpus_rejects_bad_density() -> None:
    with pytest.raises(ValueError, match="pii_density"):
        make_corpus(1000, pii_density=0)


def test_unknown_language_or_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        generate_doc(random.Random(0), "fr", "chat")
    with pytest.raises(ValueError, match="kind"):
        generate_doc(random.Random(0), "ko", "poem")


# -- labels are exact -------------------------------------------------------------------------


def test_builder_spans_slice_to_the_inserted_values() -> None:
    b = _Doc()
    b.t("고객: ")
    b.fill(
        "{N}님, {P}로 연락 주세요. 주문번호 ",
        N=V("김민수", E.PERSON),
        P=V("010-1234-5678", E.PHONE),
    )
    b.neg("2024031512345")
    doc = b.build("ko", "chat")
    assert doc.values() == [(E.PERSON, "김민수"), (E.PHONE, "010-1234-5678")]
    assert doc.text.endswith("주문번호 2024031512345")
    assert doc.text[slice(*doc.negatives[0])] == "2024031512345"


def test_spans_are_in_bounds_sorted_and_disjoint() -> None:
    for d in DOCS:
        prev_end = 0
        for s, e, _ in d.spans:
            assert prev_end <= s < e <= len(d.text)
            prev_end = e


def test_values_have_no_glued_whitespace_or_particles() -> None:
    for d in DOCS:
        for ent, v in d.values():
            assert v == v.strip(), (ent, v)
            tails = ("로", "입니다", "。", "，", ",", ":") + (
                () if ent is E.DATE_OF_BIRTH else (".",)
            )
            assert not v.endswith(tails), (ent, v)  # "1990. 1. 5." is a Korean date
            assert "\n" not in v


_SHAPES = {
    E.EMAIL: r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[a-z]{2,}",
    E.KR_RRN: r"\d{6}-[1-4]\d{6}",
    E.KR_FRN: r"\d{6}-[5-8]\d{6}",
    E.KR_BRN: r"\d{3}-\d{2}-\d{5}",
    E.KR_CORP_REG: r"\d{6}-\d{7}",
    E.CN_RESIDENT_ID: r"[1-9]\d{14}|[1-9]\d{16}[\dXx]",
    E.CN_USCC: r"[0-9A-HJ-NPQRTUWXY]{18}",
    E.HK_ID: r"[A-Z]{1,2}\d{6}(\([0-9A]\)|[0-9A])",
    E.TW_ID: r"[A-Z][12]\d{8}",
    E.US_SSN: r"\d{3}[- ]\d{2}[- ]\d{4}",
    E.MAC_ADDRESS: r"([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}|[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}",
    E.PHONE: r"\+?[\d\s().-]{7,20}\d",
    E.CREDIT_CARD: r"\d[\d -]{12,22}\d",
    E.IBAN: r"[A-Z]{2}\d{2}[A-Z0-9 ]{10,32}",
    E.KR_PASSPORT: r"[MSRO]\d{8}|[MSRO]\d{3}[A-Z]\d{4}",
    E.CN_PASSPORT: r"[EGC]\d{8}|E[A-Z]\d{7}",
}


def test_values_have_the_shape_of_their_entity() -> None:
    seen: Counter[E] = Counter()
    for d in DOCS:
        for ent, v in d.values():
            pat = _SHAPES.get(ent)
            if pat is not None:
                assert re.fullmatch(pat, v), (ent, v)
                seen[ent] += 1
    assert all(seen[e] > 0 for e in (E.EMAIL, E.PHONE, E.KR_RRN, E.CN_RESIDENT_ID, E.US_SSN))


def test_names_and_addresses_carry_no_titles() -> None:
    for d in DOCS:
        for ent, v in d.values():
            if ent is E.PERSON:
                assert not re.search(r"님|씨|先生|女士|Mr\.|:|：", v), v
            if ent is E.ADDRESS:
                assert not v.startswith(("주소", "地址", "Address")), v


def test_bare_and_labelled_identifiers_both_occur() -> None:
    labels = ("주민", "身份证", "SSN", "social", "Resident", "PRC ID", "证件", "신분증", "RRN")
    bare = labelled = 0
    for d in DOCS:
        for s, _e, ent in d.spans:
            if ent in (E.KR_RRN, E.CN_RESIDENT_ID, E.US_SSN):
                window = d.text[max(0, s - 30) : s]
                if any(w in window for w in labels):
                    labelled += 1
                else:
                    bare += 1
    assert labelled > bare > 0


# -- identifiers are valid ---------------------------------------------------------------------


def test_check_digit_functions_agree_with_published_examples() -> None:
    assert vx.kr_rrn_check("900101123456") == "8"
    assert vx.kr_brn_check("116820027") == "6"
    assert vx.kr_brn_check("220816251") == "7"
    assert vx.kr_corp_check("130111000624") == "6"
    assert vx.cn_ric_check("11010519491231002") == "X"
    assert vx.cn_uscc_check("91110000600037341") == "L"
    assert vx.cn_org_code_check("60003734") == "1"
    assert vx.hkid_check("A", "123456") == "3"
    assert vx.hkid_check("G", "123456") == "A"
    assert vx.hkid_check("AB", "987654") == "3"
    assert vx.tw_id_check("A", "12345678") == "9"
    assert vx.tw_id_check("B", "10000000") == "2"
    assert vx.jp_my_number_check("62149832025") == "7"
    assert vx.iban_check("GB", "WEST12345698765432") == "82"
    assert vx.luhn_ok("4111 1111 1111 1111") and not vx.luhn_ok("4111 1111 1111 1112")


def test_generated_values_pass_stdnum() -> None:
    rng = random.Random(1)
    for _ in range(300):
        assert std_rrn.is_valid(vx.kr_rrn(rng))
        assert std_brn.is_valid(vx.kr_brn(rng))
        cn_id = vx.cn_resident_id(rng).upper()
        assert mod_11_2.is_valid(cn_id), cn_id
        assert std_uscc.is_valid(vx.cn_uscc(rng))
        assert std_jp_in.is_valid(vx.jp_my_number(rng))
        assert std_ssn.is_valid(_compact(vx.us_ssn(rng)))
        assert std_luhn.is_valid(_compact(vx.card(rng)))
        assert std_iban.is_valid(vx.iban(rng))
        assert std_imei.is_valid(vx.imei(rng))
        assert std_isbn.is_valid(vx.isbn13(rng))


def test_generated_brn_and_national_ids_pass_our_own_checks() -> None:
    rng = random.Random(2)
    for _ in range(300):
        brn = vx.kr_brn(rng).replace("-", "")
        assert vx.kr_brn_check(brn[:9]) == brn[9]
        corp = vx.kr_corp_reg(rng).replace("-", "")
        assert vx.kr_corp_check(corp[:12]) == corp[12]
        hk = _compact(vx.hk_id(rng))
        assert vx.hkid_check(hk[:-7], hk[-7:-1]) == hk[-1]
        tw = vx.tw_id(rng)
        assert vx.tw_id_check(tw[0], tw[1:9]) == tw[9]


def test_foreigner_numbers_pass_one_of_the_two_rules() -> None:
    rng = random.Random(3)
    for _ in range(300):
        v = vx.kr_rrn(rng, foreign=True).replace("-", "")
        rrn_rule = vx.kr_rrn_check(v[:12])
        assert v[12] in (rrn_rule, str((int(rrn_rule) + 2) % 10))
        assert v[6] in "5678"


def test_post_2020_numbers_keep_date_and_sex_digit() -> None:
    rng = random.Random(4)
    fails = 0
    for _ in range(200):
        v = vx.kr_rrn(rng, post2020=True)
        assert re.fullmatch(r"\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])-[1-4]\d{6}", v)
        fails += not std_rrn.is_valid(v)
    assert fails > 150  # random tails: most fail the old checksum, as real ones do


def test_identifiers_in_documents_are_valid() -> None:
    checked: Counter[E] = Counter()
    for d in DOCS:
        for ent, v in d.values():
            c = _compact(v).upper()
            if ent is E.CN_RESIDENT_ID and len(c) == 18:
                assert mod_11_2.is_valid(c), v
            elif ent is E.CN_USCC:
                assert std_uscc.is_valid(c), v
            elif ent is E.CREDIT_CARD:
                assert std_luhn.is_valid(c), v
            elif ent is E.IBAN:
                assert std_iban.is_valid(c), v
            elif ent is E.US_SSN:
                assert std_ssn.is_valid(c), v
            elif ent is E.JP_MY_NUMBER:
                assert std_jp_in.is_valid(c), v
            elif ent is E.KR_BRN:
                assert vx.kr_brn_check(c[:9]) == c[9], v
            else:
                continue
            checked[ent] += 1
    assert checked[E.CN_RESIDENT_ID] > 10 and checked[E.CREDIT_CARD] > 10


def test_unlabelled_rrns_in_documents_pass_the_checksum() -> None:
    """Post-2020 numbers (no check digit) appear only next to a label."""
    labels = ("주민", "RRN", "Resident", "住民", "居民")
    for d in DOCS:
        for s, e, ent in d.spans:
            if ent is E.KR_RRN and not any(w in d.text[max(0, s - 40) : s] for w in labels):
                assert std_rrn.is_valid(d.text[s:e]), d.text[s:e]


@pytest.mark.parametrize(
    ("fn", "region"),
    [(vx.phone_kr, "KR"), (vx.phone_cn, "CN"), (vx.phone_us, "US"), (vx.phone_intl, "ZZ")],
)
def test_phone_numbers_are_valid_for_their_region(fn: object, region: str) -> None:
    rng = random.Random(5)
    for _ in range(300):
        v = fn(rng)  # type: ignore[operator]
        n = phonenumbers.parse(v, None if region == "ZZ" else region)
        assert phonenumbers.is_valid_number(n), v


# -- hard negatives -----------------------------------------------------------------------------


def test_hard_negatives_hold_no_gold_span() -> None:
    n_neg = 0
    for d in DOCS:
        for ns, ne in d.negatives:
            n_neg += 1
            assert not any(s < ne and ns < e for s, e, _ in d.spans), d.text[ns:ne]
    assert n_neg > 200


def test_wrong_checksum_negatives_really_fail() -> None:
    rng = random.Random(6)
    for _ in range(300):
        assert not mod_11_2.is_valid(vx.cn_id_bad_check(rng).upper())
        tw = vx.tw_id_bad_check(rng)
        assert vx.tw_id_check(tw[0], tw[1:9]) != tw[9]
        assert not std_jp_in.is_valid(vx.jp_my_number_bad_check(rng))
        assert not std_luhn.is_valid(vx.luhn_invalid(rng, "4", 16))


def test_negative_kinds_cover_the_usual_traps() -> None:
    text = "\n".join(d.text[s:e] for d in DOCS for s, e in d.negatives)
    for trap in ("주문번호", "订单", "Order", "운송장", "运单", "ISBN", "IMEI", "₩", "¥", "ts="):
        assert trap in text, trap


# -- scoring --------------------------------------------------------------------------------------


def test_overlap_rule_uses_half_of_the_longer_span() -> None:
    gold = (10, 20, E.PHONE)
    assert spans_match(gold, (10, 20, E.PHONE), Rule.STRICT)
    assert not spans_match(gold, (10, 19, E.PHONE), Rule.STRICT)
    assert spans_match(gold, (12, 22, E.PHONE), Rule.OVERLAP)  # 8 of 10 shared
    assert spans_match(gold, (15, 25, E.PHONE), Rule.OVERLAP)  # exactly half
    assert not spans_match(gold, (16, 26, E.PHONE), Rule.OVERLAP)
    assert not spans_match(gold, (0, 30, E.PHONE), Rule.OVERLAP)  # 10 of 30
    assert not spans_match(gold, (10, 20, E.EMAIL), Rule.OVERLAP)  # wrong entity
    assert not spans_match(gold, (20, 30, E.PHONE), Rule.OVERLAP)  # touching only


def test_match_counts_tp_fp_fn() -> None:
    gold = [(0, 8, E.PERSON), (20, 33, E.PHONE), (40, 54, E.KR_RRN)]
    pred = [
        (0, 8, E.PERSON),  # exact
        (20, 34, E.PHONE),  # one char too long: overlap yes, strict no
        (40, 54, E.KR_CORP_REG),  # wrong entity: FP for KR_CORP_REG, FN for KR_RRN
        (60, 70, E.EMAIL),  # spurious
    ]
    strict = count(match_spans(gold, pred, Rule.STRICT))
    assert (strict[E.PERSON].tp, strict[E.PHONE].tp, strict[E.PHONE].fp, strict[E.PHONE].fn) == (
        1,
        0,
        1,
        1,
    )
    overlap = count(match_spans(gold, pred, Rule.OVERLAP))
    assert (overlap[E.PHONE].tp, overlap[E.PHONE].fp, overlap[E.PHONE].fn) == (1, 0, 0)
    assert (overlap[E.KR_RRN].fn, overlap[E.KR_CORP_REG].fp, overlap[E.EMAIL].fp) == (1, 1, 1)
    micro = total(overlap.values())
    assert (micro.tp, micro.fp, micro.fn) == (2, 2, 1)
    assert micro.precision == pytest.approx(0.5)
    assert micro.recall == pytest.approx(2 / 3)
    assert micro.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))


def test_matching_is_one_to_one() -> None:
    gold = [(0, 10, E.PHONE)]
    pred = [(0, 10, E.PHONE), (1, 10, E.PHONE)]
    m = match_spans(gold, pred, Rule.OVERLAP)
    assert len(m.pairs) == 1 and m.pairs[0][1] == (0, 10, E.PHONE)
    assert m.spurious == ((1, 10, E.PHONE),)
    two_gold = [(0, 10, E.PHONE), (10, 20, E.PHONE)]
    m = match_spans(two_gold, [(0, 20, E.PHONE)], Rule.OVERLAP)
    assert len(m.pairs) == 1 and len(m.missed) == 1


def test_counts_edge_cases() -> None:
    assert Counts().f1 == 1.0  # nothing to find, nothing found
    assert Counts(fp=3).f1 == 0.0
    assert Counts(fn=2).recall == 0.0
    assert Counts(tp=4).f1 == 1.0


# -- the evaluation script's plumbing, with stand-in predictors ---------------------------------


def _eval_module() -> object:
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "eval_detect.py"
    spec = importlib.util.spec_from_file_location("eval_detect_under_test", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up while being built
    spec.loader.exec_module(mod)
    return mod


def test_evaluation_of_a_perfect_and_an_empty_predictor() -> None:
    ev = _eval_module()
    docs = DOCS[:40]
    perfect = ev.evaluate("gold", docs, lambda d: [(g, "gold") for g in d.spans])  # type: ignore[attr-defined]
    rep = ev.report(perfect, sorted({d.language for d in docs}))  # type: ignore[attr-defined]
    assert rep["micro"]["strict"]["f1"] == 1.0
    assert rep["micro"]["overlap"]["tp"] == sum(len(d.spans) for d in docs)
    empty = ev.evaluate("none", docs, lambda d: [])  # type: ignore[attr-defined]
    rep = ev.report(empty, ["ko", "zh", "en", "mixed"])  # type: ignore[attr-defined]
    assert rep["micro"]["overlap"]["recall"] == 0.0
    assert rep["per_entity"]["PERSON"]["meets_target"] is None  # judged per language instead
    assert rep["per_language"]["ko"]["PERSON"]["meets_target"] is False


def test_false_positives_on_hard_negatives_are_counted() -> None:
    ev = _eval_module()
    docs = [d for d in DOCS if d.negatives][:20]
    hits = ev.evaluate(  # type: ignore[attr-defined]
        "neg", docs, lambda d: [((s, e, E.PHONE), "stub") for s, e in d.negatives]
    )
    on_neg, fps = ev.hard_negative_fps(hits)  # type: ignore[attr-defined]
    assert on_neg == fps == sum(len(d.negatives) for d in docs)
    errors = ev.top_errors(hits, 2, show=False)  # type: ignore[attr-defined]
    example = errors["PHONE"][0]
    assert example["kind"] == "FP(hard-negative)"
    assert not re.search(r"\d", example["example"].replace("9", ""))  # digits are masked


def test_korean_subject_particle_follows_the_name() -> None:
    """ "어제 김소건이 다녀갔어요", not "김소건가": a wrong particle glues to the name."""
    docs = generate_docs(400, 3, languages=("ko",))
    said = [
        (d.text[s:e], d.text[e : e + 1])
        for d in docs
        for s, e, ent in d.spans
        if ent == E.PERSON and d.text[e : e + 7] in ("가 다녀갔어요", "이 다녀갔어요")
    ]
    assert said, "the template should occur in 400 Korean documents"
    for name, particle in said:
        last = ord(name[-1]) - ord("가")
        assert particle == ("이" if 0 <= last < 11172 and last % 28 else "가")
