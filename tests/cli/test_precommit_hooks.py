"""The hooks in .pre-commit-hooks.yaml run as pre-commit would run them."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from click.testing import Result

HOOKS = Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml"
RRN = "900101-1234568"
PHONE = "010-1234-5678"

Run = Callable[..., Result]


def _hooks() -> dict[str, dict[str, Any]]:
    return {h["id"]: h for h in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}


def test_hook_definitions() -> None:
    hooks = _hooks()
    assert set(hooks) == {"jikimi-scan", "jikimi-scan-resident-ids"}
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["types"] == ["text"]
        assert shlex.split(hook["entry"])[:2] == ["jikimi", "scan"]
    assert "--fail-on 0.5" in hooks["jikimi-scan"]["entry"]
    assert "--entities KR_RRN,KR_FRN,CN_RESIDENT_ID" in hooks["jikimi-scan-resident-ids"]["entry"]


def _run_hook(run: Run, hook_id: str, *files: str) -> Result:
    argv = shlex.split(_hooks()[hook_id]["entry"])[1:]  # drop the program name
    return run([*argv, *files])  # pre-commit appends the staged file names


def test_hooks_on_staged_files(run: Run, tmp_path: Path) -> None:
    (tmp_path / "rrn.txt").write_text(f"주민번호 {RRN}\n", encoding="utf-8")
    (tmp_path / "phone.txt").write_text(f"tel {PHONE}\n", encoding="utf-8")
    (tmp_path / "ok.txt").write_text("hello\n", encoding="utf-8")
    assert _run_hook(run, "jikimi-scan", "ok.txt").exit_code == 0
    assert _run_hook(run, "jikimi-scan", "phone.txt").exit_code == 1
    assert _run_hook(run, "jikimi-scan-resident-ids", "phone.txt", "ok.txt").exit_code == 0
    assert _run_hook(run, "jikimi-scan-resident-ids", "rrn.txt").exit_code == 1
