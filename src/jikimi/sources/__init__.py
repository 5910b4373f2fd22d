"""Readers that turn files and streams into text or record batches for detection."""

from jikimi.sources.text import DecodeStats, detect_encoding, read_text_chunks, sniff_file
from jikimi.sources.walk import STDIN, iter_paths

__all__ = [
    "STDIN",
    "DecodeStats",
    "detect_encoding",
    "iter_paths",
    "read_text_chunks",
    "sniff_file",
]
