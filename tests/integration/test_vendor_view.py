"""What the vendor's app shows, we show: one rule of what is hidden for the reader, `show`,
the hidden count, search and the three export formats; and the defects found reading real
exports (each with a fixture of the same shape, written here)."""

from __future__ import annotations

import json
import zlib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from markdown_it import MarkdownIt

from desktop_importer import library
from desktop_importer.app import App
from desktop_importer.exporting import export
from desktop_importer.importing.service import profile_status, start_import
from desktop_importer.upkeep.recovery import recover
from desktop_importer.vendors.blocks import heading
from desktop_importer.wiring import open_app
from tests.helpers.claude2026 import MEMORY, claude_turn, injected_conversation
from tests.helpers.exports import BASE_TIME, chatgpt_zip, linked, message, node, write_zip
from tests.helpers.media import PDF, image_part, png, sha, webp_header, with_media
from tests.helpers.stubs import FakeClock

FOX, CAT, CHART = webp_header(64, 48), png(seed=41), png(seed=42)


def _tool(node_id: str, name: str, content: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    made = message(node_id, "tool", "", t=BASE_TIME + 5, content=content, metadata=metadata)
    made["author"]["name"] = name
    return made


def chatgpt_conv(conv_id: str, messages: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A linear conversation of `messages`, after a null root."""
    nodes, parent = [node("root", None, None)], "root"
    for made in messages:
        nodes.append(node(made["id"], parent, made))
        parent = made["id"]
    return {
        "id": conv_id,
        "title": f"Title of {conv_id}",
        "create_time": BASE_TIME,
        "update_time": BASE_TIME + 100,
        "current_node": parent,
        "mapping": linked(nodes),
        **extra,
    }


def generated_images() -> dict[str, Any]:
    """A DALL-E picture, one by the newer image tool (its author an opaque id), and a plain
    tool call with its output, which the app does not show."""
    dalle_part = image_part(
        "file-service://file-FOX", width=64, height=48, metadata={"dalle": {"prompt": "A fox"}}
    )
    return chatgpt_conv(
        "gen",
        [
            message("u1", "user", "Draw a fox, then a cat", t=BASE_TIME + 1),
            message("call", "assistant", '{"prompt": "A fox"}', t=BASE_TIME + 2,
                    recipient="dalle.text2im", content={"content_type": "code", "text": "{}"}),
            _tool("dalle", "dalle.text2im", {"content_type": "multimodal_text",
                                             "parts": [dalle_part]}),
            _tool("newtool", "t2uay3k.sj1i4kz",
                  {"content_type": "multimodal_text",
                   "parts": [image_part("sediment://file_00cat", width=10, height=10)]},
                  image_gen_title="Cat astronaut"),
            message("search", "assistant", "print(2 + 2)", t=BASE_TIME + 6, recipient="python",
                    content={"content_type": "code", "language": "python",
                             "text": "import sympy\nprint(2 + 2)"}),
            _tool("out", "python", {"content_type": "execution_output", "text": "4"}),
            message("a1", "assistant", "Here they are.", t=BASE_TIME + 7),
        ],
    )  # fmt: skip


@pytest.fixture
def images(app: App, tmp_path: Path) -> App:
    files = {"dalle-generations/file-FOX-1b2c.webp": FOX, "user-abc/file_00cat-9f.png": CAT}
    start_import(app, chatgpt_zip(tmp_path / "g.zip", [generated_images()], files=files))
    return app


def test_generated_images_are_shown_and_a_plain_tool_call_stays_hidden(images: App) -> None:
    view = library.read_conversation(images, "default", "gen")
    shown = [m.node_id for m in view.messages]
    assert shown == ["u1", "dalle", "newtool", "a1"]
    assert view.hidden_count == 3  # the call into DALL-E, the code, its output
    pictures = [b for m in view.messages for b in m.blocks if b.kind == "image"]
    assert [(b.text, view.file_for(b.pointer) is not None) for b in pictures] == [
        ("A fox", True),
        ("Cat astronaut", True),
    ]
    assert [m.node_id for m in library.show_conversation(images, "gen").messages] == shown
    everything = library.read_conversation(images, "default", "gen", include_hidden=True)
    assert len(everything.messages) == 7


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_generated_images_are_in_every_export(images: App, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / fmt
    export(images, "default", out, fmt=fmt)
    page = next(p for p in out.iterdir() if p.suffix in (".md", ".html") and p.stem != "index")
    words = page.read_text(encoding="utf-8")
    assert "A fox" in words
    assert "Cat astronaut" in words
    assert "import sympy" not in words  # the hidden code call is not in the note
    assert sorted(p.read_bytes() for p in (out / "media").iterdir()) == sorted([FOX, CAT])


def test_the_json_export_is_the_vendors_object_with_the_tool_messages(
    images: App, tmp_path: Path
) -> None:
    export(images, "default", tmp_path / "j", fmt="json")
    (written,) = [p for p in (tmp_path / "j").glob("*.json") if not p.name.startswith(".")]
    assert json.loads(written.read_bytes()) == generated_images()


def test_code_run_by_code_interpreter_is_found_and_opens_with_hidden_shown(images: App) -> None:
    (hit,) = library.search_archive(images, "sympy")
    assert hit.node_id == "search"
    view = library.read_conversation(images, "default", "gen", through=hit.node_id)
    assert view.include_hidden
    assert "search" in [m.node_id for m in view.messages]


def test_a_code_interpreter_chart_is_shown_or_named_missing(app: App, tmp_path: Path) -> None:
    ran = _tool(
        "out", "python", {"content_type": "execution_output", "text": ""},
        aggregate_result={"status": "success", "messages": [
            {"message_type": "stream", "text": "done"},
            {"message_type": "image", "image_url": "file-service://file-CHART",
             "width": 800, "height": 600},
        ]},
    )  # fmt: skip
    conv = chatgpt_conv("chart", [message("u", "user", "Plot it", t=BASE_TIME), ran])
    report = start_import(app, chatgpt_zip(tmp_path / "a.zip", [conv]))
    assert report.to_json()["media"]["missing"] == 1
    assert profile_status(app).to_json()["media"] == {"files": 0, "bytes": 0, "missing": 1}
    view = library.read_conversation(app, "default", "chart")
    (tool,) = [m for m in view.messages if m.node_id == "out"]
    assert [r.to_json()["kept"] for r in view.media_of(tool)] == [False]

    later = chatgpt_zip(tmp_path / "b.zip", [conv], files={"file-CHART.png": CHART})
    assert start_import(app, later).to_json()["media"]["missing"] == 0
    view = library.read_conversation(app, "default", "chart")
    (tool,) = [m for m in view.messages if m.node_id == "out"]
    (ref,) = view.media_of(tool)
    assert ref.file is not None
    assert ref.file.sha256 == sha(CHART)


def test_a_bare_conversations_json_whose_messages_name_files_imports(
    app: App, tmp_path: Path
) -> None:
    conv = with_media(
        "up",
        [image_part("file-service://file-GONE"), "What is this?"],
        attachments=[{"id": "file-DOC", "name": "Report.pdf", "mime_type": "application/pdf"}],
    )
    bare = tmp_path / "conversations.json"
    bare.write_text(json.dumps([conv]), encoding="utf-8")
    report = start_import(app, bare).to_json()
    assert (report["status"], report["added"]) == ("complete", 1)
    assert report["media"]["missing"] == 2
    shown = library.show_conversation(app, "up").messages[0].text
    assert shown == "[image: file-service://file-GONE]\n\nWhat is this?\n\n[file: Report.pdf]"


def custom_instructions_2023() -> dict[str, Any]:
    system = message(
        "ci", "system", "", t=BASE_TIME,
        metadata={"is_user_system_message": True, "user_context_message_data": {
            "about_user_message": "I keep bees in Ljubljana.",
            "about_model_message": "Answer in short paragraphs."}},
    )  # fmt: skip
    return chatgpt_conv("ci", [system, message("u", "user", "Hello", t=BASE_TIME + 1)])


def test_custom_instructions_of_2023_are_read_shown_and_found(app: App, tmp_path: Path) -> None:
    start_import(app, chatgpt_zip(tmp_path / "c.zip", [custom_instructions_2023()]))
    first = library.show_conversation(app, "ci").messages[0]
    assert first.text == (
        "About me:\nI keep bees in Ljubljana.\n\nHow to respond:\nAnswer in short paragraphs."
    )
    view = library.read_conversation(app, "default", "ci")
    assert [b.kind for b in view.messages[0].blocks] == ["instructions"]
    assert [h.conversation_id for h in library.search_archive(app, "Ljubljana")] == ["ci"]
    export(app, "default", tmp_path / "notes")
    (note,) = (tmp_path / "notes").glob("*.md")
    assert "I keep bees in Ljubljana." in note.read_text(encoding="utf-8")


def cited() -> dict[str, Any]:
    answer = "The budget grew 4 %【11:0†source】 and rain fell【12:1†source】\ue200cite\ue202turn0\ue201."
    references = [
        {"matched_text": "【11:0†source】", "type": "file", "name": "budget 2024.pdf"},
        {"matched_text": "\ue200cite\ue202turn0\ue201", "type": "grouped_webpages",
         "items": [{"title": "Rain report", "url": "https://example.org/rain"}]},
    ]  # fmt: skip
    return chatgpt_conv(
        "cite",
        [
            message("u", "user", "Sum it up", t=BASE_TIME),
            message("a", "assistant", answer, t=BASE_TIME + 1,
                    metadata={"content_references": references}),
        ],
    )  # fmt: skip


def test_citation_markers_become_their_sources(app: App, tmp_path: Path) -> None:
    start_import(app, chatgpt_zip(tmp_path / "c.zip", [cited()]))
    text = library.show_conversation(app, "cite").messages[1].text
    assert text == (
        "The budget grew 4 % (budget 2024.pdf) and rain fell【12:1†source】"
        " ([Rain report](<https://example.org/rain>))."
    )
    (block,) = library.read_conversation(app, "default", "cite").messages[1].blocks
    assert block.text == text


def test_a_fence_inside_a_list_item_keeps_its_code_in_the_note(app: App, tmp_path: Path) -> None:
    answer = "步骤\n\n1. 判断符号\n\n   ```go\n   if x > 0 {\n   } else if x < 0 {\n   }\n   ```\n"
    conv = chatgpt_conv(
        "go", [message("u", "user", "Go?", t=BASE_TIME), message("a", "assistant", answer)]
    )
    start_import(app, chatgpt_zip(tmp_path / "g.zip", [conv]))
    export(app, "default", tmp_path / "notes")
    (note,) = (tmp_path / "notes").glob("*.md")
    written = note.read_text(encoding="utf-8")
    assert "   } else if x < 0 {" in written
    assert "&lt;" not in written


# -- Claude -------------------------------------------------------------------------------


def claude_conv(conv_id: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "uuid": conv_id,
        "name": f"Claude {conv_id}",
        "created_at": "2026-03-01T10:00:00Z",
        "updated_at": "2026-03-01T11:00:00Z",
        "account": {"uuid": "acct"},
        "chat_messages": messages,
    }


def test_claude_pasted_text_is_one_attachment_and_screenshots_count_missing(
    app: App, tmp_path: Path
) -> None:
    asked = claude_turn(
        "q", "human", "Why does this fail?", 1,
        attachments=[{"file_name": "", "file_size": 30, "file_type": "txt",
                      "extracted_content": "Traceback: KeyError 'bees'"}],
        files=[{"file_name": "pasted_text_4f2a.txt"},
               {"file_name": "Screenshot 2026-03-01.png", "file_uuid": "f-shot"}],
    )  # fmt: skip
    conv = claude_conv("paste", [asked, claude_turn("r", "assistant", "The key is missing.", 2)])
    report = start_import(app, write_zip(tmp_path / "c.zip", {"conversations.json": [conv]}))
    assert report.to_json()["media"]["missing"] == 1  # the screenshot, not the pasted text
    view = library.read_conversation(app, "default", "paste")
    blocks = [(b.kind, b.name) for b in view.messages[0].blocks]
    assert blocks == [
        ("text", None),
        ("attachment", "pasted_text_4f2a.txt"),
        ("image", "Screenshot 2026-03-01.png"),
    ]
    shown = library.show_conversation(app, "paste").messages[0].text
    assert "[attachment: pasted_text_4f2a.txt]\nTraceback: KeyError 'bees'" in shown
    assert "[image: Screenshot 2026-03-01.png]" in shown
    assert "[attachment]" not in shown
    assert "pasted_text_4f2a.txt]" not in shown.replace("[attachment: pasted_text_4f2a.txt]", "")


def test_claude_turns_that_all_hang_from_the_root_read_in_time_order(
    app: App, tmp_path: Path
) -> None:
    root = "00000000-0000-4000-8000-000000000000"
    turns = [
        claude_turn("a2", "assistant", "Second answer", 4, parent_message_uuid=root),
        claude_turn("q1", "human", "First question", 1, parent_message_uuid=root),
        claude_turn("a1", "assistant", "First answer", 2, parent_message_uuid=root),
        claude_turn("q2", "human", "Second question", 3, parent_message_uuid=root),
    ]
    start_import(
        app, write_zip(tmp_path / "c.zip", {"conversations.json": [claude_conv("r", turns)]})
    )
    expected = ["q1", "a1", "q2", "a2"]
    assert [m.node_id for m in library.show_conversation(app, "r").messages] == expected
    view = library.read_conversation(app, "default", "r")
    assert [m.node_id for m in view.messages] == expected
    assert all(len(m.siblings) == 1 for m in view.messages)


@pytest.fixture
def injected(app: App, tmp_path: Path) -> App:
    export_file = write_zip(tmp_path / "c.zip", {"conversations.json": [injected_conversation()]})
    report = start_import(app, export_file)
    assert report.to_json()["unreadContent"] == {}  # read, not "unsupported"
    return app


def test_injected_context_is_hidden_marked_and_never_in_the_answer(injected: App) -> None:
    view = library.read_conversation(injected, "default", "inj")
    assert [m.node_id for m in view.messages] == ["q", "a"]
    assert view.hidden_count == 2  # the injected turn, and the context inside the first
    assert [b.kind for b in view.messages[0].blocks] == ["text"]
    assert library.search_archive(injected, "Bohinj") == []  # not in search
    assert [h.node_id for h in library.search_archive(injected, "week")] == ["q"]
    shown = library.show_conversation(injected, "inj")
    assert [m.text for m in shown.messages] == ["Plan my week", "Monday: the hives."]

    everything = library.read_conversation(injected, "default", "inj", include_hidden=True)
    assert [m.node_id for m in everything.messages] == ["q", "d", "a"]
    first = everything.messages[0].blocks
    assert [(b.kind, heading(b)) for b in first] == [
        ("injected", "Context the app added: memory"),
        ("text", "text"),
    ]
    assert everything.messages[1].hidden
    with_hidden = library.show_conversation(injected, "inj", include_hidden=True).messages
    assert with_hidden[0].text == f"[context the app added: memory]\n{MEMORY}\n\nPlan my week"
    assert with_hidden[1].text == "[context the app added]\nToday is Monday."


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_injected_context_stays_out_of_notes_and_pages(
    injected: App, tmp_path: Path, fmt: str
) -> None:
    export(injected, "default", tmp_path / fmt, fmt=fmt)
    (page,) = [p for p in (tmp_path / fmt).iterdir() if p.suffix in (".md", ".html")
               and p.stem != "index"]  # fmt: skip
    words = page.read_text(encoding="utf-8")
    assert "Plan my week" in words
    assert "Bohinj" not in words
    assert "Today is Monday" not in words


def test_injected_context_is_kept_in_the_json_export(injected: App, tmp_path: Path) -> None:
    export(injected, "default", tmp_path / "j", fmt="json")
    (written,) = [p for p in (tmp_path / "j").glob("*.json") if not p.name.startswith(".")]
    assert json.loads(written.read_bytes()) == injected_conversation()


# -- an archive imported before this version is read again ------------------------------


def test_an_older_archive_is_read_again_and_finds_what_it_missed(
    images: App, tmp_path: Path
) -> None:
    start_import(images, chatgpt_zip(tmp_path / "c.zip", [custom_instructions_2023()]))
    engine = images.store.engine
    with engine.begin() as connection:  # as the previous version stored them
        connection.exec_driver_sql("UPDATE messages SET hidden = 0 WHERE role = 'tool'")
        connection.exec_driver_sql("UPDATE messages SET text = '' WHERE node_id = 'ci'")
        connection.exec_driver_sql("INSERT INTO maintenance (name, state) VALUES ('reread', '0')")
    assert library.search_archive(images, "Ljubljana") == []
    assert "out" in [m.node_id for m in library.show_conversation(images, "gen").messages]

    report = recover(images)
    assert report.finished
    assert report.upgrade_steps >= 1
    assert [m.node_id for m in library.show_conversation(images, "gen").messages] == [
        "u1",
        "dalle",
        "newtool",
        "a1",
    ]
    assert [h.conversation_id for h in library.search_archive(images, "Ljubljana")] == ["ci"]
    with engine.begin() as connection:
        left = connection.exec_driver_sql("SELECT count(*) FROM maintenance").scalar_one()
        raw = connection.exec_driver_sql("SELECT raw_json FROM conversations LIMIT 1").scalar_one()
    assert left == 0
    assert json.loads(zlib.decompress(raw))  # the original JSON is untouched


def test_schema_15_reads_older_claude_turns_again_and_hides_their_injected_context(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = open_app(data_dir, clock=clock)
    start_import(
        app, write_zip(tmp_path / "c.zip", {"conversations.json": [injected_conversation()]})
    )
    unsupported = "[unsupported content: injected_prompt_block]"
    with app.store.engine.begin() as connection:  # as schema 14 stored them
        connection.exec_driver_sql(
            "UPDATE messages SET text = ? || char(10, 10) || 'Plan my week' WHERE node_id = 'q'",
            (unsupported,),
        )
        connection.exec_driver_sql(
            "UPDATE messages SET text = ?, hidden = 0 WHERE node_id = 'd'", (unsupported,)
        )
        connection.exec_driver_sql("DELETE FROM maintenance")
        connection.exec_driver_sql("PRAGMA user_version = 14")
    app.close()
    # The upgrade to 15 queues the re-reading (the window then runs it on a thread).
    app = open_app(data_dir, clock=clock, recover=False)
    try:
        assert [h.conversation_id for h in library.search_archive(app, "unsupported")] == ["inj"]
        assert [m.node_id for m in library.show_conversation(app, "inj").messages] == [
            "q",
            "d",
            "a",
        ]
        report = recover(app)
        assert report.finished and report.upgrade_steps >= 1
        assert library.search_archive(app, "unsupported") == []
        shown = library.show_conversation(app, "inj").messages
        assert [(m.node_id, m.text) for m in shown] == [
            ("q", "Plan my week"),
            ("a", "Monday: the hives."),
        ]
    finally:
        app.close()


# -- links that work in every Markdown reader ----------------------------------------------

AWKWARD = [
    "holiday photo é.png",
    "plan (final).png",
    "issue #12.png",
    "100% done.png",
    "[draft] v2.png",
    "a<b>c.png",
    "back\\slash.png",
    "日本語の図.png",
    "party 🎉.png",
]


def awkward_export(tmp_path: Path) -> Path:
    parts: list[Any] = [
        image_part(f"file-service://file-A{i}", width=2, height=2) for i in range(len(AWKWARD))
    ]
    doc = {"id": "file-DOC", "name": "notes (v2) #3 50%.pdf", "mime_type": "application/pdf"}
    conv = with_media("awk", [*parts, "All my files"], attachments=[doc])
    files: dict[str, Any] = {
        f"file-A{i}-{name}": png(seed=60 + i) for i, name in enumerate(AWKWARD) if "\\" not in name
    }
    # A backslash cannot stand in a member's name (it is a folder on Windows): the 2026
    # layout keeps such a name in its list of original names.
    slash = AWKWARD.index("back\\slash.png")
    files[f"file-A{slash}.dat"] = png(seed=60 + slash)
    files["conversation_asset_file_names.json"] = {f"file-A{slash}.dat": AWKWARD[slash]}
    files["file-DOC-notes (v2) #3 50%.pdf"] = PDF
    return chatgpt_zip(tmp_path / "awk.zip", [conv], files=files)


def _targets_markdown(note: Path) -> list[str]:
    tokens = MarkdownIt("commonmark").parse(note.read_text(encoding="utf-8"))
    found: list[str] = []
    for token in tokens:
        for child in token.children or []:
            if child.type == "image":
                found.append(str(child.attrs["src"]))
            elif child.type == "link_open" and not str(child.attrs["href"]).startswith("http"):
                found.append(str(child.attrs["href"]))
    return found


class _Sources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if key in ("src", "href") and value and not value.startswith(("http", "#")):
                self.found.append(value)


def _expected_bytes() -> list[bytes]:
    return sorted([png(seed=60 + i) for i in range(len(AWKWARD))] + [PDF])


def test_every_markdown_link_parses_and_resolves_to_the_exact_bytes(
    app: App, tmp_path: Path
) -> None:
    start_import(app, awkward_export(tmp_path))
    out = tmp_path / "vault"
    export(app, "default", out)
    (note,) = out.glob("*.md")
    targets = _targets_markdown(note)
    assert len(targets) == len(AWKWARD) + 1
    resolved = [(note.parent / unquote(t)).read_bytes() for t in targets]
    assert sorted(resolved) == _expected_bytes()


def test_every_html_src_and_href_resolves_to_the_exact_bytes(app: App, tmp_path: Path) -> None:
    start_import(app, awkward_export(tmp_path))
    out = tmp_path / "site"
    export(app, "default", out, fmt="html")
    page = next(p for p in out.glob("*.html") if p.name != "index.html")
    parser = _Sources()
    parser.feed(page.read_text(encoding="utf-8"))
    resolved = [(page.parent / unquote(t)).read_bytes() for t in parser.found]
    assert sorted(resolved) == _expected_bytes()


def test_notes_with_old_links_are_rewritten_and_edited_ones_kept(app: App, tmp_path: Path) -> None:
    start_import(app, awkward_export(tmp_path))
    start_import(app, chatgpt_zip(tmp_path / "c.zip", [custom_instructions_2023()]))
    out = tmp_path / "vault"
    export(app, "default", out)
    manifest = out / ".desktop-importer-export.json"
    entries = json.loads(manifest.read_text(encoding="utf-8"))
    for entry in entries.values():  # as the previous version recorded them
        entry["source"] = entry["source"].replace("3:", "2:", 1)
    manifest.write_text(json.dumps(entries), encoding="utf-8")
    awk = next(p for p in out.glob("Media*.md"))
    old_style = awk.read_text(encoding="utf-8").replace("%20", " ")
    awk.write_text(old_style, encoding="utf-8")
    entries[awk.name]["sha256"] = __import__("hashlib").sha256(old_style.encode()).hexdigest()
    stat = awk.stat()
    entries[awk.name]["size"], entries[awk.name]["mtime_ns"] = stat.st_size, stat.st_mtime_ns
    manifest.write_text(json.dumps(entries), encoding="utf-8")
    edited = next(p for p in out.glob("Title of ci*.md"))
    edited.write_text("my own words\n", encoding="utf-8")

    result = export(app, "default", out)
    assert "%20" in awk.read_text(encoding="utf-8")  # the old note's links rewritten
    assert edited.read_text(encoding="utf-8") == "my own words\n"
    assert result.skipped_edited == [edited.name]
