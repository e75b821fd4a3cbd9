"""`desktop-importer mcp`: the archive as a local, read-only MCP server for the person's AI
assistant (memory/server.py), over stdin and stdout."""

from __future__ import annotations

import argparse
import sys

from desktop_importer.basics.errors import EnvironmentProblem


def cmd_mcp(args: argparse.Namespace) -> int:
    if sys.stdin.isatty():
        print(
            "desktop-importer mcp is started by an AI assistant, which talks to it over its "
            "input and output; README and Help → Use with an AI assistant… show how to set "
            "one up. It is waiting for the assistant (Ctrl+D ends it).",
            file=sys.stderr,
        )
    try:
        from desktop_importer.memory.server import serve
    except ImportError as error:  # a build without the SDK
        raise EnvironmentProblem(
            f"This build of Desktop Importer has no MCP server ({error.name} is missing)."
        ) from None
    return serve(None, args.profile)
