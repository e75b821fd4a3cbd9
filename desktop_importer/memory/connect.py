"""How to connect an assistant to `desktop-importer mcp`: the launcher's absolute path as
installed, and the configuration an MCP client (Claude Desktop's, an editor's) takes."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

COMMAND = "desktop-importer"


def launcher() -> str:
    """The absolute path of the command: on PATH when installed (/usr/bin/desktop-importer
    from the .deb), else the bundle's own executable, else the one beside this Python (a
    checkout's .venv/bin)."""
    found = shutil.which(COMMAND)
    if found:
        return str(Path(found).absolute())
    if getattr(sys, "frozen", False):
        return str(Path(sys.executable).absolute())
    beside = Path(sys.executable).with_name(COMMAND + (".exe" if sys.platform == "win32" else ""))
    return str(beside.absolute())


def client_config(profile: str, command: str | None = None) -> str:
    """The `mcpServers` entry for an MCP client's configuration file, as JSON."""
    entry = {"command": command or launcher(), "args": ["mcp", "--profile", profile]}
    return json.dumps({"mcpServers": {"desktop-importer": entry}}, indent=2, ensure_ascii=False)
