"""Person names in Korean, Chinese and English text.

A name has no checksum, so the evidence must come from around it. The engine only sees
candidates whose shape already carries evidence: a label before the name (성명:, 收件人,
Name:), an honorific or job title after it (님, 과장, 先生, 老师), or a known English first
name before a title-case surname. ``refine`` then decides where the name itself starts and
ends: labels and honorifics are evidence, not part of the name, and Korean particles
(은/는/이/가/에게 ...) are trimmed. A bare family name plus a syllable or two is never a
candidate: in Korean and Chinese almost every word would be one and the scan would crawl.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from jikimi.detect.data import bar_list as _list
from jikimi.detect.data import words
from jikimi.detect.recognizer import Pattern, Recognizer, Verdict
from jikimi.types import EntityId

__all__ = ["RECOGNIZERS", "ko_name_tail_ok"]


def _alt(items: Iterable[str]) -> str:
    """A regex alternation, longest first so that Python's ``re`` prefers the longest."""
    return "|".join(re.escape(w) for w in sorted(set(items), key=lambda w: (-len(w), w)))


# == Korean ====================================================================================

_KO_SURNAMES = frozenset(words("ko_surnames"))
_KO_COMPOUND = frozenset(s for s in _KO_SURNAMES if len(s) == 2)
_KO_GIVEN = frozenset(words("ko_given_syllables"))
_KO_STOP = frozenset(words("ko_stopwords"))
_KO_TITLES = words("ko_titles")

_KO_STRONG_LABELS = _list(
    "이름|성명|성함|고객명|회원명|받는분|받는 분|받는사람|받는 사람|보내는분|보내는 분"
    "|보내는사람|보내는 사람|수령인|수령자|수취인|수신인|발신인|예금주|담당자|작성자|신청인"
    "|신청자|대표자|환자명|보호자|계약자|피보험자|가입자|명의자|주문자|구매자|예약자|소유자"
    "|임차인|임대인|세대주|직원명|사원명|학생명|성명(한글)|실명|본인|배우자"
)
_KO_WEAK_LABELS = _list(
    "저는|고객|회원|대표|담당|상담원|참석자|문의자|지원자|응시자|당사자|서명|환자|학생|직원|작성"
    "|확인자|승인자|결재자|기안자|연락처|비상연락처|긴급연락처|비상 연락처|보호자 연락처"
)
_KO_PARTICLES = _list(
    "은|는|이|가|을|를|의|에|에게|에게서|한테|께|께서|께서는|께서도|께서의|와|과|도|만|이나"
    "|나|이랑|랑|하고|로|으로|에서|이에요|예요|입니다|이다|이고|이며|이자|이었다|였다"
    "|이라고|라고|이라는|라는|이란|란|이야|야|아|이여|께는|께도|께만|에게는|에게도|한테는"
    "|부터|까지|처럼|보다|만큼|입니까|이신|이세요|세요|이십니다|님은|님이|님의|님께|님을"
)
_KO_SUFFIX = re.compile(f"(?:{_alt(_KO_TITLES)})?(?:{_alt(_KO_PARTICLES)})?")


def ko_name_tail_ok(rest: str) -> bool:
    """Whether ``rest``, the Hangul that follows a name inside its word, is what may follow
    a name: nothing, a title or honorific, a particle (김민수 / 김민수님께 / 김민수가), not
    the rest of a compound (XX아파트, XX로)."""
    return _KO_SUFFIX.fullmatch(rest) is not None


_KO_TITLE_SUFFIX = re.compile(f"(?:{_alt(_KO_TITLES)})(?:{_alt(_KO_PARTICLES)})?")
_KO_NEVER_FINAL = frozenset("를을는의에께와과로")
_HANGUL_RUN = re.compile("[가-힣]{1,12}")
_KO_SUR_HS = _alt(_KO_SURNAMES)


def _ko_split(word: str, need_title: bool) -> int | None:
    """Length of the name at the start of a Hangul word, or None when it holds no name.

    Tries every (family name, given name) split; the rest of the word must be a title
    and/or particle. Among valid splits, given names made of common name syllables win,
    then two-syllable given names (by far the commonest in Korea).
    """
    best: tuple[bool, bool] | None = None
    best_len = 0
    for a in (2, 1):
        if word[:a] not in _KO_SURNAMES or (a == 2 and word[:2] not in _KO_COMPOUND):
            continue
        for g in (2, 1):
            n = a + g
            if n > len(word):
                continue
            rest = word[n:]
            if not _KO_SUFFIX.fullmatch(rest):
                continue
            if need_title and rest and not _KO_TITLE_SUFFIX.fullmatch(rest):
                continue
            name, given = word[:n], word[a:n]
            if given[-1] in _KO_NEVER_FINAL:  # "사과를": a particle, not a name syllable
                continue
            # (A given name may be a word: 이지원, 박사랑. The whole name may not.)
            if name in _KO_STOP or name in _KO_TITLES or given in _KO_TITLES:
                continue
            key = (all(c in _KO_GIVEN for c in given), g == 2)
            if best is None or key > best:
                best, best_len = key, n
    return best_len if best is not None else None


def _ko_name_at(text: str, p: int) -> int | None:
    """End of the Korean name that starts at ``p`` (particles and titles excluded)."""
    w = _HANGUL_RUN.match(text, p)
    if w is None:
        return None
    n = _ko_split(w.group(), need_title=False)
    return None if n is None else p + n


def _ko_refine_title(text: str, start: int, end: int) -> tuple[int, int] | None:
    w = _HANGUL_RUN.match(text, start)
    if w is None:
        return None
    word = w.group()
    n = _ko_split(word, need_title=True)
    if n is None:
        return None
    if n == len(word):  # "김민수 과장님": the title is the next word
        nxt = _HANGUL_RUN.match(text, w.end() + 1)
        if text[w.end() : w.end() + 1] != " " or nxt is None:
            return None
        if not _KO_TITLE_SUFFIX.fullmatch(nxt.group()):
            return None
    return start, start + n


def _ko_validate(value: str) -> Verdict:
    if value in _KO_STOP:
        return Verdict.INVALID
    givens = [value[1:]]
    if value[:2] in _KO_COMPOUND and len(value) >= 3:
        givens.append(value[2:])
    if any(g and all(c in _KO_GIVEN for c in g) for g in givens):
        return Verdict.VALID
    return Verdict.UNKNOWN


_KO = (
    Recognizer(
        "ko-name-title",
        EntityId.PERSON,
        (
            Pattern(
                "ko-honorific",
                f"(?:{_KO_SUR_HS})[가-힣]{{1,2}} ?(?:{_alt(_KO_TITLES)})",
                0.45,
                left="가-힣",
                right="",
                valid_score=0.8,
            ),
        ),
        validate=_ko_validate,
        languages=frozenset({"ko"}),
        refine=_ko_refine_title,
    ),
)


# == Chinese ===================================================================================

_HAN = "一-鿿"
_ZH_SURNAMES = frozenset(words("zh_surnames"))
_ZH_COMPOUND = frozenset(s for s in _ZH_SURNAMES if len(s) == 2)
_ZH_GIVEN = frozenset(words("zh_given_chars"))
_ZH_STOP = frozenset(words("zh_stopwords"))

_ZH_LABELS = _list(
    "姓名|名字|收件人|收货人|寄件人|发件人|联系人|持卡人|户名|开户名|开户人|申请人|患者"
    "|客户|负责人|经办人|法定代表人|法人代表|监护人|乘客|旅客|住户|业主|签名|签字|收款人"
    "|付款人|被保险人|投保人|委托人|代理人|承租人|出租人|借款人|担保人|员工|名叫|叫做|本人"
    "|用户|会员|学生|病人|当事人|紧急联系人|配偶|持有人|登记人|报名人|我是|我叫|法人|代表人"
    "|签收人|收信人|发信人|姓 名|收 件 人|收件人姓名|收货人姓名|客户姓名|患者姓名"
    "|联系人姓名"
)
_ZH_STRONG_TITLES = ("先生", "女士", "小姐", "同学", "同志", "夫人")
_ZH_JOB_TITLES = _list(
    "老师|教授|经理|总经理|总监|主任|医生|大夫|律师|院长|校长|师傅|博士|警官|护士|主管"
    "|工程师|局长|处长|科长|部长|书记|董事长|会计|队长|组长|班长|秘书|助理|顾问|总裁|副总"
    "|厂长"
    "|主席|总理|外长|省长|市长|县长|区长|院士|记者|教练|导演|编辑|法官|检察官|大使"
)
_ZH_ALL_TITLES = _ZH_STRONG_TITLES + _ZH_JOB_TITLES
# Characters that often begin the word after a name ("张伟电话", "李娜的", "王芳在").
_ZH_AFTER = frozenset(
    "的是在和与及于将已把被为等了说们您你我他她电手身地住联性年出生男女今明昨已曾现请从到给"
    "对向跟同也都还就只又但而或即则所以因如若是有无来去上下中前后先现地址号码邮箱证卡银账户"
)
_ZH_AFTER_WORDS = frozenset(
    (
        *_list("先生|女士|小姐|电话|手机|地址|身份|联系|已经|今天|明天|昨天|您好|性别|出生|年龄"),
        *_list("邮箱|账号|负责"),
        *_ZH_ALL_TITLES,
    )
)
# Characters that are family names but far more often a preposition or verb before a name.
_ZH_LEAD = frozenset("向于将同及时谢把对由给让叫请是为被跟找问见也都还就只又令帮陪带送和与从查经代")


def _is_han(ch: str) -> bool:
    return "一" <= ch <= "鿿"


def _zh_surname_len(text: str, p: int) -> int:
    if text[p : p + 2] in _ZH_COMPOUND:
        return 2
    return 1 if text[p : p + 1] in _ZH_SURNAMES else 0


def _zh_name_ok(name: str, sur: int) -> bool:
    if name in _ZH_STOP or len(name) - sur not in (1, 2):
        return False
    given = name[sur:]
    if given in ("总", "副", "老", "小") or given in _ZH_ALL_TITLES:
        return False
    return not (name[:2] in _ZH_STOP and len(name) == 3 and name[2] not in _ZH_GIVEN)


def _zh_name_at(text: str, p: int) -> int | None:
    """End of the Chinese name at ``p``: where the next word seems to begin."""
    sur = _zh_surname_len(text, p)
    if not sur:
        return None
    q = p + sur
    if q >= len(text) or not _is_han(text[q]):
        return None
    g = 1
    if q + 1 < len(text) and _is_han(text[q + 1]):
        nxt2 = text[q + 1 : q + 3]
        after = text[q + 1] in _ZH_AFTER and text[q + 1] not in _ZH_GIVEN
        if not after and nxt2 not in _ZH_AFTER_WORDS:
            g = 2
    return q + g if _zh_name_ok(text[p : q + g], sur) else None


def _zh_refine_title(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Name before an honorific (the match is its last character and the title).

    Three characters are the commonest length, then two, then a compound surname's four;
    a leading preposition that is also a surname ("向王伟", "谢谢王伟") is not part of it.
    """
    e = start + 1
    for k in (4, 3, 2) if text[max(0, e - 4) : e - 2] in _ZH_COMPOUND else (3, 2):
        s = e - k
        if s < 0 or not all(_is_han(ch) for ch in text[s:e]):
            continue
        if k == 3 and text[s] in _ZH_LEAD and text[s : s + 2] not in _ZH_COMPOUND:
            continue
        sur = _zh_surname_len(text, s)
        if sur and len(text[s:e]) - sur in (1, 2) and _zh_name_ok(text[s:e], sur):
            return s, e
    return None


def zh_given_ok(given: str) -> bool:
    """Whether ``given`` is a Chinese given name by jikimi's character list.

    小 begins many two-character given names (小明, 小红) but is not a given name alone
    (小王 is "young Wang") nor in 小心 ("careful"), so it counts only before a listed
    character.
    """
    if len(given) == 2 and given[0] == "小":
        return given[1] in _ZH_GIVEN and given != "小心"
    return bool(given) and all(c in _ZH_GIVEN for c in given)


def _zh_validate(value: str) -> Verdict:
    if value in _ZH_STOP:
        return Verdict.INVALID
    sur = 2 if value[:2] in _ZH_COMPOUND and len(value) >= 3 else 1
    return Verdict.VALID if zh_given_ok(value[sur:]) else Verdict.UNKNOWN


_ZH_SUR_HS = _alt(_ZH_SURNAMES)
_HAN_RUN_END = re.compile(f"[{_HAN}]{{2,6}}$")


def _zh_refine_ko_title(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A Chinese name with a Korean honorific ("张伟 씨에게", "王芳 고객님")."""
    w = _HANGUL_RUN.search(text, start, end)
    if w is None:
        return None
    e = w.start() - 1 if text[w.start() - 1] == " " else w.start()
    run = _HAN_RUN_END.search(text, max(0, e - 6), e)
    if run is None:
        return None
    for k in (3, 2, 4):
        s = e - k
        if s < run.start():
            continue
        sur = _zh_surname_len(text, s)
        if sur and _zh_name_ok(text[s:e], sur):
            return s, e
    return None


_ZH = (
    Recognizer(
        "zh-name-ko-title",
        EntityId.PERSON,
        (
            Pattern(
                "zh-name-ko-honorific",
                f"(?:{_ZH_SUR_HS})[{_HAN}]{{1,2}} ?(?:{_alt(_KO_TITLES)})",
                0.45,
                left="",
                right="",
                valid_score=0.8,
            ),
        ),
        validate=_zh_validate,
        languages=frozenset({"ko", "zh"}),
        refine=_zh_refine_ko_title,
    ),
    Recognizer(
        "zh-name-title",
        EntityId.PERSON,
        (
            Pattern(
                "zh-honorific",
                # Anchored on the title: a surname-led shape starts a thread at every
                # surname character, which in Chinese text is every few characters.
                f"[{_HAN}](?:{_alt(_ZH_STRONG_TITLES)})",
                0.55,
                left="",
                right="",
                valid_score=0.85,
            ),
            Pattern(
                "zh-job-title",
                f"[{_HAN}](?:{_alt(_ZH_JOB_TITLES)})",
                0.45,
                left="",
                right="",
                valid_score=0.8,
            ),
        ),
        validate=_zh_validate,
        languages=frozenset({"zh"}),
        refine=_zh_refine_title,
    ),
)


# == English ===================================================================================

_EN_FIRST = words("en_first_names")
_EN_AMBIGUOUS = frozenset(words("en_first_ambiguous"))
_EN_FIRST_SAFE = tuple(n for n in _EN_FIRST if n not in _EN_AMBIGUOUS)
_EN_SURNAMES = frozenset(words("en_surnames"))
# Title-case words that follow a first name but make it a place, firm or heading.
_EN_STOP = frozenset(
    """Street St Avenue Ave Road Rd Boulevard Blvd Drive Lane Ln Court Ct Place Way Terrace
    Parkway Highway Square Plaza Park Bridge River Lake Mountain Mountains Valley Island Islands
    Beach Bay County City State States Town Village University College School Academy Institute
    Hospital Clinic Center Centre Church Cathedral Chapel Museum Library Airport Station
    Bank Company Co Corp Corporation Inc Ltd LLC Group Holdings Foundation Trust Fund Partners
    Associates Capital Airlines Motors Energy Media Press News Times Post Journal Records Hotel
    Inn Resort Stadium Arena Theater Theatre Tower Building Gardens Award Awards Prize Day Week
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April June
    July August September October November December Street's Phone Email Mail Address Tel Fax
    Mobile Date Account Card Number No The And Or Of In On At For To From With Dear Please Thanks
    Thank Hello Hi Regards Sincerely Best Kind Team Customer Client Service Support Department
    Office Avenue's Fire Police Army Navy Cup Festival Conference Summit Program Project Act Law
    Code Version Edition Series Show Tour Fan Fans Club Society Association Council Committee
    Ministry Agency Board Union League Party Sir Madam Madame Valued Member Manager
    Hiring""".split()
)
_EN_ORG = ("Corp", "Inc", "Ltd", "LLC", "Co.", "GmbH", "PLC", "Company", "Group", "Bank")
_EN_TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Sir")
_EN_LABELS = _list(
    "name|full name|customer name|customer|client name|client|recipient|patient"
    "|patient name|employee|employee name|cardholder|card holder|account holder"
    "|account name|holder|contact|contact person|contact name|attn|attention|applicant"
    "|beneficiary|guest|guest name|passenger|sender|ship to|bill to|signed|signature"
    "|insured|policyholder|tenant|landlord|owner|driver|student|member|user|requester"
    "|assignee|reported by|submitted by|prepared by|approved by|consignee|payee"
    "|representative|legal representative|from|to|cc|emergency contact|next of kin|spouse"
    "|guardian|first name|last name|surname|given name"
)
# Specific words only: every occurrence of a context word costs the engine a lookup.
_EN_CONTEXT = _list(
    "name|dear|mr|mrs|ms|dr|customer|recipient|patient|signed|sincerely|regards|attn"
    "|employee|applicant|cardholder|passenger|spoke with|met with|cc:|from:|to:"
)
_NAME_TOKEN = re.compile(
    r"(?:Jr|Sr)\.|I{2,3}\b|(?:Mc|Mac|O'|D')?[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?![A-Za-z])|[A-Z]\."
)
_EN_TITLE_RE = re.compile(r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir)\.? ")
_EN_MAX_TOKENS = 4  # given name, middle initial, middle name, family name


def _en_tokens(text: str, p: int, need: int) -> tuple[int, int] | None:
    """The run of title-case name tokens from ``p``, minus trailing words that are not names.

    ``need`` is how many tokens make a name here: two after a bare first name, one after a
    title or label that is already evidence.
    """
    toks: list[tuple[int, int]] = []
    q = p
    while len(toks) < _EN_MAX_TOKENS:
        m = _NAME_TOKEN.match(text, q)
        if m is None:
            break
        toks.append((m.start(), m.end()))
        if text[m.end() : m.end() + 1] != " ":
            break
        q = m.end() + 1

    def stop(tok: tuple[int, int]) -> bool:
        word = text[tok[0] : tok[1]]
        # After a label or title a known family name is a name even if it is also a place word.
        return word in _EN_STOP and not (need == 1 and word in _EN_SURNAMES)

    def initial(tok: tuple[int, int]) -> bool:  # "J." ends no name, "Jr." may
        return tok[1] - tok[0] == 2 and text[tok[1] - 1] == "."

    while toks and (stop(toks[-1]) or initial(toks[-1])):
        toks.pop()
    if len(toks) < need or text[toks[0][0] : toks[0][1]] in _EN_STOP:
        return None
    if text[toks[-1][1] : toks[-1][1] + 5].lstrip(" ,").startswith(_EN_ORG):
        return None  # "Name: Acme Corp": a company
    return toks[0][0], toks[-1][1]


# Words after a person's name that make the whole a place or an institution named after
# them ("George Washington Bridge", "Henry Ford Hospital", "Martin Luther King Day").
_EN_NAMED_AFTER = frozenset(
    """Day Bridge High Middle Elementary School Institute Hospital Memorial Monument University
    College Center Centre Park Street Avenue Road Boulevard Drive Airport Station Library Museum
    Foundation Stadium Arena Building Tower Hall Award Awards Prize Academy Church Cathedral
    Expressway Highway Parkway Tunnel Square Plaza Trust Fund Company Corporation Inc Group
    Motors Way Lake River County Birthplace Home House Theatre Theater Prize Medal Fellowship
    Scholarship Lecture Chair Professor Law Act Doctrine Effect Syndrome Disease""".split()
)
_NEXT_WORD = re.compile(r" ([A-Z][a-z]+)")


def _named_after(text: str, end: int) -> bool:
    m = _NEXT_WORD.match(text, end)
    return m is not None and m.group(1) in _EN_NAMED_AFTER


def _en_refine_first(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A known given name (the match) followed by title-case name tokens."""
    if start > 0 and (text[start - 1].isalpha() or text[max(0, start - 4) : start] == "St. "):
        return None
    span = _en_tokens(text, start, 2)
    return None if span is None or _named_after(text, span[1]) else span


def _en_refine_title(text: str, start: int, end: int) -> tuple[int, int] | None:
    m = _EN_TITLE_RE.match(text, start)
    if m is None or (start > 0 and text[start - 1].isascii() and text[start - 1].isalpha()):
        return None
    if text[start : start + 2] == "Dr" and start >= 2:
        before = text[max(0, start - 30) : start].rstrip()
        word = before.rsplit(" ", 1)[-1] if before else ""
        if word[:1].isupper() and word not in _EN_TITLES:  # "12 Oak Dr Austin": a street
            return None
    return _name_at(text, m.end())


def _en_validate(value: str) -> Verdict:
    last = value.rsplit(" ", 1)[-1]
    if last in _EN_STOP:
        return Verdict.INVALID
    return Verdict.VALID if last in _EN_SURNAMES else Verdict.UNKNOWN


_EN_TITLE_HS = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir)\.? "
_EN = (
    Recognizer(
        "en-name",
        EntityId.PERSON,
        (
            # Literal given names only: Hyperscan's start tracking grows too large otherwise.
            Pattern(
                "en-first-last",
                f"(?:{_alt(_EN_FIRST_SAFE)}) ",
                0.45,  # a known family name (VALID) or a context word lifts it over 0.5
                left="",
                right="",
                valid_score=0.8,
            ),
            Pattern(
                "en-ambiguous-first-last",
                f"(?:{_alt(_EN_AMBIGUOUS)}) ",
                0.2,
                left="",
                right="",
                valid_score=0.45,
            ),
        ),
        validate=_en_validate,
        context=_EN_CONTEXT,
        context_boost=0.3,
        languages=frozenset({"en"}),
        refine=_en_refine_first,
    ),
)

# == Any script: labels, greetings and chat headers ==========================================
#
# Forms and chats mix languages ("Name: 김민수", "寄件人: 용린다", "이름: 韩思"), so the label
# decides that a name follows and the first character decides how to read it.

_KO_SEP = r"(?:은|는|이|가)?[\s:：=\(\[（]{1,3}"
_ZH_SEP = r"[是为：: =（(\t]{0,3}"
_EN_SEP = r"[ \t]{0,2}[:：\t][ \t]{0,2}"  # "Name: …" or a tab-separated form
_GREETINGS = ("Dear", "Hi", "Hello", "Attn", "Thanks", "Thank you", "Congratulations")
_ZH_GREETINGS = ("亲爱的", "尊敬的", "致")
_WEAK_EN = _list(
    "contact|user|member|owner|driver|student|guest|holder|from|to|cc|first name|last name"
    "|surname|given name"
)


# Only the first character: the label is the evidence, refine reads the name itself.
_NAME_START = f"[가-힣{_HAN}A-Z]"
_ZH_WEAK_LABELS = ("客户", "用户", "会员", "学生", "员工", "本人", "病人")


def _label_alt(strong: bool, *, with_name: bool = False) -> str:
    """Labels of one strength, each with its separator and, for Hyperscan, the first
    character of a name as that label's language writes it (surname-led in Korean and
    Chinese, where a label word is often followed by an ordinary word)."""
    ko = _KO_STRONG_LABELS if strong else _KO_WEAK_LABELS
    zh = tuple(w for w in _ZH_LABELS if w not in _ZH_WEAK_LABELS) if strong else _ZH_WEAK_LABELS
    en = [w for w in _EN_LABELS if (w not in _WEAK_EN) == strong]
    ko_name = f"(?:(?:{_KO_SUR_HS})[가-힣]|[{_HAN}A-Z])" if with_name else ""
    # (A surname alternation after the many strong Chinese labels slows Hyperscan tenfold.)
    zh_name = f"(?:(?:{_ZH_SUR_HS})[{_HAN}]|[가-힣A-Z])" if with_name and not strong else ""
    zh_name = zh_name or (_NAME_START if with_name else "")
    any_name = _NAME_START if with_name else ""
    parts = [
        f"(?:{_alt(ko)}){_KO_SEP}{ko_name}",
        f"(?:{_alt(zh)}){_ZH_SEP}{zh_name}",
        f"(?i:{_alt(en)}){_EN_SEP}{any_name}",
    ]
    if strong:
        parts += [
            f"(?:{_alt(_GREETINGS)}),?[ \\t]{{1,2}}{any_name}",
            f"(?:{_alt(_ZH_GREETINGS)}){zh_name}",
        ]
    return "|".join(parts)


# Label -> the separator that must follow it. A table lookup per candidate length instead
# of one big regex alternation, which Python's ``re`` would try alternative by alternative.
_LABEL_SEPS: dict[str, re.Pattern[str]] = {
    **{w: re.compile(_ZH_SEP) for w in (*_ZH_LABELS, *_ZH_WEAK_LABELS, *_ZH_GREETINGS)},
    **{w: re.compile(_KO_SEP) for w in (*_KO_STRONG_LABELS, *_KO_WEAK_LABELS)},
    **{w.lower(): re.compile(_EN_SEP) for w in _EN_LABELS},
    **{w.lower(): re.compile(r",?[ \t]{1,2}") for w in _GREETINGS},
}
_LABEL_LENGTHS = sorted({len(w) for w in _LABEL_SEPS}, reverse=True)


def _label_end(text: str, start: int) -> int | None:
    """Where the label (with its separator, and any chained label) at ``start`` ends."""
    end = None
    p = start
    while True:
        for n in _LABEL_LENGTHS:
            sep = _LABEL_SEPS.get(text[p : p + n].lower())
            if sep is not None:
                m = sep.match(text, p + n)
                if m is not None:
                    break
        else:
            return end
        end = p = m.end()


def _name_at(text: str, p: int) -> tuple[int, int] | None:
    """The name starting at ``p`` in whichever script it is written."""
    if p >= len(text):
        return None
    ch = text[p]
    if "가" <= ch <= "힣":
        e = _ko_name_at(text, p)
    elif _is_han(ch):
        e = _zh_name_at(text, p)
    else:
        t = _EN_TITLE_RE.match(text, p)
        return _en_tokens(text, t.end() if t else p, 1)
    return None if e is None else (p, e)


def _refine_label(text: str, start: int, end: int) -> tuple[int, int] | None:
    p = _label_end(text, start)
    return None if p is None else _name_at(text, p)


def _any_validate(value: str) -> Verdict:
    ch = value[:1]
    if "가" <= ch <= "힣":
        return _ko_validate(value)
    if _is_han(ch):
        return _zh_validate(value)
    first, last = value.split(" ", 1)[0], value.rsplit(" ", 1)[-1]
    if last in _EN_STOP and last not in _EN_SURNAMES:
        return Verdict.INVALID
    known = last in _EN_SURNAMES or first in _EN_AMBIGUOUS or first in _EN_FIRST_SET
    return Verdict.VALID if known else Verdict.UNKNOWN


_EN_FIRST_SET = frozenset(_EN_FIRST)
_CHAT_TIME = re.compile(r"[ \t]{1,3}\d{1,2}:\d{2}(?: ?[AaPp]\.?[Mm]\.?)?[ \t]*(?:\n|$)")
_KAKAO_HEAD = re.compile(r"\[?(?:오전|오후) \d{1,2}:\d{2}(?:\]|,) ")


def _whole_name(text: str, p: int, q: int) -> bool:
    """Is text[p:q] exactly one name (nothing before or after it in the token)?"""
    span = _name_at(text, p)
    if span is None or span[1] != q:
        return False
    if text[p].isascii():
        toks = text[p:q].split(" ")
        return len(toks) >= 2 and (toks[0] in _EN_FIRST_SET or toks[-1] in _EN_SURNAMES)
    return True


def _refine_chat_header(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A line holding only a speaker's name and a time ("张芳 16:10", "Amy Wu  2:32 PM").

    The match is the time at the end of the line; the name is what precedes it.
    """
    p = text.rfind("\n", max(0, start - 40), start) + 1
    if p == 0 and start > 40:
        return None
    q = start
    while q > p and text[q - 1] in " \t":
        q -= 1
    if q <= p or not _CHAT_TIME.match(text, q):
        return None
    return (p, q) if _whole_name(text, p, q) else None


def _refine_chat_speaker(text: str, start: int, end: int) -> tuple[int, int] | None:
    """KakaoTalk exports: "[오후 1:35] 김민수 : …" and "2024. 1. 5. 오후 3:20, 김민수 : …"."""
    m = _KAKAO_HEAD.search(text, start, min(len(text), start + 20))
    if m is None:
        return None
    p = m.end()
    colon = text.find(" : ", p, p + 40)
    if colon < 0:
        return None
    q = colon
    return (p, q) if _whole_name(text, p, q) else None


_EN_DISTINCT = tuple(sorted(_EN_SURNAMES - frozenset(words("en_surname_words"))))
_EN_NOT_GIVEN = _EN_STOP | frozenset(
    """A An I It We You He She They This That These Those My Our Your His Her Their Its
    If When While After Before Since Because As So But Yet Nor Also Then Than Here There
    Where What Which Who Whom Whose Why How Yes Not Only Just Even Still Very Much More Most
    Every Each All Any Some No Both Either Neither Such Other Another New Old Great Good Big
    Central North South East West Northern Southern Eastern Western Upper Lower Old New Saint
    Mount Fort Port Lake General Professor President Senator Governor Judge Captain Chief
    Director Officer Agent Coach Father Mother Brother Sister Uncle Aunt Cousin Grandma Grandpa
    Call Contact Email Ask Tell Meet Visit See Ping Message Text Welcome Congrats
    Mrs Mr Ms Dr""".split()
)
_PREV_TOKEN = re.compile(r"(?:[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?|[A-Z]\.)$")


def _en_refine_surname(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A distinctive family name (the match) after a title-case given name ("Jiyeon Kim")."""
    s = start + 1 if text[start] == " " else start
    e = s
    while e < len(text) and text[e].isascii() and text[e].isalpha():
        e += 1
    m = _PREV_TOKEN.search(text, max(0, start - 24), start)
    if m is None or text[m.start() : m.end()] in _EN_NOT_GIVEN:
        return None
    first = m.start()
    if m.group().endswith("."):  # "Jiyeon K. Kim" or "A. Kim": look one token further
        m2 = _PREV_TOKEN.search(text, max(0, first - 24), first - 1)
        if m2 is None or text[first - 1] != " " or m2.group() in _EN_NOT_GIVEN:
            return None
        first = m2.start()
    if first > 0 and (text[first - 1].isalpha() or text[first - 1] in "'-"):
        return None
    return None if _named_after(text, e) else (first, e)


_ANY = frozenset({"ko", "zh", "en"})
_MULTI = (
    Recognizer(
        "en-name-title",
        EntityId.PERSON,
        (
            Pattern(
                "en-title",
                f"{_EN_TITLE_HS}[A-Z가-힣{_HAN}]",
                0.75,
                left="",
                right="",
                valid_score=0.85,
            ),
        ),
        validate=_any_validate,
        languages=_ANY,
        refine=_en_refine_title,
    ),
    Recognizer(
        "name-label",
        EntityId.PERSON,
        (
            Pattern(
                "label-strong",
                _label_alt(True, with_name=True),
                0.6,
                left="",
                right="",
                valid_score=0.9,
            ),
            Pattern(
                "label-weak",
                _label_alt(False, with_name=True),
                0.4,
                left="",
                right="",
                valid_score=0.8,
            ),
        ),
        validate=_any_validate,
        languages=_ANY,
        refine=_refine_label,
    ),
    Recognizer(
        "name-chat",
        EntityId.PERSON,
        (
            Pattern(
                "chat-header",
                # Anchored on the time that ends the line; refine reads the name before it.
                r"[ \t]\d{1,2}:\d{2}(?: ?[AaPp]\.?[Mm]\.?)?[ \t]*(?:\n|$)",
                0.5,
                left="",
                right="",
                valid_score=0.85,
            ),
        ),
        validate=_any_validate,
        languages=_ANY,
        refine=_refine_chat_header,
    ),
    Recognizer(
        "name-chat-speaker",
        EntityId.PERSON,
        (
            Pattern(
                "chat-kakao",
                f"(?:오전|오후) \\d{{1,2}}:\\d{{2}}(?:\\]|,) {_NAME_START}",
                0.6,
                left="",
                right="",
                valid_score=0.85,
            ),
        ),
        validate=_any_validate,
        languages=_ANY,
        refine=_refine_chat_speaker,
    ),
    Recognizer(
        "en-name-surname",
        EntityId.PERSON,
        tuple(
            Pattern(
                f"en-given-surname-{i // 150}",
                f" (?:{_alt(_EN_DISTINCT[i : i + 150])})",
                0.5,
                left="",
                right="A-Za-z",
                valid_score=0.8,
            )
            for i in range(0, len(_EN_DISTINCT), 150)
        ),
        validate=_any_validate,
        context=_EN_CONTEXT,
        context_boost=0.3,
        languages=_ANY,
        refine=_en_refine_surname,
    ),
)

RECOGNIZERS: tuple[Recognizer, ...] = (*_KO, *_ZH, *_EN, *_MULTI)
