"""Matched words marked when a search result opens, and find in this conversation: a word
far below the messages built is found, counted, walked both ways, and the bar closes with
Esc; its field and its count are named for a screen reader. Real widgets, real archive."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_importer.app import App
from desktop_importer.gui.main_window import ImportWindow
from desktop_importer.gui.safe_text import SafeText
from desktop_importer.importing.service import start_import
from tests.gui.conftest import dark_palette, screenshot, unnamed_controls
from tests.helpers.exports import chatgpt_zip, conversation

WAIT = 60_000
LONG = 300  # messages: far more than the reader builds when a conversation opens
FAR = (250, 251, 290)  # the messages that hold the word "quokka"


def long_conversation() -> dict[str, object]:
    turns = []
    for index in range(LONG):
        role = "user" if index % 2 == 0 else "assistant"
        words = f"Message {index} about the weather in 札幌市 and nothing else."
        if index in FAR:
            words = f"A quokka here (number {index}); a Quokka smiles, 北海道の天気."
        turns.append((role, words))
    return conversation("long", turns, title="The long one")


@pytest.fixture
def long_app(gui_app: App, tmp_path: Path) -> App:
    start_import(gui_app, chatgpt_zip(tmp_path / "long.zip", [long_conversation()]))
    return gui_app


def marked(window: ImportWindow, node_id: str) -> list[str]:
    """The words marked in a message (what its extra selections cover)."""
    widget = window.library.reader.message_widget(node_id)
    assert widget is not None
    return [
        selection.cursor.selectedText()
        for view in widget.findChildren(SafeText)
        for selection in view.extraSelections()
    ]


def open_first_result(window: ImportWindow, qtbot: QtBot, typed: str) -> str:
    """Search, open the best result; the message it opened at."""
    view = window.library
    with qtbot.waitSignal(view.searched, timeout=WAIT):
        view.search.setText(typed)
        view.run_search()
    with qtbot.waitSignal(view.conversationShown, timeout=WAIT):
        view.list.setCurrentIndex(view.results.index(0, 0))
    hit = view.results.results[0].node_id
    assert hit is not None
    qtbot.waitUntil(lambda: view.reader.message_widget(hit) is not None)
    return hit


def open_long(window: ImportWindow, qtbot: QtBot) -> None:
    with qtbot.waitSignal(window.library.conversationShown, timeout=WAIT):
        window.library.open("long")
    qtbot.waitUntil(lambda: len(window.library.reader.widgets) > 5)


def active_window_on_long(make_window: Callable[[], ImportWindow], qtbot: QtBot) -> ImportWindow:
    """A window with focus (keys reach it), the long conversation open."""
    window = make_window()
    window.activateWindow()
    open_long(window, qtbot)
    return window


def test_opening_a_search_result_marks_every_matched_word(
    make_window, qtbot: QtBot, long_app: App
) -> None:
    window = make_window()
    view = window.library
    hit = open_first_result(window, qtbot, "quokka")
    assert marked(window, hit) == ["quokka", "Quokka"]  # case folded, as search matches
    # The text is untouched: marking draws over it, it never becomes markup.
    widget = view.reader.message_widget(hit)
    assert widget is not None
    assert "quokka" in widget.findChildren(SafeText)[0].toPlainText()
    screenshot(window, "search-marks")


def test_a_cjk_search_marks_the_characters_inside_a_run(
    make_window, qtbot: QtBot, long_app: App
) -> None:
    window = make_window()
    hit = open_first_result(window, qtbot, "天気")
    assert marked(window, hit) == ["天気"]


def test_find_reaches_a_word_far_below_what_is_built_and_walks_both_ways(
    make_window, qtbot: QtBot, long_app: App
) -> None:
    window = active_window_on_long(make_window, qtbot)
    view = window.library
    assert view.reader.message_widget("long-n250") is None  # not built yet
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.find_bar.field.hasFocus())
    qtbot.keyClicks(view.find_bar.field, "quokka")
    qtbot.waitUntil(lambda: view.find_bar.count.text() == "1 of 6", timeout=WAIT)
    qtbot.waitUntil(lambda: view.reader.message_widget("long-n250") is not None)
    assert marked(window, "long-n250") == ["quokka", "Quokka"]
    reader = view.reader
    widget = reader.message_widget("long-n250")
    assert widget is not None
    qtbot.waitUntil(lambda: widget.visibleRegion().isEmpty() is False)

    qtbot.keyClick(view.find_bar.field, Qt.Key.Key_Return)  # next
    assert view.find_bar.count.text() == "2 of 6"
    qtbot.keyClick(window, Qt.Key.Key_F3)  # next
    assert view.find_bar.count.text() == "3 of 6"
    qtbot.waitUntil(lambda: reader.message_widget("long-n251") is not None)
    qtbot.keyClick(view.find_bar.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert view.find_bar.count.text() == "2 of 6"
    for _ in range(4):
        qtbot.keyClick(window, Qt.Key.Key_F3)
    assert view.find_bar.count.text() == "6 of 6"
    qtbot.waitUntil(lambda: reader.message_widget("long-n290") is not None)
    last = reader.message_widget("long-n290")
    assert last is not None
    qtbot.waitUntil(lambda: not last.visibleRegion().isEmpty())
    qtbot.keyClick(window, Qt.Key.Key_F3)  # round the end, as a browser does
    assert view.find_bar.count.text() == "1 of 6"
    qtbot.waitUntil(lambda: reader.message_widget("long-n250") is not None)
    first = reader.message_widget("long-n250")
    assert first is not None
    qtbot.waitUntil(lambda: not first.visibleRegion().isEmpty())
    screenshot(window, "find-bar")

    qtbot.keyClick(view.find_bar.field, Qt.Key.Key_Escape)
    assert not view.find_bar.isVisible()
    assert marked(window, "long-n250") == []


def test_find_says_when_nothing_matches_and_ctrl_k_still_searches_everything(
    make_window, qtbot: QtBot, long_app: App
) -> None:
    window = active_window_on_long(make_window, qtbot)
    view = window.library
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(view.find_bar.field, "platypus")
    qtbot.waitUntil(lambda: view.find_bar.count.text() == "No matches", timeout=WAIT)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.search.hasFocus())


def test_the_find_bar_is_named_and_its_count_is_told_to_a_screen_reader(
    make_window, qtbot: QtBot, long_app: App
) -> None:
    window = make_window()
    open_long(window, qtbot)
    view = window.library
    assert view.open_find()
    assert unnamed_controls(view.find_bar) == []
    field = QAccessible.queryAccessibleInterface(view.find_bar.field)
    assert field.text(QAccessible.Text.Name) == "Find in this conversation"
    qtbot.keyClicks(view.find_bar.field, "quokka")
    qtbot.waitUntil(lambda: view.find_bar.count.text() == "1 of 6", timeout=WAIT)
    count = QAccessible.queryAccessibleInterface(view.find_bar.count)
    assert count.text(QAccessible.Text.Name) == "1 of 6 matches"


def test_find_bar_and_marks_in_a_dark_palette(make_window, qtbot: QtBot, long_app: App) -> None:
    QApplication.setPalette(dark_palette())
    try:
        window = make_window()
        open_long(window, qtbot)
        view = window.library
        view.open_find()
        view.find_bar.field.setText("札幌")  # typed through an input method
        qtbot.waitUntil(lambda: view.find_bar.count.text().endswith(f"of {LONG - 3}"), timeout=WAIT)
        assert marked(window, "long-n0") == ["札幌"]
        screenshot(window, "find-bar-dark")
    finally:
        QApplication.setPalette(QApplication.style().standardPalette())


def test_the_search_says_a_count_or_that_it_shows_its_best(
    make_window, qtbot: QtBot, gui_app: App, tmp_path: Path
) -> None:
    many = [conversation(f"w{i}", [("user", f"wombat number {i}")]) for i in range(60)]
    start_import(gui_app, chatgpt_zip(tmp_path / "w.zip", [*many, long_conversation()]))
    window = make_window()
    view = window.library
    for typed, said in (("wombat", "The 50 best matches"), ("quokka", "1 conversation found")):
        with qtbot.waitSignal(view.searched, timeout=WAIT):
            view.search.setText(typed)
            view.run_search()
        assert view.status.text() == said
