"""Code in the reader, coloured by Pygments' lexer for its fence's language: a string or a
comment over several lines is coloured as one, each language by its own keywords, a block
without a language only when the guess is sure; and how it looks, light and dark, with a
generated image beside it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QTextDocument
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from desktop_importer.app import App
from desktop_importer.gui.safe_text import SafeText
from desktop_importer.importing.service import start_import
from tests.gui.conftest import dark_palette, screenshot
from tests.helpers.exports import BASE_TIME, chatgpt_zip, message
from tests.helpers.media import png
from tests.integration.test_vendor_view import chatgpt_conv, generated_images

WAIT = 60_000
PYTHON = 'def greet(name):\n    """Say hello\n    to someone."""\n    return f"Hi {name}"  # kind\n'
SQL = "SELECT name, count(*)\n  FROM bees\n WHERE hive = 'north'\n GROUP BY name;"
SHELL = 'for f in *.txt; do\n  echo "$f"  # each file\ndone'


def colour_at(document: QTextDocument, line: int, column: int) -> QColor | None:
    """The colour the highlighter gave the character at (line, column), if any."""
    layout = document.findBlockByNumber(line).layout()
    for span in layout.formats():
        if span.start <= column < span.start + span.length:
            return span.format.foreground().color()
    return None


def code_view(code: str, language: str | None, qtbot: QtBot) -> SafeText:
    view = SafeText()
    qtbot.addWidget(view)
    view.set_code(code, language)
    view.resize(500, 200)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_a_docstring_over_lines_is_one_string_and_keywords_are_python_s(qtbot: QtBot) -> None:
    view = code_view(PYTHON, "python", qtbot)
    document = view.document()
    string = colour_at(document, 1, 6)  # the docstring's first line
    assert string is not None
    assert colour_at(document, 2, 6) == string  # its second line: still the string
    assert colour_at(document, 0, 0) not in (None, string)  # `def`
    comment = colour_at(document, 3, 26)
    assert comment not in (None, string)


def test_each_language_by_its_own_lexer(qtbot: QtBot) -> None:
    sql_view = code_view(SQL, "sql", qtbot)
    sql = sql_view.document()
    assert colour_at(sql, 0, 0) is not None  # SELECT
    assert colour_at(sql, 2, 14) is not None  # 'north'
    shell_view = code_view(SHELL, "sh", qtbot)  # an alias of bash
    shell = shell_view.document()
    assert colour_at(shell, 0, 0) is not None  # for
    assert colour_at(shell, 1, 14) is not None  # the comment
    # `--` is no comment in Python, and `#` none in SQL: one pattern for all had both.
    python_view = code_view("x = 1 -- 2\n", "python", qtbot)
    python = python_view.document()
    number = colour_at(python, 0, 4)  # 1
    assert number is not None
    assert colour_at(python, 0, 9) == number  # 2, after `--`: a number, not a comment


def test_a_block_without_a_language_is_guessed_only_when_sure(qtbot: QtBot) -> None:
    sure = code_view("#!/usr/bin/env python3\nimport sys\nprint(sys.argv)\n", None, qtbot)
    assert colour_at(sure.document(), 1, 0) is not None  # import
    unsure = code_view("total = price * count\n", None, qtbot)
    assert colour_at(unsure.document(), 0, 0) is None
    unknown = code_view("frobnicate all the things\n", "no-such-language", qtbot)
    assert colour_at(unknown.document(), 0, 0) is None


def code_conversation() -> dict[str, object]:
    answer = (
        "Here is the script:\n\n```python\n" + PYTHON + "```\n\nThe query:\n\n```sql\n" + SQL
        + "\n```\n\nAnd the loop:\n\n```bash\n" + SHELL + "\n```\n"
    )  # fmt: skip
    return chatgpt_conv(
        "code",
        [message("u", "user", "Show me code", t=BASE_TIME), message("a", "assistant", answer)],
    )


@pytest.fixture
def code_app(gui_app: App, tmp_path: Path) -> App:
    files = {"dalle-generations/file-FOX-1b2c.png": png(160, 90, seed=7)}
    convs = [code_conversation(), generated_images()]
    start_import(gui_app, chatgpt_zip(tmp_path / "code.zip", convs, files=files))
    return gui_app


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_code_blocks_and_a_generated_image_as_the_reader_shows_them(
    make_window, qtbot: QtBot, code_app: App, palette: str
) -> None:
    if palette == "dark":
        QApplication.setPalette(dark_palette())
    try:
        window = make_window()
        reader = window.library.reader
        for conversation_id, name in (("code", "code"), ("gen", "generated-image")):
            with qtbot.waitSignal(window.library.conversationShown, timeout=WAIT):
                window.library.open(conversation_id)
            qtbot.waitUntil(lambda: len(reader.widgets) == len(reader.conversation.messages))
            qtbot.waitUntil(
                lambda: all(not w.visibleRegion().isEmpty() for w in reader.widgets[:2])
            )
            screenshot(window, f"reader-{name}-{palette}")
        pictures = [reader.message_widget(n) for n in ("dalle", "newtool")]
        # Part of the assistant's turn, as in the app: not "Tool: t2uay3k.sj1i4kz".
        assert [w.who.text() for w in pictures if w is not None] == ["ChatGPT", "ChatGPT"]
        captions = [label.text() for w in pictures if w for label in w.findChildren(QLabel)]
        assert "A fox" in captions
        assert "Cat astronaut" in captions  # its picture is missing: the caption stays
    finally:
        QApplication.setPalette(QApplication.style().standardPalette())
