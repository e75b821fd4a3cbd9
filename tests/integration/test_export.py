"""`export DIR`: Markdown notes with valid front matter for any title, rendered from the
structured view with their media, the vendor's JSON without kept nodes, safe stable names,
and exporting again into the same folder: unchanged files untouched, edited ones never
overwritten, links never followed."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson
import pytest

from desktop_importer.app import App
from desktop_importer.basics.errors import CannotWrite
from desktop_importer.exporting import MANIFEST, export, file_name, safe_title
from desktop_importer.importing.service import start_import
from tests.helpers.exports import chatgpt_zip, conversation, message, node
from tests.helpers.media import image_part, png, with_media
from tests.helpers.rich import bread
from tests.integration.test_processes import cli

PHOTO = png(seed=31)
HOSTILE_TITLES = [
    'Re: "quotes" and: colons',
    "- a list?",
    "# not a heading",
    "two\nlines",
    "CON",
    "trailing dots...",
    "a/b\\c:d*e?f<g>h|i",
    "📷 " + "長い題名" * 40,
]


def front_matter(text: str) -> dict[str, str]:
    """The YAML front matter read as YAML 1.2 reads double-quoted scalars (JSON strings)."""
    head = text.split("---\n")[1]
    found = {}
    for line in head.strip().splitlines():
        key, _, value = line.partition(": ")
        found[key] = json.loads(value)
    return found


def imported(app: App, tmp_path: Path) -> None:
    convs = [bread(), with_media("pic", [image_part("file-service://file-E1"), "sunset"])]
    convs += [conversation(f"t{i}", title=title) for i, title in enumerate(HOSTILE_TITLES)]
    start_import(app, chatgpt_zip(tmp_path / "e.zip", convs, files={"file-E1-sun.png": PHOTO}))


def test_markdown_notes_have_front_matter_blocks_and_media(app: App, tmp_path: Path) -> None:
    imported(app, tmp_path)
    out = tmp_path / "vault"
    result = export(app, "default", out)
    assert result.conversations == 2 + len(HOSTILE_TITLES)
    notes = {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.md")}
    assert len(notes) == result.conversations
    for i, title in enumerate(HOSTILE_TITLES):
        name = file_name(title, "chatgpt", f"t{i}", "md")
        assert front_matter(notes[name])["title"] == title  # valid YAML for any title
        assert len(name.encode()) <= 255
        assert not re.search(r'[<>:"/\\|?*\x00-\x1f]', name) and not name.startswith("CON.")
    bread_note = notes[file_name("Baking bread", "chatgpt", "bread", "md")]
    meta = front_matter(bread_note)
    assert meta["id"] == "bread" and meta["vendor"] == "ChatGPT"
    assert meta["url"] == "https://chatgpt.com/c/bread"
    assert "```python\ndef hydration" in bread_note  # code with its language
    assert "````text\n```nested```\n````" in bread_note  # a fence longer than the code's
    assert "> [!note]- Thoughts\n> **Weighing flour**\n> Hydration matters most." in bread_note
    pic = notes[file_name("Media pic", "chatgpt", "pic", "md")]
    (link,) = re.findall(r"!\[[^\]]*\]\((media/[^)]+)\)", pic)
    assert (out / link).read_bytes() == PHOTO  # copied and linked relatively
    assert "sunset" in pic


def test_user_text_that_would_read_as_markdown_is_fenced(app: App, tmp_path: Path) -> None:
    nodes = [
        node("root", None, None),
        node("u", "root", message("u", "user", "# not a heading\n**not bold**", t=1.0)),
        node("a", "u", message("a", "assistant", "**bold** answer", t=2.0)),
    ]
    conv = conversation("md", [])
    conv["mapping"] = {n["id"]: n for n in nodes}
    conv["mapping"]["root"]["children"] = ["u"]
    conv["mapping"]["u"]["children"] = ["a"]
    conv["current_node"] = "a"
    start_import(app, chatgpt_zip(tmp_path / "m.zip", [conv]))
    out = tmp_path / "out"
    export(app, "default", out)
    (note,) = out.glob("*.md")
    text = note.read_text(encoding="utf-8")
    assert "```text\n# not a heading\n**not bold**\n```" in text
    assert "\n**bold** answer" in text  # the assistant's Markdown as Markdown


def test_json_is_the_latest_exports_object_without_kept_nodes(app: App, tmp_path: Path) -> None:
    first = conversation("c", [("user", "one"), ("assistant", "two")])
    start_import(app, chatgpt_zip(tmp_path / "a.zip", [first]))
    later = conversation("c", [("user", "one edited")], update_time=2_000_000_000)
    start_import(app, chatgpt_zip(tmp_path / "b.zip", [later]))
    out = tmp_path / "json"
    export(app, "default", out, fmt="json")
    (written,) = [p for p in out.glob("*.json") if p.name != MANIFEST]
    assert orjson.loads(written.read_bytes()) == later  # equal as JSON; kept nodes left out


def test_exporting_again_leaves_unchanged_files_and_never_overwrites_an_edit(
    app: App, tmp_path: Path
) -> None:
    imported(app, tmp_path)
    out = tmp_path / "vault"
    export(app, "default", out)
    notes = sorted(out.glob("*.md"))
    untouched, edited = notes[0], notes[1]
    before = untouched.stat().st_mtime_ns
    edited.write_text(edited.read_text(encoding="utf-8") + "\nMy own note.\n", encoding="utf-8")
    again = export(app, "default", out)
    assert again.files == 0 and again.media == 0
    assert again.skipped_edited == [edited.name]
    assert untouched.stat().st_mtime_ns == before
    assert edited.read_text(encoding="utf-8").endswith("My own note.\n")
    assert (out / MANIFEST).exists()
    assert len(list(out.glob("*.md"))) == len(notes)  # nothing duplicated


def test_a_symbolic_link_in_the_folder_is_never_followed(app: App, tmp_path: Path) -> None:
    imported(app, tmp_path)
    out = tmp_path / "vault"
    export(app, "default", out, conversation_ids=["bread"])
    (note,) = out.glob("*.md")
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("keep me")
    note.unlink()
    os.symlink(elsewhere, note)
    result = export(app, "default", out, conversation_ids=["bread"])
    assert result.skipped_edited == [note.name]
    assert elsewhere.read_text() == "keep me"


def test_a_file_that_cannot_be_written_stops_the_export_with_one_sentence(
    app: App, tmp_path: Path
) -> None:
    """Files are written on a second thread: its failure still reaches the caller, as the
    sentence of exit code 73, and nothing after it is written."""
    imported(app, tmp_path)
    out = tmp_path / "vault"
    blocked = out / file_name("Baking bread", "chatgpt", "bread", "md")
    (blocked / "inside").mkdir(parents=True)  # a folder where the note must go
    with pytest.raises(CannotWrite, match=r"^The export into .* failed \(") as failed:
        export(app, "default", out)
    assert failed.value.exit_code == 73
    assert blocked.is_dir() and not (out / MANIFEST).exists()


def test_the_command_line_exit_codes_and_json(data_dir: Path, tmp_path: Path) -> None:
    export_zip = chatgpt_zip(tmp_path / "e.zip", [bread()])
    assert cli("import", str(export_zip), data_dir=data_dir).returncode == 0
    out = tmp_path / "cli"
    done = cli("export", str(out), "--json", "--all-branches", data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "status": "complete",
        "directory": str(out),
        "conversations": 1,
        "files": 1,
        "media": 0,
        "skippedEdited": [],
    }
    (note,) = out.glob("*.md")
    assert "## Branch 2" in note.read_text(encoding="utf-8")  # the other branches, labelled
    unknown = cli("export", str(out), "--conversation", "nope", data_dir=data_dir)
    assert unknown.returncode == 66 and "There is no conversation nope" in unknown.stderr
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    assert cli("export", str(a_file), data_dir=data_dir).returncode == 73


@pytest.mark.parametrize("title", ["", "...", "   ", "\x00\x01"])
def test_a_title_with_nothing_safe_left_is_untitled(title: str) -> None:
    assert safe_title(title) == "Untitled"


def test_nothing_in_a_note_runs_or_fetches(app: App, tmp_path: Path) -> None:
    """The rich fixture's hostile message: raw HTML, a javascript: link, a file: link and a
    remote image; a note viewer shows them as text and fetches nothing."""
    imported(app, tmp_path)
    out = tmp_path / "vault"
    export(app, "default", out, conversation_ids=["bread"])
    (note,) = out.glob("*.md")
    text = note.read_text(encoding="utf-8")
    assert "<script>" not in text and "&lt;script>alert('x')&lt;/script>" in text
    assert "<img" not in text and "javascript:" not in text and "file:///" not in text
    assert "![tracker]" not in text and "[tracker](http://tracker.example/pixel.png)" in text
    assert "```nested```" in text  # code is left as it is


def test_html_pages_are_self_contained_inert_and_listed_in_an_index(
    app: App, tmp_path: Path
) -> None:
    imported(app, tmp_path)
    out = tmp_path / "site"
    result = export(app, "default", out, fmt="html")
    pages = {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.html")}
    assert len(pages) == result.conversations + 1 and "index.html" in pages
    bread_page = pages[file_name("Baking bread", "chatgpt", "bread", "html")]
    assert "<script" not in "".join(pages.values())  # none of ours, none of theirs
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in bread_page
    assert "javascript:" not in bread_page and "file:///" not in bread_page
    assert "<img" not in bread_page  # the remote image is a link, fetched by nobody
    assert "prefers-color-scheme: dark" in bread_page and "Content-Security-Policy" in bread_page
    assert '<code class="language-python">def hydration' in bread_page
    assert "<table>" in bread_page and "<details><summary>Thoughts</summary>" in bread_page
    pic = pages[file_name("Media pic", "chatgpt", "pic", "html")]
    (src,) = re.findall(r'<img src="([^"]+)"', pic)
    assert (out / src).read_bytes() == PHOTO
    index = pages["index.html"]
    for i, title in enumerate(HOSTILE_TITLES[:3]):
        assert f'href="{quote(file_name(title, "chatgpt", f"t{i}", "html"))}"' in index
    assert "&lt;g&gt;" in index and "<g>" not in index  # titles escaped


def test_a_second_export_renders_only_what_changed(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_importer.exporting import notes, writing

    imported(app, tmp_path)
    out = tmp_path / "vault"
    export(app, "default", out)
    rendered: list[str] = []
    original = notes.markdown

    def counted(view: Any, *args: Any, **kwargs: Any) -> str:
        rendered.append(view.conversation_id)
        return original(view, *args, **kwargs)

    monkeypatch.setattr(writing, "markdown", counted)
    again = export(app, "default", out)
    assert rendered == [] and again.conversations == 2 + len(HOSTILE_TITLES)
    newer = conversation("t0", [("user", "a new question")], title=HOSTILE_TITLES[0],
                         update_time=2_000_000_000)  # fmt: skip
    start_import(app, chatgpt_zip(tmp_path / "n.zip", [newer]))
    third = export(app, "default", out)
    assert rendered == ["t0"] and third.files == 1


@pytest.mark.parametrize(
    ("fmt", "suffix"), [("markdown", ".md"), ("html", ".html"), ("json", ".json")]
)
def test_each_format_through_the_command_line_links_media_to_its_bytes(
    data_dir: Path, tmp_path: Path, fmt: str, suffix: str
) -> None:
    conv = with_media("pic", [image_part("file-service://file-E1"), "sunset"])
    export_zip = chatgpt_zip(tmp_path / "e.zip", [conv], files={"file-E1-sun.png": PHOTO})
    assert cli("import", str(export_zip), data_dir=data_dir).returncode == 0
    out = tmp_path / fmt
    done = cli("export", str(out), "--format", fmt, "--json", data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["conversations"] == 1
    (written,) = [p for p in out.glob(f"*{suffix}") if p.name not in (MANIFEST, "index.html")]
    text = written.read_text(encoding="utf-8")
    if fmt == "json":
        assert orjson.loads(text) == conv
        return
    (link,) = re.findall(r'(?:\]\(|src=")(media/[^)"]+)', text)
    assert (out / link.replace("%20", " ")).read_bytes() == PHOTO
