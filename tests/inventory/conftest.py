"""PostgreSQL tests are skipped when JIKIMI_SQLITE_ONLY=1 (CI without a database)."""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("JIKIMI_SQLITE_ONLY") != "1":
        return
    skip = pytest.mark.skip(reason="JIKIMI_SQLITE_ONLY=1: no PostgreSQL server")
    for item in items:
        if "postgres" in item.keywords and "tests/inventory" in str(item.fspath):
            item.add_marker(skip)
