"""Text files in any of the encodings Korean and Chinese data still arrive in.

Detection runs on a sample: byte-order marks first, then known binary signatures and NUL
or control bytes, then strict UTF-8. Only when UTF-8 fails are the legacy East Asian
encodings scored against each other, because CP949 and GB18030 both decode almost any
byte pair: Korean bytes read as GB18030 give valid but *random* hanzi, and Chinese bytes
read as CP949 give random Hangul and Hanja. What separates them is how many decoded
characters are among the few hundred that make up most real Korean or Chinese text.

Decoding is incremental, so a file is never loaded whole and a character split across
two reads decodes correctly.
"""

from __future__ import annotations

import codecs
import os
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from jikimi.sources._charfreq import COMMON_CHARS

SAMPLE_BYTES = 64 * 1024  # head sample used for detection
EXTRA_SAMPLE_BYTES = 16 * 1024  # middle and tail samples of larger files
CHUNK_BYTES = 1 << 20

REPLACE_ERRORS = "jikimi.count-replace"
"""Codec error handler that substitutes U+FFFD and counts each substitution."""

# Signatures of common binary formats. PDF is included: its text is compressed streams.
_MAGIC: tuple[bytes, ...] = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"%PDF-",
    b"PK\x03\x04",  # zip, docx, xlsx, jar
    b"PK\x05\x06",
    b"\x7fELF",
    b"\x1f\x8b",  # gzip
    b"BZh",
    b"\xfd7zXZ\x00",
    b"\x28\xb5\x2f\xfd",  # zstd
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # OLE2: doc, xls, msg
    b"SQLite format 3\x00",
    b"\xca\xfe\xba\xbe",  # Java class, Mach-O fat
    b"\xcf\xfa\xed\xfe",  # Mach-O 64
    b"\xfe\xed\xfa\xcf",
    b"\x00asm",
    b"PAR1",  # Parquet
    b"ORC",
    b"ARROW1",
    b"OggS",
    b"fLaC",
    b"ID3",  # mp3
    b"\x1a\x45\xdf\xa3",  # Matroska / WebM
    b"wOFF",
    b"wOF2",
)
_RIFF = b"RIFF"  # WAV, AVI, WebP

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Legacy encodings scored when UTF-8 fails, in order of preference on a tie: this is a
# Korean-first toolkit. cp949/cp950/cp932 are the supersets Windows actually writes of
# EUC-KR, Big5 and Shift_JIS; gb18030 contains GBK and GB2312.
_LEGACY = ("cp949", "gb18030", "cp950", "cp932")
_MIN_LEGACY_SCORE = 0.3
_SCORE_BYTES = 16 * 1024
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_CONTROL_SHARE = 0.1
_TEXT_CONTROLS = frozenset(b"\t\n\v\f\r\b\x1b")
_CONTROL_BYTES = bytes(sorted(frozenset(range(0x20)) - _TEXT_CONTROLS | {0x7F}))


@dataclass(slots=True)
class DecodeStats:
    """Running totals of one decode; read them after the iterator is exhausted."""

    bytes_read: int = 0
    chars: int = 0
    replacements: int = 0


# -- the counting error handler ---------------------------------------------------------------

_tls = threading.local()


def _replacements_so_far() -> int:
    return int(getattr(_tls, "count", 0))


def _count_replace(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _tls.count = _replacements_so_far() + 1
    return "\ufffd", exc.end


codecs.register_error(REPLACE_ERRORS, _count_replace)


# -- detection ----------------------------------------------------------------------------------


def detect_encoding(head: bytes, *, complete: bool = False) -> str | None:
    """The codec to read text whose first bytes are ``head``; None if it looks binary.

    Args:
        head: a sample from the start of the data (64 KiB is plenty).
        complete: ``head`` is the whole content, so a multibyte character cut at its end is
            an error rather than the sample boundary.

    Returns:
        A Python codec name: ``utf-8``, ``utf-8-sig``, ``utf-16``/``utf-32`` (with BOM),
        ``utf-16-le``/``utf-16-be`` (without), ``cp949``, ``gb18030``, ``cp950``,
        ``cp932``, ``cp1252`` or ``latin-1``.
    """
    if not head:
        return "utf-8"
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec
    if head.startswith(_MAGIC) or (head.startswith(_RIFF) and len(head) >= 12):
        return None
    if b"\x00" in head:
        return _detect_wide(head, complete)
    if len(head) - len(head.translate(None, _CONTROL_BYTES)) > _CONTROL_SHARE * len(head):
        return None
    if head.isascii():
        return "utf-8"
    if _decodes(head, "utf-8", complete):
        return "utf-8"
    return _detect_legacy(head, complete)


def sniff_file(path: str | os.PathLike[str]) -> str | None:
    """Detect the encoding of a file from its head and, for larger files, two more samples.

    Logs are often ASCII for megabytes before the first Korean line, so a head that is
    plain ASCII is not taken as proof of UTF-8 when the file is larger than the sample.
    """
    with open(path, "rb") as fh:
        head = fh.read(SAMPLE_BYTES)
        size = os.fstat(fh.fileno()).st_size
        if size <= len(head):
            return detect_encoding(head, complete=True)
        first = detect_encoding(head)
        if first not in ("utf-8", "cp1252", "latin-1"):
            return first  # a BOM, a wide encoding, binary, or already a legacy CJK codec
        extra = [head[: head.rfind(b"\n") + 1] or head]
        for pos in (size // 2, max(size - EXTRA_SAMPLE_BYTES, 0)):
            fh.seek(pos)
            seg = fh.read(EXTRA_SAMPLE_BYTES)
            # 0x0A is never a trail byte in any candidate, so lines are safe cut points.
            start, end = seg.find(b"\n") + 1, seg.rfind(b"\n") + 1
            if 0 < start < end:
                extra.append(seg[start:end])
        sample = b"".join(extra)
        return detect_encoding(sample) if sample != head else first


def _decodes(data: bytes, codec: str, complete: bool) -> bool:
    try:
        codecs.getincrementaldecoder(codec)("strict").decode(data, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def _decode_lenient(data: bytes, codec: str, complete: bool) -> str:
    # The stock handler: for a score, a genuine U+FFFD in the data may count as an error.
    return codecs.getincrementaldecoder(codec)("replace").decode(data, final=complete)


def _detect_wide(head: bytes, complete: bool) -> str | None:
    """UTF-16/32 without a BOM: ASCII characters leave NULs on one side of each unit."""
    n = len(head)
    even, odd = head[0::2].count(0), head[1::2].count(0)
    units = n // 2
    if units == 0:
        return None
    q = [head[i::4].count(0) for i in range(4)]
    if n >= 8 and q[1] + q[2] + q[3] > 0.9 * 3 * (n // 4) and q[0] < 0.1 * (n // 4):
        cands = ["utf-32-le"]
    elif n >= 8 and q[0] + q[1] + q[2] > 0.9 * 3 * (n // 4) and q[3] < 0.1 * (n // 4):
        cands = ["utf-32-be"]
    elif odd > 0.2 * units and even < 0.02 * units:
        cands = ["utf-16-le"]
    elif even > 0.2 * units and odd < 0.02 * units:
        cands = ["utf-16-be"]
    else:
        return None
    codec = cands[0]
    unit = 4 if codec.startswith("utf-32") else 2
    data = head if complete else head[: n - n % unit]
    if not _decodes(data, codec, complete):
        return None
    text = _decode_lenient(data, codec, complete)
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\t\n\r\f\v")
    return codec if text and printable >= 0.95 * len(text) else None


def _detect_legacy(head: bytes, complete: bool) -> str:
    """Score UTF-8 with errors and the legacy CJK codecs; fall back to a Western codepage."""
    best, best_score = "", -1.0
    if len(head) > _SCORE_BYTES:  # plenty to tell them apart: score lines that are not ASCII
        lines, size = [], 0
        for line in head.split(b"\n")[:-1]:  # the last piece may be cut mid-character
            if not line.isascii():
                lines.append(line + b"\n")
                size += len(line) + 1
                if size >= _SCORE_BYTES:
                    break
        if not lines:  # no line ends: start at the first non-ASCII byte, a lead byte
            first = _HIGH_BYTE.search(head).start()  # type: ignore[union-attr]
            lines = [head[first : first + _SCORE_BYTES]]
        head, complete = b"".join(lines), False
    for codec in ("utf-8", *_LEGACY):
        score = _plausibility(_decode_lenient(head, codec, complete))
        if score > best_score:
            best, best_score = codec, score
    if best_score >= _MIN_LEGACY_SCORE:
        return best
    return "cp1252" if _decodes(head, "cp1252", complete) else "latin-1"


def _plausibility(text: str) -> float:
    """How much ``text`` looks like real East Asian writing, from -2 (junk) to 1.

    Only non-ASCII characters count, since ASCII reads the same in every candidate.
    A common Hangul syllable, hanzi or kana scores 1; a rare one 0.1 (random byte pairs
    land on rare characters); CJK punctuation and full-width forms 0.5; replacement,
    control, private-use and unassigned characters -2.
    """
    good = bad = 0.0
    total = 0
    for ch, n in Counter(text).items():  # distinct characters: a few thousand at most
        o = ord(ch)
        if o < 0x80:
            continue
        total += n
        if ch in COMMON_CHARS or 0x3041 <= o <= 0x30FA:  # kana are all common
            good += n
        elif 0xAC00 <= o <= 0xD7A3 or 0x4E00 <= o <= 0x9FFF:
            good += 0.1 * n
        elif 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E:
            good += 0.5 * n
        elif ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs"):
            bad += n
    if total == 0:
        return 0.0
    return (good - 2.0 * bad) / total


# -- decoding -----------------------------------------------------------------------------------


def decode_chunks(
    raw: Iterable[bytes], encoding: str, stats: DecodeStats | None = None
) -> Iterator[str]:
    """Decode byte chunks incrementally; characters split between chunks come out whole.

    Undecodable bytes become U+FFFD and are counted in ``stats.replacements``: by now
    detection has chosen the encoding, and one corrupt byte must not stop a scan.
    """
    decoder = codecs.getincrementaldecoder(encoding)(REPLACE_ERRORS)
    st = stats if stats is not None else DecodeStats()
    for block in raw:
        before = _replacements_so_far()
        text = decoder.decode(block)
        st.replacements += _replacements_so_far() - before
        st.bytes_read += len(block)
        if text:
            st.chars += len(text)
            yield text
    before = _replacements_so_far()
    tail = decoder.decode(b"", final=True)
    st.replacements += _replacements_so_far() - before
    if tail:
        st.chars += len(tail)
        yield tail


def iter_blocks(stream: BinaryIO, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """Fixed-size reads from a binary stream until it ends."""
    while True:
        block = stream.read(chunk_bytes)
        if not block:
            return
        yield block


def read_text_chunks(
    path: str | os.PathLike[str],
    encoding: str,
    chunk_bytes: int = CHUNK_BYTES,
    stats: DecodeStats | None = None,
) -> Iterator[str]:
    """Stream a file as text, ``chunk_bytes`` at a time, never holding it whole.

    Bad arguments fail at once; the file is opened on the first ``next()``, so an
    OSError (permission denied, vanished) surfaces there.
    """
    if chunk_bytes <= 0:
        raise ValueError("chunk_bytes must be positive")
    codecs.lookup(encoding)
    return _read(path, encoding, chunk_bytes, stats)


def _read(
    path: str | os.PathLike[str], encoding: str, chunk_bytes: int, stats: DecodeStats | None
) -> Iterator[str]:
    with open(path, "rb") as fh:
        yield from decode_chunks(iter_blocks(fh, chunk_bytes), encoding, stats)
