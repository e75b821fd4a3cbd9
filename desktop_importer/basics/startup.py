"""What a long-lived process of ours (the window, the MCP server) does once it has started."""

from __future__ import annotations

import gc


def freeze_startup_objects() -> None:
    """Move everything alive once the process is up (the modules of Python, Qt's wrappers,
    SQLAlchemy, the MCP SDK and pydantic) out of the garbage collector's sight: a full
    collection walked all of it, 30 ms in the window (bench.media_reader), a stall at a
    random moment while reading, and 25-45 ms in the search that happened to trigger it
    (bench.library). Objects made later are collected as before."""
    gc.collect()
    gc.freeze()
