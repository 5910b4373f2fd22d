"""The ``jikimi`` command line: a thin layer that parses options, calls the library and
prints. Exit codes: 0 clean, 1 findings at or over the threshold (or another failed
operation), 2 a usage mistake or unreadable input."""
