"""Policies: YAML files that say which operator protects which entity and column, with
jurisdiction profiles (kr-pipa, cn-pipl, cn-waybill, gdpr) as shipped defaults."""

from jikimi.policy.errors import PolicyError, Problem
from jikimi.policy.loader import (
    coerce_policy,
    load_policy,
    load_profile,
    parse_policy,
    policy_from_mapping,
    profiles,
)
from jikimi.policy.models import ColumnRule, Policy

__all__ = [
    "ColumnRule",
    "Policy",
    "PolicyError",
    "Problem",
    "coerce_policy",
    "load_policy",
    "load_profile",
    "parse_policy",
    "policy_from_mapping",
    "profiles",
]
