"""Policy errors: each problem names the file and line it was found on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jikimi.errors import UsageError


@dataclass(frozen=True, slots=True)
class Problem:
    line: int | None
    where: str
    message: str

    def render(self, source: str) -> str:
        at = f"{source}:{self.line}" if self.line else source
        return f"{at}: {self.where}: {self.message}" if self.where else f"{at}: {self.message}"


class PolicyError(UsageError):
    """A policy file is invalid; ``problems`` lists every problem with its line."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__("\n".join(p.render(source) for p in self.problems))

    @property
    def lines(self) -> list[int | None]:
        return [p.line for p in self.problems]
