"""The Windows version resource of both executables (Properties > Details in Explorer, and
what SmartScreen and antivirus tools look at). Loaded by the spec on Windows only."""

from __future__ import annotations

import re
from typing import Any

PRODUCT = "Desktop Importer"
COMPANY = "Desktop Importer contributors"
COPYRIGHT = "Copyright (c) Desktop Importer contributors. MIT License."


def numeric(version: str) -> tuple[int, int, int, int]:
    """'1.2.3' -> (1, 2, 3, 0); a suffix such as 'rc1' is dropped."""
    parts = [int(m.group()) if (m := re.match(r"\d+", part)) else 0 for part in version.split(".")]
    a, b, c, d = [*parts, 0, 0, 0, 0][:4]
    return a, b, c, d


def strings(version: str, exe_name: str, description: str) -> dict[str, str]:
    return {
        "CompanyName": COMPANY,
        "FileDescription": description,
        "FileVersion": version,
        "InternalName": exe_name.removesuffix(".exe"),
        "LegalCopyright": COPYRIGHT,
        "OriginalFilename": exe_name,
        "ProductName": PRODUCT,
        "ProductVersion": version,
    }


def version_info(version: str, exe_name: str, description: str) -> Any:
    """A PyInstaller VSVersionInfo (its module needs pefile, which PyInstaller has only on
    Windows)."""
    from PyInstaller.utils.win32 import versioninfo as vi

    number = numeric(version)
    table = [vi.StringStruct(k, v) for k, v in strings(version, exe_name, description).items()]
    return vi.VSVersionInfo(
        ffi=vi.FixedFileInfo(filevers=number, prodvers=number, OS=0x40004, fileType=0x1),
        kids=[
            vi.StringFileInfo([vi.StringTable("040904B0", table)]),  # US English, Unicode
            vi.VarFileInfo([vi.VarStruct("Translation", [0x0409, 1200])]),
        ],
    )
