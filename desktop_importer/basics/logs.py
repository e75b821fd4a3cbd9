"""Logging set up by an entry point (never at import time): a rotated, private file in the
log folder, and warnings on stderr. Conversation text is never logged."""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from typing import TYPE_CHECKING

from desktop_importer.basics import paths

if TYPE_CHECKING:
    from pathlib import Path

LOG_FILE = "desktop-importer.log"


def configure(*, stderr_level: int = logging.WARNING) -> Path | None:
    root = logging.getLogger("desktop_importer")
    root.setLevel(logging.INFO)
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    if sys.stderr is not None:  # None in a windowed Windows executable
        console = logging.StreamHandler(sys.stderr)
        console.setLevel(stderr_level)
        console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        root.addHandler(console)
    log_path: Path | None = None
    try:
        folder = paths.ensure_private_dir(paths.log_dir())
        log_path = folder / LOG_FILE
        if not log_path.exists():
            paths.touch_private_file(log_path)
        file_handler = logging.handlers.RotatingFileHandler(
            log_path, maxBytes=2 * 1024 * 1024, backupCount=3, encoding="utf-8"
        )
    except OSError as e:
        root.warning("Logging to a file is off: %s", e.strerror or e)
        return None
    file_handler.setFormatter(
        logging.Formatter(f"%(asctime)s [{os.getpid()}] %(levelname)s %(name)s: %(message)s")
    )
    root.addHandler(file_handler)
    return log_path
