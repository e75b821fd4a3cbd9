"""The PyInstaller spec's Windows and macOS branches, run here with stand-ins for
PyInstaller's builders (the release workflow runs them for real): what each platform gets
built, with which icon, version resource and Info.plist, and which Qt plugins it keeps."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest

from desktop_importer import __version__

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "desktop-importer.spec"

# (dest, source, kind) as PyInstaller's Analysis lists them.
BINARIES = [
    ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", "/wheel/libqcocoa.dylib", "BINARY"),
    ("PySide6/plugins/platforms/qwindows.dll", "C:/wheel/qwindows.dll", "BINARY"),
    ("PySide6/plugins/platforms/qminimal.dll", "C:/wheel/qminimal.dll", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", "/wheel/libqxcb.so", "BINARY"),
    ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", "/wheel/libqsqlite.so", "BINARY"),
    ("libX11.so.6", "/usr/lib/x86_64-linux-gnu/libX11.so.6", "BINARY"),
]
DATAS = [("PySide6/Qt/translations/qt_de.qm", "/wheel/qt_de.qm", "DATA")]


class Built:
    """What the spec asked PyInstaller to build."""

    def __init__(self) -> None:
        self.exes: list[dict[str, Any]] = []
        self.collect: dict[str, Any] = {}
        self.bundle: dict[str, Any] | None = None
        self.analysis: Any = None


def run_spec(platform: str, monkeypatch: pytest.MonkeyPatch) -> Built:
    monkeypatch.setattr(sys, "platform", platform)
    built = Built()

    def analysis(*args: Any, **kwargs: Any) -> Any:
        built.analysis = types.SimpleNamespace(
            binaries=list(BINARIES), datas=list(DATAS), scripts=["entry"], pure=["pure"]
        )
        return built.analysis

    def exe(*args: Any, **kwargs: Any) -> str:
        built.exes.append(kwargs)
        name: str = kwargs["name"]
        return name

    def collect(*args: Any, **kwargs: Any) -> str:
        built.collect = {"args": args, **kwargs}
        return "collected"

    def bundle(*args: Any, **kwargs: Any) -> None:
        built.bundle = kwargs

    namespace = {
        "SPECPATH": str(SPEC.parent),
        "Analysis": analysis,
        "PYZ": lambda *a, **k: "pyz",
        "EXE": exe,
        "COLLECT": collect,
        "BUNDLE": bundle,
        "__name__": "__main__",
    }
    exec(compile(SPEC.read_text(), str(SPEC), "exec"), namespace)
    return built


def kept(built: Built) -> set[str]:
    return {Path(dest).name for dest, _source, _kind in built.analysis.binaries}


@pytest.fixture
def fake_versioninfo(monkeypatch: pytest.MonkeyPatch) -> None:
    """PyInstaller's Windows version-resource classes (they need pefile, Windows-only)."""

    def record(kind: str) -> Any:
        return lambda *args, **kwargs: {"kind": kind, "args": args, **kwargs}

    module = types.ModuleType("PyInstaller.utils.win32.versioninfo")
    for name in ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable"):
        setattr(module, name, record(name))
    module.StringStruct = lambda key, value: (key, value)  # type: ignore[attr-defined]
    module.VarFileInfo = record("VarFileInfo")  # type: ignore[attr-defined]
    module.VarStruct = record("VarStruct")  # type: ignore[attr-defined]
    win32 = types.ModuleType("PyInstaller.utils.win32")
    win32.versioninfo = module  # type: ignore[attr-defined]
    for name, value in {
        "PyInstaller": types.ModuleType("PyInstaller"),
        "PyInstaller.utils": types.ModuleType("PyInstaller.utils"),
        "PyInstaller.utils.win32": win32,
        "PyInstaller.utils.win32.versioninfo": module,
    }.items():
        monkeypatch.setitem(sys.modules, name, value)


def test_linux_gets_one_program_and_no_system_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    built = run_spec("linux", monkeypatch)
    assert [(e["name"], e["console"], e["icon"]) for e in built.exes] == [
        ("desktop-importer", True, None)
    ]
    assert built.collect["name"] == "desktop-importer"
    assert built.bundle is None
    assert "libqxcb.so" in kept(built)
    assert "libX11.so.6" not in kept(built), "the distribution provides it (Depends:)"
    assert "libqsqlite.so" not in kept(built)
    assert built.analysis.datas == [], "no Qt translations"


@pytest.mark.usefixtures("fake_versioninfo")
def test_windows_gets_a_console_and_a_windowed_twin_with_version_resources(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built = run_spec("win32", monkeypatch)
    assert [(e["name"], e["console"]) for e in built.exes] == [
        ("desktop-importer", True),
        ("DesktopImporter", False),
    ]
    assert built.collect["args"][:2] == ("desktop-importer", "DesktopImporter")
    for exe in built.exes:
        assert Path(exe["icon"]).name == "desktop-importer.ico"
        assert Path(exe["icon"]).exists()
        table = exe["version"]["kids"][0]["args"][0][0]["args"][1]
        strings = dict(table)
        assert strings["OriginalFilename"] == f"{exe['name']}.exe"
        assert strings["FileVersion"] == strings["ProductVersion"] == __version__
    assert "qwindows.dll" in kept(built)
    assert "qminimal.dll" not in kept(built)


def test_macos_gets_an_app_that_offers_itself_for_zip_files(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built = run_spec("darwin", monkeypatch)
    assert [(e["name"], e["argv_emulation"]) for e in built.exes] == [("desktop-importer", False)]
    assert built.bundle is not None
    assert built.bundle["name"] == "Desktop Importer.app"
    assert Path(built.bundle["icon"]).name == "desktop-importer.icns"
    assert Path(built.bundle["icon"]).exists()
    assert built.bundle["version"] == __version__
    document = built.bundle["info_plist"]["CFBundleDocumentTypes"][0]
    assert document["LSItemContentTypes"] == ["public.zip-archive"]
    assert "libqcocoa.dylib" in kept(built)
