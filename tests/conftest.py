"""Every test gets a fresh, private data folder; GUI tests run offscreen."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import TYPE_CHECKING

from desktop_importer.app import App
from desktop_importer.importing.service import open_app
from tests.helpers.stubs import FakeClock

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("DESKTOP_IMPORTER_DATA_DIR", str(folder))
    for name in ("STALE_MINUTES", "BATCH_CONVERSATIONS", "BATCH_MESSAGES", "BEAT_SECONDS"):
        monkeypatch.delenv(f"DESKTOP_IMPORTER_{name}", raising=False)
    return folder


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(data_dir: Path, clock: FakeClock) -> Iterator[App]:
    opened = open_app(data_dir, clock=clock)
    yield opened
    opened.close()
