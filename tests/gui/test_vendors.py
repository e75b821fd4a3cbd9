"""Each newer vendor's conversation in the reader as its app showed it: a thought folded,
the answer with its cited pages, the files' text folded, the branch switcher reaching the
other versions; named for a screen reader; in a light and a dark palette."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_importer.app import App
from desktop_importer.gui.media_view import ImageView
from desktop_importer.gui.message_widget import Collapsible
from desktop_importer.gui.safe_text import SafeText
from desktop_importer.importing.service import start_import
from tests.gui.conftest import painted, screenshot, unnamed_controls
from tests.gui.test_library import shown_on_screen, texts
from tests.helpers.gemini import THREAD as GEMINI_THREAD
from tests.helpers.gemini import takeout_zip
from tests.helpers.grok import POST, grok_zip
from tests.helpers.lechat import FIRST as LECHAT_FIRST
from tests.helpers.lechat import lechat_zip
from tests.integration.test_deepseek import deepseek_zip


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_a_deepseek_conversation_reads_as_deepseek_showed_it(
    make_window, qtbot: QtBot, gui_app: App, tmp_path: Path, palette: str, qapp: QApplication
) -> None:
    start_import(gui_app, deepseek_zip(tmp_path / "deepseek_data.zip"))
    with painted(qapp, palette):
        window = make_window()
        reader = window.library.reader
        window.library.open("ds-0001-reasoner")
        shown_on_screen(window, qtbot)
        assert reader.title.text() == "瓷砖 for the kitchen"
        assert reader.details.text().startswith("DeepSeek")
        prompt, answer = reader.message_widget("1"), reader.message_widget("2")
        assert prompt is not None and answer is not None
        assert prompt.who.text() == "You" and answer.who.text() == "DeepSeek"
        (attachment,) = prompt.findChildren(Collapsible)
        assert attachment.toggle.text() == "Attachment: floor plan.txt"
        (thought,) = answer.findChildren(Collapsible)
        assert thought.toggle.text() == "Thoughts" and thought.body.isHidden()
        shown = texts(answer)
        assert "Porcelain tiles suit a kitchen best (Porcelain tiles)" in shown
        assert "[citation:" not in shown and "Source: Porcelain tiles" in shown
        sources = [v for v in answer.findChildren(SafeText) if v.accessibleName() == "Source"]
        links = [v.document().toHtml().count("<a href") for v in sources]
        assert links == [1, 0]  # the javascript: page is words, never a link
        edited = reader.message_widget("5")
        assert edited is not None and edited.position.text() == "2/2"
        edited.previous.click()  # the first version of the prompt, and its answer
        qtbot.waitUntil(lambda: reader.message_widget("4") is not None)
        assert "Use epoxy grout." in texts(reader.message_widget("4"))
        assert "Content this version cannot show" in texts(reader.message_widget("4"))
        assert unnamed_controls(window.library) == []
        edited = reader.message_widget("3")
        edited.next.click()
        qtbot.waitUntil(lambda: reader.message_widget("6") is not None)
        thought = reader.message_widget("2").findChildren(Collapsible)[0]
        thought.toggle.click()
        shown_on_screen(window, qtbot)
        screenshot(window, f"deepseek-{palette}")


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_a_grok_conversation_reads_as_grok_showed_it(
    make_window, qtbot: QtBot, gui_app: App, tmp_path: Path, palette: str, qapp: QApplication
) -> None:
    start_import(gui_app, grok_zip(tmp_path / "grok-export.zip"))
    with painted(qapp, palette):
        window = make_window()
        reader = window.library.reader
        window.library.open("g-conv-1")
        shown_on_screen(window, qtbot)
        assert reader.details.text().startswith("Grok")
        asked, answer = reader.message_widget("r1"), reader.message_widget("r2")
        assert asked is not None and answer is not None
        assert answer.who.text() == "Grok"
        assert [f.toggle.text() for f in answer.findChildren(Collapsible)] == [
            "Thoughts",
            "Tool call: web_search",
            "Document: kyoto-plan.md",  # folded, as the app shows an artifact beside
        ]
        shown = texts(answer)
        assert "<script>alert(1)</script>" in shown  # shown as the words it is, never run
        assert "<grok:render" not in shown and "Document: kyoto-plan.md" in shown
        assert "Philosopher's Path" in shown
        assert "Image not in the archive" not in texts(reader)  # the photo and the picture
        photo = [v for v in asked.findChildren(ImageView)]
        assert len(photo) == 1
        shown_on_screen(window, qtbot)
        screenshot(window, f"grok-{palette}")
        window.library.open(POST)
        qtbot.waitUntil(lambda: reader.message_widget("media") is not None)
        assert len(reader.message_widget("media").findChildren(ImageView)) == 1
        assert "A fox in snow, watercolour" in texts(reader.message_widget("media"))
        assert unnamed_controls(window.library) == []


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_a_le_chat_conversation_reads_as_le_chat_showed_it(
    make_window, qtbot: QtBot, gui_app: App, tmp_path: Path, palette: str, qapp: QApplication
) -> None:
    start_import(gui_app, lechat_zip(tmp_path / "chat-export-1777712400000.zip"))
    with painted(qapp, palette):
        window = make_window()
        reader = window.library.reader
        window.library.open(LECHAT_FIRST)
        shown_on_screen(window, qtbot)
        assert reader.details.text().startswith("Le Chat")
        asked, answer = reader.message_widget("m1"), reader.message_widget("m2")
        assert asked is not None and answer is not None
        assert answer.who.text() == "Le Chat"
        assert len(asked.findChildren(ImageView)) == 1  # the photo the person gave, kept
        assert [f.toggle.text() for f in answer.findChildren(Collapsible)][:2] == [
            "Thoughts",
            "Tool call: web_search",
        ]
        shown = texts(answer)
        assert shown.count("La tour Eiffel mesure 330 m. Voici un plan.") == 1
        assert "Image not in the archive: plan-eiffel.png (kept on Mistral's servers)" in shown
        sources = [v for v in answer.findChildren(SafeText) if v.accessibleName() == "Source"]
        assert [v.document().toHtml().count("<a href") for v in sources] == [1, 0]
        assert unnamed_controls(window.library) == []
        screenshot(window, f"lechat-{palette}")


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_a_gemini_conversation_reads_as_gemini_showed_it(
    make_window, qtbot: QtBot, gui_app: App, tmp_path: Path, palette: str, qapp: QApplication
) -> None:
    start_import(gui_app, takeout_zip(tmp_path / "takeout-20260821T101010Z-001.zip"))
    with painted(qapp, palette):
        window = make_window()
        reader = window.library.reader
        window.library.open(GEMINI_THREAD)
        shown_on_screen(window, qtbot)
        assert reader.details.text().startswith("Gemini")
        messages = reader.widgets
        assert [w.who.text() for w in messages] == ["You", "Gemini", "You", "Gemini"]
        assert len(messages[0].findChildren(ImageView)) == 1  # the attached photo, kept
        answer = texts(messages[3])
        assert "Philosopher's Path" in answer and "alert" not in answer
        assert "Image not in the archive: image_agent_tag_7f3a9c" in answer
        links = [v.document().toHtml() for v in messages[3].findChildren(SafeText)]
        assert not any("javascript" in html for html in links)
        assert not any("<img" in html for html in links)  # the remote pixel is never fetched
        assert unnamed_controls(window.library) == []
        screenshot(window, f"gemini-{palette}")
        # The last import's report names what the log held that is not a message.
        assert "Gemini activity that is not a message" in window.result.body.text()
        assert "1 hidden" in reader.details.text()  # the feedback, shown with Show hidden
