"""Encoding detection and incremental decoding, on real encoded bytes."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from jikimi.sources.text import (
    DecodeStats,
    decode_chunks,
    detect_encoding,
    read_text_chunks,
    sniff_file,
)

KO = [
    "주민등록번호 900101-1234568 입니다. 홍길동 고객님의 연락처를 확인해 주세요.",
    "주민번호: 900101-1234568",
    "이름: 홍길동",
    "성명 김철수",
    "서울특별시 강남구 테헤란로 123, 개인정보 처리방침에 동의합니다.",
    "2024-01-01 INFO user=kim 로그인 성공 ip=10.0.0.1\n" * 3,
    "안녕하세요. 회원가입을 축하드립니다. 비밀번호를 변경해 주시기 바랍니다.",
]
ZH = [
    "身份证号码 11010519491231002X 的持有人是张三，请核实他的联系方式。",
    "身份证号码：11010519491231002X",
    "姓名：王小明",
    "张伟",
    "北京市朝阳区建国路88号，客户的个人信息受法律保护。",
    "我们已经收到您的订单，请在三天内完成支付。",
]
ZH_TRAD = [
    "身分證字號 A123456789 的持有人是張三，請核實他的聯絡方式。",
    "臺北市信義區市府路1號，個人資料保護法。",
]
JA = ["これは日本語の文章です。個人番号を確認してください。"]


def _cases() -> list[tuple[str, str]]:
    out = []
    for s in KO:
        out += [(s, "cp949"), (s, "euc-kr")]
    for s in ZH:
        out += [(s, "gb18030"), (s, "gbk"), (s, "gb2312")]
    for s in ZH_TRAD:
        out += [(s, "big5"), (s, "cp950")]
    for s in JA:
        out += [(s, "shift_jis"), (s, "cp932")]
    return out


@pytest.mark.parametrize(("text", "codec"), _cases())
def test_legacy_east_asian_bytes_decode_back_to_the_original(text: str, codec: str) -> None:
    data = text.encode(codec)
    got = detect_encoding(data, complete=True)
    assert got is not None
    assert data.decode(got) == text, (codec, got)


def test_euc_kr_and_gbk_are_reported_as_their_supersets() -> None:
    assert detect_encoding(KO[0].encode("euc-kr"), complete=True) == "cp949"
    assert detect_encoding(ZH[0].encode("gbk"), complete=True) == "gb18030"


@pytest.mark.parametrize(
    ("data", "codec"),
    [
        (codecs.BOM_UTF8 + "주민 900101".encode(), "utf-8-sig"),
        ("주민 900101".encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + "주민 900101".encode("utf-16-be"), "utf-16"),
        ("주민 900101".encode("utf-32"), "utf-32"),
        (codecs.BOM_UTF32_BE + "身份 110105".encode("utf-32-be"), "utf-32"),
    ],
)
def test_byte_order_marks_win(data: bytes, codec: str) -> None:
    assert detect_encoding(data) == codec
    assert data.decode(codec) in {"주민 900101", "身份 110105"}


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_recognised_from_its_nul_pattern(codec: str) -> None:
    data = "name: 홍길동, rrn 900101-1234568\nid 11010519491231002X\n".encode(codec)
    assert detect_encoding(data, complete=True) == codec


def test_plain_ascii_and_empty_are_utf8() -> None:
    assert detect_encoding(b"") == "utf-8"
    assert detect_encoding(b"hello 900101-1234568\n") == "utf-8"


def test_utf8_cut_inside_a_character_at_the_sample_end_is_still_utf8() -> None:
    data = ("주민등록번호 " * 50).encode()
    cut = data[:-1]  # the last syllable loses its final byte
    assert detect_encoding(cut) == "utf-8"
    # ... but when the sample is the whole file, the cut character is an error to score
    assert detect_encoding(cut, complete=True) == "utf-8"


@pytest.mark.parametrize(
    "data",
    [
        ("주민등록번호 입니다 홍길동 " * 5000).encode("cp949")[:65536],  # one long line
        ("주민등록번호 입니다 홍길동\n" * 5000).encode("cp949")[:65536],
        b"a" * 30000 + "주민".encode("cp949") + b"b" * 34000,  # non-ASCII only mid-line
        b"log line\n" * 3000 + "고객 홍길동 로그인\n".encode("cp949"),
    ],
)
def test_large_legacy_samples_are_scored_on_their_non_ascii_part(data: bytes) -> None:
    assert detect_encoding(data) == "cp949"


def test_western_text_falls_back_to_a_codepage() -> None:
    assert detect_encoding("Straße Müller – “quoted”".encode("cp1252"), complete=True) == "cp1252"
    assert detect_encoding(b"caf\xe9 \x81 na\xefve", complete=True) == "latin-1"


@pytest.mark.parametrize(
    "head",
    [
        b"\x89PNG\r\n\x1a\n" + b"text" * 10,
        b"%PDF-1.7\n1 0 obj",
        b"PK\x03\x04" + b"a" * 40,
        b"\x7fELF\x02\x01\x01",
        b"\x1f\x8b\x08\x00",
        b"SQLite format 3\x00",
        b"abc\x00def\x00\x00\x01\x02ghi",  # NUL bytes that are not UTF-16
        bytes(range(1, 32)) * 10,  # control characters
    ],
)
def test_binary_data_is_none(head: bytes) -> None:
    assert detect_encoding(head) is None


@pytest.mark.parametrize(
    "codec", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp949", "gb18030", "big5"]
)
@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64])
def test_characters_split_between_chunks_decode_whole(
    tmp_path: Path, codec: str, chunk: int
) -> None:
    texts = {"big5": "身分證 A123 姓名 abc\n", "cp949": "주민 900101-1234568 한글 韓國\n"}
    text = texts.get(codec, "주민 900101-1234568 한글\n身份 X\n")
    path = tmp_path / "f.txt"
    path.write_bytes((text * 5).encode(codec))
    stats = DecodeStats()
    pieces = list(read_text_chunks(path, codec, chunk_bytes=chunk, stats=stats))
    assert "".join(pieces) == text * 5
    assert stats.replacements == 0
    assert stats.bytes_read == path.stat().st_size
    assert stats.chars == len(text) * 5


def test_undecodable_bytes_are_replaced_and_counted() -> None:
    raw = "홍길동".encode("cp949") + b"\xff\xff" + "김철수".encode("cp949")
    stats = DecodeStats()
    text = "".join(decode_chunks([raw[:3], raw[3:]], "cp949", stats))
    assert text.startswith("홍길동") and text.endswith("김철수")
    assert stats.replacements == 2
    assert text.count("\ufffd") == 2


def test_a_genuine_replacement_character_is_not_counted() -> None:
    stats = DecodeStats()
    assert "".join(decode_chunks(["a\ufffdb".encode()], "utf-8", stats)) == "a\ufffdb"
    assert stats.replacements == 0


def test_truncated_multibyte_at_end_of_file_is_one_replacement(tmp_path: Path) -> None:
    path = tmp_path / "cut.txt"
    path.write_bytes("주민".encode()[:-1])
    stats = DecodeStats()
    assert "".join(read_text_chunks(path, "utf-8", stats=stats)) == "주\ufffd"
    assert stats.replacements == 1


def test_bad_arguments_fail_at_call_time(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        read_text_chunks(tmp_path / "x", "utf-8", chunk_bytes=0)
    with pytest.raises(LookupError):
        read_text_chunks(tmp_path / "x", "no-such-codec")
    missing = read_text_chunks(tmp_path / "missing.txt", "utf-8")
    with pytest.raises(FileNotFoundError):
        next(missing)


def test_sniff_looks_past_an_ascii_head(tmp_path: Path) -> None:
    path = tmp_path / "log.txt"
    ascii_part = b"2024-01-01 INFO request ok\n" * 5000  # > 64 KiB of ASCII
    korean = "2024-01-02 INFO 사용자 홍길동 로그인 성공\n".encode("cp949") * 200
    path.write_bytes(ascii_part + korean)
    assert sniff_file(path) == "cp949"
    assert "홍길동" in "".join(read_text_chunks(path, "cp949"))


def test_sniff_small_files_and_binary(tmp_path: Path) -> None:
    small = tmp_path / "s.txt"
    small.write_bytes("身份证号码 11010519491231002X".encode("gb18030"))
    assert sniff_file(small) == "gb18030"
    png = tmp_path / "x.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 1000)
    assert sniff_file(png) is None
