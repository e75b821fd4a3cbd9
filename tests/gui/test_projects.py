"""The library's Projects and Memory pages: Claude's projects and memory, imported with the
conversations from the 2026 download folder, read in the reader pane as Claude's app shows
them; the buttons appear only when there is something to show; every control named for a
screen reader; untrusted text inert."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from desktop_importer.app import App
from desktop_importer.gui.message_widget import Collapsible
from desktop_importer.gui.safe_text import SafeText
from desktop_importer.importing.service import start_import
from desktop_importer.vendors.claude_projects import NO_LINK
from tests.gui.conftest import painted, screenshot, unnamed_controls
from tests.gui.test_library import texts
from tests.helpers.claude2026 import MEMORY, PROJECT, download_folder, talk
from tests.helpers.exports import write_zip


def heading_shown(page: QWidget, heading: str) -> bool:
    """The page's widgets, added while it was visible, are shown at the next turn."""
    return any(label.isVisible() for label in page.findChildren(QLabel) if label.text() == heading)


def accessible_name(widget: QWidget) -> str:
    return QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_a_project_reads_with_its_instructions_memory_and_documents(
    make_window, qtbot: QtBot, gui_app: App, tmp_path: Path, palette: str, qapp
) -> None:
    folder = download_folder(tmp_path / "Claude export")
    second = {**PROJECT, "uuid": "proj-2", "name": "Kitchen tiles", "docs": [],
              "description": "Which tiles, and where", "prompt_template": ""}  # fmt: skip
    write_zip(folder / "projects-000.zip", {"projects/proj-1.json": PROJECT,
                                            "projects/proj-2.json": second})  # fmt: skip
    start_import(gui_app, folder)
    with painted(qapp, palette):
        window = make_window()
        library = window.library
        nav = library.kept_nav
        assert nav.projects.isVisible() and nav.memory.isVisible()
        assert nav.projects.text() == "Projects (2)"

        nav.projects.click()
        page = library.kept_page
        assert library.reading.currentWidget() is page
        assert page.title.text() == "Beekeeping"  # by name
        assert "Claude project" in page.details.text() and "1 document" in page.details.text()
        shown = texts(page)
        for words in ("Hives in Bohinj", "Answer as a beekeeper would.", NO_LINK, "Three hives."):
            assert words in shown
        documents = page.findChildren(Collapsible)
        assert [d.toggle.text() for d in documents] == ["hives.md"]
        assert documents[0].body.isHidden()
        documents[0].toggle.click()
        assert documents[0].body.toPlainText().startswith("Hives")  # Markdown, rendered
        assert [page.chooser.itemText(i) for i in range(page.chooser.count())] == [
            "Beekeeping",
            "Kitchen tiles",
        ]
        page.chooser.setCurrentIndex(1)
        page.chooser.activated.emit(1)
        assert page.title.text() == "Kitchen tiles"
        assert "Which tiles, and where" in texts(page) and "Documents (0)" in texts(page)
        assert "Hives in Bohinj" not in texts(page)
        page.chooser.setCurrentIndex(0)
        page.chooser.activated.emit(0)
        page.findChildren(Collapsible)[0].toggle.click()  # a new page, folded again
        assert unnamed_controls(library) == []
        chooser = QAccessible.queryAccessibleInterface(page.chooser)
        labels = chooser.relations(QAccessible.RelationFlag.Label)
        assert [label.text(QAccessible.Text.Name) for label, _ in labels] == ["Project:"]
        assert accessible_name(nav.projects) == "Show Claude's projects"
        # A push button, not a check box: a screen reader's "press" must open the page.
        assert QAccessible.queryAccessibleInterface(nav.projects).role() == QAccessible.Role.Button
        notes = [label for label in page.findChildren(QLabel) if label.text() == NO_LINK]
        assert [accessible_name(label) for label in notes] == [NO_LINK]  # read as it is
        qtbot.waitUntil(lambda: heading_shown(page, "Instructions"))
        screenshot(window, f"project-{palette}")


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_the_memory_page_shows_what_claude_remembers_and_of_which_project(
    make_window, qtbot: QtBot, gui_app: App, tmp_path: Path, palette: str, qapp
) -> None:
    start_import(gui_app, download_folder(tmp_path / "Claude export"))
    with painted(qapp, palette):
        window = make_window()
        library = window.library
        library.kept_nav.memory.click()
        page = library.kept_page
        assert page.title.text() == "Memory"
        assert page.details.text().startswith("What Claude remembers of you, as of its export")
        assert MEMORY in texts(page)
        folds = page.findChildren(Collapsible)
        assert [f.toggle.text() for f in folds] == ["notes.md (updated 2026-03-01)", "Beekeeping"]
        for fold in folds:
            fold.toggle.click()
        assert "Bees." in texts(folds[0].body) and "Three hives." in texts(folds[1].body)
        views = [accessible_name(v) for v in page.findChildren(SafeText)]
        assert "Memory" in views and "Memory of Beekeeping" in views
        assert library.kept_nav.showing == "memory" and library.kept_nav.memory.font().bold()
        assert unnamed_controls(library) == []
        qtbot.waitUntil(lambda: heading_shown(page, "Of each project"))
        screenshot(window, f"memory-{palette}")

        library.open("c1")  # choosing a conversation turns the pane back to the reader
        assert library.reading.currentWidget() is not page
        assert library.kept_nav.showing == "" and not library.kept_nav.memory.font().bold()
        assert library.reader.title.text() == "Claude c1"


def test_without_projects_or_memory_the_buttons_stay_away(
    make_window, gui_app: App, tmp_path: Path
) -> None:
    start_import(gui_app, write_zip(tmp_path / "c.zip", {"conversations.json": [talk("c1", "x")]}))
    window = make_window()
    nav = window.library.kept_nav
    assert nav.projects.isHidden() and nav.memory.isHidden()
    assert not nav.isHidden() and not nav.insights.isHidden()  # Insights is always there


def test_project_text_from_the_export_stays_inert(
    make_window, gui_app: App, tmp_path: Path
) -> None:
    hostile = {
        **PROJECT,
        "name": "<b>Bold</b> name",
        "description": "<img src='http://example.org/track.png'>",
        "docs": [{"filename": "notes.md", "content": "![x](http://example.org/x.png) <i>hi</i>"}],
    }
    folder = tmp_path / "export"
    folder.mkdir()
    write_zip(folder / "conversations-000.zip", {"conversations.json": [talk("c1", "x")]})
    (folder / "projects.json").write_text(json.dumps([hostile]))
    start_import(gui_app, folder)
    window = make_window()
    window.library.show_projects()
    page = window.library.kept_page
    assert page.title.text() == "<b>Bold</b> name"  # shown as typed, not as markup
    assert "<img src='http://example.org/track.png'>" in texts(page)
    fold = page.findChildren(Collapsible)[0]
    fold.toggle.click()
    document = fold.body.document()
    assert "<i>hi</i>" in document.toPlainText()
    assert "<img" not in document.toHtml()  # no image is loaded, from anywhere


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_a_chatgpt_project_is_named_and_its_conversations_shown_in_the_list(
    make_window, qtbot: QtBot, gui_app: App, tmp_path: Path, palette: str, qapp
) -> None:
    from tests.integration.test_chatgpt_projects import KITCHEN, export_of

    start_import(gui_app, export_of(tmp_path))
    with painted(qapp, palette):
        window = make_window()
        library = window.library
        filter_ = library.project
        assert filter_.isVisible() and library.project_label.isVisible()
        assert [filter_.itemText(i) for i in range(filter_.count())] == [
            "All conversations",
            "Unnamed project 0f1e2d3c (1)",
            "Unnamed project 67a1b2c3 (2)",
        ]
        library.kept_nav.projects.click()
        page = library.kept_page
        page.chooser.setCurrentIndex(page.chooser.findData(f"chatgpt/{KITCHEN}"))
        page.chooser.activated.emit(page.chooser.currentIndex())
        assert page.title.text() == "Unnamed project 67a1b2c3"
        assert "names no project" in texts(page) and "2 conversations" in page.details.text()
        assert page.name_field is not None
        qtbot.keyClicks(page.name_field, "Kitchen tiles")
        qtbot.keyClick(page.name_field, Qt.Key.Key_Return)
        assert page.title.text() == "Kitchen tiles"  # the page and the list name it now
        assert filter_.itemText(filter_.findData(KITCHEN)) == "Kitchen tiles (2)"
        assert unnamed_controls(library) == []
        qtbot.waitUntil(lambda: heading_shown(page, "Conversations"))
        screenshot(window, f"chatgpt-project-{palette}")
        show = next(b for b in page.findChildren(QPushButton) if b.text().startswith("Show its"))
        assert show.text() == "Show its 2 conversations"
        show.click()
        assert filter_.currentData() == KITCHEN
        model = library.list.model()
        shown = [model.index(r, 0).data() for r in range(model.rowCount())]
        assert sorted(shown) == ["Title of grout", "Title of tiles"]
        library.open("tiles")
        assert "project Kitchen tiles" in library.reader.details.text()  # where it belongs
        screenshot(window, f"chatgpt-project-list-{palette}")
