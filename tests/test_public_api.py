"""The curated public API: adding or removing a name is a deliberate act."""

from __future__ import annotations

import jikimi


def test_public_names_are_pinned() -> None:
    assert sorted(jikimi.__all__) == sorted(
        [
            "CATALOG",
            "Category",
            "EntityId",
            "EntityType",
            "FileResult",
            "Finding",
            "JikimiError",
            "Keyring",
            "load_policy",
            "protect_table",
            "protect_text",
            "LocatedFinding",
            "Location",
            "ScanSummary",
            "Span",
            "__version__",
            "scan_path",
            "scan_text",
            "classify_table",
            "inventory",
        ]
    )
    for name in jikimi.__all__:
        assert hasattr(jikimi, name)


def test_inventory_is_callable_and_a_package() -> None:
    assert callable(jikimi.inventory)
    assert jikimi.inventory.Inventory.__name__ == "Inventory"
    assert callable(jikimi.classify_table)
