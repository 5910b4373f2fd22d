"""The entity catalogue: ids, names in ko/zh/en, categories, laws and display masks."""

from jikimi.catalog.entities import CATALOG, EntityType, entity, mask
from jikimi.catalog.masks import MaskRule, MaskStyle

__all__ = ["CATALOG", "EntityType", "MaskRule", "MaskStyle", "entity", "mask"]
