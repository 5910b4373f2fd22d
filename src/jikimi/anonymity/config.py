"""What to anonymize and how: quasi-identifiers, hierarchies, models, suppression, metric.

Kept apart from the data (as in ARX) so that one configuration can be applied to many
tables and recorded next to the result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from jikimi.anonymity.errors import ConfigurationError
from jikimi.anonymity.hierarchy import Hierarchy
from jikimi.anonymity.models import KAnonymity, PrivacyModel

Metric = Literal["loss", "precision", "entropy"]
METRICS: tuple[Metric, ...] = ("loss", "precision", "entropy")


@dataclass(frozen=True)
class AnonymizationConfig:
    """One anonymization request.

    Args:
        quasi_identifiers: columns an attacker may know; each needs a hierarchy.
        hierarchies: per attribute; a sensitive attribute needs one only for
            hierarchical t-closeness.
        models: privacy models that every released class must satisfy.
        suppression_limit: share of records (0..1) that may be suppressed.
        metric: information loss the search minimises: ``loss`` (ARX's default Loss
            metric), ``precision`` (mean relative generalization height, Sweeney) or
            ``entropy`` (non-uniform entropy, Gionis & Tassa).
    """

    quasi_identifiers: tuple[str, ...]
    hierarchies: Mapping[str, Hierarchy] = field(repr=False)
    models: tuple[PrivacyModel, ...]
    suppression_limit: float = 0.0
    metric: Metric = "loss"

    def __post_init__(self) -> None:
        if not self.quasi_identifiers:
            raise ConfigurationError("at least one quasi-identifier is needed")
        if len(set(self.quasi_identifiers)) != len(self.quasi_identifiers):
            raise ConfigurationError("a quasi-identifier is listed twice")
        if not self.models:
            raise ConfigurationError("at least one privacy model is needed")
        if not 0.0 <= self.suppression_limit < 1.0:
            raise ConfigurationError(
                f"the suppression limit is a share in [0, 1), not {self.suppression_limit}"
            )
        if self.metric not in METRICS:
            raise ConfigurationError(f"metric is one of {', '.join(METRICS)}, not {self.metric!r}")
        missing = [qi for qi in self.quasi_identifiers if qi not in self.hierarchies]
        if missing:
            raise ConfigurationError(f"no hierarchy for quasi-identifier(s): {', '.join(missing)}")
        for model in self.models:
            if model.sensitive is not None and model.sensitive in self.quasi_identifiers:
                raise ConfigurationError(
                    f"{model.sensitive!r} cannot be both quasi-identifier and sensitive attribute"
                )

    @classmethod
    def create(
        cls,
        quasi_identifiers: Sequence[str],
        hierarchies: Mapping[str, Hierarchy],
        models: Sequence[PrivacyModel] | None = None,
        *,
        k: int | None = None,
        suppression_limit: float = 0.0,
        metric: Metric = "loss",
    ) -> AnonymizationConfig:
        """Convenience: ``k`` adds :class:`KAnonymity` to ``models``."""
        chosen = list(models or ())
        if k is not None:
            chosen.insert(0, KAnonymity(k))
        return cls(
            tuple(quasi_identifiers), dict(hierarchies), tuple(chosen), suppression_limit, metric
        )

    @property
    def sensitive_attributes(self) -> tuple[str, ...]:
        """Sensitive attributes named by the models, in first-use order."""
        seen: dict[str, None] = {}
        for model in self.models:
            if model.sensitive is not None:
                seen.setdefault(model.sensitive, None)
        return tuple(seen)

    @property
    def k(self) -> int:
        """The effective minimum class size (1 when no k-anonymity is requested)."""
        return max((m.k for m in self.models if isinstance(m, KAnonymity)), default=1)

    def describe(self) -> dict[str, object]:
        """A JSON-ready summary for reports."""
        return {
            "quasi_identifiers": list(self.quasi_identifiers),
            "models": [model.describe() for model in self.models],
            "suppression_limit": self.suppression_limit,
            "metric": self.metric,
            "hierarchy_heights": {qi: self.hierarchies[qi].height for qi in self.quasi_identifiers},
        }
