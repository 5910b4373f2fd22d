"""Mask: hide part of a value for display, by the Korean and Chinese conventions.

Presets follow shared/reference/masking-conventions.md (§5), including the courier
"privacy waybill" of GB/T 41833-2022 (phone: at least six digits hidden; name: at least
one character; address: unit/room numbers). Everything is a Polars string expression
(regex extract/replace, slices, padding), so a column is masked without a Python call
per value. Counting is over code points, separators are kept, and identifiers are
NFKC-normalised first so full-width digits mask like ASCII ones.

Masking is display hiding, not pseudonymisation: one preset per entity per deployment,
or differently masked copies can be combined.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import polars as pl
from pydantic import Field, field_validator, model_validator

from jikimi.transform.base import FieldContext, IrreversibleOperator
from jikimi.transform.config import OperatorConfig

# "Significant" characters are ASCII letters and digits and every non-ASCII character;
# separators are ASCII punctuation and spaces. Counting non-ASCII punctuation as
# significant only ever hides more, and plain ranges keep the regexes on Polars' fast path
# (Unicode classes such as \p{L} cost about four times as much per value).
SIG = r"[0-9A-Za-z\x{80}-\x{10FFFF}]"
NON = r"[^0-9A-Za-z\x{80}-\x{10FFFF}]"
_ASCII_ALNUM = (
    [chr(c) for c in range(0x30, 0x3A)]
    + [chr(c) for c in range(0x41, 0x5B)]
    + [chr(c) for c in range(0x61, 0x7B)]
)

# Two-character Chinese surnames (复姓) that a name mask keeps whole.
CN_COMPOUND_SURNAMES = (
    "欧阳 太史 端木 上官 司马 东方 独孤 南宫 万俟 闻人 夏侯 诸葛 尉迟 公羊 赫连 澹台 皇甫 "
    "宗政 濮阳 公冶 太叔 申屠 公孙 慕容 仲孙 钟离 长孙 宇文 司徒 鲜于 司空 闾丘 子车 亓官 "
    "司寇 巫马 公西 颛孙 壤驷 公良 漆雕 乐正 宰父 谷梁 拓跋 夹谷 轩辕 令狐 段干 百里 呼延 "
    "东郭 南门 羊舌 微生 梁丘 左丘 西门 第五 南荣 东里 仲长 子书 子桑 即墨 达奚 褚师"
).split()


class MaskConfig(OperatorConfig):
    """``preset`` picks a convention; ``custom`` uses the keep/hide counts."""

    operator: Literal["mask"] = "mask"
    preset: str = "custom"
    char: str = "*"
    keep_first: int = Field(default=0, ge=0)
    keep_last: int = Field(default=0, ge=0)
    hide_last: int | None = Field(default=None, ge=1)
    preserve_length: bool | None = None  # None: the preset's own default

    @field_validator("char")
    @classmethod
    def _one_char(cls, v: str) -> str:
        if len(v) != 1:
            raise ValueError("the mask character must be exactly one character")
        return v

    @field_validator("preset")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in PRESETS:
            raise ValueError(f"unknown mask preset {v!r}; known: {', '.join(sorted(PRESETS))}")
        return v

    @model_validator(mode="after")
    def _custom_needs_counts(self) -> MaskConfig:
        if self.hide_last is not None and (self.keep_first or self.keep_last):
            raise ValueError("use either hide_last or keep_first/keep_last, not both")
        return self


# -- building blocks -----------------------------------------------------------------------
# Presets are functions on a Series (one batch of a column). They stage their work with
# ``with_columns`` so every intermediate (head, tail, middle) is computed once, and they
# branch per batch in Python where that saves a pass (no non-ASCII text → no NFKC, no
# Unicode replacement). Every step is still a Polars kernel over the whole batch.

V = pl.col("v")
_NON_ASCII = r"[^\x00-\x7F]"
Preset = Callable[[pl.Series, "MaskConfig"], pl.Series]


def _repl(char: str) -> str:
    return char.replace("$", "$$")


def stars(n: pl.Expr, char: str) -> pl.Expr:
    """``n`` copies of ``char`` (``n`` may vary per row; negative counts give "")."""
    return pl.lit("").str.pad_start(n.clip(lower_bound=0), char)


def _has_non_ascii(s: pl.Series) -> bool:
    return bool(s.str.contains(_NON_ASCII).any())


def hide_all(s: pl.Series, char: str) -> pl.Series:
    """Every letter and digit hidden, separators kept.

    ASCII goes through one Aho-Corasick pass (``replace_many``), several times faster than
    a regex replacing one match at a time; the regex runs only when there is non-ASCII text.
    """
    out = s.str.replace_many(_ASCII_ALNUM, [char] * len(_ASCII_ALNUM))
    if _has_non_ascii(out):
        out = out.str.replace_all(r"[\x{80}-\x{10FFFF}]", _repl(char))
    return out


def _ident(s: pl.Series) -> pl.Series:
    """NFKC (full-width digits and hyphens become ASCII) when the batch needs it."""
    return s.str.normalize("NFKC") if _has_non_ascii(s) else s


def significant_count(e: pl.Expr) -> pl.Expr:
    """Letters/digits per value: length minus separators (separators are the rare matches)."""
    return e.str.len_chars().cast(pl.Int64) - e.str.count_matches(NON)


def _head(e: pl.Expr, n: int) -> pl.Expr:
    """The prefix up to and including the ``n``-th letter/digit."""
    if n == 0:
        return pl.lit("")
    return e.str.extract(rf"^((?:{NON}*{SIG}){{{n}}})", 1)


def _tail(e: pl.Expr, n: int) -> pl.Expr:
    """The suffix from the ``n``-th last letter/digit on."""
    if n == 0:
        return pl.lit("")
    return e.str.extract(rf"((?:{SIG}{NON}*){{{n}}})$", 1)


def _keep(
    s: pl.Series,
    head: pl.Expr,
    tail: pl.Expr,
    kept: pl.Expr | int,
    char: str,
    preserve_length: bool = True,
) -> pl.Series:
    """``head`` and ``tail`` shown, the middle hidden; values too short to keep that many
    letters/digits are hidden entirely (never shown entirely)."""
    short = significant_count(V) <= kept
    df = s.to_frame("v").with_columns(
        h=pl.when(short).then(pl.lit("")).otherwise(head),
        t=pl.when(short).then(pl.lit("")).otherwise(tail),
    )
    hl, tl = pl.col("h").str.len_chars().cast(pl.Int64), pl.col("t").str.len_chars().cast(pl.Int64)
    mid = df.select(V.str.slice(hl, V.str.len_chars().cast(pl.Int64) - hl - tl)).to_series()
    if preserve_length:
        hidden = hide_all(mid, char)
    else:
        hidden = (
            mid.to_frame("m")
            .select(
                pl.when(pl.col("m").str.len_chars().cast(pl.Int64) > 0)
                .then(pl.lit(char * 3))
                .otherwise(pl.lit(""))
            )
            .to_series()
        )
    return (
        df.with_columns(m=hidden)
        .select(pl.concat_str([pl.col("h"), pl.col("m"), pl.col("t")]))
        .to_series()
    )


def keep_ends(
    s: pl.Series, first: int, last: int, char: str, preserve_length: bool = True
) -> pl.Series:
    """Keep the first/last letters or digits, hide the rest."""
    return _keep(s, _head(V, first), _tail(V, last), first + last, char, preserve_length)


def hide_tail(s: pl.Series, n: int, char: str) -> pl.Series:
    """Hide the last ``n`` letters or digits (account, passport, BRN conventions)."""
    df = s.to_frame("v").with_columns(t=_tail(V, n))
    short = significant_count(V) <= n
    head = V.str.slice(
        0, V.str.len_chars().cast(pl.Int64) - pl.col("t").str.len_chars().cast(pl.Int64)
    )
    df = df.select(
        h=pl.when(short).then(pl.lit("")).otherwise(head),
        t=pl.when(short).then(V).otherwise(pl.col("t")),
    )
    return (
        df.with_columns(t=hide_all(df["t"], char))
        .select(pl.concat_str([pl.col("h"), pl.col("t")]))
        .to_series()
    )


def _expr_preset(build: Callable[[pl.Expr, MaskConfig], pl.Expr]) -> Preset:
    """A preset written as one expression (cheap ones: names, IP, addresses)."""

    def run(s: pl.Series, c: MaskConfig) -> pl.Series:
        return s.to_frame("v").select(build(V, c)).to_series()

    return run


def _hide_all_expr(e: pl.Expr, char: str) -> pl.Expr:
    return e.str.replace_all(SIG, _repl(char))


# -- conventions ---------------------------------------------------------------------------


def _latin_name(e: pl.Expr, char: str) -> pl.Expr:
    first = e.str.extract(r"^(\s*\S*)", 1)
    return pl.concat_str(
        [first, _hide_all_expr(e.str.slice(first.str.len_chars().cast(pl.Int64)), char)]
    )


def _kr_name(e: pl.Expr, c: MaskConfig) -> pl.Expr:
    """홍길동 → 홍*동, 김철 → 김*, 남궁민수 → 남**수; Latin names keep the first word."""
    n, ch = e.str.len_chars().cast(pl.Int64), c.char
    return (
        pl.when(e.str.contains(r"\s"))
        .then(_latin_name(e, ch))
        .when(n <= 1)
        .then(stars(n, ch))
        .when(n == 2)
        .then(pl.concat_str([e.str.slice(0, 1), pl.lit(ch)]))
        .otherwise(pl.concat_str([e.str.slice(0, 1), stars(n - 2, ch), e.str.slice(-1)]))
    )


def _surname_only(e: pl.Expr, c: MaskConfig) -> pl.Expr:
    """홍길동 → 홍**: only the surname shown."""
    n = e.str.len_chars().cast(pl.Int64)
    return (
        pl.when(e.str.contains(r"\s"))
        .then(_latin_name(e, c.char))
        .when(n <= 1)
        .then(stars(n, c.char))
        .otherwise(pl.concat_str([e.str.slice(0, 1), stars(n - 1, c.char)]))
    )


_COMPOUND_RE = "^(?:" + "|".join(CN_COMPOUND_SURNAMES) + ")"


def _cn_name(e: pl.Expr, c: MaskConfig) -> pl.Expr:
    """张三 → 张*, 张小明 → 张**, 欧阳娜娜 → 欧阳**: surname kept (compound too)."""
    n = e.str.len_chars().cast(pl.Int64)
    keep = pl.when(e.str.contains(_COMPOUND_RE) & (n > 2)).then(2).otherwise(1)
    return (
        pl.when(e.str.contains(r"\s"))
        .then(_latin_name(e, c.char))
        .when(n <= 1)
        .then(stars(n, c.char))
        .otherwise(pl.concat_str([e.str.slice(0, keep), stars(n - keep, c.char)]))
    )


def kr_phone(s: pl.Series, c: MaskConfig) -> pl.Series:
    """010-1234-5678 → 010-****-5678, 02-312-3456 → 02-***-3456 (the exchange block).

    The area or carrier prefix is three digits except Seoul's 02 and the subscriber block
    is the last four, so this is "keep the first 3 (2 for 02) and the last 4".
    """
    s = _ident(s)
    seoul = V.str.starts_with("02")
    head = pl.when(seoul).then(_head(V, 2)).otherwise(_head(V, 3))
    return _keep(s, head, _tail(V, 4), pl.when(seoul).then(6).otherwise(7), c.char)


def _cn_national(build: Callable[[pl.Series, str], pl.Series]) -> Preset:
    """Apply a phone mask to the national number, leaving a +86 / 0086 prefix as it is."""

    def wrapped(s: pl.Series, c: MaskConfig) -> pl.Series:
        s = _ident(s)
        df = s.to_frame("v").with_columns(cc=V.str.extract(r"^((?:\+|00)86[\s-]?)", 1))
        if df["cc"].null_count() == df.height:
            return build(s, c.char)
        df = df.with_columns(cc=pl.col("cc").fill_null(""))
        national = df.select(V.str.slice(pl.col("cc").str.len_chars().cast(pl.Int64))).to_series()
        return (
            df.with_columns(n=build(national, c.char))
            .select(pl.concat_str([pl.col("cc"), pl.col("n")]))
            .to_series()
        )

    return wrapped


def _waybill_phone(s: pl.Series, char: str) -> pl.Series:
    """At least six digits hidden: 11+ digits keep 3 + 2, 8-10 keep the last 2, else none."""
    n = significant_count(V)
    head = pl.when(n >= 11).then(_head(V, 3)).otherwise(pl.lit(""))
    tail = pl.when(n >= 8).then(_tail(V, 2)).otherwise(pl.lit(""))
    return _keep(s, head, tail, pl.when(n >= 11).then(5).when(n >= 8).then(2).otherwise(n), char)


# GB/T 41833-2022: at least six digits hidden, e.g. 13812345678 → 138******78.
cn_waybill_phone = _cn_national(_waybill_phone)
cn_phone = _cn_national(lambda s, char: keep_ends(s, 3, 4, char))


def email(keep: int) -> Preset:
    """gildong@example.com → gi*****@example.com (keep ``keep`` chars of the local part)."""

    def run(s: pl.Series, c: MaskConfig) -> pl.Series:
        parts = V.str.extract_groups(r"^([^@]*)(@.*)$")
        df = s.to_frame("v").with_columns(parts.alias("g"))
        df = df.select(local=pl.col("g").struct.field("1"), domain=pl.col("g").struct.field("2"))
        ll = pl.col("local").str.len_chars().cast(pl.Int64)
        shown = pl.min_horizontal(pl.lit(keep), (ll - 1).clip(lower_bound=0))
        hidden = stars(ll - shown, c.char) if c.preserve_length is not False else pl.lit(c.char * 5)
        out = df.select(
            pl.concat_str([pl.col("local").str.slice(0, shown), hidden, pl.col("domain")])
        ).to_series()
        no_at = out.is_null() & s.is_not_null()
        if no_at.any():  # not an address: keep the first characters like an identifier
            out = out.zip_with(~no_at, keep_ends(s, keep, 0, c.char))
        return out

    return run


def _ip(e: pl.Expr, c: MaskConfig) -> pl.Expr:
    """IPv4: third octet hidden (203.0.***.7); IPv6: last group hidden (…:3:****)."""
    r = _repl(c.char)
    v4 = e
    for width in (3, 2, 1):
        v4 = v4.str.replace(
            rf"^(\d{{1,3}}\.\d{{1,3}}\.)\d{{{width}}}(\.\d{{1,3}})$", f"${{1}}{r * width}${{2}}"
        )
    v6 = e
    for width in (4, 3, 2, 1):
        v6 = v6.str.replace(rf":[0-9A-Fa-f]{{{width}}}$", f":{r * width}")
    return pl.when(e.str.contains(":")).then(v6).otherwise(v4)


_KR_ADDR_HEAD = r"^((?:\S+\s+)*?[^\s\d]+(?:읍|면|동|리|로|길|가))(?:[\s,]|$)"


def _kr_address(e: pl.Expr, c: MaskConfig) -> pl.Expr:
    """Keep up to the 읍/면/동 or road name; hide the numbers after it (번지, 동/층/호)."""
    head = e.str.extract(_KR_ADDR_HEAD, 1)
    rest = e.str.slice(head.str.len_chars().cast(pl.Int64))
    digits = r"[0-9A-Za-z]"
    return (
        pl.when(head.is_null())
        .then(e.str.replace_all(digits, _repl(c.char)))
        .otherwise(pl.concat_str([head, rest.str.replace_all(digits, _repl(c.char))]))
    )


def _cn_address(e: pl.Expr, c: MaskConfig) -> pl.Expr:
    """广东省深圳市南山区科技园南路88号 → 广东省深圳市南山区****: keep up to the district."""
    head = e.str.extract(r"^(.*?(?:区|县|旗))", 1)
    head = pl.coalesce(head, e.str.extract(r"^(.*?市)", 1))
    rest = e.str.slice(head.str.len_chars().cast(pl.Int64))
    hidden = (
        rest.str.replace_all(r"\S", _repl(c.char))
        if c.preserve_length is True
        else pl.when(rest.str.len_chars().cast(pl.Int64) > 0)
        .then(pl.lit(c.char * 4))
        .otherwise(pl.lit(""))
    )
    return (
        pl.when(head.is_null())
        .then(e.str.replace_all(r"\d", _repl(c.char)))
        .otherwise(pl.concat_str([head, hidden]))
    )


_UNIT = r"\d+(\s*(?:号楼|栋|幢|单元|室|楼|层|号房|房))"


def _cn_waybill_address(e: pl.Expr, c: MaskConfig) -> pl.Expr:
    """GB/T 41833-2022: building/unit/room numbers hidden: 3栋2单元1201室 → ***栋***单元***室."""
    return e.str.replace_all(_UNIT, f"{_repl(c.char) * 3}${{1}}")


def _ends(first: int, last: int, ident: bool = True) -> Preset:
    def build(s: pl.Series, c: MaskConfig) -> pl.Series:
        return keep_ends(
            _ident(s) if ident else s, first, last, c.char, c.preserve_length is not False
        )

    return build


def _hide_last(n: int) -> Preset:
    def build(s: pl.Series, c: MaskConfig) -> pl.Series:
        return hide_tail(_ident(s), n, c.char)

    return build


def custom(s: pl.Series, c: MaskConfig) -> pl.Series:
    if c.hide_last is not None:
        return hide_tail(s, c.hide_last, c.char)
    return keep_ends(s, c.keep_first, c.keep_last, c.char, c.preserve_length is not False)


def _password(e: pl.Expr, c: MaskConfig) -> pl.Expr:
    """Never displayed, not even its length."""
    return pl.when(e.is_null()).then(None).otherwise(pl.lit(c.char * 8))


def everything(s: pl.Series, c: MaskConfig) -> pl.Series:
    return hide_all(s, c.char)


kr_name = _expr_preset(_kr_name)
cn_name = _expr_preset(_cn_name)

PRESETS: dict[str, Preset] = {
    "custom": custom,
    "all": everything,
    "password": _expr_preset(_password),
    "kr-name": kr_name,
    "kr-name-surname": _expr_preset(_surname_only),
    "cn-name": cn_name,
    "cn-name-middle": kr_name,
    "cn-waybill-name": cn_name,
    "kr-rrn": _ends(7, 0),
    "kr-rrn-strict": _ends(6, 0),
    "kr-phone": kr_phone,
    "kr-phone-last4": _hide_last(4),
    "cn-phone": cn_phone,
    "cn-waybill-phone": cn_waybill_phone,
    "kr-email": email(2),
    "cn-email": email(3),
    "card": _ends(6, 4),
    "cn-card": _ends(4, 4),
    "kr-account": _hide_last(4),
    "cn-account": _ends(4, 4),
    "kr-passport": _hide_last(4),
    "cn-passport": _ends(2, 2),
    "kr-driver-license": _ends(4, 2),
    "kr-brn": _hide_last(5),
    "kr-ci": _ends(7, 0, ident=False),
    "cn-id": _ends(6, 4),
    "cn-id-strict": _ends(1, 1),
    "ip": _expr_preset(_ip),
    "kr-address": _expr_preset(_kr_address),
    "cn-address": _expr_preset(_cn_address),
    "cn-waybill-address": _expr_preset(_cn_waybill_address),
}


class Mask(IrreversibleOperator):
    name = "mask"

    def __init__(self, config: MaskConfig | None = None) -> None:
        self.config = config or MaskConfig()
        self._build = PRESETS[self.config.preset]

    def protect_expr(self, col: pl.Expr, ctx: FieldContext) -> pl.Expr:
        build, config = self._build, self.config

        def batch(s: pl.Series) -> pl.Series:
            return build(s.cast(pl.String), config).alias(s.name)

        return col.map_batches(batch, return_dtype=pl.String, is_elementwise=True)
