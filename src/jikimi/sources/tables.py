"""Tabular files (CSV/TSV, JSON/JSONL, Parquet, Excel) read in batches and sampled.

Discovery needs a uniform random sample of each column, not the whole file: every
reader yields record batches of bounded size, and :class:`Reservoir` keeps the ``k``
rows with the smallest seeded random keys (bottom-k sampling), so a 10-GB CSV costs one
streaming pass and O(k) memory. Values are kept as strings because classification
looks at their text; the reader's own type is recorded beside them.

Problems that affect part of a file (a malformed CSV line) are counted and reported on
the sample; problems that stop a file (undecodable bytes) raise :class:`SourceError`.
Neither ever carries a cell value.
"""

from __future__ import annotations

import csv
import heapq
import io
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from jikimi.errors import InputError

BATCH_ROWS = 65_536
CSV_BLOCK_BYTES = 8 << 20
LIST_JOIN = " | "  # how the items of a JSON list or Parquet list share one cell

CSV_SUFFIXES = frozenset({".csv", ".tsv", ".tab", ".txt"})
JSON_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson"})
PARQUET_SUFFIXES = frozenset({".parquet", ".pq"})
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
TABLE_SUFFIXES = CSV_SUFFIXES | JSON_SUFFIXES | PARQUET_SUFFIXES | EXCEL_SUFFIXES
# what a directory walk picks up: .txt files are read as delimited text only when named
DISCOVER_SUFFIXES = TABLE_SUFFIXES - {".txt"}


class SourceError(InputError):
    """A source (file, table, database) could not be read; the message names it, never values."""


Row = dict[str, str | None]


@dataclass(frozen=True, slots=True)
class SampleSpec:
    """How many rows to sample, with which seed, and whether a full read is allowed.

    ``full_scan`` matters for databases only: files are always streamed once, because a
    uniform sample of a file cannot be drawn without reading it.
    """

    size: int = 1000
    seed: int = 1
    full_scan: bool = False

    def __post_init__(self) -> None:
        if self.size < 1:
            raise ValueError("sample size must be at least 1")


@dataclass(slots=True)
class TableSample:
    """A sample of one table: its columns, their types and up to ``k`` rows of values.

    ``rows_total`` is exact when ``rows_exact`` (a file read to the end), otherwise the
    database's estimate (None when it has none). ``values`` hold personal data and are
    therefore excluded from ``repr``.
    """

    source: str
    table: str
    columns: list[str]
    dtypes: dict[str, str]
    values: dict[str, list[str | None]] = field(repr=False)
    rows_read: int
    rows_total: int | None
    rows_exact: bool
    method: str
    issues: list[str] = field(default_factory=list)

    @property
    def rows_sampled(self) -> int:
        return max((len(v) for v in self.values.values()), default=0)


# -- sampling ---------------------------------------------------------------------------------


class Reservoir:
    """Bottom-k sampling: each row gets a seeded uniform key; the ``k`` smallest are kept.

    Equivalent to a uniform sample without replacement, vectorised per batch: only rows
    whose key beats the current k-th smallest are ever turned into Python objects.
    """

    def __init__(self, spec: SampleSpec) -> None:
        self.k = spec.size
        self._rng = np.random.default_rng(spec.seed)
        self._heap: list[tuple[float, int, Row]] = []  # max-heap via negated keys
        self._columns: dict[str, str] = {}
        self.rows_read = 0

    @property
    def _threshold(self) -> float:
        return -self._heap[0][0] if len(self._heap) >= self.k else 1.0

    def note_columns(self, types: Mapping[str, str]) -> None:
        for name, t in types.items():
            self._columns.setdefault(name, t)

    def add_arrow(self, batch: Any) -> None:
        """Offer a pyarrow RecordBatch or Table."""
        n = int(batch.num_rows)
        self.note_columns({f.name: str(f.type) for f in batch.schema})
        if n == 0:
            return
        keys = self._rng.random(n)
        idx = self._candidates(keys)
        if len(idx):
            self._offer(keys[idx], idx, batch.take(pa.array(idx)).to_pylist())
        self.rows_read += n

    def _candidates(self, keys: Any) -> Any:
        """Rows that can still enter the sample: below the threshold, and at most the k
        smallest of this batch (the rest would be pushed out by those k anyway)."""
        idx = np.nonzero(keys < self._threshold)[0]
        if len(idx) > self.k:
            idx = np.sort(idx[np.argpartition(keys[idx], self.k - 1)[: self.k]])
        return idx

    def add_rows(self, rows: list[dict[str, Any]], types: Mapping[str, str]) -> None:
        """Offer already-parsed rows (JSON, Excel)."""
        self.note_columns(types)
        n = len(rows)
        if n == 0:
            return
        keys = self._rng.random(n)
        idx = self._candidates(keys)
        if len(idx):
            self._offer(keys[idx], idx, [rows[i] for i in idx])
        self.rows_read += n

    def _offer(self, keys: Any, positions: Any, rows: list[dict[str, Any]]) -> None:
        base = self.rows_read
        for key, pos, row in zip(keys.tolist(), positions.tolist(), rows, strict=True):
            item = (-key, base + pos, {k: cell_text(v) for k, v in row.items()})
            if len(self._heap) < self.k:
                heapq.heappush(self._heap, item)
            elif key < -self._heap[0][0]:
                heapq.heapreplace(self._heap, item)

    def sample(self, source: str, table: str, method: str, issues: list[str]) -> TableSample:
        rows = [r for _, _, r in sorted(self._heap, key=lambda t: t[1])]  # file order
        cols = list(self._columns)
        values = {c: [r.get(c) for r in rows] for c in cols}
        return TableSample(
            source=source,
            table=table,
            columns=cols,
            dtypes=dict(self._columns),
            values=values,
            rows_read=self.rows_read,
            rows_total=self.rows_read,
            rows_exact=True,
            method=method,
            issues=issues,
        )


def cell_text(v: Any) -> str | None:
    """A cell as text: lists become ``a | b``; binary that is not UTF-8 becomes None."""
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, bytes | bytearray | memoryview):
        try:
            return bytes(v).decode("utf-8")
        except UnicodeDecodeError:
            return None
    if isinstance(v, list | tuple):
        items = [cell_text(x) for x in v]
        return LIST_JOIN.join(x for x in items if x is not None)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False, default=str)
    if isinstance(v, float):
        if math.isnan(v):
            return None
        if v.is_integer() and abs(v) < 1e16:
            return str(int(v))  # a phone number stored as a float is still a phone number
    return str(v)


# -- flattening -------------------------------------------------------------------------------


def flatten(record: Any, prefix: str = "") -> dict[str, Any]:
    """A JSON value as ``{dotted.path: scalar or list}``; list items share the path ``key[]``."""
    out: dict[str, Any] = {}
    _flatten_into(record, prefix, out)
    return out


def _flatten_into(value: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        if not value and path:
            out.setdefault(path, None)
        for k, v in value.items():
            _flatten_into(v, f"{path}.{k}" if path else str(k), out)
    elif isinstance(value, list):
        for item in value:
            _flatten_into(item, f"{path}[]", out)
    else:
        key = path or "value"
        if key in out and out[key] is not None:
            prev = out[key]
            out[key] = [*prev, value] if isinstance(prev, list) else [prev, value]
        else:
            out[key] = value


# -- readers ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Reader settings; ``threads`` lets Arrow parse CSV/Parquet on every core."""

    encoding: str | None = None
    delimiter: str | None = None
    threads: bool = True
    batch_rows: int = BATCH_ROWS


def table_kind(path: Path) -> str:
    s = path.suffix.lower()
    if s in CSV_SUFFIXES:
        return "csv"
    if s == ".json":
        return "json"
    if s in JSON_SUFFIXES:
        return "jsonl"
    if s in PARQUET_SUFFIXES:
        return "parquet"
    if s in EXCEL_SUFFIXES:
        return "excel"
    raise SourceError(f"{path}: not a table file (known: {', '.join(sorted(TABLE_SUFFIXES))})")


def sample_file(
    path: str | Path, spec: SampleSpec | None = None, options: ReadOptions | None = None
) -> list[TableSample]:
    """Sample every table in a file (one for CSV/JSON/Parquet, one per Excel sheet)."""
    p = Path(path)
    spec = spec or SampleSpec()
    options = options or ReadOptions()
    if not p.is_file():
        raise SourceError(f"{p}: no such file")
    kind = table_kind(p)
    try:
        if kind == "csv":
            return [_sample_csv(p, spec, options)]
        if kind == "jsonl":
            return [_sample_jsonl(p, spec, options)]
        if kind == "json":
            return [_sample_json(p, spec, options)]
        if kind == "parquet":
            return [_sample_parquet(p, spec, options)]
        return _sample_excel(p, spec, options)
    except SourceError:
        raise
    except (pa.ArrowInvalid, pa.ArrowException, OSError, ValueError, KeyError) as exc:
        raise SourceError(f"{p}: cannot read as {kind}: {_arrow_reason(exc)}") from None


def _arrow_reason(exc: BaseException) -> str:
    """A one-line reason that never quotes a row: Arrow sometimes appends the row text."""
    msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    shape = re.search(r"Expected \d+ columns, got \d+", msg)
    if shape:
        return f"CSV parse error: {shape.group(0)}"
    for marker in (": got '", "Row #", " row: ", "'\"", "invalid value '", ": '"):
        cut = msg.find(marker)
        if cut > 0:
            msg = msg[:cut]
    return msg[:200]


# CSV -----------------------------------------------------------------------------------------


def _csv_encoding(path: Path, declared: str | None) -> str:
    if declared:
        return declared
    from jikimi.sources.text import sniff_file

    found = sniff_file(path)
    if found is None:
        raise SourceError(f"{path}: looks binary, not delimited text")
    return found


def _csv_delimiter(path: Path, encoding: str, declared: str | None) -> str:
    if declared:
        return declared
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    with path.open("rb") as fh:
        head = fh.read(32 * 1024)
    text = head.decode(encoding, errors="ignore")
    first = text.splitlines()[:20]
    try:
        return csv.Sniffer().sniff("\n".join(first), delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _sample_csv(path: Path, spec: SampleSpec, options: ReadOptions) -> TableSample:
    encoding = _csv_encoding(path, options.encoding)
    try:
        "".encode(encoding)
    except LookupError:
        raise SourceError(f"{path}: unknown encoding {encoding!r}") from None
    delimiter = _csv_delimiter(path, encoding, options.delimiter)
    arrow_enc = "utf8" if encoding.lower().replace("-", "") in ("utf8", "utf8sig") else encoding
    read = pacsv.ReadOptions(
        encoding=arrow_enc, block_size=CSV_BLOCK_BYTES, use_threads=options.threads
    )
    # First pass over the header only: every column is then read as text, because type
    # inference from the first block fails on later blocks of dirty data.
    try:
        with pacsv.open_csv(
            path,
            read_options=read,
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=lambda _: "skip"
            ),
        ) as probe:
            names = list(probe.schema.names)
    except (UnicodeDecodeError, pa.ArrowInvalid) as exc:
        if isinstance(exc, pa.ArrowInvalid) and "UTF8" not in str(exc):
            raise
        raise SourceError(
            f"{path}: bytes are not valid {encoding} in the first block; pass the right encoding"
        ) from None
    convert = pacsv.ConvertOptions(
        column_types={n: pa.string() for n in names}, strings_can_be_null=True
    )
    bad_rows: list[int | None] = []

    def on_bad_row(row: Any) -> str:
        bad_rows.append(row.number)
        return "skip"

    def read_all(tolerant: bool) -> Reservoir:
        # Arrow's per-row error callback costs a lot of speed; it is only installed when
        # a first, strict pass has met a malformed row.
        parse = pacsv.ParseOptions(
            delimiter=delimiter,
            newlines_in_values=True,
            invalid_row_handler=on_bad_row if tolerant else None,
        )
        res = Reservoir(spec)
        try:
            with pacsv.open_csv(
                path, read_options=read, parse_options=parse, convert_options=convert
            ) as reader:
                for batch in reader:
                    res.add_arrow(batch)
        except pa.ArrowInvalid as exc:
            text = str(exc)
            if "UTF8" in text or "utf-8" in text.lower() or "decode" in text.lower():
                raise SourceError(
                    f"{path}: bytes are not valid {encoding} after about {res.rows_read} rows; "
                    "pass the right encoding"
                ) from None
            if not tolerant and "Expected" in text and "columns" in text:
                return read_all(True)
            raise
        except UnicodeDecodeError as exc:
            raise SourceError(
                f"{path}: bytes are not valid {encoding} near byte offset {exc.start} of a "
                "block; pass the right encoding"
            ) from None
        return res

    res = read_all(False)
    issues = []
    if bad_rows:
        known = [n for n in bad_rows if n is not None]
        where = f" (first at line {min(known)})" if known else ""
        issues.append(f"{len(bad_rows)} malformed CSV row(s) skipped{where}")
    sample = res.sample(str(path), path.stem, "reservoir", issues)
    sample.dtypes = {c: "string" for c in sample.columns}
    return sample


# JSON ----------------------------------------------------------------------------------------


def _types_of(rows: Iterable[dict[str, Any]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for r in rows:
        for k, v in r.items():
            if k not in out or out[k] == "null":
                out[k] = _json_type(v)
    return out


def _json_type(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int | float):
        return "number"
    if isinstance(v, list):
        return "list"
    return "string"


def _sample_jsonl(path: Path, spec: SampleSpec, options: ReadOptions) -> TableSample:
    res = Reservoir(spec)
    issues: list[str] = []
    bad: list[int] = []
    rows: list[dict[str, Any]] = []
    with _open_text(path, options) as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                rows.append(flatten(json.loads(line)))
            except json.JSONDecodeError:
                bad.append(lineno)
                continue
            if len(rows) >= options.batch_rows:
                res.add_rows(rows, _types_of(rows))
                rows = []
    res.add_rows(rows, _types_of(rows))
    if bad:
        issues.append(f"{len(bad)} malformed JSON line(s) skipped (first at line {bad[0]})")
    return res.sample(str(path), path.stem, "reservoir", issues)


def _open_text(path: Path, options: ReadOptions) -> io.TextIOWrapper:
    encoding = options.encoding or _csv_encoding(path, None)
    return path.open("r", encoding=encoding, errors="strict", newline="")


def iter_json_records(chunks: Iterable[str]) -> Iterator[Any]:
    """Records of a JSON document read in pieces: the items of a top-level array, or the
    document itself. Arrays of any size stream with nothing beyond the ``json`` module."""
    dec = json.JSONDecoder()
    it = iter(chunks)
    buf = ""
    pos = 0
    exhausted = False

    def more() -> bool:
        nonlocal buf, pos, exhausted
        piece = None if exhausted else next(it, None)
        if piece is None:
            exhausted = True
            return False
        buf, pos = buf[pos:] + piece, 0
        return True

    def skip(chars: str) -> bool:
        """Skip ``chars``; False at the true end of the input."""
        nonlocal pos
        while True:
            while pos < len(buf) and buf[pos] in chars:
                pos += 1
            if pos < len(buf):
                return True
            if not more():
                return False

    if not skip(" \t\r\n\ufeff"):
        return
    if buf[pos] != "[":
        while more():
            pass
        obj, end = dec.raw_decode(buf, pos)
        if buf[end:].strip():
            raise json.JSONDecodeError("extra data after the document", buf, end)
        yield obj
        return
    pos += 1
    while True:
        if not skip(" \t\r\n,"):
            raise json.JSONDecodeError("unterminated array", buf, pos)
        if buf[pos] == "]":
            return
        try:
            obj, end = dec.raw_decode(buf, pos)
        except json.JSONDecodeError:
            if more():
                continue
            raise
        if end == len(buf) and more():  # a number may go on in the next piece
            continue
        pos = end
        yield obj


def _read_chunks(fh: io.TextIOWrapper, size: int = 1 << 20) -> Iterator[str]:
    while True:
        piece = fh.read(size)
        if not piece:
            return
        yield piece


def _sample_json(path: Path, spec: SampleSpec, options: ReadOptions) -> TableSample:
    res = Reservoir(spec)
    rows: list[dict[str, Any]] = []
    with _open_text(path, options) as fh:
        try:
            for record in iter_json_records(_read_chunks(fh)):
                rows.append(flatten(record))
                if len(rows) >= options.batch_rows:
                    res.add_rows(rows, _types_of(rows))
                    rows = []
        except json.JSONDecodeError as exc:
            raise SourceError(
                f"{path}: malformed JSON at line {exc.lineno} (after {res.rows_read + len(rows)}"
                " records)"
            ) from None
    res.add_rows(rows, _types_of(rows))
    return res.sample(str(path), path.stem, "reservoir", [])


# Parquet -------------------------------------------------------------------------------------


def flatten_arrow(table: Any) -> Any:
    """Struct columns become ``parent.child`` columns, recursively."""
    while any(pa.types.is_struct(f.type) for f in table.schema):
        table = table.flatten()
    return table


def _sample_parquet(path: Path, spec: SampleSpec, options: ReadOptions) -> TableSample:
    pf = pq.ParquetFile(path)
    res = Reservoir(spec)
    for batch in pf.iter_batches(batch_size=options.batch_rows, use_threads=options.threads):
        res.add_arrow(flatten_arrow(pa.Table.from_batches([batch])))
    sample = res.sample(str(path), path.stem, "reservoir", [])
    return sample


def sample_arrow(
    table: Any, spec: SampleSpec, *, source: str = "<memory>", name: str = "table"
) -> TableSample:
    """Sample an in-memory Arrow table (what a Polars or pandas frame converts to)."""
    res = Reservoir(spec)
    flat = flatten_arrow(table)
    for batch in flat.to_batches(max_chunksize=BATCH_ROWS):
        res.add_arrow(batch)
    if flat.num_rows == 0:
        res.note_columns({f.name: str(f.type) for f in flat.schema})
    return res.sample(source, name, "reservoir", [])


# Excel ---------------------------------------------------------------------------------------


def _sample_excel(path: Path, spec: SampleSpec, options: ReadOptions) -> list[TableSample]:
    try:
        import openpyxl  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # pragma: no cover
        raise SourceError(f"{path}: reading Excel needs the openpyxl package") from None
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types for a damaged file
        raise SourceError(f"{path}: not a readable .xlsx workbook ({type(exc).__name__})") from None
    out = []
    try:
        for ws in wb.worksheets:
            res = Reservoir(spec)
            rows_iter = ws.iter_rows(values_only=True)
            header = next(rows_iter, None)
            if header is None:
                continue
            names = _unique_names(header)
            types: dict[str, str] = {}
            rows: list[dict[str, Any]] = []
            for values in rows_iter:
                if values is None or all(v is None for v in values):
                    continue
                row = {n: v for n, v in zip(names, values, strict=False)}
                for n, v in row.items():
                    if v is not None and n not in types:
                        types[n] = type(v).__name__
                rows.append(row)
                if len(rows) >= options.batch_rows:
                    res.add_rows(rows, {})
                    rows = []
            res.add_rows(rows, {})
            res.note_columns({n: types.get(n, "null") for n in names})
            sample = res.sample(str(path), f"{path.stem}/{ws.title}", "reservoir", [])
            sample.columns = names
            sample.dtypes = {n: types.get(n, "null") for n in names}
            sample.values = {n: sample.values.get(n, []) for n in names}
            out.append(sample)
    finally:
        wb.close()
    return out


def _unique_names(header: Iterable[Any]) -> list[str]:
    names: list[str] = []
    for i, h in enumerate(header, start=1):
        base = str(h).strip() if h is not None and str(h).strip() else f"column_{i}"
        name, n = base, 2
        while name in names:
            name, n = f"{base}_{n}", n + 1
        names.append(name)
    return names
