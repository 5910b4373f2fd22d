"""jikimi (지킴이): find, protect and de-identify personal information under PIPA, PIPL and GDPR."""

from jikimi.catalog import CATALOG, EntityType
from jikimi.errors import JikimiError
from jikimi.pathscan import FileResult, LocatedFinding, ScanSummary, scan_path
from jikimi.scanner import scan_text
from jikimi.types import Category, EntityId, Finding, Location, Span

__version__ = "0.1.0"

# Names whose modules need an extra ([inventory], [protect]): imported on first use, so
# the core install stays light and ``import jikimi`` stays fast.
_LAZY = {
    "inventory": "jikimi.inventory",
    "classify_table": "jikimi.inventory",
    "protect_text": "jikimi.protect",
    "protect_table": "jikimi.protect",
    "load_policy": "jikimi.policy",
    "Keyring": "jikimi.keys",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        module = importlib.import_module(_LAZY[name])
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
    "Keyring",
    "LocatedFinding",
    "Location",
    "ScanSummary",
    "Span",
    "__version__",
    "classify_table",
    "inventory",
    "load_policy",
    "protect_table",
    "protect_text",
    "scan_path",
    "scan_text",
]
