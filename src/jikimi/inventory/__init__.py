"""Discovery: classify tables column by column and keep a versioned data inventory."""

import sys as _sys
import types as _types
from typing import Any

# The submodule ``inventory`` is imported before the function of the same name, so that
# the package attribute ends up being the function.
from jikimi.inventory.inventory import diff, load, save  # isort: skip
from jikimi.inventory.api import InventoryConfig, classify_table, inventory  # isort: skip
from jikimi.inventory.classify import ClassifyOptions, classify_column, classify_sample
from jikimi.inventory.model import (
    Change,
    ColumnResult,
    Inventory,
    Protection,
    QuasiIdentifier,
    SourceResult,
    TableResult,
)


class _CallableModule(_types.ModuleType):
    """Lets ``jikimi.inventory(sources)`` call the function while
    ``jikimi.inventory.Inventory`` and friends stay reachable as attributes."""

    def __call__(self, *args: Any, **kwargs: Any) -> Inventory:
        return inventory(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallableModule

__all__ = [
    "Change",
    "ClassifyOptions",
    "ColumnResult",
    "Inventory",
    "InventoryConfig",
    "Protection",
    "QuasiIdentifier",
    "SourceResult",
    "TableResult",
    "classify_column",
    "classify_sample",
    "classify_table",
    "diff",
    "inventory",
    "load",
    "save",
]
