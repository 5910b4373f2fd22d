"""One error tree for jikimi; the CLI turns these into messages and exit codes.

    JikimiError                 anything jikimi raises on purpose
    ├── UsageError              the caller asked for something impossible (unknown entity, bad flag)
    ├── InputError              an input cannot be read (missing file, undecodable bytes)
    └── BaselineError           a baseline file is malformed or from another format version

Messages never carry personal data: they name files, fields and entity ids, not values.
"""


class JikimiError(Exception):
    """Base of every error jikimi raises deliberately."""


class UsageError(JikimiError):
    """The request itself is wrong: an unknown entity id, language or option value."""


class InputError(JikimiError):
    """An input could not be read or decoded."""


class BaselineError(JikimiError):
    """A baseline file could not be read or does not match this version's format."""
