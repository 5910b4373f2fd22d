"""jikimi (지킴이): find, protect and de-identify personal information under PIPA, PIPL and GDPR."""

from jikimi.catalog import CATALOG, EntityType
from jikimi.errors import JikimiError
from jikimi.pathscan import FileResult, LocatedFinding, ScanSummary, scan_path
from jikimi.scanner import scan_text
from jikimi.types import Category, EntityId, Finding, Location, Span

__version__ = "0.1.0"

_LAZY = {"inventory", "classify_table"}  # need the [inventory] extra: loaded on first use


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        module = importlib.import_module("jikimi.inventory")
        return module if name == "inventory" else getattr(module, name)
    raise AttributeError(f"module 'jikimi' has no attribute {name!r}")


__all__ = [
    "CATALOG",
    "Category",
    "EntityId",
    "EntityType",
    "FileResult",
    "Finding",
    "JikimiError",
    "LocatedFinding",
    "Location",
    "ScanSummary",
    "Span",
    "__version__",
    "classify_table",
    "inventory",
    "scan_path",
    "scan_text",
]
