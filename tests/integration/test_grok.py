"""Grok's export: the backend file found by its content wherever xAI's folders put it, its
twice-wrapped conversations read as the app showed them (the thinking folded, citations
resolved and never raw, artifacts as documents), the branches by `parent_response_id`,
assets kept by the type their bytes tell, Imagine posts with their prompt; found by search,
written in the three formats, merged with a newer export."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from desktop_importer import library
from desktop_importer.app import App
from desktop_importer.exporting import export
from desktop_importer.importing.service import profile_status, start_import
from desktop_importer.vendors import grok
from desktop_importer.vendors.parsed import STARRED
from tests.helpers.exports import write_zip
from tests.helpers.grok import (
    FAKE,
    FOX,
    GENERATED,
    GONE,
    PHOTO,
    PICTURE,
    POST,
    ROOT,
    UPLOAD,
    backend,
    grok_zip,
)


@pytest.fixture
def imported(app: App, tmp_path: Path) -> App:
    report = start_import(app, grok_zip(tmp_path / "grok-export.zip"))
    assert (report.added, report.skipped) == (4, 0)  # two conversations, two Imagine posts
    assert (report.media_files, report.media_kept, report.media_missing) == (4, 4, 1)  # GONE
    return app


def test_the_newest_branch_shows_with_the_first_turns_unseen_root(imported: App) -> None:
    view = library.read_conversation(imported, "default", "g-conv-1")
    assert view.title == "Spring in Kyoto 京都" and view.vendor == "grok"
    assert [m.node_id for m in view.messages] == ["r1", "r2", "r5", "r6"]
    assert [m.role for m in view.messages] == ["user", "assistant", "user", "assistant"]
    assert view.messages[2].siblings == ("r3", "r5")
    other = library.read_conversation(imported, "default", "g-conv-1", choices={"r2": "r3"})
    assert [m.node_id for m in other.messages] == ["r1", "r2", "r3", "r4"]
    assert other.messages[3].role == "assistant"  # its sender is a model's name
    assert other.messages[2].role == "user"  # "Human", in another case
    row = next(r for r in library.list_page(imported, "default") if r.conversation_id == "g-conv-1")
    assert (row.flags or 0) & STARRED
    unlinked = library.read_conversation(imported, "default", "g-conv-2")
    assert [m.text_bytes > 0 for m in unlinked.messages] == [True, True]


def test_an_answer_reads_as_grok_showed_it(imported: App) -> None:
    answer = library.read_conversation(imported, "default", "g-conv-1").messages[1]
    kinds = [b.kind for b in answer.blocks]
    assert kinds == ["thoughts", "tool_call", "text", "canvas", "text", "citation"]
    thought, step, before, artifact, after, page = answer.blocks
    assert thought.text == "They want spring dates."
    assert (step.name, step.text) == ("web_search", "kyoto sakura 2026")
    assert "peak in early April ([Sakura forecast](<https://example.org/sakura>))." in before.text
    assert (
        "<grok:" not in before.text + after.text and "citation_id" not in before.text + after.text
    )
    assert (artifact.title, artifact.language) == ("kyoto-plan.md", "document")
    assert artifact.text == "# Kyoto\n\n1. Philosopher's Path"
    # A card whose address is not a web page's is words, never a link; a card that is not
    # there is dropped.
    assert after.text == "Enjoy (javascript:alert\\(2\\))!"
    assert (page.title, page.url) == ("Sakura forecast", "https://example.org/sakura")


def test_assets_are_kept_by_the_type_their_bytes_tell(imported: App) -> None:
    view = library.read_conversation(imported, "default", "g-conv-1")
    photo = view.file_for(view.messages[0].blocks[-1].pointer)
    assert photo is not None and photo.mime_type == "image/png"
    assert photo.path.read_bytes() == PHOTO and photo.name == f"{UPLOAD}.png"
    made = view.file_for(view.messages[3].blocks[-1].pointer)
    assert made is not None and made.mime_type == "image/jpeg" and made.path.read_bytes() == PICTURE
    other = library.read_conversation(imported, "default", "g-conv-1", choices={"r2": "r3"})
    fake = other.file_for(other.messages[3].blocks[-1].pointer)
    assert fake is not None and fake.mime_type == "text/html"  # claimed a picture: it is not
    assert fake.mime_type not in library.SHOWN_IMAGES
    assert {GENERATED, FAKE} <= set(other.media) | set(view.media)


def test_imagine_posts_show_their_prompt_and_picture(imported: App) -> None:
    post = library.read_conversation(imported, "default", POST)
    assert post.title == "Imagine: A fox in snow, watercolour"
    prompt, made = post.messages
    assert prompt.role == "user" and prompt.blocks[0].text == "A fox in snow, watercolour"
    (picture,) = made.blocks
    kept = post.file_for(picture.pointer)
    assert kept is not None and kept.path.read_bytes() == FOX and kept.mime_type == "image/png"
    gone = library.read_conversation(imported, "default", GONE)
    assert gone.file_for(gone.messages[1].blocks[0].pointer) is None  # named as missing
    assert gone.messages[1].blocks[0].name == "Imagine video"


def test_search_finds_grok_text_cjk_included(imported: App) -> None:
    hits = library.search_archive(imported, "京都")
    assert [h.conversation_id for h in hits] == ["g-conv-1"]
    assert [h.conversation_id for h in library.search_archive(imported, "watercolour")] == [POST]
    assert library.search_archive(imported, "render_inline_citation") == []  # never stored


@pytest.mark.parametrize("fmt", ["markdown", "html", "json"])
def test_every_export_format_writes_it(imported: App, tmp_path: Path, fmt: str) -> None:
    export(imported, "default", tmp_path / fmt, fmt=fmt)
    (page,) = [p for p in (tmp_path / fmt).iterdir() if "Kyoto" in p.name]
    written = page.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(written) == backend()["conversations"][0]  # the vendor's own item
        return
    assert "<script>alert" not in written and 'href="javascript' not in written
    assert "<grok:render" not in written and "citation_id" not in written
    assert "Philosopher's Path" in written or "Philosopher&#x27;s Path" in written
    assert sorted(p.read_bytes() for p in (tmp_path / fmt / "media").iterdir()) == sorted(
        [PHOTO, PICTURE, FOX]  # the current branch's files, and the Imagine post's
    )
    if fmt == "markdown":
        assert (
            'model: "grok-imagine"' in written
            and 'url: "https://grok.com/chat/g-conv-1"' in written
        )
        assert f"![{UPLOAD}.png](media/" in written  # an attached file that is a picture


def test_the_same_export_again_changes_nothing_and_a_newer_one_merges(
    imported: App, tmp_path: Path
) -> None:
    again = start_import(imported, grok_zip(tmp_path / "again.zip"))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4)
    newer = backend()
    conversation = newer["conversations"][0]
    conversation["conversation"]["modify_time"] = "2026-03-10T08:00:00.000Z"
    conversation["responses"] = [
        r for r in conversation["responses"] if r["response"]["_id"] != "r4"
    ]
    conversation["responses"].append({"response": {
        "_id": "r7", "parent_response_id": "r6", "sender": "human", "message": "Thanks!",
        "create_time": {"$date": {"$numberLong": "1773129600000"}}}})  # fmt: skip
    later = start_import(imported, grok_zip(tmp_path / "later.zip", newer, (2026, 3, 10)))
    assert (later.added, later.updated, later.unchanged) == (0, 1, 3)
    view = library.read_conversation(imported, "default", "g-conv-1")
    assert [m.node_id for m in view.messages] == ["r1", "r2", "r5", "r6", "r7"]
    kept = library.read_conversation(imported, "default", "g-conv-1", choices={"r2": "r3"})
    assert [(m.node_id, m.in_export) for m in kept.messages][-1] == ("r4", False)
    export(imported, "default", tmp_path / "j", fmt="json")
    (written,) = [p for p in (tmp_path / "j").iterdir() if "Kyoto" in p.name]
    assert json.loads(written.read_bytes()) == conversation  # the newer export's, as it was


def test_the_backend_file_is_found_by_content_not_by_name(app: App, tmp_path: Path) -> None:
    renamed = write_zip(tmp_path / "renamed.zip", {
        "export/data/other-name.json": backend(),
        "export/data/prod-mc-billing.json": {"subscriptions": []},
    })  # fmt: skip
    assert start_import(app, renamed).added == 4
    impostor = write_zip(tmp_path / "impostor.zip", {
        f"{ROOT}prod-grok-backend.json": {"something": "else"},
    })  # fmt: skip
    with pytest.raises(Exception, match="has no conversation data"):
        start_import(app, impostor)
    assert not profile_status(app).processing
    bare = tmp_path / "prod-grok-backend.json"
    bare.write_text(json.dumps(backend()), encoding="utf-8")
    report = start_import(app, bare)  # the file alone: its assets are counted as missing
    assert (report.unchanged, report.media_missing) == (4, 5)


def _spoil(value: Any) -> list[Any]:
    return [None, 7, "x", [], {}, True] if not isinstance(value, str) else [None, 7, [], {}]


def test_wrong_types_in_every_field_cost_at_most_that_conversation(
    app: App, tmp_path: Path
) -> None:
    base = backend()
    first = base["conversations"][0]
    spoiled: list[Any] = []
    paths: list[list[Any]] = [["conversation"], ["responses"]]
    paths += [["conversation", key] for key in first["conversation"]]
    for index, item in enumerate(first["responses"]):
        paths.append(["responses", index, "response"])
        paths += [["responses", index, "response", key] for key in item["response"]]
    for number, path in enumerate(paths):
        holder = first
        for step in path[:-1]:
            holder = holder[step]
        for bad in _spoil(holder[path[-1]]):
            conv = copy.deepcopy(first)
            target = conv
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = bad
            if isinstance(conv.get("conversation"), dict) and path != ["conversation", "id"]:
                conv["conversation"]["id"] = f"spoiled-{number}-{len(spoiled)}"
            spoiled.append(conv)
    for post in base["media_posts"]:
        for key in post:
            for bad in _spoil(post[key]):
                spoiled.append({**post, key: bad, "id": f"post-{len(spoiled)}"} if key != "id"
                               else {**post, "id": bad})  # fmt: skip
    data = {**base, "conversations": [*spoiled, base["conversations"][1]], "media_posts": []}
    report = start_import(app, grok_zip(tmp_path / "spoiled.zip", data))
    assert report.added + report.skipped == len(spoiled) + 1
    assert report.added > len(spoiled) // 2  # most wrong values cost a field, not the turn
    assert library.read_conversation(app, "default", "g-conv-2") is not None
    assert not profile_status(app).processing
    for row in library.list_page(app, "default", limit=1000):
        library.read_conversation(app, "default", row.conversation_id)
    assert grok.looks_like(first) and not grok.looks_like({"conversation": "x"})
