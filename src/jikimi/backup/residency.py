"""Residency rules: which tagged data may be written to which countries.

Archives carry tags — entity categories (``kr.rrn``), dataset names (``dataset.crm``) or
jurisdictions (``cn``). A rule matches a tag itself or any dotted child of it, so a rule on
``cn`` covers ``cn.id_card``. Every matching rule must allow the target's country, either
outright or through a registered transfer; the first rule that does not is named in the
refusal, so the operator knows which policy to change or which transfer to register.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from jikimi.backup.errors import ResidencyRefused
from jikimi.backup.targets import Target, country_of


def _covers(rule_tag: str, tag: str) -> bool:
    return tag == rule_tag or tag.startswith(rule_tag + ".")


@dataclass(frozen=True, slots=True)
class ResidencyRule:
    """Data tagged with any of ``tags`` may live only in ``allowed`` (+ ``transfers``)."""

    name: str
    tags: frozenset[str]
    allowed: frozenset[str]
    transfers: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        name: str,
        tags: Iterable[str],
        allowed: Iterable[str],
        transfers: Iterable[str] = (),
    ) -> ResidencyRule:
        return cls(
            name,
            frozenset(t.lower() for t in tags),
            frozenset(country_of(c) for c in allowed),
            frozenset(country_of(c) for c in transfers),
        )

    def refuses(self, tags: Iterable[str], country: str) -> str | None:
        """The first tag this rule keeps out of ``country``, or None."""
        if country in self.allowed or country in self.transfers:
            return None
        for tag in sorted(tags):
            if any(_covers(rt, tag.lower()) for rt in self.tags):
                return tag
        return None


@dataclass(frozen=True, slots=True)
class ResidencyPolicy:
    rules: Sequence[ResidencyRule] = ()

    def check(self, tags: Iterable[str], target: Target) -> None:
        """Raise :class:`ResidencyRefused` naming the rule when ``target`` is not allowed."""
        tag_list = list(tags)
        country = country_of(target.region)
        for rule in self.rules:
            tag = rule.refuses(tag_list, country)
            if tag is not None:
                allowed = ", ".join(sorted(rule.allowed | rule.transfers)) or "nowhere"
                raise ResidencyRefused(
                    rule.name,
                    f"residency rule '{rule.name}' refuses target '{target.name}' "
                    f"({country}): data tagged {tag} may live only in {allowed}",
                )
