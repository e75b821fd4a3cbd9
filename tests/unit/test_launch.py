"""How the program starts itself for an import's worker and reader, per platform, and the
entry point staying on top of everything it starts."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import desktop_importer
from desktop_importer.basics import relaunch


def test_a_checkout_runs_the_package_with_this_python() -> None:
    assert relaunch.self_command() == [sys.executable, "-m", "desktop_importer"]


def test_the_frozen_app_runs_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(sys, "executable", "/opt/desktop-importer/desktop-importer")
    assert relaunch.self_command() == ["/opt/desktop-importer/desktop-importer"]


def test_on_windows_the_window_starts_its_console_twin(monkeypatch: pytest.MonkeyPatch) -> None:
    """DesktopImporter.exe has no stdout; the worker and the reader need one."""
    window = Path("C:/Users/a/AppData/Local/Programs/Desktop Importer/DesktopImporter.exe")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(sys, "executable", str(window))
    assert relaunch.self_command() == [str(window.with_name("desktop-importer.exe"))]


def imported_modules(source: Path) -> set[str]:
    """Every module a file imports, at any depth of the file (lazy imports count)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_nothing_in_the_package_imports_the_entry_point() -> None:
    """launch -> cli -> gui -> import_process must not lead back to launch: the entry point
    dispatches, and "how this program runs itself" lives in relaunch."""
    package = Path(desktop_importer.__file__).parent
    importers = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name not in ("launch.py", "__main__.py")
        and "desktop_importer.launch" in imported_modules(path)
    )
    assert importers == []
