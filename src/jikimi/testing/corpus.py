"""A seeded generator of labelled documents for evaluating and benchmarking detection.

Documents imitate what jikimi is pointed at: chat exports, courier waybills, support
tickets, server logs, HR records, order confirmations and forms, in Korean, Chinese,
English and mixed text. Each carries exact gold spans ``(start, end, EntityId)``.

Labelling conventions (the evaluation depends on them):

* A span covers the value as printed, separators included (``900101-1234568``,
  ``+82 10-1234-5678``, ``A123456(3)``), never the label or a glued particle
  (``010-1234-5678로`` → the number only).
* PERSON covers the name only, without titles or honorifics (``김민수님`` → ``김민수``,
  ``Mr. John Smith`` → ``John Smith``, ``张伟先生`` → ``张伟``).
* ADDRESS covers the address from its region (or house number) to its unit; a US ZIP
  code is part of it, a Korean postal code printed apart is not.
* DATE_OF_BIRTH is labelled only where the text says it is a birth date.
* Korean corporate registration numbers (법인등록번호) are labelled KR_CORP_REG; they share
  the RRN's shape, so they are also the hardest negatives for KR_RRN.
* Korean bank accounts are KR_BANK_ACCOUNT; other accounts BANK_ACCOUNT. Chinese bank-card
  numbers (银行卡号, UnionPay, Luhn-valid) are CREDIT_CARD.
* Hard negatives are never labelled: order and tracking numbers, Unix and ISO timestamps,
  amounts, ISBNs, versions, UUIDs, hashes, IMEIs, product codes, masked card numbers,
  and identifier-shaped numbers with a wrong check digit and no label.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from jikimi.testing import lexicon as lx
from jikimi.testing import values as vx
from jikimi.types import EntityId as E

LANGUAGES = ("ko", "zh", "en", "mixed")
KINDS = ("chat", "waybill", "ticket", "log", "hr", "order", "form")

Gold = tuple[int, int, E]


@dataclass(frozen=True, slots=True)
class LabelledDoc:
    """A synthetic document and the exact spans of the personal data in it."""

    text: str
    language: str
    kind: str
    spans: tuple[Gold, ...]
    negatives: tuple[tuple[int, int], ...] = ()  # hard-negative ranges: no gold inside

    def values(self) -> list[tuple[E, str]]:
        return [(e, self.text[s:t]) for s, t, e in self.spans]


class V(NamedTuple):
    """A piece of a template: text that is personal data of ``entity`` (None = plain)."""

    text: str
    entity: E | None = None


class _Doc:
    """Appends text and records gold spans at the exact offsets where values land."""

    __slots__ = ("_negatives", "_parts", "_pos", "_spans")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._spans: list[Gold] = []
        self._negatives: list[tuple[int, int]] = []
        self._pos = 0

    def t(self, text: str) -> None:
        self._parts.append(text)
        self._pos += len(text)

    def v(self, text: str, entity: E | None) -> None:
        if entity is not None and text:
            self._spans.append((self._pos, self._pos + len(text), entity))
        self.t(text)

    def neg(self, text: str) -> None:
        """A hard negative: written as plain text, its range remembered for error analysis."""
        self._negatives.append((self._pos, self._pos + len(text)))
        self.t(text)

    def fill(self, template: str, **slots: V | str) -> None:
        """Write ``template`` with ``{name}`` placeholders replaced by ``slots``."""
        for literal, field, _spec, _conv in string.Formatter().parse(template):
            if literal:
                self.t(literal)
            if field is not None:
                val = slots[field]
                if isinstance(val, V):
                    self.v(val.text, val.entity)
                else:
                    self.t(val)

    def build(self, language: str, kind: str) -> LabelledDoc:
        return LabelledDoc(
            "".join(self._parts), language, kind, tuple(self._spans), tuple(self._negatives)
        )


# -- labels -----------------------------------------------------------------------------------

LABELS: dict[E, dict[str, tuple[str, ...]]] = {
    E.KR_RRN: {
        "ko": ("주민등록번호", "주민번호", "주민등록 번호"),
        "en": ("RRN", "Resident registration no."),
        "zh": ("韩国居民登录号", "住民登录号"),
    },
    E.KR_FRN: {
        "ko": ("외국인등록번호", "외국인 등록번호"),
        "en": ("Alien registration no.", "ARC no."),
        "zh": ("外国人登录证号",),
    },
    E.KR_PASSPORT: {
        "ko": ("여권번호", "여권 번호"),
        "en": ("Passport No.", "passport number"),
        "zh": ("护照号",),
    },
    E.KR_DRIVER_LICENSE: {
        "ko": ("운전면허번호", "면허번호", "운전면허 번호"),
        "en": ("Driver's license no.", "Korean driving licence"),
        "zh": ("驾照号",),
    },
    E.KR_BRN: {
        "ko": ("사업자등록번호", "사업자번호"),
        "en": ("Business registration no.", "BRN"),
        "zh": ("营业执照号",),
    },
    E.KR_CORP_REG: {
        "ko": ("법인등록번호", "법인번호"),
        "en": ("Corporate registration no.",),
        "zh": ("法人登记号",),
    },
    E.CN_RESIDENT_ID: {
        "zh": ("身份证号", "身份证号码", "公民身份号码", "证件号码"),
        "ko": ("중국 신분증번호", "신분증 번호"),
        "en": ("PRC ID number", "Chinese ID card no."),
    },
    E.CN_USCC: {
        "zh": ("统一社会信用代码", "信用代码", "纳税人识别号"),
        "en": ("USCC", "Unified social credit code"),
        "ko": ("통일사회신용코드",),
    },
    E.CN_PASSPORT: {
        "zh": ("护照号", "护照号码", "护照/通行证号码"),
        "en": ("Passport No.",),
        "ko": ("여권번호",),
    },
    E.CN_LICENSE_PLATE: {"zh": ("车牌号", "车牌"), "en": ("plate",), "ko": ("차량번호",)},
    E.HK_ID: {
        "zh": ("香港身份证", "香港身份证号码"),
        "en": ("HKID", "HKID No."),
        "ko": ("홍콩 신분증",),
    },
    E.MO_ID: {
        "zh": ("澳门身份证", "澳门居民身份证号码"),
        "en": ("Macau ID", "BIR no."),
        "ko": ("마카오 신분증",),
    },
    E.TW_ID: {
        "zh": ("身分證字號", "台湾身份证号"),
        "en": ("Taiwan ID", "National ID (TW)"),
        "ko": ("대만 신분증번호",),
    },
    E.JP_MY_NUMBER: {
        "en": ("My Number", "Individual Number"),
        "zh": ("个人编号", "日本个人编号"),
        "ko": ("마이넘버",),
    },
    E.US_SSN: {
        "en": ("SSN", "Social Security No.", "social security number"),
        "ko": ("SSN",),
        "zh": ("社会安全号",),
    },
    E.PHONE: {
        "ko": ("연락처", "전화번호", "휴대폰", "핸드폰 번호", "Tel"),
        "zh": ("手机号", "电话", "联系电话", "手机"),
        "en": ("Phone", "Tel", "Mobile", "Cell"),
    },
    E.EMAIL: {
        "ko": ("이메일", "메일", "E-mail"),
        "zh": ("邮箱", "电子邮件", "Email"),
        "en": ("Email", "E-mail"),
    },
    E.CREDIT_CARD: {
        "ko": ("카드번호", "신용카드", "결제카드 번호"),
        "zh": ("银行卡号", "卡号", "信用卡号"),
        "en": ("Card number", "Credit card", "Card no."),
    },
    E.KR_BANK_ACCOUNT: {  # outside Korean text the bank's name says the account is Korean
        "ko": ("계좌번호", "입금계좌", "환불계좌", "신한은행 계좌"),
        "en": ("Shinhan Bank account", "KB Kookmin account no.", "Woori Bank acct"),
        "zh": ("韩国新韩银行账号", "韩国国民银行账户"),
    },
    E.BANK_ACCOUNT: {
        "zh": ("银行账号", "开户账号", "对公账户"),
        "en": ("Account number", "Bank account", "Acct no."),
        "ko": ("계좌번호",),
    },
    E.IBAN: {"en": ("IBAN",), "ko": ("IBAN",), "zh": ("IBAN",)},
    E.IP_ADDRESS: {
        "en": ("IP", "client IP", "remote address"),
        "ko": ("IP 주소", "접속 IP"),
        "zh": ("IP地址", "登录IP"),
    },
    E.MAC_ADDRESS: {"en": ("MAC", "MAC address"), "ko": ("MAC 주소",), "zh": ("MAC地址",)},
    E.DATE_OF_BIRTH: {
        "ko": ("생년월일", "생일"),
        "zh": ("出生日期", "生日"),
        "en": ("DOB", "Date of birth"),
    },
    E.PERSON: {
        "ko": ("성명", "이름", "고객명"),
        "zh": ("姓名", "联系人"),
        "en": ("Name", "Full name"),
    },
    E.ADDRESS: {
        "ko": ("주소", "배송지"),
        "zh": ("地址", "收货地址"),
        "en": ("Address", "Mailing address"),
    },
}

# Identifiers a reader recognises without a label (the rest always come with one).
BARE_OK = frozenset(
    {
        E.KR_RRN,
        E.KR_FRN,
        E.CN_RESIDENT_ID,
        E.CN_USCC,
        E.HK_ID,
        E.TW_ID,
        E.US_SSN,
        E.PHONE,
        E.EMAIL,
        E.CREDIT_CARD,
        E.IBAN,
        E.IP_ADDRESS,
        E.MAC_ADDRESS,
    }
)
LABEL_RATE = 0.7  # share of bare-capable identifiers that still come with a label


# -- sentences ----------------------------------------------------------------------------------

_SAY_LABELLED = {
    "ko": (
        "{L}는 {V}입니다.",
        "{L}: {V} 로 등록 부탁드립니다.",
        "{L} {V} 확인했습니다.",
        "제 {L}가 {V} 맞습니다.",
        "{L}({V}) 변경 요청드려요.",
        "혹시 {L} {V} 로 조회되나요?",
    ),
    "zh": (
        "我的{L}是{V}。",
        "{L}：{V}，请核对。",
        "{L}{V}，麻烦帮忙查一下。",
        "请把{L}改成{V}。",
        "{L}是{V}，谢谢。",
    ),
    "en": (
        "My {L} is {V}.",
        "{L}: {V}",
        "Please update the {L} to {V}.",
        "{L} on file: {V}.",
        "Can you confirm {L} {V}?",
    ),
}
_SAY_BARE = {
    "ko": (
        "{V} 이걸로 처리해 주세요.",
        "참고로 {V} 입니다.",
        "아까 말씀드린 건 {V}예요.",
        "{V} 맞는지 봐주세요.",
    ),
    "zh": ("就是这个：{V}", "{V}，麻烦看一下。", "刚才说的是{V}。", "你核对一下 {V} 对不对"),
    "en": (
        "here it is: {V}",
        "{V} - can you check?",
        "the one I mentioned is {V}.",
        "use {V} please",
    ),
}
_SAY_BARE_BY_ENTITY: dict[E, dict[str, tuple[str, ...]]] = {
    E.PHONE: {
        "ko": ("{V}로 연락주세요.", "급하면 {V} 으로 전화 주세요", "번호 바뀌었어요 {V}"),
        "zh": ("有事打{V}。", "加我微信就是{V}", "你打这个{V}"),
        "en": ("call me at {V}", "reach me on {V} after 6"),
    },
    E.EMAIL: {
        "ko": ("{V}로 회신 부탁드립니다.", "자료는 {V} 으로 보내주세요"),
        "zh": ("发到{V}就行", "资料请发送至{V}。"),
        "en": ("send it to {V}", "cc {V} on the thread"),
    },
}

# PII-free filler, one language each; also the bulk of the benchmark corpus.
FILLER = {
    "ko": (
        "안녕하세요, 문의 주셔서 감사합니다.",
        "확인 후 다시 연락드리겠습니다.",
        "배송은 보통 2~3일 정도 걸립니다.",
        "오늘 회의는 오후 3시로 변경되었습니다.",
        "첨부 파일 확인 부탁드립니다.",
        "불편을 드려 죄송합니다.",
        "재고가 부족하여 출고가 지연되고 있습니다.",
        "다음 주 월요일까지 처리 예정입니다.",
        "로그인 오류는 캐시를 삭제하면 해결되는 경우가 많습니다.",
        "이번 분기 매출은 전년 대비 12% 증가했습니다.",
        "주말에는 상담이 어렵습니다.",
        "네 알겠습니다 감사합니다!",
        "점심 뭐 먹을까요?",
        "서버 점검은 새벽 2시에 진행됩니다.",
        "교환 및 반품은 수령 후 7일 이내에 가능합니다.",
        "회원 등급은 매월 1일에 갱신됩니다.",
    ),
    "zh": (
        "您好，感谢您的咨询。",
        "我们核实后会尽快回复您。",
        "快递一般三天内送达。",
        "今天下午三点开会，请准时参加。",
        "请查收附件。",
        "给您带来不便，深表歉意。",
        "库存不足，发货会稍有延迟。",
        "预计下周一之前处理完毕。",
        "登录异常可以尝试清除缓存。",
        "本季度销售额同比增长百分之十二。",
        "周末客服暂停服务。",
        "好的，收到，谢谢！",
        "中午吃什么？",
        "系统维护时间为凌晨两点。",
        "签收后七天内可以申请退换货。",
        "会员等级每月一号更新。",
    ),
    "en": (
        "Thanks for reaching out.",
        "We will get back to you after checking.",
        "Delivery usually takes 2-3 days.",
        "The meeting has moved to 3 pm.",
        "Please find the attachment.",
        "Sorry for the inconvenience.",
        "The item is back-ordered and will ship late.",
        "We expect to resolve this by Monday.",
        "Clearing the cache usually fixes the login error.",
        "Revenue grew 12% year over year this quarter.",
        "Support is closed on weekends.",
        "Sounds good, thanks!",
        "Lunch at noon?",
        "Maintenance starts at 2 am UTC.",
        "Returns are accepted within 30 days of delivery.",
        "Membership tiers refresh on the 1st of each month.",
    ),
}


# -- people -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Persona:
    locale: str  # kr, cn, us, hk, tw, jp
    name: lx.Name
    phone: str
    email: str
    address: str
    born: date


_EMAIL_DOMAINS = {
    "kr": (
        "naver.com",
        "naver.com",
        "daum.net",
        "hanmail.net",
        "kakao.com",
        "gmail.com",
        "nate.com",
    ),
    "cn": (
        "qq.com",
        "qq.com",
        "163.com",
        "126.com",
        "sina.com",
        "foxmail.com",
        "aliyun.com",
        "gmail.com",
    ),
    "us": ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com", "proton.me"),
}
_WORK_DOMAINS = (
    "hanbit-corp.co.kr",
    "daeyang.kr",
    "huaxin-tech.cn",
    "acme-logistics.com",
    "northwind.io",
)


def _ip(rng: random.Random) -> str:
    return vx.ipv4(rng) if rng.random() < 0.8 else vx.ipv6(rng)


class _Gen:
    """Values, labels and people drawn from one seeded random stream."""

    def __init__(self, rng: random.Random, *, mixed: bool = False) -> None:
        self.rng = rng
        self.mixed = mixed

    # people
    def persona(self, locale: str, lang: str = "") -> Persona:
        rng = self.rng
        if locale == "kr":
            name, phone, addr = lx.korean_name(rng), vx.phone_kr(rng), lx.korean_address(rng)
        elif locale in ("cn", "hk", "tw"):
            name, addr = lx.chinese_name(rng), lx.chinese_address(rng)
            phone = vx.phone_cn(rng) if locale == "cn" else vx.phone_intl(rng, locale)
        else:
            name, phone, addr = lx.english_name(rng), vx.phone_us(rng), lx.us_address(rng)
            if locale == "jp":
                phone = vx.phone_intl(rng)
        if lang == "en" and not self.mixed:
            addr = lx.us_address(rng)  # Korean or Chinese people living in the US
        born = vx.random_date(rng, 1950, 2008)
        return Persona(locale, name, phone, self.email_for(name, locale, born), addr, born)

    def email_for(self, name: lx.Name, locale: str, born: date) -> str:
        rng = self.rng
        given, family = name.latin.lower().split(" ", 1)
        family = family.replace(" ", "")
        domain = rng.choice(_EMAIL_DOMAINS.get(locale, _EMAIL_DOMAINS["us"]))
        if rng.random() < 0.12:
            domain = rng.choice(_WORK_DOMAINS)
        if domain == "qq.com" and rng.random() < 0.6:
            return f"{rng.randrange(10000, 3_000_000_000)}@qq.com"
        local = rng.choice(
            [
                f"{given}.{family}",
                f"{family}{given}{born.year % 100:02d}",
                f"{given}{rng.randrange(100)}",
                f"{given[0]}{family}",
                f"{given}_{family}{born.year}",
                f"{family}.{given}",
            ]
        )
        return f"{local}@{domain}"

    def name_of(self, p: Persona, lang: str) -> str:
        """The name as this document's language writes it."""
        if lang == "en" and p.name.script in ("ko", "zh") and not self.mixed:
            return p.name.latin
        return p.name.native

    def locale_for(self, lang: str) -> str:
        rng = self.rng
        if self.mixed:
            return rng.choice(["kr", "cn", "us", "kr", "cn"])
        if lang == "ko":
            return rng.choices(["kr", "us"], weights=[92, 8])[0]
        if lang == "zh":
            return rng.choices(["cn", "hk", "tw"], weights=[84, 8, 8])[0]
        return rng.choices(["us", "kr", "cn", "jp"], weights=[70, 12, 12, 6])[0]

    def dob(self, born: date, lang: str) -> str:
        y, m, d = born.year, born.month, born.day
        opts = {
            "ko": [
                f"{y}-{m:02d}-{d:02d}",
                f"{y}.{m:02d}.{d:02d}",
                f"{y}년 {m}월 {d}일",
                f"{y}. {m}. {d}.",
            ],
            "zh": [
                f"{y}-{m:02d}-{d:02d}",
                f"{y}年{m}月{d}日",
                f"{y}/{m:02d}/{d:02d}",
                f"{y}.{m:02d}.{d:02d}",
            ],
            "en": [
                f"{y}-{m:02d}-{d:02d}",
                born.strftime("%B ") + f"{d}, {y}",
                f"{m:02d}/{d:02d}/{y}",
                f"{d} " + born.strftime("%b %Y"),
            ],
        }
        return self.rng.choice(opts[lang])

    # identifiers
    def ident(self, entity: E, locale: str = "", born: date | None = None) -> str:
        """A value of ``entity``; national ids encode ``born`` when they carry a birth date."""
        rng = self.rng
        fn: Callable[[random.Random], str]
        if entity is E.KR_RRN:
            return vx.kr_rrn(rng, post2020=rng.random() < 0.15, born=born)
        if entity is E.KR_FRN:
            return vx.kr_rrn(rng, foreign=True, born=born)
        if entity is E.CN_RESIDENT_ID:
            return vx.cn_resident_id(rng, old15=rng.random() < 0.08, born=born)
        if entity is E.PHONE:
            return {"kr": vx.phone_kr, "cn": vx.phone_cn, "us": vx.phone_us}.get(
                locale, vx.phone_intl
            )(rng)
        if entity is E.KR_BANK_ACCOUNT:
            bank = rng.choice(list(vx.KR_BANKS))
            return vx.kr_bank_account(rng, bank)
        if entity is E.BANK_ACCOUNT:
            n = (
                rng.choice([10, 12, 14, 16, 17, 19])
                if locale == "cn"
                else rng.choice([8, 9, 10, 12])
            )
            return vx.luhn_invalid(rng, str(rng.randrange(1, 10)), n)
        fn = {
            E.KR_PASSPORT: vx.kr_passport,
            E.KR_DRIVER_LICENSE: vx.kr_driver_licence,
            E.KR_BRN: vx.kr_brn,
            E.KR_CORP_REG: vx.kr_corp_reg,
            E.CN_USCC: vx.cn_uscc,
            E.CN_PASSPORT: vx.cn_passport,
            E.CN_LICENSE_PLATE: vx.cn_plate,
            E.HK_ID: vx.hk_id,
            E.MO_ID: vx.mo_id,
            E.TW_ID: vx.tw_id,
            E.JP_MY_NUMBER: vx.jp_my_number,
            E.US_SSN: vx.us_ssn,
            E.CREDIT_CARD: vx.card,
            E.IBAN: vx.iban,
            E.MAC_ADDRESS: vx.mac,
            E.IP_ADDRESS: _ip,
        }[entity]
        return fn(rng)

    def label(self, entity: E, lang: str) -> str:
        by_lang = LABELS[entity]
        if self.mixed and self.rng.random() < 0.4:
            lang = "en"
        return self.rng.choice(by_lang.get(lang) or by_lang["en"])

    def national_id(self, locale: str) -> E:
        return {
            "kr": E.KR_RRN,
            "cn": E.CN_RESIDENT_ID,
            "us": E.US_SSN,
            "hk": E.HK_ID,
            "tw": E.TW_ID,
            "jp": E.JP_MY_NUMBER,
        }[locale]

    # hard negatives
    def negative(self, lang: str) -> str:
        """A sentence or field with numbers that look like, but are not, personal data."""
        rng = self.rng

        def n(lo: int, hi: int) -> int:
            return rng.randrange(lo, hi)

        ts = f"{n(1_600_000_000, 1_800_000_000)}"
        day = f"{n(2019, 2027)}-{n(1, 13):02d}-{n(1, 29):02d}"
        clock = f"{n(0, 24):02d}:{n(0, 60):02d}"
        d4 = [f"{n(1000, 10000)}" for _ in range(4)]
        version = f"{n(1, 9)}.{n(0, 10)}.{n(0, 10)}.{n(0, 100)}"
        options: dict[str, list[str]] = {
            "ko": [
                f"주문번호: {day.replace('-', '')}{n(0, 10**7):07d}",
                f"주문번호 {day[2:].replace('-', '')}-{n(0, 10**7):07d}",
                f"운송장번호 {n(10**11, 10**12)}",
                f"운송장번호: {d4[0]}-{d4[1]}-{d4[2]}",
                f"결제금액 ₩{n(1000, 3_000_000):,}",
                f"합계 {n(1000, 900_000):,}원",
                f"모델명 SM-S{n(900, 999)}N, 펌웨어 v{n(1, 20)}.{n(0, 10)}.{n(0, 100)}",
                f"상품코드 M{d4[0]}A{d4[1]}",
                f"IMEI: {vx.imei(rng)}",
                f"ISBN {vx.isbn13(rng)}",
                f"결제카드 {rng.choice('45')}{n(100, 999)}-****-****-{d4[3]}",
                f"참조번호 {vx.luhn_invalid(rng, '4', 16)}",
                f"접수일 {day}",
                f"처리 완료 {day} {clock}",
            ],
            "zh": [
                f"订单号：{day.replace('-', '')}{n(0, 10**10):010d}",
                f"订单编号 {n(10**17, 10**18)}",
                f"运单号：SF{n(10**12, 10**13)}",
                f"快递单号 JDVA{n(10**10, 10**11)}",
                f"实付款 ¥{n(10, 99999):,}.{n(0, 100):02d}",
                f"合计{n(10, 9999)}元",
                f"商品编码 {n(10**11, 10**12)}",
                f"IMEI：{vx.imei(rng)}",
                f"参考编号 {vx.cn_id_bad_check(rng)}",
                f"版本号 {version}",
                f"下单时间 {day} {clock}:{n(0, 60):02d}",
                f"批次号 {vx.tw_id_bad_check(rng)}",
            ],
            "en": [
                f"Order #{n(100, 999)}-{n(10**6, 10**7)}-{n(10**6, 10**7)}",
                f"Order No. {n(10**7, 10**8)}",
                f"Tracking: 1Z{n(10**15, 10**16)}",
                f"USPS tracking 9400 {' '.join(d4)} {n(10, 99)}",
                f"Total: ${n(1, 5000):,}.{n(0, 100):02d}",
                f"ISBN {vx.isbn13(rng)}",
                f"build {n(10, 12)}.0.{n(19000, 23000)}.{n(1000, 3000)}",
                f"version {version}",
                f"request id {vx.uuid4(rng)}",
                f"commit {vx.hex_digest(rng, 40)}",
                f"ts={ts}",
                f"ts_ms={ts}{n(0, 1000):03d}",
                f"Ref {vx.jp_my_number_bad_check(rng)}",
                f"case {vx.luhn_invalid(rng, '5', 16)}",
                f"SKU M{d4[0]}A{d4[1]}",
                f"v{n(1, 20)}.{n(0, 10)}.{n(0, 30000)}",
            ],
        }
        return rng.choice(options[lang])

    def filler(self, lang: str) -> str:
        return self.rng.choice(FILLER[lang])


# -- rendering facts --------------------------------------------------------------------------


def _form_line(g: _Gen, b: _Doc, lang: str, label: str, value: V) -> None:
    sep = g.rng.choice(["：", ": ", "："] if lang == "zh" else [": ", ": ", " : ", "\t"])
    b.fill("{L}{S}{V}\n", L=label, S=sep, V=value)


def _say(g: _Gen, b: _Doc, lang: str, entity: E, value: str, *, bare_ok: bool = True) -> None:
    """One sentence carrying ``value``: with a label, or bare where a reader would still
    know the value for what it is."""
    rng = g.rng
    labelled = not (bare_ok and entity in BARE_OK) or rng.random() < LABEL_RATE
    if labelled:
        tpl = rng.choice(_SAY_LABELLED[lang])
        b.fill(tpl, L=g.label(entity, lang), V=V(value, entity))
    else:
        tpl = rng.choice(_SAY_BARE_BY_ENTITY.get(entity, _SAY_BARE)[lang])
        b.fill(tpl, V=V(value, entity))


def _fact_entities(lang: str, locale: str) -> list[E]:
    common = [E.PHONE, E.EMAIL, E.CREDIT_CARD, E.PHONE, E.EMAIL]
    by_locale = {
        "kr": [E.KR_RRN, E.KR_RRN, E.KR_FRN, E.KR_PASSPORT, E.KR_DRIVER_LICENSE, E.KR_BANK_ACCOUNT],
        "cn": [
            E.CN_RESIDENT_ID,
            E.CN_RESIDENT_ID,
            E.CN_PASSPORT,
            E.CN_LICENSE_PLATE,
            E.BANK_ACCOUNT,
        ],
        "hk": [E.HK_ID, E.HK_ID, E.MO_ID, E.CN_PASSPORT],
        "tw": [E.TW_ID, E.TW_ID],
        "jp": [E.JP_MY_NUMBER, E.JP_MY_NUMBER, E.IBAN],
        "us": [E.US_SSN, E.US_SSN, E.IBAN, E.BANK_ACCOUNT],
    }
    return common + by_locale[locale]


def _emit_fact(g: _Gen, b: _Doc, lang: str, p: Persona) -> None:
    entity = g.rng.choice(_fact_entities(lang, p.locale))
    if entity is E.BANK_ACCOUNT and lang == "ko":
        entity = E.KR_BANK_ACCOUNT  # an account quoted in Korean text is taken as Korean
    if entity is E.PHONE:
        value = p.phone
    elif entity is E.EMAIL:
        value = p.email
    elif entity is E.CREDIT_CARD and p.locale == "cn":
        value = vx.card(g.rng, "unionpay")
    elif entity is E.KR_RRN:
        post2020 = g.rng.random() < 0.15
        value = vx.kr_rrn(g.rng, post2020=post2020, born=p.born)
        _say(g, b, lang, entity, value, bare_ok=not post2020)  # random tails need a label
        return
    elif entity is E.CN_RESIDENT_ID:
        value = g.ident(entity, p.locale, p.born)
        _say(g, b, lang, entity, value, bare_ok=len(value) == 18)  # 15 digits: no check digit
        return
    else:
        value = g.ident(entity, p.locale, p.born)
    _say(g, b, lang, entity, value)


def _emit_name(g: _Gen, b: _Doc, lang: str, p: Persona) -> None:
    """A person's name in a natural sentence, with or without an honorific or a label."""
    name = V(g.name_of(p, lang), E.PERSON)
    rng = g.rng
    if lang == "ko" or (lang != "en" and p.name.script == "ko"):
        tpl = rng.choice(
            [
                "{N}님 안녕하세요.",
                "{N} 고객님, 요청하신 건 처리되었습니다.",
                "담당자는 {N} 과장입니다.",
                "어제 {N}가 다녀갔어요.",
                "{N} 씨에게 전달 부탁드립니다.",
                "성명: {N}",
                "보내는 사람 {N}",
                "{N}입니다. 문의드릴 게 있어요.",
            ]
        )
    elif lang == "zh":
        tpl = rng.choice(
            [
                "{N}先生您好。",
                "{N}女士，您的问题已处理。",
                "联系人：{N}",
                "我是{N}，想咨询一下。",
                "负责人{N}已确认。",
                "麻烦转告{N}一声。",
                "姓名：{N}",
            ]
        )
    else:
        tpl = rng.choice(
            [
                "Hi {N},",
                "Dear {N},",
                "Mr. {N} called about the refund.",
                "{N} approved the request.",
                "Name: {N}",
                "Please forward this to {N}.",
                "Thanks, {N}",
            ]
        )
    if "{N}가" in tpl and _has_final_consonant(name.text):
        tpl = tpl.replace("{N}가", "{N}이")  # 김소건이, 이지아가: the particle follows the sound
    b.fill(tpl, N=name)


def _has_final_consonant(word: str) -> bool:
    """Whether the last syllable of a Hangul word ends in a consonant (받침)."""
    last = word[-1:]
    return "가" <= last <= "힣" and (ord(last) - ord("가")) % 28 != 0


def _emit_address(g: _Gen, b: _Doc, lang: str, p: Persona) -> None:
    addr = V(p.address, E.ADDRESS)
    rng = g.rng
    if lang == "ko":
        tpl = rng.choice(
            [
                "주소는 {A} 입니다.",
                "배송지: {A}",
                "{A}로 보내주세요.",
                "이사해서 주소가 {A}로 바뀌었어요.",
            ]
        )
    elif lang == "zh":
        tpl = rng.choice(["地址：{A}", "寄到{A}，谢谢。", "收货地址是{A}。", "我搬家了，新地址{A}"])
    else:
        tpl = rng.choice(
            ["Address: {A}", "Ship to {A}.", "I moved to {A} last month.", "mailing address {A}"]
        )
    b.fill(tpl, A=addr)


# -- document kinds ---------------------------------------------------------------------------


def _chat(g: _Gen, b: _Doc, lang: str) -> None:
    rng = g.rng
    people = [g.persona(g.locale_for(lang), lang) for _ in range(2)]
    for i in range(rng.randrange(4, 9)):
        p = people[i % 2]
        h, m = rng.randrange(8, 23), rng.randrange(60)
        speaker = V(g.name_of(p, lang), E.PERSON)
        if lang == "ko":
            b.fill(
                "[{T}] {S} : ", T=f"오{'전' if h < 12 else '후'} {h % 12 or 12}:{m:02d}", S=speaker
            )
        elif lang == "zh":
            b.fill("{S} {T}\n", S=speaker, T=f"{h:02d}:{m:02d}")
        else:
            b.fill("{S}  {T}\n", S=speaker, T=f"{h % 12 or 12}:{m:02d} {'AM' if h < 12 else 'PM'}")
        r = rng.random()
        if r < 0.35:
            _emit_fact(g, b, lang, p)
        elif r < 0.45:
            _emit_address(g, b, lang, p)
        elif r < 0.55:
            _emit_name(g, b, lang, people[(i + 1) % 2])
        elif r < 0.65:
            b.neg(g.negative(lang))
        else:
            b.t(g.filler(lang))
        b.t("\n")


_WAYBILL = {
    "ko": (
        "[택배 운송장]",
        "보내는 분",
        "받는 분",
        "배송메모",
        ("문 앞에 놓아주세요", "부재 시 경비실에 맡겨주세요"),
    ),
    "zh": ("【快递面单】", "寄件人", "收件人", "备注", ("放快递柜", "送货前电话联系")),
    "en": (
        "SHIPPING LABEL",
        "From",
        "Ship to",
        "Notes",
        ("Leave at front door", "Signature required"),
    ),
}


def _waybill(g: _Gen, b: _Doc, lang: str) -> None:
    rng = g.rng
    title, sender_l, recv_l, memo_l, memos = _WAYBILL[lang]
    b.t(title + "\n")
    b.neg(g.negative(lang))
    b.t("\n")
    for role in (sender_l, recv_l):
        p = g.persona(g.locale_for(lang), lang)
        b.fill("{R}: {N}", R=role, N=V(g.name_of(p, lang), E.PERSON))
        b.fill(" / {P}\n", P=V(p.phone, E.PHONE)) if rng.random() < 0.5 else b.fill(
            "\n{L}: {P}\n", L=g.label(E.PHONE, lang), P=V(p.phone, E.PHONE)
        )
        _form_line(g, b, lang, g.label(E.ADDRESS, lang), V(p.address, E.ADDRESS))
    if rng.random() < 0.6:
        b.neg(g.negative(lang))
        b.t("\n")
    b.fill("{M}: {T}\n", M=memo_l, T=rng.choice(memos))


_TICKET = {
    "ko": (
        "[상담 티켓 #{n}] {s}",
        ("환불 요청", "결제 오류", "회원 정보 변경", "배송 지연 문의"),
        "문의 내용:",
        "상담원 답변:",
    ),
    "zh": (
        "【工单 #{n}】{s}",
        ("退款申请", "支付失败", "修改会员信息", "物流延迟"),
        "问题描述：",
        "客服回复：",
    ),
    "en": (
        "[Ticket #{n}] {s}",
        ("Refund request", "Payment failed", "Update account details", "Late delivery"),
        "Description:",
        "Agent reply:",
    ),
}


def _ticket(g: _Gen, b: _Doc, lang: str) -> None:
    rng = g.rng
    head, subjects, desc, reply = _TICKET[lang]
    b.t(head.format(n=rng.randrange(10000, 999999), s=rng.choice(subjects)) + "\n")
    p = g.persona(g.locale_for(lang), lang)
    _form_line(g, b, lang, g.label(E.PERSON, lang), V(g.name_of(p, lang), E.PERSON))
    if rng.random() < 0.7:
        _form_line(g, b, lang, g.label(E.PHONE, lang), V(p.phone, E.PHONE))
    b.t(desc + "\n")
    b.t(g.filler(lang) + " ")
    for _ in range(rng.randrange(1, 4)):
        r = rng.random()
        if r < 0.7:
            _emit_fact(g, b, lang, p)
        elif r < 0.85:
            _emit_address(g, b, lang, p)
        else:
            b.neg(g.negative(lang))
        b.t(" ")
    b.t("\n" + reply + " " + g.filler(lang) + " ")
    agent = g.persona(g.locale_for(lang), lang)
    _emit_name(g, b, lang, agent)
    b.t("\n")


_LOG_MSG = {
    "ko": ("로그인 성공", "로그인 실패: 비밀번호 불일치", "회원정보 조회", "결제 요청 수신"),
    "zh": ("用户登录成功", "登录失败：密码错误", "查询用户信息", "收到支付请求"),
    "en": ("login ok", "login failed: bad password", "profile lookup", "payment request received"),
}


def _log(g: _Gen, b: _Doc, lang: str) -> None:
    rng = g.rng
    svc = rng.choice(["auth", "api-gw", "billing", "profile", "nginx"])
    for _ in range(rng.randrange(4, 10)):
        stamp = (
            f"{rng.randrange(2023, 2027)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T"
            f"{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}.{rng.randrange(1000):03d}Z"
        )
        level = rng.choice(["INFO", "INFO", "WARN", "ERROR", "DEBUG"])
        b.t(f"{stamp} {level} [{svc}] {rng.choice(_LOG_MSG[lang])} ")
        ip = g.ident(E.IP_ADDRESS)
        if rng.random() < 0.85:
            key = rng.choice(["ip=", "client_ip=", "remote_addr=", "src="])
            if ":" in ip:
                b.fill(
                    "{K}[{V}]:{P} ", K=key, V=V(ip, E.IP_ADDRESS), P=str(rng.randrange(1024, 65535))
                )
            else:
                b.fill("{K}{V} ", K=key, V=V(ip, E.IP_ADDRESS))
        else:
            b.fill("{V} - - ", V=V(ip, E.IP_ADDRESS))
        r = rng.random()
        if r < 0.3:
            p = g.persona(g.locale_for(lang), lang)
            b.fill("email={V} ", V=V(p.email, E.EMAIL))
        elif r < 0.4:
            b.fill("mac={V} ", V=V(vx.mac(rng), E.MAC_ADDRESS))
        elif r < 0.48:
            p = g.persona(rng.choice(["kr", "cn", "us"]))
            b.fill("phone={V} ", V=V(p.phone, E.PHONE))
        elif r < 0.52:
            b.fill("card_no={V} ", V=V(vx.card(rng), E.CREDIT_CARD))
        b.t(f"req={vx.uuid4(rng)} dur={rng.randrange(1, 3000)}ms")
        if rng.random() < 0.3:
            b.t(" ")
            b.neg(g.negative("en"))
        b.t("\n")


_HR = {
    "ko": ("인사기록카드", "급여계좌", "비상연락처", "입사일"),
    "zh": ("员工档案", "工资卡", "紧急联系人", "入职日期"),
    "en": ("EMPLOYEE RECORD", "Direct deposit", "Emergency contact", "Start date"),
}


def _hr(g: _Gen, b: _Doc, lang: str) -> None:
    rng = g.rng
    title, pay_l, emerg_l, start_l = _HR[lang]
    p = g.persona(g.locale_for(lang), lang)
    b.t(f"{title}\n")
    _form_line(g, b, lang, g.label(E.PERSON, lang), V(g.name_of(p, lang), E.PERSON))
    _form_line(g, b, lang, g.label(E.DATE_OF_BIRTH, lang), V(g.dob(p.born, lang), E.DATE_OF_BIRTH))
    nid = g.national_id(p.locale)
    if nid is E.KR_RRN and rng.random() < 0.15:
        nid = E.KR_FRN
    _form_line(g, b, lang, g.label(nid, lang), V(g.ident(nid, p.locale, p.born), nid))
    _form_line(g, b, lang, g.label(E.ADDRESS, lang), V(p.address, E.ADDRESS))
    _form_line(g, b, lang, g.label(E.PHONE, lang), V(p.phone, E.PHONE))
    _form_line(g, b, lang, g.label(E.EMAIL, lang), V(p.email, E.EMAIL))
    if p.locale == "kr":
        bank = rng.choice(list(vx.KR_BANKS))
        bank_txt = bank if lang != "en" else vx.KR_BANKS[bank]
        b.fill(
            "{L}: {B} {V}\n",
            L=pay_l,
            B=bank_txt,
            V=V(vx.kr_bank_account(rng, bank), E.KR_BANK_ACCOUNT),
        )
    elif p.locale == "cn":
        b.fill(
            "{L}: {B} {V}\n",
            L=pay_l,
            B=rng.choice(["招商银行", "工商银行", "建设银行"]),
            V=V(vx.card(rng, "unionpay"), E.CREDIT_CARD),
        )
    elif rng.random() < 0.5:
        b.fill(
            "{L}: {A} {V} (routing ",
            L=pay_l,
            A=g.label(E.BANK_ACCOUNT, lang),
            V=V(g.ident(E.BANK_ACCOUNT, "us"), E.BANK_ACCOUNT),
        )
        b.neg(rng.choice(["021000021", "026009593", "121000358"]))  # a bank's, not a person's
        b.t(")\n")
    else:
        b.fill("{L}: IBAN {V}\n", L=pay_l, V=V(vx.iban(rng), E.IBAN))
    if rng.random() < 0.4:
        pid = {"kr": E.KR_PASSPORT, "cn": E.CN_PASSPORT}.get(p.locale)
        if pid is not None:
            _form_line(g, b, lang, g.label(pid, lang), V(g.ident(pid), pid))
    if p.locale == "kr" and rng.random() < 0.3:
        _form_line(
            g,
            b,
            lang,
            g.label(E.KR_DRIVER_LICENSE, lang),
            V(vx.kr_driver_licence(rng), E.KR_DRIVER_LICENSE),
        )
    hired = vx.random_date(rng, 2010, 2025)
    b.t(f"{start_l}: {hired.isoformat()}\n")
    e = g.persona(p.locale, lang)
    b.fill("{L}: {N} ({P})\n", L=emerg_l, N=V(g.name_of(e, lang), E.PERSON), P=V(e.phone, E.PHONE))


_ORDER = {
    "ko": ("주문이 완료되었습니다.", "받는 분", "배송지", "결제수단"),
    "zh": ("您的订单已提交成功。", "收货人", "收货地址", "支付方式"),
    "en": ("Thank you for your order!", "Recipient", "Shipping address", "Payment"),
}


def _order(g: _Gen, b: _Doc, lang: str) -> None:
    rng = g.rng
    title, recv_l, addr_l, pay_l = _ORDER[lang]
    p = g.persona(g.locale_for(lang), lang)
    b.t(title + "\n")
    for _ in range(rng.randrange(2, 4)):
        b.neg(g.negative(lang))
        b.t("\n")
    _form_line(g, b, lang, recv_l, V(g.name_of(p, lang), E.PERSON))
    _form_line(g, b, lang, addr_l, V(p.address, E.ADDRESS))
    _form_line(g, b, lang, g.label(E.PHONE, lang), V(p.phone, E.PHONE))
    if rng.random() < 0.5:
        _form_line(g, b, lang, g.label(E.EMAIL, lang), V(p.email, E.EMAIL))
    if rng.random() < 0.25:  # a full card number where only a masked one belongs
        brand = "unionpay" if p.locale == "cn" else None
        _form_line(g, b, lang, pay_l, V(vx.card(rng, brand), E.CREDIT_CARD))
    else:
        b.t(f"{pay_l}: **** **** **** {rng.randrange(1000, 9999)}\n")


def _form(g: _Gen, b: _Doc, lang: str) -> None:
    rng = g.rng
    if rng.random() < 0.4:  # a company registration form
        p = g.persona(g.locale_for(lang), lang)
        heads = {"ko": "사업자 정보", "zh": "企业信息登记表", "en": "Vendor registration"}
        b.t(heads[lang] + "\n")
        rep = {"ko": "대표자", "zh": "法定代表人", "en": "Representative"}[lang]
        _form_line(g, b, lang, rep, V(g.name_of(p, lang), E.PERSON))
        if p.locale == "kr":
            _form_line(g, b, lang, g.label(E.KR_BRN, lang), V(vx.kr_brn(rng), E.KR_BRN))
            if rng.random() < 0.6:
                _form_line(
                    g, b, lang, g.label(E.KR_CORP_REG, lang), V(vx.kr_corp_reg(rng), E.KR_CORP_REG)
                )
        elif p.locale == "cn":
            _form_line(g, b, lang, g.label(E.CN_USCC, lang), V(vx.cn_uscc(rng), E.CN_USCC))
            if rng.random() < 0.4:
                _form_line(
                    g,
                    b,
                    lang,
                    g.label(E.BANK_ACCOUNT, lang),
                    V(g.ident(E.BANK_ACCOUNT, "cn"), E.BANK_ACCOUNT),
                )
        else:
            # an employer number identifies a company, not a person: plain text
            ein = f"{rng.randrange(10, 99)}-{rng.randrange(10**6, 10**7)}"
            _form_line(g, b, lang, "EIN", V(ein))
        _form_line(g, b, lang, g.label(E.ADDRESS, lang), V(p.address, E.ADDRESS))
        _form_line(g, b, lang, g.label(E.PHONE, lang), V(p.phone, E.PHONE))
        return
    p = g.persona(g.locale_for(lang), lang)
    heads = {"ko": "회원가입 신청서", "zh": "个人信息登记表", "en": "APPLICATION FORM"}
    b.t(heads[lang] + "\n")
    _form_line(g, b, lang, g.label(E.PERSON, lang), V(g.name_of(p, lang), E.PERSON))
    _form_line(g, b, lang, g.label(E.DATE_OF_BIRTH, lang), V(g.dob(p.born, lang), E.DATE_OF_BIRTH))
    nid = g.national_id(p.locale)
    _form_line(g, b, lang, g.label(nid, lang), V(g.ident(nid, p.locale, p.born), nid))
    _form_line(g, b, lang, g.label(E.PHONE, lang), V(p.phone, E.PHONE))
    _form_line(g, b, lang, g.label(E.EMAIL, lang), V(p.email, E.EMAIL))
    _form_line(g, b, lang, g.label(E.ADDRESS, lang), V(p.address, E.ADDRESS))
    if rng.random() < 0.3:
        _form_line(g, b, lang, g.label(E.MAC_ADDRESS, lang), V(vx.mac(rng), E.MAC_ADDRESS))
    if p.locale == "cn" and rng.random() < 0.4:
        _form_line(
            g, b, lang, g.label(E.CN_LICENSE_PLATE, lang), V(vx.cn_plate(rng), E.CN_LICENSE_PLATE)
        )
    b.neg(g.negative(lang))
    b.t("\n")


_KIND_FN: dict[str, Callable[[_Gen, _Doc, str], None]] = {
    "chat": _chat,
    "waybill": _waybill,
    "ticket": _ticket,
    "log": _log,
    "hr": _hr,
    "order": _order,
    "form": _form,
}


# -- public API -------------------------------------------------------------------------------


def generate_doc(rng: random.Random, language: str, kind: str) -> LabelledDoc:
    """One document of ``kind`` in ``language`` (ko, zh, en or mixed)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    if kind not in _KIND_FN:
        raise ValueError(f"unknown document kind {kind!r}; expected one of {', '.join(KINDS)}")
    b = _Doc()
    if language == "mixed":
        g = _Gen(rng, mixed=True)
        base = rng.choice(["ko", "zh", "en"])
        _KIND_FN[kind](g, b, base)
        second = rng.choice([x for x in ("ko", "zh", "en") if x != base])
        b.t("\n")
        _KIND_FN[rng.choice(["chat", "log", "ticket"])](g, b, second)
    else:
        _KIND_FN[kind](_Gen(rng), b, language)
    return b.build(language, kind)


def generate_docs(
    n: int, seed: int = 0, *, languages: tuple[str, ...] = LANGUAGES, kinds: tuple[str, ...] = KINDS
) -> list[LabelledDoc]:
    """``n`` documents, cycling through languages and kinds; same seed, same documents."""
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        lang = languages[i % len(languages)]
        kind = kinds[(i // len(languages)) % len(kinds)]
        docs.append(generate_doc(rng, lang, kind))
    return docs


def iter_filler(rng: random.Random, lang: str) -> Iterator[str]:
    """Endless PII-free paragraphs (with a few hard negatives) in ``lang``."""
    g = _Gen(rng)
    while True:
        parts = [g.filler(lang) for _ in range(rng.randrange(3, 8))]
        if rng.random() < 0.3:
            neg = g.negative(lang) + ("。" if lang == "zh" else ".")
            parts.insert(rng.randrange(len(parts) + 1), neg)
        yield (" " if lang != "zh" else "").join(parts)


DEFAULT_PII_DENSITY = 0.7  # gold spans per KiB of UTF-8 text: one every ~1.4 KiB
_POOL_DOCS = 600
_POOL_FILLERS = 400  # per language


def corpus_pieces(
    size_bytes: int, seed: int = 0, *, pii_density: float = DEFAULT_PII_DENSITY
) -> Iterator[tuple[str, int]]:
    """``(text, gold span count)`` pieces adding up to at least ``size_bytes`` of UTF-8.

    Pieces are drawn at random from a pool of pre-generated documents and PII-free
    paragraphs, in the proportion that gives ``pii_density`` gold spans per KiB on
    average; that keeps a 100 MB corpus to seconds of work.
    """
    if size_bytes <= 0:
        raise ValueError("size_bytes must be positive")
    if pii_density <= 0:
        raise ValueError("pii_density must be positive")
    rng = random.Random(seed)
    docs = [(d.text, len(d.text.encode()), len(d.spans)) for d in generate_docs(_POOL_DOCS, seed)]
    fillers = []
    for lang in ("ko", "zh", "en"):
        it = iter_filler(rng, lang)
        fillers += [(t, len(t.encode()), 0) for t in (next(it) for _ in range(_POOL_FILLERS))]
    doc_bytes = sum(d[1] for d in docs) / len(docs)
    doc_spans = sum(d[2] for d in docs) / len(docs)
    fill_bytes = sum(f[1] for f in fillers) / len(fillers)
    # With a share p of documents: spans/byte = p*doc_spans / (p*doc_bytes + (1-p)*fill_bytes).
    target = pii_density / 1024
    denom = doc_spans - target * doc_bytes + target * fill_bytes
    share = 1.0 if denom <= 0 else min(1.0, target * fill_bytes / denom)
    total = 0
    while total < size_bytes:
        text, nbytes, spans = rng.choice(docs) if rng.random() < share else rng.choice(fillers)
        total += nbytes + 2  # the blank line that separates pieces
        yield text, spans


def make_corpus(size_bytes: int, seed: int = 0, *, pii_density: float = DEFAULT_PII_DENSITY) -> str:
    """A large mixed ko/zh/en text of about ``size_bytes`` UTF-8 bytes for benchmarks.

    The default density is one piece of personal data per ~1.4 KiB (see ``corpus_pieces``).
    """
    return "\n\n".join(t for t, _ in corpus_pieces(size_bytes, seed, pii_density=pii_density))
