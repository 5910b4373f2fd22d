"""``jikimi scan --ner``: the model-based name taggers from the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from jikimi.detect import ner


def test_cli_ner_flag(
    run: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "memo.txt").write_text("고객 문의\n어제 이영희가 다녀갔어요.\n", encoding="utf-8")
    assert run(["scan", "memo.txt", "-q"]).exit_code == 0
    res = run(["scan", "memo.txt", "--ner", "--format", "jsonl"])
    assert res.exit_code == 1
    assert '"recognizer": "ner-ko-kiwi"' in res.output and "이영희" not in res.output
    monkeypatch.setattr(ner.importlib.util, "find_spec", lambda name, *a: None)
    res = run(["scan", "memo.txt", "--ner"])
    assert res.exit_code == 2 and "jikimi[ner]" in res.output and "Traceback" not in res.output
