"""Nodes of the full-domain generalization lattice, as integers, with monotone tagging.

A node picks one level per quasi-identifier; it is stored as a mixed-radix integer (the last
quasi-identifier varies fastest), so predecessors and successors are one subtraction or
addition away. Tags spread downwards (``FAIL``: a generalization already fails, so every
specialization fails) and upwards (``PASS``); each node is tagged at most once per kind,
so all tagging together costs O(nodes x quasi-identifiers).
"""

from __future__ import annotations

from collections.abc import Sequence

UNKNOWN = 0
FAIL = 1
PASS = 2


class Lattice:
    """All level combinations for the given hierarchy heights."""

    def __init__(self, heights: Sequence[int]) -> None:
        self.heights = tuple(heights)
        strides = [1] * len(self.heights)
        for j in range(len(self.heights) - 2, -1, -1):
            strides[j] = strides[j + 1] * self.heights[j + 1]
        self.strides = tuple(strides)
        self.size = strides[0] * self.heights[0] if self.heights else 1
        self.status = bytearray(self.size)
        self._steps = tuple(zip(self.strides, self.heights, strict=True))
        # Decoded nodes for lattices of ordinary size: tagging walks them many times.
        self._nodes: list[tuple[int, ...]] | None = None
        if self.size <= 500_000:
            nodes: list[tuple[int, ...]] = [()]
            for height in self.heights:
                nodes = [(*prefix, level) for prefix in nodes for level in range(height)]
            self._nodes = nodes

    def node(self, index: int) -> tuple[int, ...]:
        if self._nodes is not None:
            return self._nodes[index]
        return tuple(index // stride % height for stride, height in self._steps)

    def index(self, node: Sequence[int]) -> int:
        return sum(level * stride for level, stride in zip(node, self.strides, strict=True))

    def successors(self, index: int) -> list[int]:
        node = self.node(index)
        return [
            index + stride
            for (stride, height), level in zip(self._steps, node, strict=True)
            if level + 1 < height
        ]

    def predecessors(self, index: int) -> list[int]:
        node = self.node(index)
        return [
            index - stride for (stride, _), level in zip(self._steps, node, strict=True) if level
        ]

    def tag_fail(self, index: int) -> None:
        """Mark ``index`` and every specialization of it as failing."""
        status = self.status
        stack = [index]
        while stack:
            current = stack.pop()
            if status[current] == FAIL:
                continue
            status[current] = FAIL
            stack.extend(self.predecessors(current))

    def tag_pass(self, index: int) -> None:
        """Mark ``index`` and every generalization of it as passing."""
        status = self.status
        stack = [index]
        while stack:
            current = stack.pop()
            if status[current] == PASS:
                continue
            status[current] = PASS
            stack.extend(self.successors(current))

    def additive(self, terms: Sequence[Sequence[float]]) -> list[float]:
        """Per node, the sum over quasi-identifiers of ``terms[j][level_j]``, in index order."""
        sums = [0.0]
        for column in terms:
            sums = [base + term for base in sums for term in column]
        return sums
