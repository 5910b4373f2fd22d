"""SARIF 2.1.0, the format code-scanning services (GitHub, Azure DevOps) ingest.

One rule per entity type that was looked for, one result per finding. Results never
carry a value, whatever ``--show-values`` says: SARIF files are uploaded to services
whose readers may not be allowed to see them; the masked preview sits in the result's
property bag. Columns count Unicode code points (``columnKind``), as jikimi's do.
``partialFingerprints`` are the baseline's keyed hashes, present only when a baseline
is in use, because an unsalted hash of a resident number can be reversed by trying
every birth date.
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path
from typing import Any, TextIO

from jikimi.catalog import CATALOG
from jikimi.reports.json import dump
from jikimi.reports.model import STDIN_LABEL, TEXT_LABEL, ReportedFinding, ScanReport
from jikimi.types import Category, EntityId

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/jikimi/"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "jikimiFinding/v1"
_ERROR_CATEGORIES = frozenset({Category.UNIQUE_ID, Category.FINANCIAL, Category.SENSITIVE})


def level(entity: EntityId) -> str:
    """``error`` for unique identifiers, financial and sensitive data, else ``warning``."""
    return "error" if CATALOG[entity].category in _ERROR_CATEGORIES else "warning"


def _rule(entity: EntityId) -> dict[str, Any]:
    e = CATALOG[entity]
    laws = "; ".join(e.laws) if e.laws else "none listed"
    advice = "Remove, mask or encrypt the value, or record why it is kept."
    return {
        "id": entity.value,
        "name": "".join(part.capitalize() for part in entity.value.split("_")),
        "shortDescription": {"text": e.name_en},
        "fullDescription": {"text": f"{e.name_en} ({e.name_ko}, {e.name_zh}). Laws: {laws}."},
        "help": {"text": f"{advice} Laws: {laws}."},
        "defaultConfiguration": {"level": level(entity)},
        "properties": {
            "category": e.category.value,
            "tags": ["privacy", "pii", e.category.value],
            "names": {"en": e.name_en, "ko": e.name_ko, "zh": e.name_zh},
            "laws": list(e.laws),
        },
    }


def artifact_location(path: str) -> dict[str, Any]:
    """A relative path becomes a percent-encoded URI under ``%SRCROOT%``."""
    if path in (STDIN_LABEL, TEXT_LABEL):
        return {"uri": urllib.parse.quote(path.strip("<>"))}
    p = Path(path)
    if p.is_absolute():
        return {"uri": p.as_uri()}
    return {"uri": urllib.parse.quote(p.as_posix(), safe="/"), "uriBaseId": SRCROOT}


def _result(r: ReportedFinding, rule_index: dict[EntityId, int], report: ScanReport) -> Any:
    e = CATALOG[r.entity]
    result: dict[str, Any] = {
        "ruleId": r.entity.value,
        "level": level(r.entity),
        "message": {"text": f"{e.name_en} ({r.entity.value}) found, score {r.score:.2f}."},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(r.path),
                    "region": {
                        "startLine": r.line,
                        "startColumn": r.column,
                        "endLine": r.end_line,
                        "endColumn": r.end_column,
                    },
                }
            }
        ],
        "properties": {
            "score": r.score,
            "recognizer": r.recognizer,
            "category": r.category.value,
            "explanation": list(r.explanation),
            "preview": r.preview,
        },
    }
    if r.entity in rule_index:
        result["ruleIndex"] = rule_index[r.entity]
    if report.baseline_used and r.fingerprint is not None:
        result["partialFingerprints"] = {FINGERPRINT_KEY: r.fingerprint}
        result["baselineState"] = "unchanged" if r.baselined else "new"
        if r.baselined:
            result["suppressions"] = [
                {"kind": "external", "status": "accepted", "justification": "in the baseline"}
            ]
    return result


def _directory_uri(directory: Path) -> str:
    uri = directory.as_uri()
    return uri if uri.endswith("/") else uri + "/"


def sarif_dict(report: ScanReport) -> dict[str, Any]:
    entities = list(dict.fromkeys([*report.entities, *(r.entity for r in report.findings)]))
    rule_index = {e: i for i, e in enumerate(entities)}
    notifications = [
        {
            "level": "error",
            "message": {"text": f"could not scan: {p.error}"},
            "locations": [{"physicalLocation": {"artifactLocation": artifact_location(p.path)}}],
        }
        for p in report.problems
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "jikimi",
                "version": report.tool_version,
                "semanticVersion": report.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(e) for e in entities],
            }
        },
        "invocations": [
            {
                "executionSuccessful": not report.problems,
                "toolExecutionNotifications": notifications,
            }
        ],
        "originalUriBaseIds": {SRCROOT: {"uri": _directory_uri(Path.cwd())}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(r, rule_index, report) for r in report.findings],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def write(report: ScanReport, out: TextIO) -> None:
    dump(sarif_dict(report), len(report.findings), out)
