"""De-identification with guarantees: k-anonymity, l-diversity, t-closeness, measured risk.

Hierarchy, privacy model, configuration and result are separate objects (as in ARX), and
risk is its own step, measured before and after.
"""

from jikimi.anonymity.api import anonymize, anonymize_with, risk
from jikimi.anonymity.builders import (
    address_hierarchy,
    build_hierarchy,
    date_hierarchy,
    flat_hierarchy,
    grouping_hierarchy,
    interval_hierarchy,
    postcode_hierarchy,
)
from jikimi.anonymity.config import AnonymizationConfig
from jikimi.anonymity.errors import ConfigurationError, HierarchyError, NoSolutionError
from jikimi.anonymity.hierarchy import Hierarchy, load_hierarchies
from jikimi.anonymity.models import (
    DistinctLDiversity,
    EntropyLDiversity,
    KAnonymity,
    PrivacyModel,
    TCloseness,
)
from jikimi.anonymity.result import AnonymizationResult
from jikimi.anonymity.risk import LinkageSummary, RiskSummary, linkage_risk, measure_risk

__all__ = [
    "AnonymizationConfig",
    "AnonymizationResult",
    "ConfigurationError",
    "DistinctLDiversity",
    "EntropyLDiversity",
    "Hierarchy",
    "HierarchyError",
    "KAnonymity",
    "LinkageSummary",
    "NoSolutionError",
    "PrivacyModel",
    "RiskSummary",
    "TCloseness",
    "address_hierarchy",
    "anonymize",
    "anonymize_with",
    "build_hierarchy",
    "date_hierarchy",
    "flat_hierarchy",
    "grouping_hierarchy",
    "interval_hierarchy",
    "linkage_risk",
    "load_hierarchies",
    "measure_risk",
    "postcode_hierarchy",
    "risk",
]
