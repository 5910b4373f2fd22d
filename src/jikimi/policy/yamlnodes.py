"""Read YAML and remember the line every key sits on, so validation errors can name it.

PyYAML's composer gives nodes with marks; we construct plain Python values from them and
keep a ``path → line`` table (paths are tuples of keys and list indexes). Duplicate keys,
which PyYAML would silently overwrite, are reported.
"""

from __future__ import annotations

from typing import Any

import yaml  # type: ignore[import-untyped,unused-ignore]

from jikimi.policy.errors import PolicyError, Problem

Path = tuple[str | int, ...]


def load_yaml(text: str, source: str) -> tuple[Any, dict[Path, int]]:
    """Parse ``text``; returns the data and the 1-based line of every path."""
    loader = yaml.SafeLoader(text)
    lines: dict[Path, int] = {(): 1}
    problems: list[Problem] = []

    def walk(node: yaml.Node, path: Path) -> Any:
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = loader.construct_object(key_node, deep=True)
                if not isinstance(key, str | int):
                    key = str(key)
                line = key_node.start_mark.line + 1
                if key in out:
                    problems.append(
                        Problem(line, ".".join(map(str, (*path, key))), "duplicate key")
                    )
                lines[(*path, key)] = line
                out[key] = walk(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                lines[(*path, i)] = item.start_mark.line + 1
                items.append(walk(item, (*path, i)))
            return items
        return loader.construct_object(node, deep=True)

    try:
        root = loader.get_single_node()
        data = None if root is None else walk(root, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise PolicyError(source, [Problem(line, "", f"not valid YAML: {exc.problem}")]) from None
    except yaml.YAMLError as exc:
        raise PolicyError(source, [Problem(None, "", f"not valid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    if problems:
        raise PolicyError(source, problems)
    return data, lines


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of ``path``, or of its nearest ancestor that has one."""
    for n in range(len(path), -1, -1):
        line = lines.get(path[:n])
        if line is not None:
            return line
    return None
