"""Commands load lazily; a command whose extra is not installed says which to install."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from jikimi.cli import main as cli_main


def test_a_missing_extra_is_a_clear_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = cli_main.importlib.import_module

    def fake_import(name: str) -> object:
        if name == "jikimi.cli.protect":
            raise ModuleNotFoundError("No module named 'ff3'", name="ff3")
        return real_import(name)

    monkeypatch.setattr(cli_main.importlib, "import_module", fake_import)
    res = CliRunner().invoke(cli_main.cli, ["protect", "x.txt"])
    assert res.exit_code == 2
    assert 'pip install "jikimi[protect]"' in res.output
    assert "Traceback" not in res.output


def test_scan_does_not_import_the_heavy_commands() -> None:
    code = textwrap.dedent(
        """
        import sys
        from click.testing import CliRunner
        from jikimi.cli.main import cli
        res = CliRunner().invoke(cli, ["scan", "--text", "tel 010-1234-5678", "-f", "json"])
        assert res.exit_code == 1, res.output
        heavy = [m for m in ("polars", "sqlalchemy", "fastapi", "cryptography") if m in sys.modules]
        print(heavy)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
