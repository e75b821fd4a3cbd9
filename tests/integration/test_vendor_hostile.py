"""Hostile input in each newer vendor's own files: a file cut short, two million levels of
nesting, a bomb, a name that tries to climb out of its folder. Each is refused in one
sentence (or costs its conversation), the archive stays as it was, nothing is left
processing."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from desktop_importer.app import App
from desktop_importer.basics.errors import InvalidExport
from desktop_importer.importing.service import start_import
from tests.helpers.exports import chatgpt_zip, conversations, write_zip
from tests.helpers.gemini import json_log
from tests.helpers.grok import ROOT, backend
from tests.helpers.lechat import FIRST, SECOND, chats
from tests.integration.test_deepseek import conversations as deepseek_conversations
from tests.integration.test_hostile import refused, zip_bytes

DEPTH = 2_000_000


def _deepseek(body: bytes | str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"conversations.json": body, "user.json": {"email": "x@example.org"}, **(extra or {})}


def _grok(body: bytes | str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {f"{ROOT}prod-grok-backend.json": body, **(extra or {})}


def _lechat(body: bytes | str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {f"chat-{SECOND}.json": json.dumps(chats()[SECOND]), f"chat-{FIRST}.json": body,
            **(extra or {})}  # fmt: skip


def _lechat_alone(body: bytes | str) -> dict[str, Any]:
    return {f"chat-{FIRST}.json": body}


def _gemini(body: bytes | str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"Takeout/My Activity/Gemini Apps/MyActivity.json": body, **(extra or {})}


GOOD: dict[str, tuple[Callable[..., dict[str, Any]], str]] = {
    "gemini": (_gemini, json.dumps(json_log())),
    "deepseek": (_deepseek, json.dumps(deepseek_conversations())),
    "grok": (_grok, json.dumps(backend())),
    "lechat": (_lechat, json.dumps(chats()[FIRST])),
}


@pytest.fixture
def seeded(app: App, tmp_path: Path) -> App:
    start_import(app, chatgpt_zip(tmp_path / "base.zip", conversations(2, prefix="base")))
    app.settings = replace(app.settings, max_memory_mb=1024)
    return app


@pytest.mark.parametrize("vendor", sorted(GOOD))
def test_a_file_cut_short_says_the_export_is_incomplete(
    seeded: App, tmp_path: Path, vendor: str
) -> None:
    members, good = GOOD[vendor]
    path = write_zip(tmp_path / f"{vendor}.zip", members(good[: len(good) // 2]))
    assert "ends in the middle of its JSON" in refused(seeded, path, InvalidExport)


@pytest.mark.parametrize("vendor", sorted(GOOD))
def test_two_million_levels_of_nesting_end_in_a_sentence(
    seeded: App, tmp_path: Path, vendor: str
) -> None:
    members, good = GOOD[vendor]
    nested = good[:-1] + ', "deep": ' + "[" * DEPTH + "]" * DEPTH + good[-1]
    if vendor in ("deepseek", "lechat", "gemini"):  # inside the last object of the array
        nested = good[:-2] + ', "deep": ' + "[" * DEPTH + "]" * DEPTH + good[-2:]
    path = write_zip(tmp_path / f"{vendor}.zip", members(nested))
    if vendor == "lechat":  # one chat is one file: that chat is skipped, the other kept
        report = start_import(seeded, path)
        assert (report.added, report.skipped) == (1, 1)
        assert "nested deeper than" in report.skipped_details[0].reason
        return
    sentence = refused(seeded, path, InvalidExport)
    assert "nested too deeply" in sentence or "nested deeper than" in sentence


@pytest.mark.parametrize("vendor", sorted(GOOD))
def test_a_bomb_within_the_limits_is_read_as_what_it_holds(
    seeded: App, tmp_path: Path, vendor: str
) -> None:
    members, _ = GOOD[vendor]
    body = (
        "[" + " " * 20_000_000 + "]"
        if vendor != "grok"
        else ('{"conversations": [' + " " * 20_000_000 + "]}")
    )
    if vendor == "lechat":  # one message of 20 MB, over max_message_bytes: its chat skipped
        body = '[{"chatId": "x", "role": "user", "content": "' + "a" * 20_000_000 + '"}]'
        members = _lechat_alone
        seeded.settings = replace(seeded.settings, max_message_bytes=1_000_000)
    path = tmp_path / f"{vendor}.zip"
    path.write_bytes(zip_bytes(members(body)))
    sentence = refused(seeded, path, InvalidExport)
    if vendor in ("grok", "gemini"):  # not told as the vendor's by its first bytes
        assert sentence.startswith(f"{vendor}.zip has no conversation data")
    elif vendor == "lechat":
        assert "The one conversation in lechat.zip could not be read" in sentence
        assert "(max_message_bytes)" in sentence
    else:
        assert "contains no conversations" in sentence


@pytest.mark.parametrize("vendor", sorted(GOOD))
def test_a_name_that_climbs_out_of_the_folder_is_refused(
    seeded: App, tmp_path: Path, vendor: str
) -> None:
    members, good = GOOD[vendor]
    path = write_zip(tmp_path / f"{vendor}.zip", members(good, {"../../.bashrc": "x"}))
    assert "tries to leave its folder ('../../.bashrc')" in refused(seeded, path, InvalidExport)
