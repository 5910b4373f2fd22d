"""A labelled set of table columns for measuring column classification.

Each column has a header and a sample of values, and a label: the entity it holds,
``qi:<kind>`` for a quasi-identifier, or None. Headers come in four kinds, because
real schemas have all four: *labelled* (주민번호, 身份证号, phone), *unlabelled* (col_7,
field3, c12), *misleading* (a ``phone`` column full of e-mails, a ``memo`` column full of
resident numbers; the label follows the values) and *negative* (personal-sounding or
neutral headers over data that is not personal: order numbers, SKUs, amounts).

Values come from :mod:`jikimi.testing.values` and :mod:`jikimi.testing.lexicon`, which
were written apart from the detectors; every column also carries some blanks and junk
(``-``, ``N/A``) as exported tables do.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from jikimi.testing import lexicon as lx
from jikimi.testing import values as tv

Gen = Callable[[random.Random], str]


@dataclass(frozen=True, slots=True)
class LabelledColumn:
    """A column, what it truly holds, and how its header relates to that."""

    name: str
    values: list[str | None] = field(repr=False)
    label: str | None  # EntityId value, "qi:<kind>", or None
    header_kind: str  # labelled, unlabelled, misleading, negative, protected, free-text


def _dob(rng: random.Random) -> str:
    d = tv.random_date(rng, 1940, 2010)
    return rng.choice([d.isoformat(), d.strftime("%Y/%m/%d"), d.strftime("%Y.%m.%d")])


def _ko_name(rng: random.Random) -> str:
    return lx.korean_name(rng).native


def _zh_name(rng: random.Random) -> str:
    return lx.chinese_name(rng).native


def _en_name(rng: random.Random) -> str:
    return lx.english_name(rng).native


def _email(rng: random.Random) -> str:
    n = rng.choice([lx.korean_name, lx.chinese_name, lx.english_name])(rng)
    local = n.latin.lower().replace(" ", rng.choice([".", "_", ""]))
    if rng.random() < 0.5:
        local += str(rng.randrange(1, 999))
    dom = rng.choice(
        [
            "naver.com",
            "daum.net",
            "gmail.com",
            "qq.com",
            "163.com",
            "example.co.kr",
            "company.cn",
            "outlook.com",
        ]
    )
    return f"{local}@{dom}"


def _order_no(rng: random.Random) -> str:
    return str(rng.randrange(10**12, 10**13))


def _amount(rng: random.Random) -> str:
    return rng.choice([str(rng.randrange(100, 500000)), f"{rng.uniform(1, 9999):.2f}"])


def _timestamp(rng: random.Random) -> str:
    d = tv.random_date(rng, 2019, 2025)
    return (
        f"{d.isoformat()} {rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"
    )


def _sku(rng: random.Random) -> str:
    return f"{rng.choice(['SKU', 'PRD', 'A'])}-{rng.randrange(1000, 99999)}-{rng.choice('ABCXYZ')}"


def _status(rng: random.Random) -> str:
    return rng.choice(["paid", "shipped", "cancelled", "배송중", "결제완료", "已发货", "pending"])


def _product(rng: random.Random) -> str:
    return rng.choice(
        [
            "갤럭시 S24 울트라",
            "아이폰 15 Pro",
            "무선 충전기 15W",
            "노트북 거치대 V2",
            "华为 Mate 60",
            "USB-C 케이블 1m",
            "Galaxy Buds 3",
            "小米 手环 8",
        ]
    )


def _quantity(rng: random.Random) -> str:
    return str(rng.randrange(1, 20))


def _version(rng: random.Random) -> str:
    return f"{rng.randrange(1, 9)}.{rng.randrange(0, 20)}.{rng.randrange(0, 50)}"


def _free_text_plain(rng: random.Random) -> str:
    return rng.choice(
        [
            "배송 전에 문 앞에 놓아 주세요. 감사합니다.",
            "포장을 꼼꼼하게 부탁드립니다, 선물용이에요",
            "请在工作日送货，谢谢配合",
            "Please leave the parcel at the front desk of the building.",
            "The item arrived damaged; requesting a replacement as soon as possible.",
            "재고 확인 후 연락 부탁드립니다 (급하지 않음)",
        ]
    )


def _free_text_pii(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.35:
        return f"고객 요청: 연락처 {tv.phone_kr(rng)} 로 배송 전 전화 바랍니다"
    if r < 0.6:
        return f"본인확인 주민번호 {tv.kr_rrn(rng)} 확인 완료, 상담 종료"
    if r < 0.8:
        return f"请联系收件人，手机 {tv.phone_cn(rng)}，工作日送货"
    return f"Customer asked for a refund; reply to {_email(rng)} within two days."


def _version4(rng: random.Random) -> str:
    parts = (rng.randrange(1, 20), rng.randrange(0, 10), rng.randrange(0, 300), rng.randrange(9999))
    return ".".join(str(p) for p in parts)


def _order_11(rng: random.Random) -> str:
    """Order ids that happen to have the shape of a Chinese mobile number."""
    return f"1{rng.choice('3456789')}{rng.randrange(10**8, 10**9)}"


def _sha256(rng: random.Random) -> str:
    return hashlib.sha256(str(rng.random()).encode()).hexdigest()


def _masked_rrn(rng: random.Random) -> str:
    return tv.kr_rrn(rng)[:8] + "******"


def _masked_phone(rng: random.Random) -> str:
    p = "010-" + f"{rng.randrange(10000):04d}" + "-" + f"{rng.randrange(10000):04d}"
    return p[:4] + "****" + p[8:]


def _age(rng: random.Random) -> str:
    return str(rng.randrange(18, 90))


def _postcode_kr(rng: random.Random) -> str:
    return f"{rng.randrange(1000, 63999):05d}"


def _postcode_cn(rng: random.Random) -> str:
    return f"{rng.randrange(100000, 860000)}"


def _region(rng: random.Random) -> str:
    return rng.choice(
        [
            "서울특별시",
            "경기도",
            "부산광역시",
            "대구광역시",
            "인천광역시",
            "강원도",
            "广东省",
            "北京市",
            "上海市",
            "浙江省",
            "四川省",
            "江苏省",
        ]
    )


def _job(rng: random.Random) -> str:
    return rng.choice(
        [
            "회사원",
            "교사",
            "자영업",
            "공무원",
            "학생",
            "간호사",
            "软件工程师",
            "教师",
            "医生",
            "Engineer",
            "Sales manager",
            "Nurse",
        ]
    )


def _gender(rng: random.Random) -> str:
    return rng.choice(["M", "F"])


def _gender_ko(rng: random.Random) -> str:
    return rng.choice(["남", "여"])


def _gender_zh(rng: random.Random) -> str:
    return rng.choice(["男", "女"])


# (label, generator, labelled headers, unlabelled allowed)
_ENTITIES: tuple[tuple[str, Gen, tuple[str, ...], bool], ...] = (
    ("KR_RRN", tv.kr_rrn, ("주민등록번호", "주민번호", "rrn", "jumin_no"), True),
    ("KR_RRN", lambda r: tv.kr_rrn(r, post2020=True), ("주민번호", "resident_reg_no"), False),
    (
        "KR_FRN",
        lambda r: tv.kr_rrn(r, foreign=True),
        ("외국인등록번호", "alien_registration_no"),
        True,
    ),
    ("KR_PASSPORT", tv.kr_passport, ("여권번호", "passport_no"), False),
    ("KR_DRIVER_LICENSE", tv.kr_driver_licence, ("운전면허번호", "driver_license_no"), False),
    ("KR_BRN", tv.kr_brn, ("사업자등록번호", "business_reg_no"), True),
    ("KR_CORP_REG", tv.kr_corp_reg, ("법인등록번호",), False),
    (
        "KR_BANK_ACCOUNT",
        lambda r: tv.kr_bank_account(r, r.choice(sorted(tv.KR_BANKS))),
        ("계좌번호", "환불계좌"),
        False,
    ),
    (
        "CN_RESIDENT_ID",
        tv.cn_resident_id,
        ("身份证号", "身份证号码", "id_card_no", "证件号码"),
        True,
    ),
    ("CN_USCC", tv.cn_uscc, ("统一社会信用代码", "uscc"), True),
    ("CN_PASSPORT", tv.cn_passport, ("护照号码",), False),
    ("CN_LICENSE_PLATE", tv.cn_plate, ("车牌号", "plate_no"), True),
    ("HK_ID", tv.hk_id, ("香港身份证", "hkid"), True),
    ("TW_ID", tv.tw_id, ("身分證字號", "twid"), True),
    ("JP_MY_NUMBER", tv.jp_my_number, ("マイナンバー", "my_number"), False),
    ("US_SSN", tv.us_ssn, ("ssn", "social_security_number"), False),
    ("PHONE", tv.phone_kr, ("연락처", "휴대폰번호", "phone", "mobile", "tel"), True),
    ("PHONE", tv.phone_cn, ("手机号", "联系电话", "收件人手机", "mobile_no"), True),
    ("EMAIL", _email, ("이메일", "邮箱", "email", "e_mail", "contactEmail"), True),
    ("CREDIT_CARD", tv.card, ("카드번호", "银行卡号", "card_no", "credit_card"), True),
    ("IBAN", tv.iban, ("iban",), True),
    ("IP_ADDRESS", tv.ipv4, ("접속IP", "ip_address", "client_ip", "IP地址"), True),
    ("IP_ADDRESS", tv.ipv6, ("ipv6", "remote_addr"), True),
    ("MAC_ADDRESS", tv.mac, ("mac_address", "MAC地址"), True),
    ("PERSON", _ko_name, ("성명", "이름", "고객명", "예금주", "customer_name"), False),
    ("PERSON", _zh_name, ("姓名", "收件人", "联系人"), False),
    ("PERSON", _en_name, ("full_name", "name", "recipient"), False),
    ("ADDRESS", lx.korean_address, ("주소", "배송지", "address"), False),
    ("ADDRESS", lx.chinese_address, ("收货地址", "地址", "home_address"), False),
    ("ADDRESS", lx.us_address, ("street_address", "shipping_address"), False),
    ("DATE_OF_BIRTH", _dob, ("생년월일", "出生日期", "birth_date", "dob"), False),
)

_QIS: tuple[tuple[str, Gen, tuple[str, ...], bool], ...] = (
    ("qi:gender", _gender, ("gender", "sex"), True),
    ("qi:gender", _gender_ko, ("성별",), True),
    ("qi:gender", _gender_zh, ("性别",), True),
    ("qi:age", _age, ("나이", "年龄", "age"), False),
    ("qi:postcode", _postcode_kr, ("우편번호", "zip_code"), False),
    ("qi:postcode", _postcode_cn, ("邮编", "postcode"), False),
    ("qi:region", _region, ("지역", "省份", "region", "city"), True),
    ("qi:job", _job, ("직업", "职业", "occupation"), False),
)

# (header, generator) pairs whose values are not personal data
_NEGATIVES: tuple[tuple[str, Gen], ...] = (
    ("order_no", _order_no),
    ("주문번호", _order_no),
    ("订单号", _order_no),
    ("amount", _amount),
    ("결제금액", _amount),
    ("金额", _amount),
    ("created_at", _timestamp),
    ("updated_at", _timestamp),
    ("등록일시", _timestamp),
    ("sku", _sku),
    ("상품코드", _sku),
    ("product_name", _product),
    ("상품명", _product),
    ("status", _status),
    ("배송상태", _status),
    ("qty", _quantity),
    ("数量", _quantity),
    ("app_version", _version),
    ("request_id", tv.uuid4),
    ("trace_id", tv.uuid4),
    ("checksum", _sha256),
    ("etag", lambda r: tv.hex_digest(r, 32)),
    ("imei", tv.imei),
    ("isbn", tv.isbn13),
    ("memo", _free_text_plain),
    ("배송메모", _free_text_plain),
    ("备注", _free_text_plain),
    # personal-sounding headers over impersonal values
    ("phone_model", _product),
    ("card_type", lambda r: r.choice(["VISA", "MASTER", "JCB", "BC"])),
    ("name", _product),
    ("주민번호", lambda r: r.choice(["-", "미입력", "N/A", ""])),
    ("email_status", _status),
    ("ip_count", _quantity),
    ("address_verified", lambda r: r.choice(["Y", "N"])),
    ("이름", _sku),
    ("tel_ext", lambda r: str(r.randrange(100, 999))),
)

# Misleading headers: (header, label, generator); the label follows the values.
_MISLEADING: tuple[tuple[str, str, Gen], ...] = (
    ("phone", "EMAIL", _email),
    ("email", "PHONE", tv.phone_kr),
    ("memo", "KR_RRN", tv.kr_rrn),
    ("remark", "CREDIT_CARD", tv.card),
    ("customer_no", "KR_RRN", tv.kr_rrn),
    ("备注", "CN_RESIDENT_ID", tv.cn_resident_id),
    ("fax", "IP_ADDRESS", tv.ipv4),
    ("user_id", "EMAIL", _email),
    ("주문번호", "PHONE", tv.phone_kr),
    ("id", "CN_RESIDENT_ID", tv.cn_resident_id),
    ("code", "TW_ID", tv.tw_id),
    ("account", "EMAIL", _email),
    ("ref", "HK_ID", tv.hk_id),
    ("etc1", "PHONE", tv.phone_cn),
    ("address", "EMAIL", _email),
    ("주민번호", "PHONE", tv.phone_kr),
    ("身份证号", "PHONE", tv.phone_cn),
    ("card_no", "KR_RRN", tv.kr_rrn),
    ("ip", "MAC_ADDRESS", tv.mac),
    ("tracking_no", "CN_RESIDENT_ID", tv.cn_resident_id),
)

_PROTECTED: tuple[tuple[str, str, Gen], ...] = (
    ("주민번호_hash", "KR_RRN", _sha256),
    ("rrn_enc", "KR_RRN", lambda r: tv.hex_digest(r, 64)),
    ("주민등록번호", "KR_RRN", _masked_rrn),
    ("phone_masked", "PHONE", _masked_phone),
    ("身份证号", "CN_RESIDENT_ID", _sha256),
    ("card_no", "CREDIT_CARD", _sha256),
)

_UNLABELLED = ("col_{}", "field{}", "c{}", "attr_{}", "x{}", "data{}", "val_{}", "f_{}")
_JUNK = ("-", "N/A", "", "없음", "null")


def _fill(rng: random.Random, gen: Gen, rows: int, noise: float) -> list[str | None]:
    out: list[str | None] = []
    for _ in range(rows):
        r = rng.random()
        if r < noise / 2:
            out.append(None)
        elif r < noise:
            out.append(rng.choice(_JUNK))
        else:
            out.append(gen(rng))
    return out


def labelled_columns(seed: int = 7, rows: int = 120, noise: float = 0.06) -> list[LabelledColumn]:
    """The evaluation set (about 260 columns), the same for the same seed."""
    rng = random.Random(seed)
    cols: list[LabelledColumn] = []
    n = 0

    def unlabelled() -> str:
        nonlocal n
        n += 1
        return rng.choice(_UNLABELLED).format(n)

    for label, gen, headers, bare in (*_ENTITIES, *_QIS):
        for h in headers:
            cols.append(LabelledColumn(h, _fill(rng, gen, rows, noise), label, "labelled"))
        if bare:
            for _ in range(2):
                cols.append(
                    LabelledColumn(unlabelled(), _fill(rng, gen, rows, noise), label, "unlabelled")
                )
    for h, gen in _NEGATIVES:
        cols.append(LabelledColumn(h, _fill(rng, gen, rows, noise), None, "negative"))
    for label, gen in (
        ("PERSON", _ko_name),
        ("PERSON", _zh_name),
        ("ADDRESS", lx.korean_address),
        ("ADDRESS", lx.chinese_address),
    ):
        cols.append(LabelledColumn(unlabelled(), _fill(rng, gen, rows, noise), label, "unlabelled"))
    for gen in (
        _order_no,
        _amount,
        _timestamp,
        _sku,
        tv.uuid4,
        _quantity,
        _status,
        _version4,
        _order_11,
    ):
        cols.append(LabelledColumn(unlabelled(), _fill(rng, gen, rows, noise), None, "negative"))
    for h, label, gen in _MISLEADING:
        cols.append(LabelledColumn(h, _fill(rng, gen, rows, noise), label, "misleading"))
    for h, label, gen in _PROTECTED:
        cols.append(LabelledColumn(h, _fill(rng, gen, rows, noise), label, "protected"))
    for h in ("상담내용", "comment", "客服记录", "notes"):
        cols.append(LabelledColumn(h, _fill(rng, _free_text_pii, rows, noise), None, "free-text"))
    return cols


def predicted_label(entity: str | None, quasi_identifier: str | None) -> str | None:
    """A classification result in the label vocabulary of :class:`LabelledColumn`."""
    if entity is not None:
        return entity
    return None if quasi_identifier is None else f"qi:{quasi_identifier}"


def precision_recall(
    pairs: list[tuple[str | None, str | None]],
) -> tuple[float, float, list[tuple[str | None, str | None]]]:
    """Micro precision and recall over (truth, predicted) pairs, and the mistakes."""
    tp = fp = fn = 0
    wrong = []
    for truth, pred in pairs:
        if pred is not None and pred == truth:
            tp += 1
            continue
        if pred is not None:
            fp += 1
        if truth is not None:
            fn += 1
        if pred != truth:
            wrong.append((truth, pred))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, wrong
