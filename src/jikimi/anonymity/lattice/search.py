"""Finding the generalization scheme with the least information loss.

The search is exact over the full-domain lattice and combines two kinds of pruning:

1. **Bounds.** The loss of a node ignoring suppression is a lower bound that depends on the
   node alone and rises up the lattice (see :mod:`jikimi.anonymity.metrics`). Nodes are
   visited in ascending bound; once the bound reaches the best exact loss found, no
   remaining node can win and the search stops.
2. **Monotonicity** (as Flash/OLA use it). When a node's class structure violates the
   monotone models beyond the suppression limit, all its specializations do too; when it
   satisfies them, all its generalizations do. To prove failure for many nodes at once,
   the search climbs from the cheapest undecided node to the top along the cheapest path
   and binary-searches the path for the boundary, tagging both sides.

Models that are not monotone under suppression (entropy l-diversity, t-closeness) are
checked on every node that survives the pruning, so the result stays optimal.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from jikimi.anonymity.encoding import EncodedTable
from jikimi.anonymity.lattice.check import NodeCheck, NodeChecker
from jikimi.anonymity.lattice.space import FAIL, UNKNOWN, Lattice
from jikimi.anonymity.metrics import Objective


@dataclass(frozen=True, slots=True)
class SearchOutcome:
    """The optimum and what it took to find it."""

    node: tuple[int, ...] | None
    """One level per quasi-identifier, or ``None`` when no node satisfies the models."""
    loss: float
    """The objective's exact value at ``node`` (``inf`` when none)."""
    suppressed: int
    evaluated: int
    """Nodes whose classes were counted (each a pass over the records)."""
    lattice_size: int
    seconds: float
    strategy: str


class _Search:
    def __init__(self, table: EncodedTable, objective: Objective) -> None:
        self.table = table
        self.objective = objective
        self.checker = NodeChecker(table)
        self.lattice = Lattice(table.heights)
        additive = self.lattice.additive(objective.additive_terms())
        self.additive = additive
        self.limit = table.max_suppressed
        self.checked: dict[int, NodeCheck] = {}
        self.best_index: int | None = None
        self.best_loss = math.inf
        self.best_suppressed = 0
        self.evaluated = 0

    def bound(self, index: int) -> float:
        return self.objective.from_additive(self.additive[index])

    def visit(self, index: int) -> None:
        """Count the node's classes, tag the lattice, and score it if it is a solution."""
        if index in self.checked:
            return
        node = self.lattice.node(index)
        result = self.checker.check(node)
        self.evaluated += 1
        self.checked[index] = result
        if result.suppressed_monotone > self.limit:
            self.lattice.tag_fail(index)
            return
        self.lattice.tag_pass(index)
        bound = self.bound(index)
        if result.suppressed > self.limit or bound >= self.best_loss:
            return
        if result.suppressed == 0:
            loss = bound
        else:
            # Only solutions that may beat the best pay for finding their suppressed records.
            loss = self.objective.exact(node, self.checker.check(node, want_records=True).violating)
        if loss < self.best_loss:
            self.best_loss = loss
            self.best_index = index
            self.best_suppressed = result.suppressed

    def status(self, index: int) -> int:
        state = self.lattice.status[index]
        if state == UNKNOWN:
            self.visit(index)
            state = self.lattice.status[index]
        return state

    def climb(self, start: int) -> list[int]:
        """The path from ``start`` to the top that raises the bound least at each step."""
        path = [start]
        current = start
        additive = self.additive
        while True:
            options = list(self.lattice.successors(current))
            if not options:
                return path
            current = min(options, key=additive.__getitem__)
            path.append(current)

    def bisect(self, path: list[int]) -> None:
        """Find where the path crosses from failing to passing; tags do the rest."""
        low, high = 0, len(path) - 1
        if self.status(path[high]) == FAIL:
            return
        while low < high:
            middle = (low + high) // 2
            if self.status(path[middle]) == FAIL:
                low = middle + 1
            else:
                high = middle

    def run(self) -> None:
        """Decide every node whose bound could beat the best solution.

        A first climb from the cheapest node finds a solution (and a bound to beat); then
        undecided nodes are taken from the most generalized down, because a failing node
        high in the lattice rules out its whole (large) set of specializations at once.
        """
        lattice = self.lattice
        status = lattice.status
        cheapest = min(range(lattice.size), key=self.additive.__getitem__)
        self.bisect(self.climb(cheapest))
        height = lattice.additive([[float(level) for level in range(h)] for h in lattice.heights])
        order = sorted(range(lattice.size), key=lambda index: -height[index])
        for index in [cheapest, *order]:
            if status[index] == FAIL or index in self.checked:
                continue
            if self.bound(index) >= self.best_loss:
                continue
            if status[index] == UNKNOWN:
                self.bisect(self.climb(index))
            if status[index] != FAIL and index not in self.checked:
                self.visit(index)

    def run_exhaustive(self) -> None:
        """Every node, no pruning: the reference the tests compare against."""
        for index in range(self.lattice.size):
            node = self.lattice.node(index)
            result = self.checker.check(node, want_records=True)
            self.evaluated += 1
            if result.suppressed > self.limit:
                continue
            loss = self.objective.exact(node, result.violating)
            if loss < self.best_loss:
                self.best_loss, self.best_index = loss, index
                self.best_suppressed = result.suppressed


def search(table: EncodedTable, objective: Objective, strategy: str = "flash") -> SearchOutcome:
    """Find the node with the least loss that satisfies every model of the configuration.

    ``strategy`` is ``flash`` (pruned, the default) or ``exhaustive`` (every node).
    """
    started = time.perf_counter()
    runner = _Search(table, objective)
    if strategy == "exhaustive":
        runner.run_exhaustive()
    else:
        runner.run()
    node = runner.lattice.node(runner.best_index) if runner.best_index is not None else None
    return SearchOutcome(
        node=node,
        loss=runner.best_loss,
        suppressed=runner.best_suppressed,
        evaluated=runner.evaluated,
        lattice_size=runner.lattice.size,
        seconds=time.perf_counter() - started,
        strategy=strategy,
    )


__all__ = ["SearchOutcome", "search"]
