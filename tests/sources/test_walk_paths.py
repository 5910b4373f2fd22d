"""Path expansion: recursion, globs, VCS directories, symlinks, stdin and errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jikimi.errors import InputError
from jikimi.sources.walk import STDIN, iter_paths


def _tree(root: Path, files: list[str]) -> None:
    for rel in files:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(rel)


def _rels(root: Path, found: list[Path]) -> list[str]:
    return [p.relative_to(root).as_posix() for p in found]


FILES = [
    "a.txt",
    "b.log",
    "logs/2024/app.log",
    "logs/2024/app.txt",
    "build/out.txt",
    "build/deep/x.log",
    "src/main.py",
    "src/build/keep.txt",
    ".git/config",
    ".hg/store/data",
    "node_modules/pkg/index.js",
]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    _tree(tmp_path, FILES)
    return tmp_path


def test_walk_is_recursive_sorted_and_skips_vcs_dirs(tree: Path) -> None:
    assert _rels(tree, list(iter_paths([tree]))) == [
        "a.txt",
        "b.log",
        "build/deep/x.log",
        "build/out.txt",
        "logs/2024/app.log",
        "logs/2024/app.txt",
        "node_modules/pkg/index.js",
        "src/build/keep.txt",
        "src/main.py",
    ]


def test_vcs_dirs_are_walked_when_not_skipped(tree: Path) -> None:
    found = _rels(tree, list(iter_paths([tree], skip_dirs=())))
    assert ".git/config" in found and ".hg/store/data" in found


def test_include_matches_at_any_depth(tree: Path) -> None:
    assert _rels(tree, list(iter_paths([tree], include=["*.log"]))) == [
        "b.log",
        "build/deep/x.log",
        "logs/2024/app.log",
    ]


def test_exclude_prunes_directories_and_files(tree: Path) -> None:
    found = _rels(tree, list(iter_paths([tree], exclude=["build/**", "*.py", "node_modules"])))
    assert found == [
        "a.txt",
        "b.log",
        "logs/2024/app.log",
        "logs/2024/app.txt",
        "src/build/keep.txt",
    ]


def test_double_star_prefix_matches_top_level_too(tree: Path) -> None:
    found = _rels(tree, list(iter_paths([tree], exclude=["**/build/**"])))
    assert "build/out.txt" not in found and "src/build/keep.txt" not in found
    assert "a.txt" in found


def test_include_and_exclude_combine(tree: Path) -> None:
    found = _rels(tree, list(iter_paths([tree], include=["*.log", "*.txt"], exclude=["logs/*"])))
    assert found == ["a.txt", "b.log", "build/deep/x.log", "build/out.txt", "src/build/keep.txt"]


def test_explicit_files_bypass_globs_and_are_deduplicated(tree: Path) -> None:
    found = list(iter_paths([tree / "a.txt", tree, tree / "a.txt"], include=["*.log"]))
    assert _rels(tree, found) == ["a.txt", "b.log", "build/deep/x.log", "logs/2024/app.log"]


def test_dash_means_stdin_and_dot_slash_dash_is_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-").write_text("x")
    found = list(iter_paths(["-", "./-"]))
    assert found[0] == STDIN and not found[0].is_absolute()
    assert found[1] == tmp_path / "-"


def test_missing_paths_go_to_on_error_or_raise(tmp_path: Path) -> None:
    errors: list[tuple[Path, OSError]] = []
    found = list(
        iter_paths([tmp_path / "nope", tmp_path], on_error=lambda p, e: errors.append((p, e)))
    )
    assert found == []
    assert errors[0][0] == tmp_path / "nope"
    assert isinstance(errors[0][1], FileNotFoundError)
    with pytest.raises(InputError, match="nope"):
        list(iter_paths([tmp_path / "nope"]))


def test_symlinks_inside_trees_are_skipped_unless_followed(tmp_path: Path) -> None:
    _tree(tmp_path, ["real/f.txt", "other/g.txt"])
    os.symlink(tmp_path / "other", tmp_path / "real" / "link")
    os.symlink(tmp_path / "other" / "g.txt", tmp_path / "real" / "g-link.txt")
    root = tmp_path / "real"
    assert _rels(root, list(iter_paths([root]))) == ["f.txt"]
    # a link named explicitly is followed
    assert list(iter_paths([root / "g-link.txt"])) == [root / "g-link.txt"]


def test_following_symlinks_visits_each_real_file_once(tmp_path: Path) -> None:
    _tree(tmp_path, ["real/f.txt", "other/g.txt"])
    os.symlink(tmp_path / "other", tmp_path / "real" / "link")
    os.symlink(tmp_path / "other" / "g.txt", tmp_path / "real" / "g-link.txt")
    root = tmp_path / "real"
    found = _rels(root, list(iter_paths([root], follow_symlinks=True)))
    # g.txt is reachable twice (file link and directory link); it is yielded once
    assert found == ["f.txt", "g-link.txt"]


def test_symlink_loops_end(tmp_path: Path) -> None:
    _tree(tmp_path, ["a/b/f.txt"])
    os.symlink(tmp_path / "a", tmp_path / "a" / "b" / "up")
    os.symlink(tmp_path / "a" / "b", tmp_path / "a" / "b" / "self")
    found = _rels(tmp_path, list(iter_paths([tmp_path], follow_symlinks=True)))
    assert found == ["a/b/f.txt"]


def test_broken_symlink_is_reported_when_followed(tmp_path: Path) -> None:
    _tree(tmp_path, ["f.txt"])
    os.symlink(tmp_path / "gone", tmp_path / "dangling")
    errors: list[Path] = []
    found = list(
        iter_paths([tmp_path], follow_symlinks=True, on_error=lambda p, e: errors.append(p))
    )
    assert _rels(tmp_path, found) == ["f.txt"]
    assert errors == [tmp_path / "dangling"]


def test_fifos_inside_trees_are_not_yielded(tmp_path: Path) -> None:
    _tree(tmp_path, ["f.txt"])
    os.mkfifo(tmp_path / "pipe")
    assert _rels(tmp_path, list(iter_paths([tmp_path]))) == ["f.txt"]
