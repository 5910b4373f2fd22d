"""Detection: recognizers, context scoring and the compiled multi-pattern engine."""

from jikimi.detect.engine import Engine
from jikimi.detect.recognizer import Pattern, Recognizer, Verdict
from jikimi.detect.registry import builtin_recognizers, select

__all__ = ["Engine", "Pattern", "Recognizer", "Verdict", "builtin_recognizers", "select"]
