"""Synthetic labelled data and scoring helpers for testing and benchmarking detection.

Everything here is invented: identifiers carry valid check digits but belong to no one.
"""

from jikimi.testing.corpus import (
    LabelledDoc,
    corpus_pieces,
    generate_doc,
    generate_docs,
    make_corpus,
)
from jikimi.testing.scoring import Counts, DocMatch, Rule, match_spans, spans_match

__all__ = [
    "Counts",
    "DocMatch",
    "LabelledDoc",
    "Rule",
    "corpus_pieces",
    "generate_doc",
    "generate_docs",
    "make_corpus",
    "match_spans",
    "spans_match",
]
