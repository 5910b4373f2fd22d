"""The backup configuration file (YAML): targets with their countries, and residency rules.

::

    archive_keys: archive-keys.db      # wrapped archive keys; keep it off the targets
    certificates: certificates          # where destruction certificates are written
    targets:
      - {name: seoul, kind: local, path: /srv/backup, region: KR/seoul, default: true}
      - {name: hongkong, kind: local, path: /mnt/hk, region: HK}
      - {name: offsite, kind: s3, bucket: acme-backup, prefix: jikimi, region: KR/seoul,
         endpoint_url: "https://s3.ap-northeast-2.amazonaws.com", aws_region: ap-northeast-2}
    residency:
      - {name: rrn-stays-in-kr, tags: [kr.rrn], allowed: [KR]}
      - {name: cn-users-in-cn, tags: [cn], allowed: [CN], transfers: [HK]}

Relative paths are resolved against the file's directory. S3 targets take their
credentials from the environment (boto3's usual chain), never from this file. Validated
with pydantic because this is an edge: a typo becomes one clear message, not a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from jikimi.backup.errors import BackupError
from jikimi.backup.residency import ResidencyPolicy, ResidencyRule
from jikimi.backup.s3target import S3Target
from jikimi.backup.targets import LocalTarget, Target
from jikimi.errors import UsageError


class _TargetModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    kind: Literal["local", "s3"] = "local"
    path: str | None = None
    region: str = Field(min_length=2)
    default: bool = False
    bucket: str | None = None
    prefix: str = ""
    endpoint_url: str | None = None
    aws_region: str | None = None

    @model_validator(mode="after")
    def _fields_of_kind(self) -> _TargetModel:
        s3_only = {"bucket": self.bucket, "endpoint_url": self.endpoint_url}
        s3_only |= {"aws_region": self.aws_region, "prefix": self.prefix or None}
        if self.kind == "local":
            if self.path is None:
                raise ValueError("a local target needs a path")
            extra = [k for k, v in s3_only.items() if v is not None]
            if extra:
                raise ValueError(f"{extra[0]} only applies to s3 targets")
        else:
            if not self.bucket:
                raise ValueError("an s3 target needs a bucket")
            if self.path is not None:
                raise ValueError("an s3 target takes bucket and prefix, not path")
        return self

    def build(self, base: Path) -> Target:
        if self.kind == "s3":
            assert self.bucket is not None
            return S3Target(
                self.name,
                self.region,
                self.bucket,
                prefix=self.prefix,
                endpoint_url=self.endpoint_url,
                aws_region=self.aws_region,
            )
        assert self.path is not None
        return LocalTarget(self.name, base / self.path, self.region)


class _RuleModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    tags: list[str] = Field(min_length=1)
    allowed: list[str] = []
    transfers: list[str] = []


class _ConfigModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    archive_keys: str = "archive-keys.db"
    certificates: str = "certificates"
    targets: list[_TargetModel] = Field(min_length=1)
    residency: list[_RuleModel] = []


@dataclass(frozen=True, slots=True)
class BackupConfig:
    archive_keys: Path
    certificates: Path
    targets: Sequence[Target]
    defaults: Sequence[str]
    policy: ResidencyPolicy

    def pick(self, names: Sequence[str]) -> list[Target]:
        """Targets by name; with no names, the default ones (or all when none is marked)."""
        by_name = {t.name: t for t in self.targets}
        unknown = [n for n in names if n not in by_name]
        if unknown:
            raise UsageError(f"unknown backup target {unknown[0]!r}; known: {', '.join(by_name)}")
        if names:
            return [by_name[n] for n in dict.fromkeys(names)]
        return [by_name[n] for n in self.defaults] or list(self.targets)


def load_config(path: str | Path) -> BackupConfig:
    p = Path(path)
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
        model = _ConfigModel.model_validate(raw)
    except FileNotFoundError:
        raise UsageError(f"backup config {p} does not exist") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        raise UsageError(f"backup config {p} cannot be read as YAML") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise UsageError(f"backup config {p}: {where}: {first['msg']}") from None
    base = p.parent
    names = [t.name for t in model.targets]
    if len(set(names)) != len(names):
        raise UsageError(f"backup config {p}: target names must be unique")
    try:
        targets = [t.build(base) for t in model.targets]
    except BackupError as exc:  # targets validate region, bucket and endpoint
        raise UsageError(f"backup config {p}: {exc}") from None
    rules = [ResidencyRule.of(r.name, r.tags, r.allowed, r.transfers) for r in model.residency]
    return BackupConfig(
        archive_keys=base / model.archive_keys,
        certificates=base / model.certificates,
        targets=targets,
        defaults=[t.name for t in model.targets if t.default],
        policy=ResidencyPolicy(rules),
    )
