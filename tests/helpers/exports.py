"""Small exports built by the tests, in every shape real ones come in."""

from __future__ import annotations

import json
import zipfile
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

BASE_TIME = 1_700_000_000.0


def message(
    node_id: str,
    role: str,
    text: str,
    *,
    t: float | None = None,
    content_type: str = "text",
    recipient: str = "all",
    metadata: dict[str, Any] | None = None,
    content: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "id": node_id,
        "author": {"role": role, "name": None, "metadata": {}},
        "create_time": t,
        "content": content or {"content_type": content_type, "parts": [text]},
        "status": "finished_successfully",
        "recipient": recipient,
        "metadata": metadata or {},
    }


def node(node_id: str, parent: str | None, msg: dict[str, Any] | None) -> dict[str, Any]:
    return {"id": node_id, "message": msg, "parent": parent, "children": []}


def linked(nodes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """A ChatGPT mapping of `nodes`, each parent listing its children."""
    mapping = {n["id"]: n for n in nodes}
    for n in nodes:
        if n["parent"] in mapping:
            mapping[n["parent"]]["children"].append(n["id"])
    return mapping


def conversation(
    conv_id: str,
    turns: list[tuple[str, str]] | None = None,
    *,
    title: str | None = None,
    update_time: float | None = BASE_TIME + 100,
    extra_nodes: list[dict[str, Any]] | None = None,
    current_node: str | None = "<last turn>",
) -> dict[str, Any]:
    """A linear ChatGPT conversation: a null root, then one node per (role, text) turn."""
    turns = (
        turns if turns is not None else [("user", f"Hello from {conv_id}"), ("assistant", "Hi!")]
    )
    nodes = [node("client-created-root", None, None)]
    parent = "client-created-root"
    for index, (role, text) in enumerate(turns):
        node_id = f"{conv_id}-n{index}"
        nodes.append(node(node_id, parent, message(node_id, role, text, t=BASE_TIME + index)))
        parent = node_id
    nodes.extend(extra_nodes or [])
    mapping = linked(nodes)
    return {
        "id": conv_id,
        "conversation_id": conv_id,
        "title": title if title is not None else f"Title of {conv_id}",
        "create_time": BASE_TIME,
        "update_time": update_time,
        "current_node": parent if current_node == "<last turn>" else current_node,
        "mapping": mapping,
    }


def conversations(count: int, *, prefix: str = "conv", turns: int = 2) -> list[dict[str, Any]]:
    return [
        conversation(
            f"{prefix}-{i}",
            [
                ("user" if t % 2 == 0 else "assistant", f"{prefix} {i} turn {t}")
                for t in range(turns)
            ],
        )
        for i in range(count)
    ]


def write_zip(
    path: Path,
    members: dict[str, Any],
    *,
    encrypted: set[str] | None = None,
    exported: tuple[int, int, int] = (2026, 1, 1),
) -> Path:
    """A ZIP with `members` (name -> JSON-able value, or bytes/str written as they are),
    made on the day `exported` (the members' time, as a vendor's export has it)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, value in members.items():
            data = value if isinstance(value, bytes | str) else json.dumps(value)
            info = zipfile.ZipInfo(name, date_time=(*exported, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    if encrypted:
        _mark_encrypted(path, encrypted)
    return path


def _mark_encrypted(path: Path, names: set[str]) -> None:
    """Set the "encrypted" flag bit in the local and central headers of `names`, as a
    password-protected ZIP has it (zipfile cannot write encrypted members itself)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        offsets = [info.header_offset for info in archive.infolist() if info.filename in names]
    for offset in offsets:
        data[offset + 6] |= 0x1  # local file header: general purpose flags at +6
    central = 0
    while (central := data.find(b"PK\x01\x02", central)) != -1:
        name_length = int.from_bytes(data[central + 28 : central + 30], "little")
        name = bytes(data[central + 46 : central + 46 + name_length]).decode()
        if name in names:
            data[central + 8] |= 0x1  # central directory header: flags at +8
        central += 46
    path.write_bytes(bytes(data))


def chatgpt_zip(
    path: Path,
    convs: list[dict[str, Any]],
    *,
    exported: tuple[int, int, int] = (2026, 1, 1),
    account: str = "user-1",
    files: dict[str, Any] | None = None,
    **extra: Any,
) -> Path:
    """A ChatGPT export; `files` (and `extra`): more members, name -> content."""
    members = {"conversations.json": convs, "user.json": {"id": account}, **(files or {}), **extra}
    return write_zip(path, members, exported=exported)
