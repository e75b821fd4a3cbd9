"""Choosing the current branch of a conversation tree, damaged trees included."""

from __future__ import annotations

from desktop_importer.vendors.tree import current_path

#   root ── a ── b1 (t=3)
#            └── b2 (t=5) ── c2 (t=6)
PARENTS: dict[str, str | None] = {"root": None, "a": "root", "b1": "a", "b2": "a", "c2": "b2"}
ORDER = ["root", "a", "b1", "b2", "c2"]
TIMES: dict[str, float | None] = {"root": None, "a": 1.0, "b1": 3.0, "b2": 5.0, "c2": 6.0}


def test_current_node_selects_its_branch_even_an_older_one() -> None:
    assert current_path(ORDER, PARENTS, TIMES, "b1") == ["root", "a", "b1"]


def test_a_missing_current_node_falls_back_to_the_latest_leaf() -> None:
    assert current_path(ORDER, PARENTS, TIMES, None) == ["root", "a", "b2", "c2"]


def test_a_dangling_current_node_falls_back_to_the_latest_leaf() -> None:
    assert current_path(ORDER, PARENTS, TIMES, "gone") == ["root", "a", "b2", "c2"]


def test_equal_times_pick_the_last_leaf_in_the_file() -> None:
    times = {**TIMES, "b1": 6.0}
    assert current_path(ORDER, PARENTS, times, None) == ["root", "a", "b2", "c2"]
    order = ["root", "a", "b2", "c2", "b1"]
    assert current_path(order, PARENTS, times, None) == ["root", "a", "b1"]


def test_leaves_without_times_lose_to_timed_ones() -> None:
    times = {**TIMES, "c2": None, "b2": None}
    assert current_path(ORDER, PARENTS, times, None) == ["root", "a", "b1"]


def test_a_loop_on_the_current_branch_falls_back_and_is_cut() -> None:
    parents: dict[str, str | None] = {"x": "y", "y": "x", "root": None, "leaf": "root"}
    order = ["x", "y", "root", "leaf"]
    times: dict[str, float | None] = {"x": 9.0, "y": 8.0, "root": None, "leaf": 1.0}
    assert current_path(order, parents, times, "x") == ["root", "leaf"]


def test_a_tree_that_is_all_loop_still_ends() -> None:
    parents: dict[str, str | None] = {"x": "y", "y": "z", "z": "x"}
    path = current_path(["x", "y", "z"], parents, {"x": 1.0, "y": 2.0, "z": 3.0}, None)
    assert path == ["y", "x", "z"]  # up from the latest leaf z: z, x, y; cut before z repeats


def test_a_missing_parent_starts_the_branch_at_the_orphan() -> None:
    parents: dict[str, str | None] = {"orphan": "vanished", "child": "orphan"}
    assert current_path(["orphan", "child"], parents, {}, "child") == ["orphan", "child"]


def test_an_empty_tree_has_no_path() -> None:
    assert current_path([], {}, {}, None) == []


def test_a_detached_loop_beside_a_lone_root_shows_the_latest_message() -> None:
    parents: dict[str, str | None] = {"root": None, "q": "a", "a": "q"}
    times: dict[str, float | None] = {"root": None, "q": 1.0, "a": 2.0}
    assert current_path(["root", "q", "a"], parents, times, "a") == ["q", "a"]
