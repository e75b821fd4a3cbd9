"""Typed looks at values of an export's JSON, which may be anything: each gives the value
when it has the type asked for, else a neutral one. Every vendor module reads with them."""

from __future__ import annotations

from typing import Any


def as_text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
