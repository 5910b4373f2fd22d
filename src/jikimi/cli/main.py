"""The ``jikimi`` entry point: one click group, commands contributed by modules.

Each module in ``_COMMAND_MODULES`` exposes ``COMMANDS: list[click.Command]``; a module
that does not exist yet (a feature not installed or not written) is skipped, but any
other import failure is a bug and is raised.

Errors: a :class:`~jikimi.errors.JikimiError` never reaches the user as a traceback. It
becomes one ``Error: …`` line on stderr and an exit code:

* 2 for the caller's mistakes and unreadable input (``UsageError``, ``InputError``,
  ``BaselineError``, and click's own usage errors such as an unknown option);
* 1 for any other jikimi error (an operation that was attempted and failed), and for
  scans whose findings reach the ``--fail-on`` threshold.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any, cast

import click

from jikimi import __version__
from jikimi.errors import BaselineError, InputError, JikimiError, UsageError

# command name -> (module that defines it, extra that installs its dependencies)
_COMMANDS: dict[str, tuple[str, str | None]] = {
    "scan": ("jikimi.cli.scan", None),
    "baseline": ("jikimi.cli.scan", None),
    "entities": ("jikimi.cli.scan", None),
    "watch": ("jikimi.cli.watch", None),
    "protect": ("jikimi.cli.protect", "protect"),
    "reveal": ("jikimi.cli.protect", "protect"),
    "keys": ("jikimi.cli.keys", "protect"),
    "inventory": ("jikimi.cli.inventory", "inventory"),
    "anonymize": ("jikimi.cli.anonymize", "anonymity"),
    "risk": ("jikimi.cli.anonymize", "anonymity"),
    "serve": ("jikimi.cli.ledger", "server"),
    "audit": ("jikimi.cli.ledger", "server"),
    "erase": ("jikimi.cli.backup", "backup"),
    "backup": ("jikimi.cli.backup", "backup"),
}
_COMMAND_MODULES = tuple(dict.fromkeys(module for module, _ in _COMMANDS.values()))

EXIT_USAGE = 2
EXIT_FAILURE = 1
_USAGE_ERRORS = (UsageError, InputError, BaselineError)


class FailedError(click.ClickException):
    """A jikimi operation that was attempted and failed: one line, exit 1."""

    exit_code = EXIT_FAILURE


class MistakeError(click.ClickException):
    """A usage mistake or unreadable input: one line, exit 2."""

    exit_code = EXIT_USAGE


def as_click_error(error: JikimiError) -> click.ClickException:
    """The click exception that shows ``error`` as one line with the right exit code."""
    message = str(error) or type(error).__name__
    return MistakeError(message) if isinstance(error, _USAGE_ERRORS) else FailedError(message)


class JikimiGroup(click.Group):
    """A group that loads each command's module only when that command runs, and turns
    jikimi errors raised by any subcommand into clean exits.

    Lazy loading keeps ``jikimi scan`` fast and lets the core install (no extras) run:
    a command whose extra is missing explains which extra to install.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None or cmd_name not in _COMMANDS:
            return command
        module_name, extra = _COMMANDS[cmd_name]
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if _is_missing(exc, module_name):
                return None
            return _needs_extra(cmd_name, extra, exc.name)
        for cmd in module.COMMANDS:
            if cmd.name == cmd_name:
                return cast(click.Command, cmd)
        return None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except JikimiError as exc:
            raise as_click_error(exc) from None


def _needs_extra(name: str, extra: str | None, missing: str | None) -> click.Command:
    hint = f'pip install "jikimi[{extra}]"' if extra else "reinstall jikimi"
    short = f"(needs {hint})"

    @click.command(
        name,
        help=f"Not available in this install {short}.",
        short_help=short,
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    )
    def unavailable() -> None:
        raise MistakeError(f"'{name}' needs the {missing or 'optional'} package: {hint}")

    return unavailable


@click.group(cls=JikimiGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="jikimi")
def cli() -> None:
    """jikimi (지킴이): find, protect and de-identify personal information.

    Exit codes: 0 clean, 1 findings at or over the threshold, 2 usage error or
    unreadable input.
    """


def _is_missing(exc: ModuleNotFoundError, module: str) -> bool:
    """True when ``module`` itself (or a package above it) is absent, not a dependency."""
    return exc.name is not None and (module == exc.name or module.startswith(exc.name + "."))


def register_commands(group: click.Group, modules: Sequence[str]) -> None:
    """Add every command of these modules to ``group`` now (plug-ins, tests)."""
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if _is_missing(exc, name):
                continue
            raise
        for command in module.COMMANDS:
            group.add_command(command)


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point (``jikimi = jikimi.cli.main:main``)."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="jikimi")


if __name__ == "__main__":
    main()
