"""The generalization lattice and the search for its best node."""

from jikimi.anonymity.lattice.search import SearchOutcome, search
from jikimi.anonymity.lattice.space import Lattice

__all__ = ["Lattice", "SearchOutcome", "search"]
