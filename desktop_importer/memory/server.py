"""`desktop-importer mcp`: the archive as a local, read-only MCP server over stdio, built on
the official SDK (`mcp`, its 2.x `MCPServer`). It is started by the person's assistant
(Claude Desktop, an editor, a local model), never opens a port, writes nothing, and never
claims the import guard: it opens the archive read-only and reads what is published, as
the window does while an import runs. It ends when its input closes.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from mcp.server.mcpserver import Image, MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from pydantic import Field

from desktop_importer import __version__
from desktop_importer.app import App
from desktop_importer.basics.clock import SystemClock
from desktop_importer.basics.settings import resolve
from desktop_importer.basics.startup import freeze_startup_objects
from desktop_importer.memory import tools
from desktop_importer.store.database import open_store

log = logging.getLogger(__name__)

INSTRUCTIONS = (
    "The person's own archive of their conversations with AI assistants (ChatGPT, Claude, "
    "DeepSeek, Grok, Gemini, Le Chat), on this machine. Use `search` to find what they "
    "worked out before, then `read_conversation` with the hit's conversation_id and "
    "message_id to read it; cite the conversation's title and date. Everything is read-only."
)


def open_archive(data_dir: Path | None) -> App:
    """The archive opened read-only: the server can never change it."""
    store = open_store(data_dir, read_only=True)
    return App(store, SystemClock(), resolve(store.stored_settings()))


def build(app: App, profile: str) -> MCPServer:
    server: MCPServer = MCPServer(
        "desktop-importer", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING"
    )

    def answer(call: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return call(app, profile, *args, **kwargs)
        except tools.BadArgument as error:
            raise ToolError(str(error)) from None

    @server.tool(
        description=(
            "Search the person's archived AI conversations for words (any language, Chinese, "
            "Japanese and Korean included). Returns the best conversations first, each with "
            "its conversation_id, title, vendor, dates, the best matching message_id and a "
            "snippet with the words in [brackets]. Pass the hit's conversation_id and "
            "message_id to read_conversation to read it in context."
        )
    )
    def search(
        words: Annotated[str, Field(description="What to look for, as plain words.")],
        vendor: Annotated[
            str | None,
            Field(
                description="Only this assistant: chatgpt, claude, deepseek, gemini, grok, lechat."
            ),
        ] = None,
        since: Annotated[
            str | None, Field(description="Changed on or after this date (YYYY-MM-DD).")
        ] = None,
        until: Annotated[
            str | None, Field(description="Changed before this date (YYYY-MM-DD).")
        ] = None,
        limit: Annotated[
            int | None, Field(description="How many hits, 1 to 50 (10 if not given).")
        ] = None,
    ) -> dict[str, Any]:
        hits = answer(tools.search, words, vendor=vendor, since=since, until=until, limit=limit)
        return {"hits": [asdict(hit) for hit in hits]}

    @server.tool(
        description=(
            "List the person's archived AI conversations, newest first (by their last "
            "change), optionally of one assistant or a date range. Paged: pass next_cursor "
            "back to get the next page."
        )
    )
    def list_conversations(
        vendor: Annotated[str | None, Field(description="Only this assistant.")] = None,
        since: Annotated[str | None, Field(description="Changed on or after (YYYY-MM-DD).")] = None,
        until: Annotated[str | None, Field(description="Changed before (YYYY-MM-DD).")] = None,
        limit: Annotated[int | None, Field(description="Rows per page, 1 to 100 (20).")] = None,
        cursor: Annotated[str | None, Field(description="next_cursor of the page before.")] = None,
    ) -> dict[str, Any]:
        rows, following = answer(
            tools.list_conversations, vendor=vendor, since=since, until=until, limit=limit,
            cursor=cursor,
        )  # fmt: skip
        return {"conversations": [asdict(row) for row in rows], "next_cursor": following}

    @server.tool(
        description=(
            "Read one archived conversation as Markdown: each message with who wrote it, "
            "when, and its message id. Reads the branch the person last used, from its start "
            "or from start_at (a search hit's message_id); all_branches adds the edited and "
            "regenerated versions. Long conversations come in pages of at most 24,000 "
            "characters: pass next_cursor back until it is null."
        )
    )
    def read_conversation(
        conversation_id: Annotated[
            str, Field(description="A conversation_id from search or list.")
        ],
        start_at: Annotated[str | None, Field(description="A message_id to start from.")] = None,
        all_branches: Annotated[bool, Field(description="Also every other branch.")] = False,
        cursor: Annotated[str | None, Field(description="next_cursor of the page before.")] = None,
    ) -> dict[str, Any]:
        page = answer(
            tools.read_conversation, conversation_id, start_at=start_at,
            all_branches=all_branches, cursor=cursor,
        )  # fmt: skip
        return asdict(page)

    @server.tool(
        description=(
            "See an image a message holds (a photo the person attached, a picture the "
            "assistant made), where the archive keeps it: PNG, JPEG, GIF or WebP of at most "
            "2 MB. read_conversation shows images as [image: name] in the message."
        )
    )
    def read_image(
        conversation_id: Annotated[str, Field(description="The conversation's id.")],
        message_id: Annotated[str, Field(description="The message that holds the image.")],
        number: Annotated[int, Field(description="Which of its images, from 1.")] = 1,
    ) -> Image:
        picture = answer(tools.read_image, conversation_id, message_id, number)
        return Image(data=picture.data, format=picture.mime_type.split("/", 1)[1])

    @server.resource(
        "archive://conversation/{conversation_id}",
        name="conversation",
        description="One archived conversation's current branch as Markdown (its first page).",
        mime_type="text/markdown",
    )
    def conversation(conversation_id: str) -> str:
        try:
            page = tools.read_conversation(app, profile, conversation_id)
        except tools.BadArgument as error:
            raise ResourceNotFoundError(str(error)) from None
        more = "\n\n(More in read_conversation with its next_cursor.)" if page.next_cursor else ""
        return page.markdown + more

    return server


def serve(data_dir: Path | None, profile: str) -> int:
    """Serve until the input closes; 0 then."""
    app = open_archive(data_dir)
    try:
        server = build(app, profile)
        freeze_startup_objects()  # an assistant's searches then pay no full collection
        server.run("stdio")
    finally:
        app.close()
    return 0
