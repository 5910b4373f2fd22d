"""The command group: registration of command modules and error-to-exit-code mapping."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from jikimi.cli import main as cli_main
from jikimi.errors import BaselineError, InputError, JikimiError, UsageError


def test_scan_commands_are_listed_and_load_on_demand() -> None:
    ctx = click.Context(cli_main.cli)
    assert {"scan", "baseline", "entities", "watch"} <= set(cli_main.cli.list_commands(ctx))
    command = cli_main.cli.get_command(ctx, "scan")
    assert command is not None and command.name == "scan"
    assert cli_main.cli.get_command(ctx, "no-such-command") is None


def test_missing_modules_are_skipped_others_raise(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    group = click.Group()
    cli_main.register_commands(group, ("jikimi.cli.not_written_yet", "jikimi.cli.scan"))
    assert "scan" in group.commands

    # a command module that exists but needs a missing dependency is a bug: raise it
    (tmp_path / "jikimi_test_broken_cmds.py").write_text(
        "import jikimi_dependency_that_is_missing\nCOMMANDS = []\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError, match="jikimi_dependency_that_is_missing"):
        cli_main.register_commands(click.Group(), ("jikimi_test_broken_cmds",))
    sys.modules.pop("jikimi_test_broken_cmds", None)


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (UsageError("unknown entity 'X'"), 2),
        (InputError("a.txt: not text"), 2),
        (BaselineError("baseline file b.json is not valid JSON"), 2),
        (JikimiError("key ring is locked"), 1),
    ],
)
def test_errors_become_one_line_and_an_exit_code(error: JikimiError, code: int) -> None:
    group = cli_main.JikimiGroup()

    @group.command()
    def boom() -> None:
        raise error

    result = CliRunner().invoke(group, ["boom"])
    assert result.exit_code == code
    assert result.stderr.strip() == f"Error: {error}"
    assert result.stdout == ""


def test_main_exits_with_click_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli_main.main(["scan", "--text", "x", "--entities", "NOPE"])
    assert info.value.code == 2
    assert "unknown entity 'NOPE'" in capsys.readouterr().err
