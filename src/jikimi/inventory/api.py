"""The Python API of discovery: ``classify_table`` for one table, ``inventory`` for many.

Sources are paths (files or directories of table files) and SQLAlchemy URLs. A source
or table that cannot be read is recorded with its reason and the rest goes on: an
inventory of forty databases should not be lost to one refused connection.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import socket
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from jikimi.errors import UsageError
from jikimi.inventory.classify import ClassifyOptions, classify_sample
from jikimi.inventory.model import Inventory, SourceResult, TableResult
from jikimi.sources.sql import SqlOptions, SqlSource, is_database_url
from jikimi.sources.tables import (
    DISCOVER_SUFFIXES,
    ReadOptions,
    SampleSpec,
    SourceError,
    TableSample,
    sample_arrow,
    sample_file,
    table_kind,
)

ProgressFn = Callable[[str, str, int, int], None]
"""Called as (source, table, tables done, tables known) while an inventory runs."""

InventorySink = Callable[[Inventory], None]
"""Receives the finished inventory; the ledger's inventory store is one."""


@dataclass(frozen=True, slots=True)
class InventoryConfig:
    """Everything that shapes a run besides the sources themselves."""

    sample: SampleSpec = field(default_factory=SampleSpec)
    classify: ClassifyOptions = field(default_factory=ClassifyOptions)
    sql: SqlOptions = field(default_factory=SqlOptions)
    read: ReadOptions = field(default_factory=ReadOptions)
    country: str | None = None
    workers: int = 1  # processes for file sources


def _to_arrow(data: Any) -> Any:
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    mod = type(data).__module__
    if mod.startswith("polars"):
        if type(data).__name__ == "LazyFrame":
            data = data.collect()
        return data.to_arrow()
    if mod.startswith("pandas"):
        return pa.Table.from_pandas(data, preserve_index=False)
    if isinstance(data, Mapping):
        return pa.table({str(k): list(v) for k, v in data.items()})
    raise UsageError(
        f"classify_table takes a path, a Polars/pandas frame, an Arrow table or a dict of "
        f"columns, not {type(data).__name__}"
    )


def classify_table(
    data: Any,
    *,
    sample: int = 1000,
    seed: int = 1,
    sheet: str | None = None,
    options: ClassifyOptions | None = None,
    name: str = "table",
) -> TableResult:
    """Classify the columns of one table: a data frame, an Arrow table, or a table file.

    Args:
        data: a path to a CSV/TSV/JSON/JSONL/Parquet/Excel file, or an in-memory table.
        sample: rows to sample (uniformly, seeded) before classifying.
        sheet: for a workbook with several sheets, which one.
    """
    spec = SampleSpec(size=sample, seed=seed)
    if isinstance(data, str | Path):
        samples = sample_file(data, spec)
        if sheet is not None:
            samples = [s for s in samples if s.table.split("/", 1)[-1] == sheet]
            if not samples:
                raise UsageError(f"{data}: no sheet named {sheet!r}")
        if len(samples) != 1:
            names = ", ".join(s.table.split("/", 1)[-1] for s in samples)
            raise UsageError(f"{data} has {len(samples)} sheets ({names}); pass sheet=")
        return classify_sample(samples[0], options)
    return classify_sample(sample_arrow(_to_arrow(data), spec, name=name), options)


def _table_error(name: str, error: str) -> TableResult:
    return TableResult(name, (), None, False, 0, "", (), error)


def _file_source(path: Path, cfg: InventoryConfig) -> SourceResult:
    host = socket.gethostname()
    try:
        kind = table_kind(path)
        samples = sample_file(path, cfg.sample, cfg.read)
    except SourceError as e:
        kind = path.suffix.lstrip(".").lower() or "file"
        return SourceResult(str(path), kind, (), host, str(path.resolve()), cfg.country, str(e))
    tables = tuple(classify_sample(s, cfg.classify) for s in samples)
    return SourceResult(str(path), kind, tables, host, str(path.resolve()), cfg.country)


def _sql_source(url: str, cfg: InventoryConfig, progress: ProgressFn | None) -> SourceResult:
    src = SqlSource(url, cfg.sql)
    base = SourceResult(src.display_url, src.dialect, (), src.host, src.database, cfg.country)
    try:
        src.connect()
        refs = src.tables()
    except SourceError as e:
        src.close()
        return SourceResult(base.uri, base.kind, (), base.host, base.path, base.country, str(e))
    tables: list[TableResult] = []
    try:
        for i, ref in enumerate(refs):
            if progress is not None:
                progress(src.display_url, ref.qualified, i, len(refs))
            try:
                smp: TableSample = src.sample(ref, cfg.sample)
            except SourceError as e:
                tables.append(_table_error(ref.qualified, str(e)))
                continue
            tables.append(classify_sample(smp, cfg.classify))
    finally:
        src.close()
    if progress is not None:
        progress(src.display_url, "", len(refs), len(refs))
    return SourceResult(base.uri, base.kind, tuple(tables), base.host, base.path, base.country)


def expand_sources(sources: Iterable[str | Path]) -> list[str | Path]:
    """Directories become the table files under them; URLs and files pass through."""
    out: list[str | Path] = []
    for s in sources:
        if isinstance(s, str) and is_database_url(s):
            out.append(s)
            continue
        p = Path(s)
        if p.is_dir():
            out.extend(
                sorted(
                    f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in DISCOVER_SUFFIXES
                )
            )
        else:
            out.append(p)
    return out


def inventory(
    sources: Iterable[str | Path] | str | Path,
    *,
    config: InventoryConfig | None = None,
    progress: ProgressFn | None = None,
    sinks: Sequence[InventorySink] = (),
    tool_version: str = "",
) -> Inventory:
    """Sample and classify every table of every source.

    Args:
        sources: file paths, directories, and SQLAlchemy URLs (passwords never appear in
            the result).
        config: sample size and seed, thresholds, timeouts, the declared country.
        progress: called as tables are sampled (for progress bars).
        sinks: receive the finished inventory (e.g. the ledger's inventory store).
    """
    cfg = config or InventoryConfig()
    if isinstance(sources, str | Path):
        sources = [sources]
    items = expand_sources(sources)
    results: dict[int, SourceResult] = {}
    files = [(i, s) for i, s in enumerate(items) if isinstance(s, Path)]
    if cfg.workers > 1 and len(files) > 1:
        # spawn, not fork: Arrow's and the scan engine's threads do not survive a fork
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=cfg.workers, mp_context=ctx) as pool:
            futures = {i: pool.submit(_file_source, p, cfg) for i, p in files}
            for done, (i, p) in enumerate(files):
                results[i] = futures[i].result()
                if progress is not None:
                    progress(str(p), "", done + 1, len(files))
    for i, s in enumerate(items):
        if i in results:
            continue
        if isinstance(s, Path):
            if progress is not None:
                progress(str(s), s.name, 0, 1)
            results[i] = _file_source(s, cfg)
            if progress is not None:
                progress(str(s), s.name, 1, 1)
        else:
            results[i] = _sql_source(str(s), cfg, progress)
    inv = Inventory(
        sources=tuple(results[i] for i in range(len(items))),
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        sample_size=cfg.sample.size,
        seed=cfg.sample.seed,
        tool_version=tool_version,
    )
    for sink in sinks:
        sink(inv)
    return inv
