"""The library in the window: the paged list, search as you type, the reader's blocks and
branches, the keyboard, accessibility, drop anywhere, the refresh after an import, and
untrusted text that stays inert. Real widgets offscreen over a real archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import (
    QAccessible,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeyEvent,
    QTextDocument,
)
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from desktop_importer import library
from desktop_importer.app import App
from desktop_importer.basics.markdown import split_fences
from desktop_importer.gui.conversation_list import (
    ConversationListModel,
    ConversationRole,
    DetailRole,
)
from desktop_importer.gui.main_window import ImportWindow
from desktop_importer.gui.message_widget import Collapsible, MessageWidget
from desktop_importer.gui.safe_text import SafeText
from desktop_importer.importing.service import start_import
from desktop_importer.vendors.blocks import plain_text
from tests.gui.conftest import (
    focusable_controls,
    painted,
    screenshot,
    unnamed_controls,
)
from tests.helpers.claude2026 import MEMORY, injected_conversation
from tests.helpers.exports import chatgpt_zip, conversation, conversations, write_zip
from tests.helpers.rich import bread, claude_chat

WAIT = 60_000


@pytest.fixture
def rich(gui_app: App, tmp_path: Path) -> App:
    start_import(gui_app, chatgpt_zip(tmp_path / "rich.zip", [bread(), *conversations(30)]))
    start_import(gui_app, write_zip(tmp_path / "c.zip", {"conversations.json": [claude_chat()]}))
    return gui_app


def texts(widget: QWidget) -> str:
    """Everything a widget shows as text: labels, buttons and text views."""
    views: list[SafeText] = (
        [widget] if isinstance(widget, SafeText) else widget.findChildren(SafeText)
    )
    labels: list[QLabel] = [widget] if isinstance(widget, QLabel) else widget.findChildren(QLabel)
    buttons: list[QAbstractButton] = widget.findChildren(QAbstractButton)
    found = [v.toPlainText() for v in views] + [label.text() for label in labels]
    return "\n".join(found + [button.text() for button in buttons])


def open_bread(window: ImportWindow, qtbot: QtBot) -> None:
    window.library.open("bread")
    shown_on_screen(window, qtbot)


def shown_on_screen(window: ImportWindow, qtbot: QtBot) -> None:
    """Qt shows widgets added to a visible window at its next turn: wait for it."""
    reader = window.library.reader
    qtbot.waitUntil(
        lambda: (
            bool(reader.widgets)
            and all(
                w.isVisible() and w.height() >= w.minimumSizeHint().height() for w in reader.widgets
            )
        )
    )  # shown, and laid out at the height its text needs


def test_an_empty_archive_shows_the_drop_area_and_a_full_one_the_library(
    make_window, qtbot: QtBot, gui_app: App, tmp_path: Path
) -> None:
    window = make_window()
    assert window.pages.currentWidget() is window.drop_zone
    screenshot(window, "library-empty")
    with qtbot.waitSignal(window.importEnded, timeout=WAIT):
        window.start_file(chatgpt_zip(tmp_path / "x.zip", [bread(), *conversations(3)]))
    assert window.pages.currentWidget() is window.library
    model = window.library.list.model()
    assert model.rowCount() == 4
    assert model.index(0, 0).data() in {"Baking bread", "Title of conv-2"}


def test_the_list_reads_a_page_at_a_time_newest_first(rich: App, tmp_path: Path) -> None:
    start_import(rich, chatgpt_zip(tmp_path / "many.zip", conversations(450, prefix="many")))
    model = ConversationListModel(
        lambda after, limit: library.list_page(rich, "default", after=after, limit=limit),
        page=200,
        now=rich.clock.now,
    )
    model.reload()
    assert model.rowCount() == 200 and model.canFetchMore(model.index(-1, 0))
    model.fetchMore(model.index(-1, 0))
    model.fetchMore(model.index(-1, 0))
    assert model.rowCount() == 482 and not model.canFetchMore(model.index(-1, 0))
    ids = [model.index(r, 0).data(ConversationRole) for r in range(model.rowCount())]
    assert len(set(ids)) == 482  # no row twice across pages
    times = [row.cursor for row in model.rows]
    assert times == sorted(times, reverse=True)
    row = model.index(0, 0)
    assert row.data(Qt.ItemDataRole.DisplayRole) == row.data(Qt.ItemDataRole.AccessibleTextRole)
    assert "message" in row.data(DetailRole)
    assert "Last updated" in row.data(Qt.ItemDataRole.ToolTipRole)


def test_starred_and_archived_conversations_are_marked(
    make_window, qtbot: QtBot, gui_app: App, tmp_path: Path
) -> None:
    convs = [{**conversation("s"), "is_starred": True}, {**conversation("a"), "is_archived": True}]
    start_import(gui_app, chatgpt_zip(tmp_path / "f.zip", [*convs, conversation("p")]))
    window = make_window()
    model = window.library.list.model()
    rows = {model.index(r, 0).data(ConversationRole): model.index(r, 0) for r in range(3)}
    assert rows["s"].data(DetailRole).startswith("★ Starred · ChatGPT")
    assert rows["a"].data(DetailRole).startswith("Archived · ChatGPT")
    assert "Starred" not in rows["p"].data(DetailRole)
    assert "Archived" not in rows["p"].data(DetailRole)
    assert "★ Starred" in rows["s"].data(Qt.ItemDataRole.AccessibleDescriptionRole)
    later = chatgpt_zip(tmp_path / "later.zip", convs, exported=(2026, 5, 1))  # p deleted online
    with qtbot.waitSignal(window.importEnded, timeout=WAIT):
        window.start_file(later)
    model = window.library.list.model()
    rows = {model.index(r, 0).data(ConversationRole): model.index(r, 0) for r in range(3)}
    assert rows["p"].data(DetailRole).startswith("Not in latest export · ChatGPT")
    assert "Not in latest export" not in rows["s"].data(DetailRole)


def test_untitled_conversations_say_so(gui_app: App, tmp_path: Path) -> None:
    start_import(gui_app, chatgpt_zip(tmp_path / "u.zip", [conversation("u", title="")]))
    start_import(gui_app, chatgpt_zip(tmp_path / "n.zip", [{**conversation("n"), "title": None}]))
    model = ConversationListModel(
        lambda after, limit: library.list_page(gui_app, "default", after=after, limit=limit),
        now=gui_app.clock.now,
    )
    model.reload()
    assert {model.index(r, 0).data() for r in range(2)} == {"Untitled"}


def test_search_as_you_type_then_open_at_the_matching_message(
    make_window, qtbot: QtBot, rich: App
) -> None:
    window = make_window()
    view = window.library
    with qtbot.waitSignal(view.searched, timeout=WAIT) as searched:
        qtbot.keyClicks(view.search, "autoly")
    assert searched.args == ["autoly"]
    assert view.list.model() is view.results
    assert view.results.rowCount() == 1
    row = view.results.index(0, 0)
    assert row.data() == "Baking bread"
    assert f"{library.MATCH_START}autolyse{library.MATCH_END}" in row.data(DetailRole)
    screenshot(window, "library-search")
    view.list.setFocus()
    view.list.setCurrentIndex(row)
    with qtbot.waitSignal(view.conversationShown, timeout=WAIT):
        qtbot.keyClick(view.list, Qt.Key.Key_Return)
    match = window.library.reader.message_widget("a1b")
    assert match is not None and match.property("match") is True
    qtbot.keyClick(view.search, Qt.Key.Key_Escape)
    assert view.search.text() == ""
    qtbot.waitUntil(lambda: view.list.model() is view.list_model)


def test_a_hit_on_another_branch_opens_that_branch_at_the_hit(
    make_window, qtbot: QtBot, rich: App
) -> None:
    """The edited question and its answer are off the current branch: choosing the hit
    shows their branch (the switcher at 2/2), scrolled to the hit, highlighted."""
    window = make_window()
    view = window.library
    with qtbot.waitSignal(view.searched, timeout=WAIT):
        view.search.setText("rye water")
        view.run_search()
    assert [r.node_id for r in view.results.results] == ["a1x"]
    with qtbot.waitSignal(view.conversationShown, timeout=WAIT):
        view.list.setCurrentIndex(view.results.index(0, 0))
    shown_on_screen(window, qtbot)
    assert [w.message.node_id for w in view.reader.widgets] == ["u1x", "a1x"]
    assert view.reader.message_widget("a1x").property("match") is True
    assert view.reader.message_widget("u1x").position.text() == "2/2"


def test_a_hit_deep_in_a_long_conversation_opens_at_once_and_earlier_messages_follow_upward(
    make_window, qtbot: QtBot, gui_app: App, tmp_path: Path
) -> None:
    start_import(
        gui_app, chatgpt_zip(tmp_path / "l.zip", conversations(1, prefix="long", turns=300))
    )
    window = make_window()
    window.resize(1100, 800)
    reader = window.library.reader
    window.library.open("long-0", focus="long-0-n290")
    hit = reader.message_widget("long-0-n290")
    assert hit is not None and hit.property("match") is True
    assert len(reader.widgets) < 5  # not the 290 messages above it, in one turn

    def first() -> int:
        return int(reader.widgets[0].message.node_id.rsplit("n", 1)[1])

    def on_screen() -> int:
        return int(hit.mapTo(reader.viewport(), QPoint(0, 0)).y())

    # In view at once; the messages above it are built as they come near, one per turn,
    # and the hit stays where it is on screen while they are added above it.
    qtbot.waitUntil(lambda: not hit.visibleRegion().isEmpty() and first() < 289, timeout=WAIT)
    where = on_screen()
    assert 0 <= where < reader.viewport().height()
    qtbot.waitUntil(lambda: first() <= 280, timeout=WAIT)
    qtbot.waitUntil(lambda: on_screen() == where, timeout=WAIT)
    assert "long 0 turn 280" in texts(reader)
    # Scrolling to the top reaches the conversation's first message.
    bar = reader.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.setValue(0) is None and first() == 0, timeout=WAIT)
    assert "long 0 turn 0" in texts(reader.widgets[0])


def test_a_hit_on_a_hidden_message_shows_hidden_messages(
    make_window, qtbot: QtBot, rich: App
) -> None:
    window = make_window()
    window.library.open("bread", focus="out")  # the python tool's output: hidden in the app
    shown_on_screen(window, qtbot)
    assert window.library.reader.show_hidden.isChecked()
    assert window.library.reader.message_widget("out").property("match") is True


def test_a_short_last_word_matches_titles_only_until_it_grows(rich: App) -> None:
    assert [r.conversation_id for r in library.search(rich, "default", "ba")] == ["bread"]
    assert library.search(rich, "default", "Fe") == []  # "Feed" is in a message only
    assert [r.conversation_id for r in library.search(rich, "default", "Fee")] == ["bread"]


def test_titles_count_more_than_message_text(gui_app: App, tmp_path: Path) -> None:
    in_text = conversation("text", [("user", "kefir " * 3), ("assistant", "ok")], title="Drinks")
    in_title = conversation("title", [("user", "hello"), ("assistant", "hi")], title="Kefir")
    start_import(gui_app, chatgpt_zip(tmp_path / "k.zip", [in_text, in_title]))
    results = library.search(gui_app, "default", "kefir")
    assert [r.conversation_id for r in results] == ["title", "text"]
    assert results[0].marked_title == f"{library.MATCH_START}Kefir{library.MATCH_END}"


def test_the_reader_shows_each_kind_of_block(make_window, qtbot: QtBot, rich: App) -> None:
    window = make_window()
    open_bread(window, qtbot)
    reader = window.library.reader
    assert reader.title.text() == "Baking bread"
    shown = texts(reader)
    answer = reader.message_widget("a1b")
    assert answer is not None
    documents = [v.document() for v in answer.findChildren(SafeText)]
    assert any("<table" in d.toHtml() for d in documents)  # a Markdown table
    assert any(d.toPlainText().startswith("Sourdough, step by step") for d in documents)
    languages = [w.text() for w in answer.findChildren(QLabel) if w.objectName() == "CodeLanguage"]
    assert languages == ["python"]
    assert "TeX stays as source: $e^{i\\pi} + 1 = 0$" in shown
    assert "Source: Bread guide" in shown
    thoughts = reader.message_widget("th")
    assert thoughts is not None
    fold = thoughts.findChild(Collapsible)
    assert fold.toggle.text() == "Thoughts" and fold.body.isHidden()  # folded
    fold.toggle.click()
    assert not fold.body.isHidden() and "Hydration matters most." in texts(fold.body)
    photo = reader.message_widget("u2")
    assert photo is not None
    assert "Image not in the archive: file-loaf. The export did not include it." in texts(photo)
    assert "Here is my loaf. **not bold**" in texts(photo)  # as typed, not Markdown
    canvas = reader.message_widget("cv")
    assert canvas is None  # a tool call: hidden until "Show hidden"
    reader.show_hidden.click()
    # Built a message per turn of the event loop: wait for the later of the two.
    qtbot.waitUntil(lambda: reader.message_widget("ce") is not None)
    canvas, edit = reader.message_widget("cv"), reader.message_widget("ce")
    assert "Document: Bread plan" in texts(canvas) and "Bake on Sunday." in texts(canvas)
    assert "Replace /(a+)+$/ (every match) with:\nMonday" in texts(edit)  # shown, never run
    assert "hidden in the app" in texts(reader.message_widget("call"))
    assert "0.7" in texts(reader.message_widget("out"))
    shown_on_screen(window, qtbot)
    screenshot(window, "library-reader")


def test_a_claude_attachment_folds_with_its_text(make_window, qtbot: QtBot, rich: App) -> None:
    window = make_window()
    window.library.open("claude-notes")
    qtbot.waitUntil(lambda: window.library.reader.message_widget("c2") is not None)
    human = window.library.reader.message_widget("c1")
    fold = human.findChild(Collapsible)
    assert fold.toggle.text() == "Attachment: notes.txt"
    assert "Line one\nLine two" in texts(fold.body)
    reply = window.library.reader.message_widget("c2")
    assert reply.who.text() == "Claude"
    assert [f.toggle.text() for f in reply.findChildren(Collapsible)] == ["Thoughts"]


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_context_claude_injected_shows_only_with_show_hidden_and_says_so(
    make_window, qtbot: QtBot, gui_app: App, tmp_path: Path, palette: str, qapp
) -> None:
    export_file = write_zip(tmp_path / "c.zip", {"conversations.json": [injected_conversation()]})
    start_import(gui_app, export_file)
    with painted(qapp, palette):
        window = make_window()
        reader = window.library.reader
        window.library.open("inj")
        qtbot.waitUntil(lambda: reader.message_widget("a") is not None)
        assert "2 hidden" in reader.details.text()
        asked = reader.message_widget("q")
        assert texts(asked).count("Plan my week") == 1
        assert "Bohinj" not in texts(reader) and "context" not in texts(reader).lower()
        assert reader.message_widget("d") is None

        reader.show_hidden.click()
        qtbot.waitUntil(lambda: reader.message_widget("a") is not None)
        asked = reader.message_widget("q")
        folds = asked.findChildren(Collapsible)
        assert [f.toggle.text() for f in folds] == ["Context the app added: memory"]
        assert folds[0].body.isHidden()  # folded: it is not what the person typed
        folds[0].toggle.click()
        assert MEMORY in texts(folds[0].body)
        name = QAccessible.queryAccessibleInterface(folds[0].toggle).text(QAccessible.Text.Name)
        assert name == "Show or hide: Context the app added: memory"
        dated = reader.message_widget("d")
        assert dated is not None
        assert dated.who.text() == "Claude app"  # not "You": the person did not type it
        assert [f.toggle.text() for f in dated.findChildren(Collapsible)] == [
            "Context the app added"
        ]
        shown_on_screen(window, qtbot)
        screenshot(window, f"claude-injected-{palette}")


def test_the_branch_switcher_walks_edits_and_regenerations(
    make_window, qtbot: QtBot, rich: App
) -> None:
    window = make_window()
    open_bread(window, qtbot)
    reader = window.library.reader
    question = reader.message_widget("u1")
    assert question.position.text() == "1/2"
    question.next.click()  # the edited question and the answer below it
    qtbot.waitUntil(lambda: [w.message.node_id for w in reader.widgets] == ["u1x", "a1x"])
    assert reader.message_widget("u1x").position.text() == "2/2"
    reader.message_widget("u1x").previous.click()
    qtbot.waitUntil(lambda: reader.message_widget("th") is not None)
    thinking = reader.message_widget("th")
    assert thinking.position.text() == "2/2"
    thinking.previous.click()  # the first answer, before it was regenerated
    qtbot.waitUntil(lambda: [w.message.node_id for w in reader.widgets] == ["u1", "a1"])
    assert "First answer: just bake it." in texts(reader)


def test_copy_message_puts_its_text_on_the_clipboard(make_window, qtbot: QtBot, rich: App) -> None:
    window = make_window()
    open_bread(window, qtbot)
    widget = window.library.reader.message_widget("a1b")
    widget.copy.click()
    copied = QGuiApplication.clipboard().text()
    assert copied == plain_text(widget.message.blocks)
    assert "```python\ndef hydration" in copied


def test_the_keyboard_reaches_search_list_and_reader(make_window, qtbot: QtBot, rich: App) -> None:
    window = make_window()
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.library.search.hasFocus())
    qtbot.keyClick(window.library.search, Qt.Key.Key_Down)
    assert window.library.list.hasFocus()
    second = window.library.list.model().index(1, 0).data(ConversationRole)
    with qtbot.waitSignal(window.library.conversationShown, timeout=WAIT) as moved:
        qtbot.keyClick(window.library.list, Qt.Key.Key_Down)  # shown as the row is reached
    assert moved.args == [second] and window.library.reader.conversation is not None
    assert window.library.reader.conversation.conversation_id == second
    with qtbot.waitSignal(window.library.conversationShown, timeout=WAIT) as shown:
        qtbot.keyClick(window.library.list, Qt.Key.Key_Return)
    assert shown.args == [second]
    # Arrow presses queued faster than the window turns open only the row they end on.
    opened: list[str] = []
    window.library.conversationShown.connect(opened.append)
    fifth = window.library.list.model().index(4, 0).data(ConversationRole)
    for _ in range(3):
        QApplication.sendEvent(window.library.list, press(Qt.Key.Key_Down))
    qtbot.waitUntil(lambda: opened == [fifth])
    assert window.library.reader.conversation.conversation_id == fifth


def test_controls_and_rows_and_text_are_exposed_to_screen_readers(
    make_window, qtbot: QtBot, rich: App
) -> None:
    window = make_window()
    open_bread(window, qtbot)
    assert focusable_controls(window.library) and unnamed_controls(window.library) == []
    listing = QAccessible.queryAccessibleInterface(window.library.list)
    model = window.library.list.model()
    children = [listing.child(i) for i in range(listing.childCount())]
    cells = [c for c in children if c.role() == QAccessible.Role.Cell]
    assert [c.text(QAccessible.Text.Name) for c in cells] == [
        model.index(row, 0).data() for row in range(model.rowCount())
    ]
    bread = cells[[c.text(QAccessible.Text.Name) for c in cells].index("Baking bread")]
    assert "ChatGPT" in bread.text(QAccessible.Text.Description)
    # No row numbers or column names read before the titles: the list has no headers.
    assert not [
        c for c in children if c.role() != QAccessible.Role.Cell and c.text(QAccessible.Text.Name)
    ]
    views = window.library.reader.message_widget("a1b").findChildren(SafeText)
    exposed = [QAccessible.queryAccessibleInterface(v) for v in views]
    names = {e.text(QAccessible.Text.Name) for e in exposed}
    assert {"Message text", "Code, python", "Source"} <= names
    said = "\n".join(e.text(QAccessible.Text.Value) for e in exposed)
    assert "Sourdough, step by step" in said and "def hydration" in said


KEEP: list[QMimeData] = []  # an event does not own its mime data: keep it alive


def drag_event(kind: type, window: ImportWindow, path: Path) -> Any:
    data = QMimeData()
    KEEP.append(data)
    data.setUrls([QUrl.fromLocalFile(str(path))])
    event = kind(
        QPoint(40, 40) if kind is QDragEnterEvent else QPointF(40, 40),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    return event


def test_an_export_dropped_anywhere_on_the_library_is_imported_and_the_list_refreshes(
    make_window, qtbot: QtBot, rich: App, tmp_path: Path
) -> None:
    window = make_window()
    open_bread(window, qtbot)
    export = chatgpt_zip(tmp_path / "more.zip", conversations(5, prefix="more"))
    window.dragEnterEvent(drag_event(QDragEnterEvent, window, export))
    assert window.body.property("drop") == "accept"
    assert window.statusBar().currentMessage() == "Release to import more.zip"
    screenshot(window, "library-drop")
    with qtbot.waitSignal(window.importEnded, timeout=WAIT) as ended:
        window.dropEvent(drag_event(QDropEvent, window, export))
    assert ended.args == ["complete"]
    assert window.body.property("drop") == "none"
    model = window.library.list.model()
    ids = {model.index(r, 0).data(ConversationRole) for r in range(model.rowCount())}
    assert {"more-0", "bread"} <= ids
    assert window.library.current == "bread"  # the selection is kept
    assert window.library.list.currentIndex().data(ConversationRole) == "bread"
    window.dragEnterEvent(drag_event(QDragEnterEvent, window, tmp_path / "notes.txt"))
    assert window.body.property("drop") == "refuse"


def test_untrusted_markdown_stays_inert(
    make_window, qtbot: QtBot, rich: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", opened.append)
    window = make_window()
    open_bread(window, qtbot)
    hostile = window.library.reader.message_widget("a2")
    shown = texts(hostile)
    assert "<script>alert('x')</script>" in shown and "<b>raw html</b>" in shown  # as text
    view = next(v for v in hostile.findChildren(SafeText) if "click me" in v.toPlainText())
    for url in ("javascript:alert(1)", "file:///etc/passwd", "http://tracker.example/pixel.png"):
        assert view.loadResource(QTextDocument.ResourceType.ImageResource, QUrl(url)) is None
    refused: list[QUrl] = []
    view.linkRefused.connect(refused.append)
    view.anchorClicked.emit(QUrl("javascript:alert(1)"))
    view.anchorClicked.emit(QUrl("file:///etc/passwd"))
    assert opened == [] and len(refused) == 2
    view.anchorClicked.emit(QUrl("https://example.org/bread"))
    assert opened == [QUrl("https://example.org/bread")]
    html = view.document().toHtml()
    assert "<img" not in html  # a Markdown image is a link that names it, never loaded
    assert "image: tracker" in view.toPlainText()


def test_code_fences_are_split_out_with_their_language() -> None:
    assert split_fences("Intro\n\n````text\n```nested```\n````\nAfter") == [
        ("text", "Intro\n", None),
        ("code", "```nested```", "text"),
        ("text", "After", None),
    ]
    assert split_fences("```py\nunclosed") == [("code", "unclosed", "py")]


def test_a_long_message_starts_collapsed_behind_show_all(
    make_window, qtbot: QtBot, gui_app: App, tmp_path: Path
) -> None:
    paste = "line of a pasted log\n" * 5000  # 100 KB
    start_import(gui_app, chatgpt_zip(tmp_path / "l.zip", [conversation("log", [("user", paste)])]))
    window = make_window()
    window.library.open("log")
    qtbot.waitUntil(lambda: bool(window.library.reader.widgets))
    widget: MessageWidget = window.library.reader.widgets[0]
    assert widget.show_all.text().startswith("Show all (")
    assert len(texts(widget)) < 10_000
    widget.show_all.click()
    qtbot.waitUntil(lambda: paste.strip() in texts(widget))


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_screenshots_of_the_library(
    make_window, qtbot: QtBot, rich: App, palette: str, qapp
) -> None:
    """Not an assertion of looks: the PNGs a person checks (DESKTOP_IMPORTER_SCREENSHOTS)."""
    with painted(qapp, palette):
        window = make_window()
        window.resize(1100, 760)
        open_bread(window, qtbot)
        screenshot(window, f"library-{palette}")
        with qtbot.waitSignal(window.library.searched, timeout=WAIT):
            window.library.search.setText("hydration")
            window.library.run_search()
        screenshot(window, f"library-search-{palette}")
        assert window.library.results.rowCount() == 1


def test_an_older_archive_is_upgraded_with_the_window_on_screen_and_progress_shown(
    qtbot: QtBot, data_dir: Path, window_as_started, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_importer.store import recovery as recovery_sql
    from desktop_importer.upkeep import recovery
    from tests.helpers.archive import load_archive_v6

    monkeypatch.setattr(recovery_sql, "COPIES_STEP_ROWS", 1)  # a step per message: many steps
    shown: list[str] = []  # every line the window puts up, from the first step on

    def sentence(stage: str, done: int) -> str:
        shown.append(recovery.STAGES[stage].format(done=done))
        return shown[-1]

    monkeypatch.setattr(recovery, "stage_sentence", sentence)
    load_archive_v6(data_dir)
    window = window_as_started()
    assert window.pages.currentWidget() is window.library  # readable while it works
    qtbot.waitUntil(lambda: window.upkeep.maintenance_job is None, timeout=WAIT)
    assert window.maintenance.text() == shown[-1]
    assert shown and shown[0].startswith("Updating the search index so that it finds")
    assert shown[-1].endswith("100%")
    assert any(t.startswith("Updating the archive for this version") for t in shown)
    assert not window.maintenance.isVisible()
    with qtbot.waitSignal(window.library.searched, timeout=WAIT):
        window.library.search.setText("勉強")
        window.library.run_search()
    assert window.library.results.rowCount() == 1
    assert window.library.results.results[0].node_id == "cjk-ja-n0"


def press(key: Qt.Key) -> QKeyEvent:
    return QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier)
