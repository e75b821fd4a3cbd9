"""How the program starts itself for an import's worker and reader, per platform."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from desktop_importer import launch


def test_a_checkout_runs_the_package_with_this_python() -> None:
    assert launch.self_command() == [sys.executable, "-m", "desktop_importer"]


def test_the_frozen_app_runs_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(sys, "executable", "/opt/desktop-importer/desktop-importer")
    assert launch.self_command() == ["/opt/desktop-importer/desktop-importer"]


def test_on_windows_the_window_starts_its_console_twin(monkeypatch: pytest.MonkeyPatch) -> None:
    """DesktopImporter.exe has no stdout; the worker and the reader need one."""
    window = Path("C:/Users/a/AppData/Local/Programs/Desktop Importer/DesktopImporter.exe")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(sys, "executable", str(window))
    assert launch.self_command() == [str(window.with_name("desktop-importer.exe"))]
