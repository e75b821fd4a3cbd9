"""The Windows and macOS installer recipes, checked as far as Linux allows: the Inno Setup
script is consistent with the spec and installs per user without taking over .zip, the
macOS Info.plist is a valid plist that offers the app for ZIP files, and the version
resource says the right version. (Building them needs Windows and macOS: the release
workflow does.)"""

from __future__ import annotations

import importlib.util
import plistlib
import re
from pathlib import Path
from types import ModuleType

from ruamel.yaml import YAML

from desktop_importer import __version__
from desktop_importer.basics import relaunch

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
ISS = PACKAGING / "windows" / "desktop-importer.iss"


def load(relative: str) -> ModuleType:
    path = PACKAGING / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def iss_defines() -> dict[str, str]:
    return dict(re.findall(r'^\s*#define (\w+) "([^"]*)"', ISS.read_text(), re.MULTILINE))


def iss_section(name: str) -> list[str]:
    """The lines of one [Section], without comments and blank lines."""
    lines, inside = [], False
    for line in ISS.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped == f"[{name}]"
        elif inside and stripped and not stripped.startswith((";", "#")):
            lines.append(stripped)
    return lines


def iss_entries(section: str) -> list[dict[str, str]]:
    """`Name: value; Name: "value"` entries, with the #defines substituted."""
    defines = iss_defines()
    entries = []
    for line in iss_section(section):
        line = re.sub(r"\{#(\w+)\}", lambda m: defines[m.group(1)], line)
        fields = {}
        for part in re.findall(r'(\w+):\s*("(?:[^"]|"")*"|[^;]*)', line):
            key, value = part
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1].replace('""', '"')  # Inno's quoting: "" inside "…"
            fields[key] = value
        entries.append(fields)
    return entries


def test_the_installer_installs_the_executables_the_spec_builds() -> None:
    spec = (PACKAGING / "desktop-importer.spec").read_text()
    defines = iss_defines()
    assert re.search(rf'executable\("{defines["WindowExe"].removesuffix(".exe")}", False', spec)
    assert defines["ConsoleExe"] == relaunch.WINDOWS_CONSOLE_EXE
    assert re.search(r'NAME = "desktop-importer"', spec)
    # The spec's COLLECT folder, where the workflow's --distpath build/dist puts it.
    assert defines["SourceDir"] == r"..\..\build\dist\desktop-importer"
    assert (ISS.parent / "../../resources/desktop-importer.ico").resolve().exists()


def test_the_installer_is_per_user_and_needs_no_administrator() -> None:
    setup = dict(line.split("=", 1) for line in iss_section("Setup"))
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["DefaultDirName"].startswith("{autopf}")  # per user: %LOCALAPPDATA%\Programs
    assert {entry["Root"] for entry in iss_entries("Registry")} == {"HKA"}  # HKCU when per user


def test_open_with_offers_the_app_for_zip_without_taking_over_the_default() -> None:
    registry = iss_entries("Registry")
    zip_keys = [e for e in registry if e["Subkey"].startswith(r"Software\Classes\.zip")]
    assert zip_keys == [
        {
            "Root": "HKA",
            "Subkey": r"Software\Classes\.zip\OpenWithProgids",
            "ValueType": "none",
            "ValueName": "DesktopImporter.Export",
            "Flags": "uninsdeletevalue",
        }
    ]
    commands = [e["ValueData"] for e in registry if e["Subkey"].endswith(r"shell\open\command")]
    assert commands == [r'"{app}\DesktopImporter.exe" "%1"'] * 2
    assert any(
        e["Subkey"] == r"Software\Classes\Applications\DesktopImporter.exe\SupportedTypes"
        and e["ValueName"] == ".zip"
        for e in registry
    )


def test_uninstalling_leaves_the_users_archive_alone() -> None:
    text = ISS.read_text()
    assert "[UninstallDelete]" not in text.replace("No [UninstallDelete]", "")
    assert "[InstallDelete]" not in text
    assert "desktop-importer\\desktop-importer" not in text  # platformdirs' data folder
    created = [e["Subkey"] for e in iss_entries("Registry") if "Flags" in e]
    assert created, "the keys it creates are removed by the uninstaller"


def test_the_macos_info_plist_offers_the_app_for_zip_files() -> None:
    module = load("macos/info_plist.py")
    info = plistlib.loads(plistlib.dumps(module.info_plist(__version__)))
    assert info["CFBundleShortVersionString"] == __version__
    zip_type = info["CFBundleDocumentTypes"][0]
    assert zip_type["LSItemContentTypes"] == ["public.zip-archive"]
    assert zip_type["LSHandlerRank"] == "Alternate"  # Archive Utility stays the default
    assert zip_type["CFBundleTypeRole"] == "Viewer"
    entitlements = plistlib.loads((PACKAGING / "macos" / "entitlements.plist").read_bytes())
    assert all(key.startswith("com.apple.security.cs.") for key in entitlements)


def test_the_windows_version_resource_says_the_version() -> None:
    module = load("windows/version_info.py")
    assert module.numeric("1.2.3") == (1, 2, 3, 0)
    assert module.numeric("0.10.0rc1") == (0, 10, 0, 0)
    fields = module.strings(__version__, "DesktopImporter.exe", "Desktop Importer")
    assert fields["FileVersion"] == fields["ProductVersion"] == __version__
    assert fields["OriginalFilename"] == "DesktopImporter.exe"


def test_the_workflow_builds_every_platform_before_releasing() -> None:
    workflow = YAML(typ="safe").load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    jobs = workflow["jobs"]
    assert jobs["linux"]["runs-on"] == "ubuntu-22.04"
    assert jobs["windows"]["runs-on"].startswith("windows-")
    assert {item["arch"] for item in jobs["macos"]["strategy"]["matrix"]["include"]} == {
        "x86_64",
        "arm64",
    }
    assert set(jobs["release"]["needs"]) == {"linux", "windows", "macos"}
