"""Times as the vendors write them, to Unix seconds: ISO 8601 strings (with an offset, kept
exact to the microsecond), milliseconds as numbers or as MongoDB's `{"$date":
{"$numberLong": "<ms>"}}` (Grok). Anything else is None, never a guess."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

# Milliseconds beyond this are not a date a conversation can have (the year 9999).
_MAX_MS = 253_402_300_799_000


def iso_seconds(value: Any, *, naive_utc: bool = False) -> float | None:
    """Unix seconds from an ISO 8601 string; a string without an offset is None unless
    `naive_utc` says the vendor writes UTC without saying so."""
    if not isinstance(value, str) or not 10 <= len(value) <= 40:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        if not naive_utc:
            return None
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def milliseconds(value: Any) -> float | None:
    """Unix seconds from milliseconds: a number, a string of digits, or MongoDB's
    `{"$date": …}` / `{"$numberLong": …}` wrapping either."""
    if isinstance(value, dict):
        inner = value.get("$date", value.get("$numberLong"))
        if isinstance(inner, str) and not inner.lstrip("-").isdigit():
            return iso_seconds(inner, naive_utc=True)
        return milliseconds(inner)
    if isinstance(value, str) and value.isdigit() and len(value) <= 16:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value / 1000.0 if 0 <= value <= _MAX_MS else None


def any_time(value: Any) -> float | None:
    """An ISO string (UTC if it names no offset) or milliseconds in any of their forms."""
    if isinstance(value, str) and not value.isdigit():
        return iso_seconds(value, naive_utc=True)
    return milliseconds(value)
