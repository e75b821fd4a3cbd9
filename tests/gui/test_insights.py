"""The Insights page: one click from the library, its figures computed off the GUI thread,
every chart drawn for two assistants, a day's click listing that day's conversations, a
ranked conversation's click opening it, the keyboard moving through a chart's cells with
a screen reader told each one, each chart's data as a table, Save as PNG, and the charts
laid out again when the window narrows. Screenshots in light and dark."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_importer.app import App
from desktop_importer.gui.charts import Chart, day_name
from desktop_importer.gui.conversation_list import ConversationRole
from desktop_importer.gui.main_window import ImportWindow
from desktop_importer.importing.service import start_import
from tests.gui.conftest import painted, screenshot, unnamed_controls
from tests.helpers.exports import chatgpt_zip, linked, message, node, write_zip

WAIT = 10_000
FIXTURES = Path(__file__).parents[1] / "fixtures"
START = datetime(2025, 9, 1, 12, 0, tzinfo=UTC)
MODELS = ("gpt-4o", "o3", "gpt-4.1-mini-long-model-name-that-must-not-overlap-its-lane", "gpt-5")


def chat(index: int) -> dict[str, Any]:
    """Conversation `index`: started `index * 5` days (and a few hours) after START, with
    `2 + index % 7` turns, some continued a week later."""
    begun = START + timedelta(days=index * 5, hours=index % 9)
    turns = 2 + index % 7
    nodes = [node("root", None, None)]
    parent = "root"
    for turn in range(turns):
        later = timedelta(days=7) if index % 4 == 0 and turn >= 2 else timedelta(0)
        t = (begun + later + timedelta(minutes=turn)).timestamp()
        role = "user" if turn % 2 == 0 else "assistant"
        node_id = f"c{index}-{turn}"
        nodes.append(
            node(node_id, parent, message(node_id, role, f"words {index} {turn} 学习", t=t))
        )
        parent = node_id
    return {
        "id": f"c{index}", "conversation_id": f"c{index}", "title": f"Chat number {index}",
        "create_time": begun.timestamp(), "update_time": begun.timestamp() + 60,
        "current_node": parent, "mapping": linked(nodes),
        "default_model_slug": MODELS[index % len(MODELS)],
    }  # fmt: skip


def local_day(seconds: float) -> date:
    return datetime.fromtimestamp(seconds).date()  # the window shows the system's local time


@pytest.fixture
def archive(gui_app: App, tmp_path: Path) -> App:
    start_import(gui_app, chatgpt_zip(tmp_path / "chatgpt.zip", [chat(i) for i in range(60)]))
    deepseek = json.loads((FIXTURES / "deepseek_conversations.json").read_text(encoding="utf-8"))
    start_import(gui_app, write_zip(tmp_path / "deepseek.zip", {"conversations.json": deepseek}))
    return gui_app


def open_insights(window: ImportWindow, qtbot: QtBot) -> None:
    page = window.library.insights_page
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        window.library.kept_nav.insights.click()
    assert window.library.reading.currentWidget() is page


def listed(window: ImportWindow) -> list[str]:
    model = window.library.list.model()
    return [model.index(r, 0).data(ConversationRole) for r in range(model.rowCount())]


def accessible_name(widget: Any) -> str:
    return QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)


def test_insights_draws_every_chart_of_both_assistants(
    make_window: Any, qtbot: QtBot, archive: App
) -> None:
    window = make_window()
    open_insights(window, qtbot)
    page = window.library.insights_page
    assert page.figures is not None and page.figures.totals.conversations == 62
    numbers = [number.text() for number, _caption in page.total_labels]
    assert numbers[0] == "62"
    assert "All assistants" in page.scope.text()
    assert page.months.vendors == ["chatgpt", "deepseek"]
    lanes = [name for name, _ in page.models.lanes]
    assert lanes[:4] == sorted(f"{m} (ChatGPT)" for m in MODELS)  # 15 each: by name
    assert any(name.endswith("(DeepSeek)") for name in lanes)
    assert sum(map(sum, page.hours.hours)) == page.figures.totals.messages
    days = [c for c in page.calendar.cells if c.payload is not None]
    assert len(days) == len(page.figures.days)
    assert page.longest.count() == 10 and page.returned.count() > 0
    assert unnamed_controls(page) == []
    window.library.open("c1")
    assert window.library.reading.currentWidget() is not page
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)  # View menu
    assert window.library.reading.currentWidget() is page


def test_a_day_clicked_lists_that_days_conversations(
    make_window: Any, qtbot: QtBot, archive: App
) -> None:
    window = make_window()
    open_insights(window, qtbot)
    calendar = window.library.insights_page.calendar
    day = local_day(chat(3)["create_time"])  # c3 alone began that day; nothing else was said
    cell = next(c for c in calendar.cells if c.payload == day)
    qtbot.mouseClick(calendar, Qt.MouseButton.LeftButton, pos=cell.rect.center().toPoint())
    library = window.library
    assert library.day == day and library.day_bar.isVisible()
    assert library.day_label.text() == f"Conversations with a message on {day_name(day)}"
    assert listed(window) == ["c3"]
    library.day_clear.click()
    assert not library.day_bar.isVisible() and len(listed(window)) == 62


def test_keyboard_and_screen_reader_reach_every_cell(
    make_window: Any, qtbot: QtBot, archive: App
) -> None:
    window = make_window()
    open_insights(window, qtbot)
    page = window.library.insights_page
    calendar = page.calendar
    latest = max(page.figures.days) if page.figures else None
    # A key reaching the chart without a focus event (a window not active, as under AT-SPI
    # on a bare X server) lands on where the chart starts, the present.
    qtbot.keyClick(calendar, Qt.Key.Key_Left)
    assert calendar.cells[calendar.current].payload == latest
    calendar.current = -1
    calendar.setFocus()
    qtbot.waitUntil(lambda: calendar.hasFocus(), timeout=WAIT)
    assert calendar.cells[calendar.current].payload == latest  # it starts on the present
    assert accessible_name(calendar).startswith(f"Activity by day: {day_name(latest)}: ")
    assert QAccessible.queryAccessibleInterface(calendar).role() == QAccessible.Role.Chart
    assert latest is not None and latest.weekday() < 6 and latest.month < 12  # as built
    qtbot.keyClick(calendar, Qt.Key.Key_Left)  # the day before
    assert accessible_name(calendar).startswith(
        f"Activity by day: {day_name(latest - timedelta(days=1))}: "
    )
    qtbot.keyClick(calendar, Qt.Key.Key_Down)  # a row down, in the same week
    qtbot.keyClick(calendar, Qt.Key.Key_Down)
    assert accessible_name(calendar).startswith(
        f"Activity by day: {day_name(latest + timedelta(days=1))}: nothing"
    )
    qtbot.keyClick(calendar, Qt.Key.Key_Up)
    qtbot.keyClick(calendar, Qt.Key.Key_Return)
    assert window.library.day == latest
    hours = page.hours
    hours.setFocus()
    qtbot.keyClick(hours, Qt.Key.Key_Down)
    assert accessible_name(hours).startswith("When you talk: ")
    assert "messages" in accessible_name(hours) or "message" in accessible_name(hours)
    # Every chart's data as a table a screen reader reads as any table.
    card = page.cards[1]
    card.table_button.click()
    assert card.table.isVisible() and not card.chart.isVisible()
    table = QAccessible.queryAccessibleInterface(card.table)
    assert table.role() == QAccessible.Role.Table
    headers = [card.table.horizontalHeaderItem(c).text() for c in range(card.table.columnCount())]
    assert headers == ["Month", "ChatGPT conversations", "ChatGPT messages",
                       "DeepSeek conversations", "DeepSeek messages"]  # fmt: skip
    months = {m.month for m in page.figures.months} if page.figures else set()
    assert card.table.rowCount() == len(months)
    card.table_button.click()
    assert card.chart.isVisible() and not card.table.isVisible()
    # Messages per month, by assistant, as well as conversations.
    months = page.months
    months.setFocus()
    qtbot.keyClick(months, Qt.Key.Key_End)
    conversations_bar = [c.rect.height() for c in months.cells if not c.label]
    page.month_metric.setCurrentIndex(1)
    assert [c.rect.height() for c in months.cells if not c.label] != conversations_bar
    assert accessible_name(page.month_metric) == "Messages"  # a combo box says its choice
    assert page.cards[1].choice_label is not None
    assert page.cards[1].choice_label.buddy() is page.month_metric  # and its label


def test_a_ranked_conversation_opens_and_the_filter_narrows_insights(
    make_window: Any, qtbot: QtBot, archive: App
) -> None:
    window = make_window()
    open_insights(window, qtbot)
    page = window.library.insights_page
    first = page.longest.item(0)
    wanted = first.data(Qt.ItemDataRole.UserRole)
    page.longest.itemClicked.emit(first)
    assert window.library.current == wanted and window.library.reading.currentIndex() == 0
    open_insights(window, qtbot)
    vendor = window.library.vendor
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        vendor.setCurrentIndex(vendor.findData("deepseek"))
    assert page.figures is not None and page.figures.totals.conversations == 2
    assert page.scope.text().startswith("DeepSeek")
    assert page.months.vendors == ["deepseek"]


def test_save_as_png_and_charts_fit_a_narrower_window(
    make_window: Any, qtbot: QtBot, archive: App, tmp_path: Path
) -> None:
    window = make_window()
    window.resize(1200, 800)
    open_insights(window, qtbot)
    page = window.library.insights_page
    card = page.cards[0]
    assert card.save_png(tmp_path / "days.png")
    picture = QImage(str(tmp_path / "days.png"))
    assert picture.width() == card.chart.width()
    assert picture.height() > card.chart.height()  # the title above the chart
    assert picture.copy(0, picture.height() - card.chart.height(), picture.width(),
                        card.chart.height()) == card.chart.grab().toImage().convertToFormat(
                            picture.format())  # fmt: skip
    assert not card.save_png(tmp_path)  # a folder: nothing written, False said

    def fits(chart: Chart) -> bool:
        return all(c.rect.right() <= chart.width() + 1 for c in chart.cells)

    wide = page.calendar.cells[0].rect.width()
    window.resize(760, 700)
    qtbot.waitUntil(lambda: page.calendar.width() < 600, timeout=WAIT)
    for chart in (page.calendar, page.months, page.models, page.hours):
        assert fits(chart), (chart.name, chart.width(), max(c.rect.right() for c in chart.cells))
    assert page.calendar.cells[0].rect.width() < wide


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_screenshots(
    make_window: Any, qtbot: QtBot, archive: App, palette: str, qapp: QApplication
) -> None:
    """Not an assertion of looks: the PNGs a person checks (DESKTOP_IMPORTER_SCREENSHOTS)."""
    with painted(qapp, palette):
        window = make_window()
        window.resize(1280, 860)
        with qtbot.waitSignal(window.library.insights_page.wordsLoaded, timeout=WAIT):
            open_insights(window, qtbot)
        page = window.library.insights_page
        qtbot.waitUntil(lambda: page.words.buttons[0].isVisible(), timeout=WAIT)
        screenshot(window, f"insights-{palette}")
        screenshot(page.widget(), f"insights-page-{palette}")


def test_the_words_that_stand_out_search_when_clicked(
    make_window: Any, qtbot: QtBot, archive: App
) -> None:
    window = make_window()
    page = window.library.insights_page
    with qtbot.waitSignal(page.wordsLoaded, timeout=WAIT):
        open_insights(window, qtbot)
    words = {button.text(): button for button in page.words.buttons}
    assert {"words", "学习"} <= set(words)  # CJK as a word, never a character
    assert not set(words) & {"学", "习", "the", "a"}  # no single character, no stop word
    button = words["学习"]
    assert accessible_name(button).endswith("学习, search for it")
    with qtbot.waitSignal(window.library.searched, timeout=WAIT):
        button.click()
    assert window.library.search.text() == "学习"
    assert window.library.list.model() is window.library.results
