"""Word lists for synthetic people and places: names (with romanisations, for e-mail local
parts and English text) and postal addresses for Korea, China and the United States.

Kept separate from ``jikimi.detect``'s own lists on purpose: an evaluation set built from
the detector's vocabulary would only measure that the detector knows its own words.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _table(text: str) -> dict[str, str]:
    """``"김:Kim 이:Lee"`` -> ``{"김": "Kim", "이": "Lee"}``."""
    return dict(pair.split(":", 1) for pair in text.split())


# -- Korean names: syllable -> romanisation ---------------------------------------------------

KO_SURNAMES: dict[str, str] = _table(
    "김:Kim 이:Lee 박:Park 최:Choi 정:Jung 강:Kang 조:Cho 윤:Yoon 장:Jang 임:Lim 한:Han "
    "오:Oh 서:Seo 신:Shin 권:Kwon 황:Hwang 안:Ahn 송:Song 류:Ryu 전:Jeon 홍:Hong 고:Ko "
    "문:Moon 양:Yang 손:Son 배:Bae 백:Baek 허:Heo 유:Yoo 남:Nam 심:Shim 노:Noh 하:Ha "
    "곽:Kwak 성:Sung 차:Cha 주:Joo 우:Woo 구:Koo 민:Min 진:Jin 나:Na 지:Ji 엄:Eom 채:Chae "
    "원:Won 천:Cheon 방:Bang 공:Kong 현:Hyun 함:Ham 변:Byun 염:Yeom 여:Yeo 추:Chu 도:Do "
    "석:Seok 선:Sun 설:Seol 마:Ma 길:Gil 연:Yeon 위:Wi 표:Pyo 명:Myung 기:Ki 반:Ban "
    "왕:Wang 금:Geum 옥:Ok 육:Yuk 인:In 맹:Maeng 제:Je 모:Mo 탁:Tak 국:Kook 은:Eun "
    "용:Yong 예:Ye 봉:Bong 황보:Hwangbo 남궁:Namgoong 제갈:Jegal 선우:Sunwoo 독고:Dokgo"
)

# Weights follow the rough frequency of the commonest surnames (김, 이, 박 ≈ 45 %).
_KO_SURNAME_WEIGHTS = [22, 15, 8, 5, 5, 2, 2, 2, 2, 2] + [1] * (len(KO_SURNAMES) - 10)

KO_GIVEN: dict[str, str] = _table(
    "민:min 서:seo 준:jun 지:ji 현:hyun 우:woo 수:su 영:young 은:eun 진:jin 하:ha 윤:yoon "
    "재:jae 동:dong 성:sung 호:ho 연:yeon 예:ye 아:a 유:yu 혜:hye 정:jung 희:hee 경:kyung "
    "태:tae 훈:hoon 석:seok 철:chul 상:sang 승:seung 원:won 빈:bin 주:joo 도:do 시:si "
    "채:chae 다:da 나:na 소:so 미:mi 보:bo 슬:seul 한:han 결:gyeol 건:geon 혁:hyuk 규:kyu "
    "범:beom 찬:chan 용:yong 기:ki 환:hwan 인:in 형:hyung 선:sun 해:hae 린:rin 율:yul "
    "온:on 솔:sol 람:ram 별:byeol 령:ryeong 완:wan 세:se 람:ram 혜:hye 겸:gyeom 빛:bit "
    "가:ga 라:ra 담:dam 봄:bom 효:hyo 의:ui 남:nam 창:chang 종:jong 명:myung 광:kwang"
)

# -- Chinese names: character -> pinyin --------------------------------------------------------

ZH_SURNAMES: dict[str, str] = _table(
    "王:wang 李:li 张:zhang 刘:liu 陈:chen 杨:yang 黄:huang 赵:zhao 吴:wu 周:zhou 徐:xu "
    "孙:sun 马:ma 朱:zhu 胡:hu 郭:guo 何:he 高:gao 林:lin 罗:luo 郑:zheng 梁:liang 谢:xie "
    "宋:song 唐:tang 许:xu 韩:han 冯:feng 邓:deng 曹:cao 彭:peng 曾:zeng 肖:xiao 田:tian "
    "董:dong 袁:yuan 潘:pan 于:yu 蒋:jiang 蔡:cai 余:yu 杜:du 叶:ye 程:cheng 苏:su 魏:wei "
    "吕:lv 丁:ding 任:ren 沈:shen 姚:yao 卢:lu 姜:jiang 崔:cui 钟:zhong 谭:tan 陆:lu "
    "汪:wang 范:fan 金:jin 石:shi 廖:liao 贾:jia 夏:xia 韦:wei 方:fang 白:bai 邹:zou "
    "孟:meng 熊:xiong 秦:qin 邱:qiu 江:jiang 尹:yin 薛:xue 段:duan 雷:lei 侯:hou 龙:long "
    "史:shi 陶:tao 黎:li 贺:he 顾:gu 毛:mao 郝:hao 龚:gong 邵:shao 万:wan 钱:qian 严:yan "
    "武:wu 戴:dai 孔:kong 欧阳:ouyang 司马:sima 诸葛:zhuge 上官:shangguan"
)
_ZH_SURNAME_WEIGHTS = [8, 8, 7, 6, 5, 3, 2, 2, 2, 2] + [1] * (len(ZH_SURNAMES) - 10)

ZH_GIVEN: dict[str, str] = _table(
    "伟:wei 芳:fang 娜:na 敏:min 静:jing 丽:li 强:qiang 磊:lei 军:jun 洋:yang 勇:yong "
    "艳:yan 杰:jie 娟:juan 涛:tao 明:ming 超:chao 秀:xiu 霞:xia 平:ping 刚:gang 桂:gui "
    "英:ying 华:hua 玉:yu 萍:ping 红:hong 鹏:peng 飞:fei 鑫:xin 宇:yu 浩:hao 凯:kai "
    "佳:jia 欣:xin 怡:yi 梓:zi 涵:han 子:zi 轩:xuan 博:bo 文:wen 晨:chen 思:si 雨:yu "
    "嘉:jia 晓:xiao 俊:jun 建:jian 国:guo 志:zhi 海:hai 波:bo 辉:hui 丹:dan 琳:lin "
    "婷:ting 雪:xue 慧:hui 颖:ying 倩:qian 宁:ning 昊:hao 然:ran 睿:rui 泽:ze 诗:shi "
    "琪:qi 瑶:yao 彤:tong 一:yi 诺:nuo 梦:meng 淑:shu 春:chun 兰:lan 庆:qing 德:de "
    "荣:rong 斌:bin 云:yun 峰:feng 航:hang 逸:yi 晗:han 悦:yue 瑞:rui 辰:chen 铭:ming"
)

# -- English names ------------------------------------------------------------------------------

EN_FIRST = _words(
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Christopher Karen Daniel Lisa Matthew Nancy "
    "Anthony Betty Mark Sandra Steven Ashley Andrew Emily Joshua Kimberly Kevin Donna Brian "
    "Michelle George Carol Edward Amanda Ryan Melissa Jacob Deborah Nicholas Stephanie Eric "
    "Rebecca Jonathan Laura Justin Rachel Brandon Olivia Samuel Hannah Ethan Chloe Noah Grace"
)
EN_LAST = _words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
    "Lopez Wilson Anderson Thomas Taylor Moore Jackson Martin Thompson White Harris Clark "
    "Lewis Robinson Walker Young Allen Wright Scott Torres Nguyen Hill Flores Green Adams "
    "Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Phillips Evans Turner Parker "
    "Collins Edwards Stewart Morris Murphy Cook Rogers Morgan Peterson Cooper Reed Bailey "
    "Bell Kelly Howard Ward Cox Richardson Wood Watson Brooks Bennett Gray Hughes Price"
)


@dataclass(frozen=True, slots=True)
class Name:
    """A person's name as written in its own script, plus a Latin form for e-mail/English."""

    native: str  # as written in the document's script: 김민수, 张伟, Emily Clark
    latin: str  # Minsu Kim, Wei Zhang, Emily Clark
    family: str  # the family name in the native script
    script: str  # "ko", "zh" or "en"


def korean_name(rng: random.Random) -> Name:
    sur = rng.choices(list(KO_SURNAMES), weights=_KO_SURNAME_WEIGHTS)[0]
    n = 1 if rng.random() < 0.08 else 2
    given = [rng.choice(list(KO_GIVEN)) for _ in range(n)]
    latin_given = "".join(KO_GIVEN[g] for g in given).capitalize()
    return Name(sur + "".join(given), f"{latin_given} {KO_SURNAMES[sur]}", sur, "ko")


def chinese_name(rng: random.Random) -> Name:
    sur = rng.choices(list(ZH_SURNAMES), weights=_ZH_SURNAME_WEIGHTS)[0]
    n = 1 if rng.random() < 0.35 else 2
    given = [rng.choice(list(ZH_GIVEN)) for _ in range(n)]
    latin_given = "".join(ZH_GIVEN[g] for g in given).capitalize()
    return Name(sur + "".join(given), f"{latin_given} {ZH_SURNAMES[sur].capitalize()}", sur, "zh")


def english_name(rng: random.Random) -> Name:
    first, last = rng.choice(EN_FIRST), rng.choice(EN_LAST)
    return Name(f"{first} {last}", f"{first} {last}", last, "en")


# -- addresses ---------------------------------------------------------------------------------

# 시도 -> 시군구 -> (road names, 법정동 names)
KO_REGIONS: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "서울특별시": {
        "강남구": (
            ("테헤란로", "봉은사로", "도산대로", "논현로", "선릉로"),
            ("역삼동", "삼성동", "대치동"),
        ),
        "마포구": (("월드컵북로", "양화로", "독막로", "와우산로"), ("서교동", "합정동", "망원동")),
        "송파구": (("올림픽로", "송파대로", "백제고분로"), ("잠실동", "문정동", "가락동")),
        "종로구": (("종로", "세종대로", "삼일대로"), ("청운동", "혜화동", "평창동")),
        "서초구": (("서초대로", "반포대로", "강남대로"), ("서초동", "반포동", "양재동")),
        "영등포구": (("여의대로", "국제금융로", "영중로"), ("여의도동", "당산동")),
    },
    "부산광역시": {
        "해운대구": (("해운대로", "센텀중앙로", "달맞이길"), ("우동", "중동", "좌동")),
        "부산진구": (("중앙대로", "서면로", "가야대로"), ("부전동", "전포동")),
    },
    "인천광역시": {
        "연수구": (("컨벤시아대로", "송도과학로", "인천타워대로"), ("송도동", "연수동")),
        "남동구": (("인하로", "예술로"), ("구월동", "간석동")),
    },
    "대구광역시": {"수성구": (("달구벌대로", "동대구로", "수성로"), ("범어동", "만촌동"))},
    "대전광역시": {"유성구": (("대학로", "엑스포로", "계룡로"), ("궁동", "봉명동", "도룡동"))},
    "광주광역시": {"북구": (("용봉로", "설죽로"), ("용봉동", "운암동"))},
    "경기도": {
        "성남시 분당구": (("판교역로", "분당내곡로", "황새울로"), ("정자동", "서현동", "삼평동")),
        "수원시 영통구": (("광교중앙로", "월드컵로", "영통로"), ("이의동", "영통동")),
        "고양시 일산동구": (("중앙로", "정발산로"), ("장항동", "마두동")),
        "용인시 수지구": (("포은대로", "수지로"), ("풍덕천동", "죽전동")),
    },
    "제주특별자치도": {"제주시": (("연삼로", "노형로", "중앙로"), ("노형동", "연동", "이도이동"))},
}
_KO_SIDO_SHORT = {
    "서울특별시": ("서울", "서울시"),
    "부산광역시": ("부산",),
    "인천광역시": ("인천",),
    "대구광역시": ("대구",),
    "대전광역시": ("대전",),
    "광주광역시": ("광주",),
    "경기도": ("경기",),
    "제주특별자치도": ("제주",),
}
_KO_BUILDINGS = (
    "한빛빌딩",
    "삼성타워",
    "에이스하이테크시티",
    "현대아파트",
    "래미안아파트",
    "푸르지오",
)


def korean_address(rng: random.Random) -> str:
    """A road-name (도로명) or lot-number (지번) address, with a unit most of the time.

    Varied as people write them: full or short province, no province at all, a 번길 road,
    the reference dong in brackets, apartment, building or floor details.
    """
    sido = rng.choice(list(KO_REGIONS))
    gu = rng.choice(list(KO_REGIONS[sido]))
    roads, dongs = KO_REGIONS[sido][gu]
    r = rng.random()
    sido_text = sido if r < 0.5 else rng.choice(_KO_SIDO_SHORT[sido]) if r < 0.85 else ""
    head = f"{sido_text} {gu}".strip()
    dong_ref = ""
    if rng.random() < 0.7:
        road = rng.choice(roads)
        if rng.random() < 0.15:
            road += f"{rng.randrange(10, 300)}번길"
        num = str(rng.randrange(1, 400))
        if rng.random() < 0.25:
            num += f"-{rng.randrange(1, 30)}"
        core = f"{head} {road} {num}"
        if rng.random() < 0.2:
            dong_ref = f" ({rng.choice(dongs)})"
    else:
        core = f"{head} {rng.choice(dongs)} {rng.randrange(1, 999)}-{rng.randrange(1, 300)}"
    r = rng.random()
    if r < 0.35:
        unit = f", {rng.randrange(101, 120)}동 {rng.randrange(1, 25)}{rng.randrange(1, 5):02d}호"
    elif r < 0.6:
        unit = f" {rng.choice(_KO_BUILDINGS)} {rng.randrange(2, 20)}층"
    elif r < 0.8:
        unit = f", {rng.randrange(1, 15)}층"
    else:
        unit = ""
    return core + unit + dong_ref


# 省 -> 市 -> 区 -> streets; municipalities have an empty province.
ZH_REGIONS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "": {
        "北京市": {
            "朝阳区": ("建国路", "朝阳北路", "望京街"),
            "海淀区": ("中关村大街", "学院路", "海淀路"),
            "东城区": ("东长安街", "王府井大街"),
        },
        "上海市": {
            "浦东新区": ("世纪大道", "张杨路", "陆家嘴环路"),
            "徐汇区": ("漕溪北路", "肇嘉浜路"),
            "静安区": ("南京西路", "延安中路"),
        },
        "重庆市": {"渝中区": ("民族路", "中山一路"), "江北区": ("建新北路", "北城天街")},
    },
    "广东省": {
        "深圳市": {"南山区": ("科技园路", "深南大道", "南海大道"), "福田区": ("福华路", "益田路")},
        "广州市": {"天河区": ("天河路", "体育西路"), "越秀区": ("中山五路", "北京路")},
    },
    "浙江省": {"杭州市": {"西湖区": ("文三路", "天目山路"), "余杭区": ("文一西路", "五常大道")}},
    "江苏省": {
        "南京市": {"鼓楼区": ("中山路", "汉中路")},
        "苏州市": {"工业园区": ("星湖街", "现代大道")},
    },
    "四川省": {"成都市": {"武侯区": ("人民南路", "天府大道"), "锦江区": ("春熙路", "东大街")}},
    "湖北省": {"武汉市": {"洪山区": ("珞喻路", "光谷大道")}},
    "陕西省": {"西安市": {"雁塔区": ("长安南路", "小寨东路")}},
    "福建省": {"厦门市": {"思明区": ("鹭江道", "湖滨南路")}},
    "山东省": {"青岛市": {"市南区": ("香港中路", "东海西路")}},
    "湖南省": {"长沙市": {"岳麓区": ("麓山南路", "枫林三路")}},
}
_ZH_TOWNS = ("街道", "镇")
_ZH_COMPOUNDS = ("阳光花园", "万科城", "碧桂园", "绿地中心", "金茂大厦", "融科资讯中心")


def chinese_address(rng: random.Random) -> str:
    """Province (often left out), city, district, sometimes a sub-district, street, number
    and building/unit/room."""
    prov = rng.choice(list(ZH_REGIONS))
    city = rng.choice(list(ZH_REGIONS[prov]))
    district = rng.choice(list(ZH_REGIONS[prov][city]))
    street = rng.choice(ZH_REGIONS[prov][city][district])
    if prov and rng.random() < 0.3:
        prov = ""  # 深圳市南山区… without 广东省
    town = ""
    if rng.random() < 0.15:
        town = rng.choice(["五常", "西湖", "粤海", "望京", "新街口"]) + rng.choice(_ZH_TOWNS)
    core = f"{prov}{city}{district}{town}{street}{rng.randrange(1, 999)}号"
    r = rng.random()
    if r < 0.35:
        building = f"{rng.randrange(1, 30)}栋{rng.randrange(1, 4)}单元"
        room = f"{rng.randrange(1, 33)}{rng.randrange(1, 5):02d}室"
        return f"{core}{rng.choice(_ZH_COMPOUNDS)}{building}{room}"
    if r < 0.6:
        return f"{core}{rng.randrange(1, 20)}号楼{rng.randrange(1, 30)}{rng.randrange(1, 10):02d}室"
    if r < 0.75:
        return f"{core}{rng.choice(_ZH_COMPOUNDS)}{rng.randrange(2, 40)}层"
    if r < 0.85:
        return f"{core}院{rng.randrange(1, 12)}号楼"
    return core


_US_STREETS = (
    "Oak",
    "Maple",
    "Cedar",
    "Pine",
    "Elm",
    "Washington",
    "Lincoln",
    "Park",
    "Lake",
    "Hill",
    "Main",
    "Sunset",
    "Highland",
    "Madison",
    "Jefferson",
    "River",
    "Church",
)
_US_SUFFIX = ("St", "Street", "Ave", "Avenue", "Blvd", "Rd", "Road", "Dr", "Lane", "Way")
_US_CITIES = (
    ("Springfield", "IL", "627"),
    ("Austin", "TX", "787"),
    ("Seattle", "WA", "981"),
    ("Brooklyn", "NY", "112"),
    ("Denver", "CO", "802"),
    ("Portland", "OR", "972"),
    ("San Jose", "CA", "951"),
    ("Columbus", "OH", "432"),
    ("Boston", "MA", "021"),
    ("Atlanta", "GA", "303"),
    ("Madison", "WI", "537"),
    ("Raleigh", "NC", "276"),
)


def us_address(rng: random.Random) -> str:
    city, state, zip3 = rng.choice(_US_CITIES)
    zip_code = f"{zip3}{rng.randrange(100):02d}"
    if rng.random() < 0.05:
        return f"PO Box {rng.randrange(1, 9999)}, {city}, {state} {zip_code}"
    direction = rng.choice(["", "", "", "N ", "S ", "E ", "W "])
    street = (
        f"{rng.randrange(1, 9999)} {direction}{rng.choice(_US_STREETS)} {rng.choice(_US_SUFFIX)}"
    )
    unit = rng.choice(
        [
            "",
            "",
            f", Apt {rng.randrange(1, 40)}{rng.choice('ABCD')}",
            f", Suite {rng.randrange(100, 999)}",
        ]
    )
    return f"{street}{unit}, {city}, {state} {zip_code}"
