"""Where the archive and the logs live, created private to the user (0700 folders, 0600 files)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "desktop-importer"
DATA_DIR_ENV = "DESKTOP_IMPORTER_DATA_DIR"
LOG_DIR_ENV = "DESKTOP_IMPORTER_LOG_DIR"
DATABASE_NAME = "archive.sqlite3"


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))


def log_dir() -> Path:
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override)
    if os.environ.get(DATA_DIR_ENV):
        # A relocated archive keeps its logs beside it, not in the user's real log folder.
        return data_dir() / "logs"
    return Path(platformdirs.user_log_dir(APP_NAME))


def config_dir() -> Path:
    """Window state (QSettings); beside the archive when the data folder is relocated."""
    if os.environ.get(DATA_DIR_ENV):
        return data_dir()
    return Path(platformdirs.user_config_dir(APP_NAME))


def ensure_private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(path, 0o700)
    return path


def touch_private_file(path: Path) -> None:
    """Create `path` as 0600 before anything else opens it (SQLite copies the mode to -wal/-shm)."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    if os.name == "posix":
        os.chmod(path, 0o600)
