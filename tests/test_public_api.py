"""The curated public API: adding or removing a name is a deliberate act."""

from __future__ import annotations

import jikimi


def test_public_names_are_pinned() -> None:
    assert sorted(jikimi.__all__) == sorted([
        "CATALOG", "Category", "EntityId", "EntityType", "FileResult", "Finding",
        "JikimiError", "LocatedFinding", "Location", "ScanSummary", "Span", "__version__",
        "scan_path", "scan_text",
    ])
    for name in jikimi.__all__:
        assert hasattr(jikimi, name)
