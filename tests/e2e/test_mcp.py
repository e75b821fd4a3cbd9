"""`desktop-importer mcp` as an assistant meets it: the real server started as a process
and spoken to with the SDK's own stdio client. Initialize, list the tools, search, read a
conversation page by page to its end, a branch, a resource; bad arguments answered with one
sentence while the server keeps serving; the end of its input ends it."""

from __future__ import annotations

import base64
import json
import multiprocessing
import os
import subprocess
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from tests.e2e.test_cli import CLI, run
from tests.helpers.exports import chatgpt_zip, conversation
from tests.helpers.grok import PHOTO, grok_zip
from tests.integration.test_deepseek import deepseek_zip
from tests.integration.test_memory_tools import long_conversation

SPAWN = multiprocessing.get_context("spawn")


@pytest.fixture
def archive(data_dir: Path, tmp_path: Path) -> Path:
    assert run("import", str(deepseek_zip(tmp_path / "d.zip")), data_dir=data_dir).returncode == 0
    long = chatgpt_zip(tmp_path / "c.zip", [long_conversation(300)])
    assert run("import", str(long), data_dir=data_dir).returncode == 0
    return data_dir


def server(data_dir: Path) -> StdioServerParameters:
    return StdioServerParameters(
        command=CLI, args=["mcp", "--profile", "default"],
        env={**os.environ, "DESKTOP_IMPORTER_DATA_DIR": str(data_dir)},
    )  # fmt: skip


def text_of(content: object) -> str:
    """The text of a tool's or a resource's content (which the SDK types as any kind)."""
    text = getattr(content, "text", None)
    assert isinstance(text, str), content
    return text


def structured(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    found: dict[str, Any] = result.structured_content or json.loads(text_of(result.content[0]))
    return found


def test_an_assistant_searches_and_reads_the_archive(archive: Path) -> None:
    async def session() -> None:
        async with (
            stdio_client(server(archive)) as (reading, writing),
            ClientSession(reading, writing) as client,
        ):
            hello = await client.initialize()
            assert hello.server_info.name == "desktop-importer"
            names = {tool.name for tool in (await client.list_tools()).tools}
            assert names == {"search", "read_conversation", "list_conversations", "read_image"}

            hits = structured(await client.call_tool("search", {"words": "瓷砖"}))["hits"]
            assert [(h["conversation_id"], h["vendor"]) for h in hits] == [
                ("ds-0001-reasoner", "DeepSeek")
            ]
            page = structured(await client.call_tool(
                    "read_conversation", {"conversation_id": "long"}))  # fmt: skip
            text, pages = page["markdown"], 1
            while page["next_cursor"]:
                page = structured(await client.call_tool(
                        "read_conversation",
                        {"conversation_id": "long", "cursor": page["next_cursor"]}))  # fmt: skip
                text += page["markdown"]
                pages += 1
            assert pages > 3 and text.count("message `m299`") == 1

            branch = structured(await client.call_tool(
                    "read_conversation", {"conversation_id": "ds-0001-reasoner", "start_at": "4"}))  # fmt: skip
            assert "Use epoxy grout." in branch["markdown"]
            listed = structured(await client.call_tool("list_conversations", {"limit": 1}))
            assert len(listed["conversations"]) == 1 and listed["next_cursor"]

            resource = await client.read_resource("archive://conversation/ds-0002-older")
            assert "こんにちは" in text_of(resource.contents[0])

            for arguments in ({"words": ""}, {"words": "x", "limit": 0},
                                  {"words": "x", "vendor": "bard"}):  # fmt: skip
                bad = await client.call_tool("search", arguments)
                assert bad.is_error and "\n" not in text_of(bad.content[0])
            wrong = await client.call_tool("search", {"words": 7})  # a wrong type
            assert wrong.is_error
            unknown = await client.call_tool("read_conversation", {"conversation_id": "nope"})
            assert unknown.is_error
            assert text_of(unknown.content[0]).endswith(
                "There is no conversation 'nope' in this archive."
            )
            for query in ('"', "NEAR(", "*", "-"):
                assert not (await client.call_tool("search", {"words": query})).is_error
            # Still serving after every one of them:
            again = structured(await client.call_tool("search", {"words": "Glazed"}))
            assert again["hits"][0]["conversation_id"] == "ds-0001-reasoner"

    anyio.run(session)


def test_an_assistant_sees_an_image_a_message_holds(data_dir: Path, tmp_path: Path) -> None:
    assert run("import", str(grok_zip(tmp_path / "grok.zip")), data_dir=data_dir).returncode == 0

    async def session() -> None:
        async with (
            stdio_client(server(data_dir)) as (reading, writing),
            ClientSession(reading, writing) as client,
        ):
            await client.initialize()
            shown = await client.call_tool(
                "read_image", {"conversation_id": "g-conv-1", "message_id": "r1"}
            )
            assert not shown.is_error
            (image,) = shown.content
            assert getattr(image, "mime_type", None) == "image/png"
            assert base64.b64decode(getattr(image, "data", "")) == PHOTO  # bytes, never a path
            fake = await client.call_tool(
                "read_image", {"conversation_id": "g-conv-1", "message_id": "r4"}
            )  # an asset that claims to be a picture and holds HTML
            assert fake.is_error and "text/html file, not a picture" in text_of(fake.content[0])
            none = await client.call_tool(
                "read_image", {"conversation_id": "g-conv-1", "message_id": "r2"}
            )
            assert none.is_error and "holds 0 image(s)" in text_of(none.content[0])

    anyio.run(session)


def test_the_server_ends_when_its_input_closes_and_wrote_nothing(archive: Path) -> None:
    database = archive / "archive.sqlite3"
    before = database.read_bytes()
    env = {**os.environ, "DESKTOP_IMPORTER_DATA_DIR": str(archive)}
    done = subprocess.run(
        [CLI, "mcp"], input=b"", capture_output=True, timeout=60, env=env, check=False
    )
    assert done.returncode == 0 and b"Traceback" not in done.stderr
    assert database.read_bytes() == before  # read-only: not a byte changed
    status = json.loads(run("status", "--json", data_dir=archive).stdout)
    assert status["status"] == "complete"  # the guard was never claimed


def test_an_import_in_another_process_is_unseen_until_it_publishes_and_never_blocked(
    archive: Path, tmp_path: Path
) -> None:
    from tests.helpers.workers import hold_import

    held = chatgpt_zip(tmp_path / "held.zip", [conversation("zebra", [
        ("user", "Where do zebras sleep?"), ("assistant", "Standing, mostly.")])])  # fmt: skip
    ready, release, results = SPAWN.Event(), SPAWN.Event(), SPAWN.Queue()
    holder = SPAWN.Process(
        target=hold_import,
        args=(str(archive), str(held), 0, ready, release, results, "publishing"),
    )
    holder.start()

    async def session() -> None:
        async with (
            stdio_client(server(archive)) as (reading, writing),
            ClientSession(reading, writing) as client,
        ):
            await client.initialize()
            assert await anyio.to_thread.run_sync(ready.wait, 120)  # staged, not published
            hits = structured(await client.call_tool("search", {"words": "zebras"}))["hits"]
            assert hits == []  # half an import is never seen
            listed = structured(await client.call_tool("list_conversations", {"limit": 100}))
            assert "zebra" not in [c["conversation_id"] for c in listed["conversations"]]
            release.set()  # the import goes on while the server is connected
            outcome = await anyio.to_thread.run_sync(lambda: results.get(timeout=120))
            assert outcome == "added 1"
            hits = structured(await client.call_tool("search", {"words": "zebras"}))["hits"]
            assert [h["conversation_id"] for h in hits] == ["zebra"]

    try:
        anyio.run(session)
    finally:
        release.set()
        holder.join(120)


def test_a_killed_client_leaves_no_server_behind(archive: Path) -> None:
    """A client that dies mid-session closes both pipes at once: the server ends (no
    process left serving nobody), having written nothing."""
    env = {**os.environ, "DESKTOP_IMPORTER_DATA_DIR": str(archive)}
    before = sorted(p.name for p in archive.iterdir() if not p.name.endswith(("-wal", "-shm")))
    process = subprocess.Popen(
        [CLI, "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=env,
    )  # fmt: skip
    assert process.stdin is not None and process.stdout is not None
    hello = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "dying", "version": "1"}}}  # fmt: skip
    process.stdin.write(json.dumps(hello).encode() + b"\n")
    process.stdin.flush()
    assert b'"serverInfo"' in process.stdout.readline()  # it answered
    search = {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
              "params": {"name": "search", "arguments": {"words": "tiles"}}}  # fmt: skip
    process.stdin.write(json.dumps(search).encode() + b"\n")
    process.stdin.flush()
    process.stdout.close()  # the client is gone: nothing reads its answer,
    process.stdin.close()  # and nothing more comes
    assert process.wait(timeout=30) is not None
    assert process.stderr is not None
    with process.stderr:
        assert b"Traceback" not in process.stderr.read()
    # SQLite's own companions of a WAL database may appear for any reader; nothing in them.
    after = sorted(p.name for p in archive.iterdir())
    assert [n for n in after if not n.endswith(("-wal", "-shm"))] == before
    wal = archive / "archive.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0
