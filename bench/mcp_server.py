"""The MCP server's speed and memory on the 1 GB library archive (issue #27), measured as an
assistant meets it: the real `desktop-importer mcp` process, spoken to with the SDK's stdio
client, each call's round trip timed.

    .venv/bin/python -m bench.mcp_server [--mb 1000]

After one cold search and 20 to warm the page cache, it calls `search` 200 times (the five
classes of bench.library, 40 each), reads the 2,000-message conversation page by page to
its end and reads the first pages of the 100 newest conversations, then repeats searches
until 1,000 calls are made; prints p50, p95 and the worst round trip of each kind, and the
server's RSS at rest (after initialize) and after the 1,000 calls. Budgets: search p95
<= 50 ms; a read_conversation page p95 <= 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import anyio
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from bench.generate import LONG_CONVERSATION
from bench.library import archive, percentile, queries


def server_rss_mb() -> float:
    """The RSS of the one `desktop-importer mcp` process running (Linux /proc)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
            if b"mcp" in arguments and any(a.endswith(b"desktop-importer") for a in arguments):
                for line in (entry / "status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            continue
    return float("nan")


def payload(result: Any) -> dict[str, Any]:
    if result.is_error:
        raise RuntimeError(result.content)
    found: dict[str, Any] = result.structured_content or json.loads(result.content[0].text)
    return found


async def measure(folder: Path) -> None:
    command = str(Path(sys.executable).with_name("desktop-importer"))
    params = StdioServerParameters(
        command=command, args=["mcp"], env={**os.environ, "DESKTOP_IMPORTER_DATA_DIR": str(folder)}
    )
    timings: dict[str, list[float]] = {}
    calls = 0

    async def timed(
        kind: str, tool: str, arguments: dict[str, Any], client: ClientSession
    ) -> dict[str, Any]:
        nonlocal calls
        started = time.perf_counter()
        result = payload(await client.call_tool(tool, arguments))
        timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        calls += 1
        return result

    async with (
        stdio_client(params) as (reading, writing),
        ClientSession(reading, writing) as client,
    ):
        await client.initialize()
        at_rest = server_rss_mb()
        rng = random.Random(27)
        classes = queries(rng)
        await timed("search: the first, cold", "search", {"words": "kitchen"}, client)
        for query in queries(random.Random(1))["common word"][:20]:  # warm, as in use
            await timed("search: warming up", "search", {"words": query}, client)
        for kind, words in classes.items():
            for query in words:
                await timed(f"search: {kind}", "search", {"words": query}, client)
        long_id = f"conv-{LONG_CONVERSATION:08d}"
        page = await timed("read page", "read_conversation", {"conversation_id": long_id}, client)
        pages = 1
        while page["next_cursor"]:
            following = {"conversation_id": long_id, "cursor": page["next_cursor"]}
            page = await timed("read page", "read_conversation", following, client)
            pages += 1
        listed = await timed("list page", "list_conversations", {"limit": 100}, client)
        for row in listed["conversations"]:
            await timed(
                "read page",
                "read_conversation",
                {"conversation_id": row["conversation_id"]},
                client,
            )
        everything = [q for words in classes.values() for q in words]
        while calls < 1000:
            await timed("search: again", "search", {"words": rng.choice(everything)}, client)
        after = server_rss_mb()
    print(f"{calls} calls; the 2,000-message conversation read in {pages} pages")
    print(f"{'call':<26} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'worst':>8}")
    for kind, values in timings.items():
        print(f"{kind:<26} {len(values):>5} {percentile(values, 0.5):>8.1f} "
              f"{percentile(values, 0.95):>8.1f} {max(values):>8.1f}")  # fmt: skip
    print(f"server RSS: {at_rest:.0f} MB at rest, {after:.0f} MB after {calls} calls")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.mcp_server", description=__doc__)
    parser.add_argument("--mb", type=int, default=1000)
    args = parser.parse_args()
    folder = archive(args.mb)
    from desktop_importer.wiring import open_app

    open_app(folder).close()  # the archive at this version's schema, which the server reads
    anyio.run(measure, folder)


if __name__ == "__main__":
    main()
