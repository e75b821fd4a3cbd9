"""The .app's Info.plist additions (PyInstaller writes the rest). Loaded by the spec on macOS.

Declaring public.zip-archive as a document type puts the app in Finder's "Open With" menu
for .zip files and lets a .zip be dropped on its Dock icon; the rank "Alternate" keeps
Archive Utility the default. The files then arrive as QFileOpenEvents
(desktop_importer/gui/file_open.py).
"""

from __future__ import annotations

from typing import Any

BUNDLE_ID = "io.github.desktop-importer"
APP_NAME = "Desktop Importer"
MINIMUM_MACOS = "13.0"  # what the PySide6 6.11 wheels support


def info_plist(version: str) -> dict[str, Any]:
    return {
        "CFBundleName": APP_NAME,
        "CFBundleDisplayName": APP_NAME,
        "CFBundleIdentifier": BUNDLE_ID,
        "CFBundleShortVersionString": version,
        "CFBundleVersion": version,
        "LSMinimumSystemVersion": MINIMUM_MACOS,
        "LSApplicationCategoryType": "public.app-category.productivity",
        "NSHighResolutionCapable": True,
        "NSHumanReadableCopyright": "Copyright (c) Desktop Importer contributors. MIT License.",
        "CFBundleDocumentTypes": [
            {
                "CFBundleTypeName": "ZIP archive (ChatGPT or Claude export)",
                "CFBundleTypeRole": "Viewer",  # it reads them, never writes them
                "LSHandlerRank": "Alternate",  # offered, never the default
                "LSItemContentTypes": ["public.zip-archive"],
            },
            {
                "CFBundleTypeName": "JSON conversations file",
                "CFBundleTypeRole": "Viewer",
                "LSHandlerRank": "Alternate",
                "LSItemContentTypes": ["public.json"],
            },
        ],
    }
