"""One conversation as the vendor's app shows it: its branches, the chosen one's messages
with their blocks and files, and `show`'s stored text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from desktop_importer.app import DEFAULT_PROFILE
from desktop_importer.basics import media
from desktop_importer.basics.errors import UnknownConversation
from desktop_importer.library.files import MediaFile, MediaRef
from desktop_importer.store import listing as sql
from desktop_importer.store import media as media_sql
from desktop_importer.store import projects as projects_sql
from desktop_importer.vendors.blocks import Block, plain_text
from desktop_importer.vendors.parsed import vendor_name
from desktop_importer.vendors.registry import vendor_named

if TYPE_CHECKING:
    from collections.abc import Generator, Iterable, Mapping

    from sqlalchemy.orm import Session

    from desktop_importer.app import App

# -- reading one conversation -------------------------------------------------------------


@dataclass
class ReaderMessage:
    node_id: str
    parent_id: str | None
    role: str
    author_name: str | None
    create_time: float | None
    hidden: bool  # hidden by the vendor's app (a tool's plumbing, injected context)
    in_export: bool  # False: kept from an earlier export, gone from the latest
    siblings: tuple[str, ...]  # this message and its alternatives (edits, regenerations)
    text_bytes: int
    vendor: str
    source: Mapping[str, Any] | None  # the message's object in the original JSON
    show_hidden: bool = False  # hidden blocks (injected context) are shown too
    # Files the vendor's library says this message made (ChatGPT's library_files.json).
    made: tuple[Block, ...] = ()
    _blocks: list[Block] | None = None

    @property
    def blocks(self) -> list[Block]:
        """The structured view, built when first asked for (as the reader builds each
        message's widget: a 2,000-message conversation opens without building them all).
        Context the app injected is left out unless hidden content is shown."""
        if self._blocks is None:
            found = vendor_named(self.vendor).blocks(self.source) if self.source is not None else []
            self._blocks = [b for b in found if self.show_hidden or b.kind != "injected"]
            self._blocks += self.made
        return self._blocks

    @property
    def sibling_index(self) -> int:
        return self.siblings.index(self.node_id)


ROLE_NAMES = {"user": "You", "system": "Instructions", "tool": "Tool"}


def speaker(message: ReaderMessage, vendor: str) -> str:
    """Who a message is from, as the reader and the export name it."""
    if message.role == "assistant" or (message.role == "tool" and not message.hidden):
        # A tool's message that the app shows (a generated image, a chart) is part of the
        # assistant's turn there, not a "Tool: t2uay3k.sj1i4kz" of its own.
        return vendor_name(vendor)
    if message.hidden and message.blocks and all(b.kind == "injected" for b in message.blocks):
        return f"{vendor_name(vendor)} app"  # context the app added: no one typed it
    if message.role == "tool" and message.author_name:
        return f"Tool: {message.author_name}"
    return ROLE_NAMES.get(message.role, message.role.capitalize())


@dataclass(frozen=True)
class ReaderConversation:
    conversation_id: str
    title: str | None
    vendor: str
    create_time: float | None
    update_time: float | None
    messages: list[ReaderMessage]  # the chosen branch, oldest first
    # Messages of that branch left out, or holding context left out (without include_hidden)
    hidden_count: int
    choices: dict[str, str]  # the branch shown: a parent's node id -> the child followed
    include_hidden: bool  # hidden messages are shown
    media: dict[str, MediaFile] = field(default_factory=dict)  # file id -> the kept file
    # The stored original JSON, parsed (the export reads its model, URL and JSON from it).
    document: Mapping[str, Any] = field(default_factory=dict)
    project: str | None = None  # the name of its project (ChatGPT's), if it is in one

    def media_of(self, message: ReaderMessage) -> list[MediaRef]:
        """The files a message points at, in order, kept or missing."""
        if message.source is None:
            return []
        named = {media.asset_id(b.pointer): b.name for b in message.blocks if b.pointer and b.name}
        return [
            MediaRef(
                asset,
                kept.name if (kept := self.media.get(asset)) else named.get(asset) or asset,
                kept,
            )
            for asset in vendor_named(self.vendor).message_pointers(message.source)
        ]

    def file_for(self, pointer: str | None) -> MediaFile | None:
        """The kept file of a block's pointer, if the archive holds it."""
        asset = media.asset_id(pointer)
        return self.media.get(asset) if asset else None


def _children(nodes: list[sql.Node]) -> dict[str | None, list[sql.Node]]:
    """Each node's children, oldest first (by time, then by place in the file)."""
    known = {n.node_id for n in nodes}
    children: dict[str | None, list[sql.Node]] = {}
    for node in nodes:
        parent = node.parent_id if node.parent_id in known else None
        children.setdefault(parent, []).append(node)
    for group in children.values():
        group.sort(key=lambda n: (n.create_time is None, n.create_time or 0.0, n.position))
    return children


def _latest(group: list[sql.Node]) -> sql.Node:
    timed = [n for n in group if n.create_time is not None]
    return max(timed, key=lambda n: (n.create_time or 0.0, n.position)) if timed else group[-1]


def branch(
    children: dict[str | None, list[sql.Node]], choices: Mapping[str, str]
) -> list[sql.Node]:
    """The path from the root: at each node the chosen child, else the one on the current
    path, else the newest (as the vendor's app opens a branch it has not shown before)."""
    roots = children.get(None, [])
    if not roots:
        return []
    node = next((n for n in roots if n.path_index is not None), roots[0])
    path, seen = [node], {node.node_id}
    while group := [c for c in children.get(node.node_id, []) if c.node_id not in seen]:
        chosen = choices.get(node.node_id)
        picked = next((c for c in group if c.node_id == chosen), None)
        if picked is None:
            picked = next((c for c in group if c.path_index is not None), None) or _latest(group)
        node = picked
        path.append(node)
        seen.add(node.node_id)
    return path


def _choices_through(by_id: Mapping[str, sql.Node], node_id: str) -> dict[str, str]:
    """The choices that make the branch pass through `node_id`: each ancestor's child on
    the way down to it."""
    choices: dict[str, str] = {}
    node = by_id.get(node_id)
    while node is not None and (parent := node.parent_id) in by_id and parent not in choices:
        assert parent is not None
        choices[parent] = node.node_id
        node = by_id[parent]
    return choices


def read_conversation(
    app: App,
    profile: str,
    conversation_id: str,
    *,
    choices: Mapping[str, str] | None = None,
    include_hidden: bool = False,
    through: str | None = None,
) -> ReaderConversation:
    """One conversation's branch as the vendor's app shows it: the current one, or the one
    `choices` (a parent's node id -> the child to follow) leads to. `through` a message
    (a search hit) shows the branch that holds it, and hidden messages if it is one."""
    with app.store.read() as session:
        view = _read(session, app, profile, conversation_id, choices, include_hidden, through)
    if view is None:
        raise UnknownConversation(
            f"There is no conversation {conversation_id} in the archive of profile {profile}."
        )
    return view


@dataclass(frozen=True)
class ShownMessage:
    """A message of `show_conversation`: its stored text, as the command line prints it."""

    node_id: str
    role: str
    content_type: str | None
    text: str
    create_time: float | None
    hidden: bool


@dataclass(frozen=True)
class ShownConversation:
    view: ReaderConversation  # the same branch the window shows
    messages: list[ShownMessage]

    @property
    def conversation_id(self) -> str:
        return self.view.conversation_id

    @property
    def title(self) -> str | None:
        return self.view.title


def show_conversation(
    app: App, conversation_id: str, profile: str = DEFAULT_PROFILE, *, include_hidden: bool = False
) -> ShownConversation:
    """The conversation's current branch as the window shows it (`read_conversation`), each
    message with its stored text; `include_hidden` adds hidden messages (a tool's plumbing,
    system prompts)."""
    view = read_conversation(app, profile, conversation_id, include_hidden=include_hidden)
    with app.store.read() as session:
        texts = sql.stored_texts(session, profile, conversation_id)
    vendor = vendor_named(view.vendor)
    messages = [
        ShownMessage(
            m.node_id,
            m.role,
            content_type,
            # The stored text leaves injected context out; shown hidden, it is put back.
            plain_text(m.blocks, hidden=True)
            if include_hidden and vendor.has_hidden_blocks(content_type)
            else text,
            m.create_time,
            m.hidden,
        )
        for m in view.messages
        for text, content_type in [texts.get(m.node_id, ("", None))]
    ]
    return ShownConversation(view, messages)


def read_conversations(
    app: App, profile: str, conversation_ids: Iterable[str], *, per_read: int = 100
) -> Generator[ReaderConversation | None, None, None]:
    """The current branch of each conversation named (None: not in the archive), in
    order, `per_read` to a read transaction: one transaction each cost a third of reading
    them (0.85 -> 0.60 ms a conversation), which an export of 53,000 pays in full. One is
    held at a time (a hundred parsed at once raised an export's peak RSS by 25 MB); close
    the iterator to end its transaction early."""
    ids = list(conversation_ids)
    for start in range(0, len(ids), per_read):
        with app.store.read() as session:
            for cid in ids[start : start + per_read]:
                yield _read(session, app, profile, cid)


def _read(
    session: Session,
    app: App,
    profile: str,
    conversation_id: str,
    choices: Mapping[str, str] | None = None,
    include_hidden: bool = False,
    through: str | None = None,
) -> ReaderConversation | None:
    # Over 60 lines: one conversation's rows, branch and blocks read in one session, so
    # that a conversation replaced meanwhile is never shown half old, half new.
    stored = sql.conversation(session, profile, conversation_id)
    if stored is None:
        return None
    by_id = {n.node_id: n for n in stored.nodes}
    chosen = dict(choices or {})
    if through in by_id:
        chosen.update(_choices_through(by_id, through))
        include_hidden = include_hidden or by_id[through].hidden
    document = orjson.loads(stored.original_json)
    objects = vendor_named(stored.vendor).message_objects(document)
    children = _children(stored.nodes)
    made = _library_blocks(session, profile, conversation_id)
    messages: list[ReaderMessage] = []
    hidden_count = 0
    vendor = vendor_named(stored.vendor)
    for node in branch(children, chosen):
        if node.role is None:  # the null root and other message-less nodes
            continue
        hidden = node.hidden  # the reader's rule (vendors/chatgpt.is_hidden), stored
        if not include_hidden and (hidden or vendor.has_hidden_blocks(node.content_type)):
            hidden_count += 1
            if hidden:
                continue
        parent = node.parent_id if node.parent_id in by_id else None
        group = [c.node_id for c in children.get(parent, []) if c.role is not None]
        messages.append(
            ReaderMessage(
                node_id=node.node_id,
                parent_id=parent,
                role=node.role,
                author_name=node.author_name,
                create_time=node.create_time,
                hidden=hidden,
                in_export=node.in_export,
                siblings=tuple(group) if node.node_id in group else (node.node_id,),
                text_bytes=node.text_bytes,
                vendor=stored.vendor,
                source=objects.get(node.node_id),
                show_hidden=include_hidden,
                made=tuple(made.get(node.node_id, ())),
            )
        )
    pointed_at = {
        asset
        for message in messages
        if message.source is not None
        for asset in vendor_named(stored.vendor).message_pointers(message.source)
    } | {b.pointer for m in messages for b in m.made if b.pointer}
    return ReaderConversation(
        stored.conversation_id,
        stored.title,
        stored.vendor,
        stored.create_time,
        stored.update_time,
        messages,
        hidden_count,
        chosen,
        include_hidden,
        _kept_files(session, app, profile, pointed_at),
        document if isinstance(document, dict) else {},
        stored.project,
    )


def _library_blocks(session: Session, profile: str, conversation_id: str) -> dict[str, list[Block]]:
    """Message id -> the files the vendor's library says it made, as image or file blocks."""
    made: dict[str, list[Block]] = {}
    for message_id, file_id, name, mime in projects_sql.library_files_of(
        session, profile, conversation_id
    ):
        image = (mime or "").startswith("image/") or media.image_name(name)
        made.setdefault(message_id, []).append(
            Block("image" if image else "file", name=name or file_id, pointer=file_id,
                  mime_type=mime)
        )  # fmt: skip
    return made


def _kept_files(
    session: Session, app: App, profile: str, asset_ids: set[str]
) -> dict[str, MediaFile]:
    if not asset_ids:
        return {}
    found = media_sql.resolve(session, profile, asset_ids)
    folder = app.media_folder()
    return {
        asset: MediaFile(
            asset,
            f.name,
            f.mime_type,
            f.bytes,
            f.sha256,
            f.width,
            f.height,
            folder.path(f.sha256),
        )
        for asset, f in found.items()
    }
