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
from typing import Any

import click

from jikimi import __version__
from jikimi.errors import BaselineError, InputError, JikimiError, UsageError

_COMMAND_MODULES = (
    "jikimi.cli.scan",
    "jikimi.cli.protect",
    "jikimi.cli.inventory",
    "jikimi.cli.anonymize",
    "jikimi.cli.ledger",
    "jikimi.cli.watch",
    "jikimi.cli.keys",
)

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
    """A group that turns jikimi errors raised by any subcommand into clean exits."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except JikimiError as exc:
            raise as_click_error(exc) from None


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


def register_commands(group: click.Group, modules: Sequence[str] = _COMMAND_MODULES) -> None:
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if _is_missing(exc, name):
                continue
            raise
        for command in module.COMMANDS:
            group.add_command(command)


register_commands(cli)


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point (``jikimi = jikimi.cli.main:main``)."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="jikimi")


if __name__ == "__main__":
    main()
