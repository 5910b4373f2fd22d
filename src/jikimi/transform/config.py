"""Shared pieces of operator configuration (pydantic: configs come from policy files)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class OperatorConfig(BaseModel):
    """Base of every operator's typed parameters; unknown parameters are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)
