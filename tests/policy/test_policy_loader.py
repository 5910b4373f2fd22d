import re
import textwrap

import pytest

from jikimi.errors import UsageError
from jikimi.policy import (
    PolicyError,
    coerce_policy,
    load_policy,
    load_profile,
    parse_policy,
    policy_from_mapping,
    profiles,
)
from jikimi.transform.encrypt import EncryptConfig
from jikimi.transform.mask import MaskConfig
from jikimi.types import EntityId


def _parse(text):
    return parse_policy(textwrap.dedent(text), "p.yaml")


def _problems(text):
    with pytest.raises(PolicyError) as info:
        _parse(text)
    return info.value


def test_profiles_load_and_are_distinct():
    assert set(profiles()) >= {"kr-pipa", "cn-pipl", "gdpr", "cn-waybill"}
    kr = load_profile("kr-pipa")
    assert kr.rule_for_entity("PHONE") == MaskConfig(preset="kr-phone")
    assert kr.rule_for_entity("KR_RRN") == EncryptConfig(mode="deterministic")
    assert load_profile("cn-pipl").rule_for_entity("PHONE") == MaskConfig(preset="cn-phone")
    assert load_profile("gdpr").rule_for_entity("EMAIL").operator == "token"
    assert load_profile("cn-waybill").rule_for_entity("PHONE").preset == "cn-waybill-phone"


def test_policy_overrides_its_profile():
    p = _parse("""
        profile: kr-pipa
        entities:
          PHONE: {operator: mask, preset: kr-phone-last4}
        columns:
          tel: {entity: PHONE}
          rrn: {entity: KR_RRN}
          memo: {scan: true}
          birth: {operator: generalize, kind: date, to: year}
    """)
    assert p.rule_for_entity(EntityId.PHONE).preset == "kr-phone-last4"
    assert p.rule_for_entity("EMAIL").preset == "kr-email"  # from the profile
    assert p.columns["tel"].config.preset == "kr-phone-last4"
    assert p.columns["tel"].context.entity == "PHONE"
    assert p.columns["rrn"].config.operator == "encrypt"
    assert p.columns["memo"].scan and p.columns["memo"].config is None
    assert p.profile == "kr-pipa" and p.languages == ("ko", "en")


def test_unknown_entity_and_operator_name_their_lines():
    err = _problems("""
        version: 1
        entities:
          PHONEE: {operator: mask, preset: kr-phone}
          EMAIL: {operator: maks}
          PERSON: {operator: mask, preset: nope}
    """)
    text = str(err)
    assert "p.yaml:4: entities.PHONEE: unknown entity 'PHONEE'; did you mean 'PHONE'?" in text
    assert "p.yaml:5: entities.EMAIL.operator: unknown operator 'maks'" in text
    assert "did you mean 'mask'?" in text
    assert "p.yaml:6: entities.PERSON.preset: unknown mask preset 'nope'" in text
    assert err.lines == [4, 5, 6]
    assert isinstance(err, UsageError)


def test_bad_parameters_are_reported_per_line():
    err = _problems("""
        columns:
          a:
            operator: fpe
            keep_first: -1
            colour: red
          b: {operator: generalize}
    """)
    assert err.lines == [5, 6, 7]
    assert "unknown parameter for operator 'fpe'" in str(err)
    assert "columns.b.kind" in str(err)


def test_passwords_may_only_be_hashed():
    err = _problems("""
        columns:
          user_password: {operator: encrypt}
          pin: {operator: token, password: true}
          pwd_hash_ok: password_hash
          secret: {operator: redact, password: true}
    """)
    assert err.lines == [3, 4]
    assert "passwords are hashed, never encrypted" in str(err)


def test_yaml_syntax_error_and_duplicate_key_lines():
    assert _problems("entities:\n  PHONE: [unclosed\n").lines[0] is not None
    err = _problems("""
        entities:
          PHONE: redact
          PHONE: replace
    """)
    assert err.lines == [4] and "duplicate key" in str(err)


def test_top_level_and_shape_errors():
    err = _problems("""
        version: 2
        profil: kr-pipa
        min_score: 3
        languages: [fr]
    """)
    assert err.lines == [3, 2, 4, 5]
    assert _problems("profile: nowhere").lines == [1]
    assert _problems("- a\n- b").lines == [1]


def test_column_rules_need_something():
    err = _problems("""
        columns:
          a: {}
          b: {entity: EMAIL}
          c: {scan: true, operator: redact}
    """)
    assert err.lines == [3, 4, 5]
    assert "no rule for entity EMAIL" in str(err)


def test_rule_shorthand_default_and_mapping_api():
    p = policy_from_mapping({"entities": {"PHONE": "redact"}, "default": "replace"})
    assert p.rule_for_entity("PHONE").operator == "redact"
    assert p.rule_for_entity("EMAIL").operator == "replace"
    assert policy_from_mapping({"default": None}).rule_for_entity("EMAIL") is None
    with pytest.raises(PolicyError, match=re.escape("entities.NOPE")):
        policy_from_mapping({"entities": {"NOPE": "redact"}})


def test_load_from_file_and_coerce(tmp_path):
    f = tmp_path / "policy.yaml"
    f.write_text("entities:\n  PHONE: redact\n", encoding="utf-8")
    assert load_policy(f).rule_for_entity("PHONE").operator == "redact"
    assert coerce_policy(str(f)).name == "policy"
    assert coerce_policy("gdpr").name == "gdpr"
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path / "missing.yaml")
    f.write_text("entities:\n  PHONE: {operator: foo}\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=rf"{f.name}:2: "):
        load_policy(f)
