"""ADDRESS detection: Korean road-name and lot-number, Chinese, US; whole-address spans."""

from __future__ import annotations

import pytest

from jikimi import EntityId, scan_text
from jikimi.detect import addresses
from jikimi.detect.engine import Engine


def found(text: str, **kw: object) -> list[str]:
    out = [f for f in scan_text(text, entities=["ADDRESS"], **kw) if f.entity == EntityId.ADDRESS]
    for f in out:
        assert text[f.start : f.end] == f.text
    return [f.text for f in out]


FOUND = [
    # Korea: road-name (도로명) and lot-number (지번), with postcode, units and buildings
    (
        "주소: 서울특별시 강남구 테헤란로 123, 45동 678호입니다.",
        "서울특별시 강남구 테헤란로 123, 45동 678호",
    ),
    (
        "경기도 성남시 분당구 정자동 178-1번지로 보내주세요.",
        "경기도 성남시 분당구 정자동 178-1번지",
    ),
    (
        "(06236) 서울 강남구 테헤란로12길 34 한빛빌딩 5층",
        "(06236) 서울 강남구 테헤란로12길 34 한빛빌딩 5층",
    ),
    ("부산 해운대구 센텀중앙로 79에 있습니다.", "부산 해운대구 센텀중앙로 79"),
    (
        "서울특별시 종로구 세종대로 209 (세종로, 정부서울청사)",
        "서울특별시 종로구 세종대로 209 (세종로, 정부서울청사)",
    ),
    (
        "본사는 경기도 성남시 분당구 판교역로 235, 에이치스퀘어 N동 8층에 있습니다.",
        "경기도 성남시 분당구 판교역로 235, 에이치스퀘어 N동 8층",
    ),
    ("제주특별자치도 제주시 노형로 407", "제주특별자치도 제주시 노형로 407"),
    ("배송지: 테헤란로 427", "테헤란로 427"),
    ("강남구 역삼동 123-45 (역삼동)", "강남구 역삼동 123-45 (역삼동)"),
    # China
    (
        "收货地址：广东省深圳市南山区科技园路1号2栋301室，电话",
        "广东省深圳市南山区科技园路1号2栋301室",
    ),
    ("我住在北京市朝阳区建国路88号。", "北京市朝阳区建国路88号"),
    (
        "寄到南山区深南大道1000号阳光花园3栋2单元1201室",
        "南山区深南大道1000号阳光花园3栋2单元1201室",
    ),
    ("江苏省苏州市工业园区星湖街328号", "江苏省苏州市工业园区星湖街328号"),
    ("地址：广东深圳市福田区益田路5033号", "广东深圳市福田区益田路5033号"),
    ("新地址青岛市市南区东海西路647号院10号楼，请注意查收", "青岛市市南区东海西路647号院10号楼"),
    ("送货到文三路478号", "文三路478号"),
    # United States
    (
        "Ship to: 1234 Oak St, Apt 12A, Springfield, IL 62701",
        "1234 Oak St, Apt 12A, Springfield, IL 62701",
    ),
    (
        "She lives at 42 West 5th Avenue, New York, NY 10011.",
        "42 West 5th Avenue, New York, NY 10011",
    ),
    ("Send it to P.O. Box 123, Austin, TX 78701 today.", "P.O. Box 123, Austin, TX 78701"),
    (
        "Our office: 1600 Pennsylvania Avenue NW, Washington, DC 20500",
        "1600 Pennsylvania Avenue NW, Washington, DC 20500",
    ),
    ("Meet me at 221 Baker Street tomorrow.", "221 Baker Street"),
]


@pytest.mark.parametrize(("text", "address"), FOUND)
def test_addresses_found_whole(text: str, address: str) -> None:
    assert found(text) == [address]


ABSENT = [
    "서울에서 만나요. 부산 여행은 즐거웠어요.",
    "강남구 주민 여러분께 알려드립니다.",
    "새로 3개를 샀다. 주로 2시에 만나요. 참고로 828 63 2819 입니다.",
    "서울특별시 강남구에서 행사가 열립니다.",
    "北京是中国的首都，广东省经济发达。",
    "我在上海市工作，朝阳区的房价很高。",
    "We sold 3 Main items at 5 Park locations.",
    "Chapter 12 Street Fighting Man",
    "Version 2 Road Map",
]


@pytest.mark.parametrize("text", ABSENT)
def test_hard_negatives(text: str) -> None:
    assert found(text) == []


def test_gazetteer_structure_scores_high_bare_road_needs_context() -> None:
    [full] = scan_text("서울특별시 강남구 테헤란로 123", entities=["ADDRESS"])
    assert full.score >= 0.9
    assert scan_text("테헤란로 427", entities=["ADDRESS"]) == []
    [road] = scan_text("배송지: 테헤란로 427", entities=["ADDRESS"])
    assert 0.5 <= road.score < full.score


def test_us_street_without_city_is_reported_lower() -> None:
    [street] = scan_text("Meet me at 221 Baker Street tomorrow.", entities=["ADDRESS"])
    [full] = scan_text("Ship to 221 Baker Street, Springfield, IL 62701", entities=["ADDRESS"])
    assert 0.5 <= street.score < full.score


def test_offsets_in_mixed_unicode_text() -> None:
    prefix = "📦🚚 𠜎 배송 안내 — "
    addr = "서울특별시 강남구 테헤란로 123"
    zh = "北京市朝阳区建国路88号"
    text = f"{prefix}{addr} / {zh} / 1 Main St, Boston, MA 02108"
    out = scan_text(text, entities=["ADDRESS"])
    assert [f.text for f in out] == [addr, zh, "1 Main St, Boston, MA 02108"]
    assert out[0].start == len(prefix)
    assert out[1].start == text.index(zh)


def test_address_wins_over_a_name_inside_it() -> None:
    text = "Ship to 12 Oak Dr Austin, TX 78701"
    out = scan_text(text)
    assert [(f.entity, f.text) for f in out] == [(EntityId.ADDRESS, "12 Oak Dr Austin, TX 78701")]


def test_recognizers_compile_alone() -> None:
    assert Engine(addresses.RECOGNIZERS).scan("北京市朝阳区建国路88号")
    for r in addresses.RECOGNIZERS:
        assert r.entity == EntityId.ADDRESS
        assert r.languages and r.languages <= {"ko", "zh", "en"}
