"""Grok's export as xAI ships it: a ZIP rooted at `ttl/30d/export_data/<user>/`, the
backend file (tests/fixtures/grok_backend.json), the account's side files and the assets
by id, each a `content` file whose type only its bytes tell."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers.exports import write_zip
from tests.helpers.media import jpeg_header, png

FIXTURE = Path(__file__).parents[1] / "fixtures" / "grok_backend.json"
ROOT = "ttl/30d/export_data/5f0c7e2a-1111-4222-8333-944445555666/"
UPLOAD, GENERATED, FAKE = (f"0a1b2c3d-0000-4000-8000-00000000000{n}" for n in (1, 2, 3))
POST, GONE = "0a1b2c3d-0000-4000-8000-0000000000a1", "0a1b2c3d-0000-4000-8000-0000000000a2"
PHOTO, PICTURE, FOX = png(seed=7), jpeg_header(64, 48), png(seed=9)
NOT_AN_IMAGE = b"<html><script>alert('asset')</script></html>"


def backend() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return loaded


def grok_zip(
    path: Path, data: dict[str, Any] | None = None, exported: tuple[int, int, int] = (2026, 3, 5)
) -> Path:
    assets = f"{ROOT}prod-mc-asset-server/"
    return write_zip(
        path,
        {
            f"{ROOT}prod-grok-backend.json": backend() if data is None else data,
            f"{ROOT}prod-mc-auth-mgmt-api.json": {
                "email": "someone@example.org",
                "ip": "192.0.2.1",
            },
            f"{ROOT}prod-mc-billing.json": {"subscriptions": []},
            f"{assets}{UPLOAD}/content": PHOTO,
            f"{assets}{GENERATED}/content": PICTURE,
            f"{assets}{FAKE}/content": NOT_AN_IMAGE,
            f"{assets}{POST}/content": FOX,
        },
        exported=exported,
    )
