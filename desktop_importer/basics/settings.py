"""Settings that every process must agree on live in the store; the environment overrides them."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from datetime import timedelta
from typing import TYPE_CHECKING

from desktop_importer.basics.errors import EnvironmentProblem

if TYPE_CHECKING:
    from collections.abc import Mapping


@dataclass(frozen=True)
class Settings:
    stale_minutes: float = 15.0  # silence after which a processing import counts as stale
    batch_conversations: int = 200  # conversations written per short transaction at most
    batch_messages: int = 20_000  # messages written per short transaction at most
    batch_bytes: int = 2**19  # conversation JSON per batch at most (bounds memory)
    beat_seconds: float = 2.0  # the longest a worker works between two heartbeats
    # Limits against hostile or broken files; each refusal names the limit it hit. A ZIP is
    # judged by what reading it would cost, never by how well it compresses: zipfile hands
    # out no more than a member's declared size (and a forged size fails the CRC), so the
    # declared sizes bound the work. The two size limits are safe to raise ("Import anyway",
    # `import --allow-large`): past them a file costs only time and disk, which the free-disk
    # check still guards. The memory cap is a hard one.
    max_member_bytes: int = 16 * 2**30  # one conversations file, inflated
    max_total_bytes: int = 64 * 2**30  # all conversation files of an export, inflated
    max_message_bytes: int = 64 * 2**20  # the text of one message
    max_memory_mb: int = 3072  # address space of an importing process (deep nesting, …)

    def without_size_limits(self) -> Settings:
        """These settings with the size limits that are safe to raise lifted (SIZE_LIMITS)."""
        return replace(self, **{name: UNLIMITED for name in SIZE_LIMITS})

    @property
    def stale_after(self) -> timedelta:
        return timedelta(minutes=self.stale_minutes)

    def batch_full(self, conversations: int, rows: int, json_bytes: int) -> bool:
        """Whether this much makes a write batch (the reader cuts its parts by it too)."""
        return (
            conversations >= self.batch_conversations
            or rows >= self.batch_messages
            or json_bytes >= self.batch_bytes
        )


# The limits a person may lift for one file, in the words the window and the CLI use.
SIZE_LIMITS = {
    "max_member_bytes": "the size limit for one conversations file",
    "max_total_bytes": "the size limit for an export's conversations",
}
UNLIMITED = 2**62

ENV_PREFIX = "DESKTOP_IMPORTER_"


def env_name(setting: str) -> str:
    return ENV_PREFIX + setting.upper()


def human_bytes(count: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if count < 1024 or unit == "TB":
            return f"{count:,.0f} {unit}" if unit == "bytes" else f"{count:,.1f} {unit}"
        count /= 1024
    raise AssertionError("unreachable")


def resolve(stored: Mapping[str, str], environ: Mapping[str, str] | None = None) -> Settings:
    """Defaults, overridden by the store's `settings` table, overridden by the environment."""
    environ = os.environ if environ is None else environ
    values: dict[str, float | int] = {}
    for field in fields(Settings):
        raw = environ.get(env_name(field.name), stored.get(field.name))
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
