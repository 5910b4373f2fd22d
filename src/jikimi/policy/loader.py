"""Turn YAML (or a dict) into a :class:`Policy`, reporting every problem with its line.

Schema (version 1)::

    version: 1
    name: member-db            # optional
    profile: kr-pipa           # optional: kr-pipa, cn-pipl, cn-waybill, gdpr
    min_score: 0.5             # findings below this are left alone in text
    languages: [ko, en]        # optional, for text scanning
    vault: tokens.db           # optional token vault (relative to the policy file)
    default: replace           # rule for found entities the policy does not name
    entities:                  # entity id → rule
      PHONE: {operator: mask, preset: kr-phone}
      KR_RRN: {operator: fpe, keep_first: 6, check_digit: kr-rrn}
    columns:                   # column → rule, {entity: ID}, or {scan: true}
      phone: {entity: PHONE}
      memo: {scan: true}
      pw: password_hash

A rule is an operator name or a mapping with ``operator`` and that operator's parameters.
Profiles are policy files shipped in ``jikimi/policy/profiles``; a policy's own rules
override its profile's.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jikimi.policy.errors import PolicyError, Problem
from jikimi.policy.models import (
    PASSWORD_COLUMN,
    PASSWORD_OPERATORS,
    ColumnRule,
    Policy,
)
from jikimi.policy.yamlnodes import Path as YPath
from jikimi.policy.yamlnodes import line_of, load_yaml
from jikimi.transform.config import OperatorConfig
from jikimi.transform.registry import operators
from jikimi.types import EntityId

TOP_KEYS = (
    "version",
    "name",
    "profile",
    "min_score",
    "languages",
    "default",
    "entities",
    "columns",
    "vault",
)
COLUMN_KEYS = ("entity", "scan", "password")
LANGUAGES = ("ko", "zh", "en")


def profiles() -> list[str]:
    """Names of the shipped jurisdiction profiles."""
    root = resources.files("jikimi.policy") / "profiles"
    return sorted(p.name.removesuffix(".yaml") for p in root.iterdir() if p.name.endswith(".yaml"))


def load_profile(name: str) -> Policy:
    if name not in profiles():
        raise PolicyError(
            "profile",
            [Problem(None, "", f"unknown profile {name!r}; known: {', '.join(profiles())}")],
        )
    text = (resources.files("jikimi.policy") / "profiles" / f"{name}.yaml").read_text("utf-8")
    return parse_policy(text, source=f"profile {name}", allow_profile=False)


def load_policy(path: str | os.PathLike[str]) -> Policy:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(
            str(p), [Problem(None, "", f"cannot read: {type(exc).__name__}")]
        ) from None
    policy = parse_policy(text, source=str(p))
    if policy.vault is not None and not Path(policy.vault).is_absolute():
        policy = dataclasses.replace(policy, vault=str(p.parent / policy.vault))
    return policy


def parse_policy(text: str, source: str = "<policy>", *, allow_profile: bool = True) -> Policy:
    data, lines = load_yaml(text, source)
    return _build(data, lines, source, allow_profile)


def policy_from_mapping(data: Mapping[str, Any], source: str = "<policy>") -> Policy:
    """Build a policy from a dict (Python API); problems name key paths instead of lines."""
    return _build(dict(data), {}, source, True)


def coerce_policy(policy: Policy | Mapping[str, Any] | str | os.PathLike[str]) -> Policy:
    """Accept a Policy, a dict, a profile name, or a policy file path."""
    if isinstance(policy, Policy):
        return policy
    if isinstance(policy, Mapping):
        return policy_from_mapping(policy)
    if isinstance(policy, str) and policy in profiles():
        return load_profile(policy)
    return load_policy(policy)


class _Builder:
    def __init__(self, lines: dict[YPath, int]) -> None:
        self.lines = lines
        self.problems: list[Problem] = []

    def problem(self, path: YPath, message: str) -> None:
        self.problems.append(Problem(line_of(self.lines, path), ".".join(map(str, path)), message))

    def rule(self, raw: Any, path: YPath) -> OperatorConfig | None:
        if isinstance(raw, str):
            raw = {"operator": raw}
        if not isinstance(raw, dict):
            self.problem(path, "a rule is an operator name or a mapping with 'operator'")
            return None
        name = raw.get("operator")
        if name is None:
            self.problem(path, "missing 'operator'")
            return None
        spec = operators().get(str(name))
        if spec is None:
            close = difflib.get_close_matches(str(name), list(operators()), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            self.problem(
                (*path, "operator"),
                f"unknown operator {name!r} (known: {', '.join(sorted(operators()))}){hint}",
            )
            return None
        try:
            return spec.config.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(x for x in err["loc"] if isinstance(x, str | int))
                msg = err["msg"].removeprefix("Value error, ")
                if err["type"] == "extra_forbidden":
                    msg = f"unknown parameter for operator {name!r}"
                self.problem((*path, *loc), msg)
            return None

    def entity(self, raw: Any, path: YPath) -> EntityId | None:
        try:
            return EntityId(str(raw))
        except ValueError:
            close = difflib.get_close_matches(str(raw), [e.value for e in EntityId], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            self.problem(path, f"unknown entity {raw!r}{hint}")
            return None


def _build(data: Any, lines: dict[YPath, int], source: str, allow_profile: bool) -> Policy:
    b = _Builder(lines)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PolicyError(source, [Problem(1, "", "a policy is a mapping of keys")])
    for key in data:
        if key not in TOP_KEYS:
            b.problem((key,), f"unknown key (allowed: {', '.join(TOP_KEYS)})")
    if data.get("version", 1) != 1:
        b.problem(("version",), "only version 1 is supported")

    base: Policy | None = None
    profile = data.get("profile")
    if profile is not None:
        if not allow_profile:
            b.problem(("profile",), "a profile cannot itself name a profile")
        elif profile not in profiles():
            b.problem(("profile",), f"unknown profile {profile!r} (known: {', '.join(profiles())})")
        else:
            base = load_profile(str(profile))

    min_score = data.get("min_score", base.min_score if base else 0.5)
    if not isinstance(min_score, int | float) or not 0 <= min_score <= 1:
        b.problem(("min_score",), "min_score is a number from 0 to 1")
        min_score = 0.5

    languages = data.get("languages")
    if languages is not None and (
        not isinstance(languages, list) or any(x not in LANGUAGES for x in languages)
    ):
        b.problem(("languages",), f"languages is a list of {', '.join(LANGUAGES)}")
        languages = None

    entities: dict[EntityId, OperatorConfig] = dict(base.entities) if base else {}
    raw_entities = data.get("entities") or {}
    if not isinstance(raw_entities, dict):
        b.problem(("entities",), "entities maps entity ids to rules")
        raw_entities = {}
    for key, raw in raw_entities.items():
        eid = b.entity(key, ("entities", key))
        cfg = b.rule(raw, ("entities", key))
        if eid is not None and cfg is not None:
            entities[eid] = cfg

    default = base.default if base else None
    if "default" in data:
        default = None if data["default"] is None else b.rule(data["default"], ("default",))

    columns: dict[str, ColumnRule] = {}
    raw_columns = data.get("columns") or {}
    if not isinstance(raw_columns, dict):
        b.problem(("columns",), "columns maps column names to rules")
        raw_columns = {}
    for col, raw in raw_columns.items():
        rule = _column(b, str(col), raw, entities)
        if rule is not None:
            columns[str(col)] = rule

    vault = data.get("vault")
    if vault is not None and (not isinstance(vault, str) or not vault.strip()):
        b.problem(("vault",), "vault is the path of a token vault file")
        vault = None

    if b.problems:
        raise PolicyError(source, b.problems)
    return Policy(
        name=str(data.get("name") or (base.name if base else Path(source).stem)),
        entities=entities,
        columns=columns,
        default=default,
        profile=str(profile) if profile else None,
        min_score=float(min_score),
        languages=tuple(languages) if languages else (base.languages if base else None),
        source=source,
        vault=vault,
    )


def _column(
    b: _Builder,
    col: str,
    raw: Any,
    entities: Mapping[EntityId, OperatorConfig],
) -> ColumnRule | None:
    path: YPath = ("columns", col)
    if isinstance(raw, str):
        raw = {"operator": raw}
    if not isinstance(raw, dict):
        b.problem(path, "a column rule is an operator name or a mapping")
        return None
    raw = dict(raw)
    entity = None
    if "entity" in raw:
        entity = b.entity(raw.pop("entity"), (*path, "entity"))
    scan = raw.pop("scan", False)
    password = raw.pop("password", None)
    if scan is not False and scan is not True:
        b.problem((*path, "scan"), "scan is true or false")
        return None
    if scan:
        if raw:
            b.problem(path, "a scan column takes no operator: its findings follow the entity rules")
            return None
        return ColumnRule(col, None, entity, scan=True)
    if "operator" in raw:
        cfg = b.rule(raw, path)
    elif entity is not None:
        cfg = entities.get(entity)
        if cfg is None:
            b.problem(
                (*path, "entity"),
                f"no rule for entity {entity.value} in this policy "
                "or its profile; add one under entities or give an operator",
            )
    else:
        b.problem(path, "give an operator, an entity, or scan: true")
        return None
    if cfg is None:
        return None
    is_password = password if isinstance(password, bool) else bool(PASSWORD_COLUMN.search(col))
    op = getattr(cfg, "operator", "")
    if is_password and op not in PASSWORD_OPERATORS:
        b.problem(
            path,
            f"column holds passwords: use password_hash or redact, not {op} "
            "(passwords are hashed, never encrypted or masked)",
        )
        return None
    return ColumnRule(col, cfg, entity)
