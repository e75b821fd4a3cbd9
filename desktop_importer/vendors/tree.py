"""A `mapping` tree read (ChatGPT's and DeepSeek's), and which branch of a conversation's
tree is the current one."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple


class MappingTree(NamedTuple):
    """The nodes of a `mapping` in the file's order, each node's parent (None at a root or
    where it points at itself), each node's time, and the node objects."""

    order: list[str]
    parents: dict[str, str | None]
    times: dict[str, float | None]
    nodes: dict[str, Mapping[str, Any]]


def mapping_tree(
    mapping: Mapping[str, Any], time_of: Callable[[Mapping[str, Any]], float | None]
) -> MappingTree:
    """Read a `{node id: {parent, message, …}}` tree once; `time_of(message)` gives a
    message's time as its vendor writes it. Nodes that are not objects are left out."""
    tree = MappingTree([], {}, {}, {})
    for key, node in mapping.items():
        if not isinstance(node, dict) or key in tree.parents:
            continue
        tree.order.append(key)
        parent = node.get("parent")
        tree.parents[key] = parent if isinstance(parent, str) and parent != key else None
        message = node.get("message")
        tree.times[key] = time_of(message) if isinstance(message, dict) else None
        tree.nodes[key] = node
    return tree


def _walk_up(start: str, parents: Mapping[str, str | None]) -> tuple[list[str], bool]:
    """The branch from the root down to `start`, and whether the walk ran into a loop.

    A loop is cut at the first node seen twice; a parent missing from the tree ends the walk.
    """
    branch: list[str] = []
    seen: set[str] = set()
    node: str | None = start
    while node is not None and node in parents:
        if node in seen:
            return branch[::-1], True
        seen.add(node)
        branch.append(node)
        node = parents[node]
    return branch[::-1], False


def current_path(
    order: Sequence[str],
    parents: Mapping[str, str | None],
    create_times: Mapping[str, float | None],
    current_node: str | None,
) -> list[str]:
    """The branch `current_node` selects; when it is missing, dangling or loops, the branch
    ending at the leaf with the latest create_time (ties: the last in the file)."""
    if current_node is not None and current_node in parents:
        branch, looped = _walk_up(current_node, parents)
        if not looped:
            return branch
    if not order:
        return []
    has_children = {parent for parent in parents.values() if parent is not None}
    leaves = [node for node in order if node not in has_children]
    if not any(create_times.get(node) is not None for node in leaves):
        # Only untimed leaves (a lone root beside a detached loop, say): the latest message
        # anywhere shows the user more of their conversation than an empty root would.
        leaves = list(order)

    def rank(item: tuple[int, str]) -> tuple[bool, float, int]:
        index, node = item
        stamp = create_times.get(node)
        return (stamp is not None, stamp if stamp is not None else 0.0, index)

    _, leaf = max(enumerate(leaves), key=rank)
    return _walk_up(leaf, parents)[0]
