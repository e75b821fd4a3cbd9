"""Finding the files in `resources/`, from a source checkout or a frozen bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_path(name: str) -> Path:
    bundle = getattr(sys, "_MEIPASS", None)  # PyInstaller puts resources/ beside the code
    roots = [Path(bundle)] if bundle else []
    roots.append(Path(__file__).resolve().parents[2])
    for root in roots:
        candidate = root / "resources" / name
        if candidate.exists():
            return candidate
    return roots[-1] / "resources" / name
