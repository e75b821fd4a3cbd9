"""Settings that every process must agree on live in the store; the environment overrides them."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from datetime import timedelta
from typing import TYPE_CHECKING

from desktop_importer.errors import EnvironmentProblem

if TYPE_CHECKING:
    from collections.abc import Mapping


@dataclass(frozen=True)
class Settings:
    stale_minutes: float = 15.0  # silence after which a processing import counts as stale
    batch_conversations: int = 200  # conversations written per short transaction at most
    batch_messages: int = 20_000  # messages written per short transaction at most
    beat_seconds: float = 2.0  # the longest a worker works between two heartbeats

    @property
    def stale_after(self) -> timedelta:
        return timedelta(minutes=self.stale_minutes)


ENV_PREFIX = "DESKTOP_IMPORTER_"


def resolve(stored: Mapping[str, str], environ: Mapping[str, str] | None = None) -> Settings:
    """Defaults, overridden by the store's `settings` table, overridden by the environment."""
    environ = os.environ if environ is None else environ
    values: dict[str, float | int] = {}
    for field in fields(Settings):
        raw = environ.get(ENV_PREFIX + field.name.upper(), stored.get(field.name))
        if raw is None:
            continue
        kind = int if field.type in ("int", int) else float
        try:
            value = kind(raw)
        except ValueError:
            raise EnvironmentProblem(
                f"The setting {field.name} must be a number, not {raw!r}."
            ) from None
        if value <= 0:
            raise EnvironmentProblem(f"The setting {field.name} must be positive, not {raw!r}.")
        values[field.name] = value
    return Settings(**values)  # type: ignore[arg-type]
