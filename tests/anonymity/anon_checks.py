"""Independent re-computation of the privacy models from a released table (plain Python)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import polars as pl

from jikimi.anonymity import AnonymizationResult, Hierarchy


def released_classes(result: AnonymizationResult) -> dict[tuple[str, ...], list[int]]:
    """Row numbers per class of the released, non-suppressed records."""
    qis = list(result.config.quasi_identifiers)
    rows = result.data.select(qis).rows()
    mask = result.suppressed_mask.to_list()
    classes: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for number, (row, suppressed) in enumerate(zip(rows, mask, strict=True)):
        if suppressed:
            assert all(value == "*" for value in row), "a suppressed record kept a value"
        else:
            classes[tuple(row)].append(number)
    return classes


def emd_equal(class_values: list[str], overall: Counter[str], n: int) -> float:
    counts = Counter(class_values)
    size = len(class_values)
    return 0.5 * sum(abs(counts[v] / size - overall[v] / n) for v in overall)


def emd_hierarchical(class_values: list[str], overall: Counter[str], n: int, h: Hierarchy) -> float:
    """Li et al.'s definition, computed node by node on the tree."""
    counts = Counter(class_values)
    size = len(class_values)
    top = h.height - 1
    extra: dict[tuple[int, str], float] = defaultdict(float)
    children: dict[tuple[int, str], set[tuple[int, str]]] = defaultdict(set)
    for row in h.rows:
        value = row[0]
        leaf_extra = counts[value] / size - overall[value] / n
        for level in range(h.height):
            extra[(level, row[level])] += leaf_extra
            if level:
                children[(level, row[level])].add((level - 1, row[level - 1]))
    cost = 0.0
    for (level, _label), kids in children.items():
        positive = sum(extra[c] for c in kids if extra[c] > 0)
        negative = -sum(extra[c] for c in kids if extra[c] < 0)
        cost += level / top * min(positive, negative)
    return cost


def verify(result: AnonymizationResult, original: pl.DataFrame) -> None:
    """Assert every model of the configuration holds on the released table."""
    from jikimi.anonymity import DistinctLDiversity, EntropyLDiversity, KAnonymity, TCloseness

    config = result.config
    n = original.height
    suppressed = int(result.suppressed_mask.sum())
    assert suppressed == result.suppressed
    assert suppressed <= int(config.suppression_limit * n + 1e-9)
    classes = released_classes(result)
    assert sum(len(rows) for rows in classes.values()) == n - suppressed
    for model in config.models:
        if isinstance(model, KAnonymity):
            assert min(len(rows) for rows in classes.values()) >= model.k
            continue
        column = original.get_column(model.sensitive).cast(pl.String).to_list()
        overall = Counter(column)
        for rows in classes.values():
            values = [column[r] for r in rows]
            if isinstance(model, DistinctLDiversity):
                assert len(set(values)) >= model.l
            elif isinstance(model, EntropyLDiversity):
                size = len(values)
                entropy = -sum(c / size * math.log(c / size) for c in Counter(values).values())
                assert entropy >= math.log(model.l) - 1e-9
            elif isinstance(model, TCloseness):
                if model.distance == "equal":
                    distance = emd_equal(values, overall, n)
                else:
                    distance = emd_hierarchical(
                        values, overall, n, config.hierarchies[model.attribute]
                    )
                assert distance <= model.t + 1e-9
            else:  # pragma: no cover - a new model needs a check here
                raise AssertionError(f"no independent check for {model.describe()}")
