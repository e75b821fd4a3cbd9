"""Media in the reader: photos and generated images inline, decoded off the GUI thread and
scaled; a voice message and a PDF as rows with Open and Save as…; HTML saved only; a
missing file named; an image declaring 50,000 x 50,000 pixels refused without decoding it."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QIODevice, QPoint, QRect, Qt, QUrl
from PySide6.QtGui import QAccessible, QColor, QDesktopServices, QImage, QLinearGradient, QPainter
from PySide6.QtWidgets import QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from desktop_importer.app import App
from desktop_importer.gui import media_view
from desktop_importer.gui.main_window import ImportWindow
from desktop_importer.gui.media_view import FileRow, ImageView
from desktop_importer.gui.safe_text import SafeText
from desktop_importer.importing.service import start_import
from tests.gui.conftest import (
    focusable_controls,
    painted,
    screenshot,
    unnamed_controls,
)
from tests.gui.test_library import shown_on_screen, texts
from tests.helpers.exports import chatgpt_zip, conversations
from tests.helpers.media import PDF, image_part, png_claiming, sha, voice_part, wav, with_media

WAIT = 30_000


def picture(width: int, height: int, fmt: str, hue: int) -> bytes:
    """A real image in `fmt` (a gradient, so that a screenshot shows it)."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    gradient = QLinearGradient(0, 0, width, height)
    gradient.setColorAt(0, QColor.fromHsv(hue, 160, 230))
    gradient.setColorAt(1, QColor.fromHsv((hue + 60) % 360, 200, 120))
    painter.fillRect(image.rect(), gradient)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, fmt)  # type: ignore[call-overload]  # the stubs want bytes; Qt, str
    return bytes(buffer.data().data())


PHOTO = picture(1600, 1200, "JPEG", 20)  # wider than the reader: scaled down
DALLE = picture(300, 300, "WEBP", 200)  # smaller than the box: shown as it is
BOMB = png_claiming(50_000, 50_000)


@pytest.fixture
def albums(gui_app: App, tmp_path: Path) -> App:
    conv = with_media(
        "album",
        [
            image_part("file-service://file-PH1"),
            image_part("file-service://file-DA1", metadata={"dalle": {"prompt": "a red fox"}}),
            voice_part("sediment://file_vo1"),
            image_part("file-service://file-GONE"),
            image_part("file-service://file-BIG"),
            "My trip, a drawing and a voice note",
        ],
        attachments=[
            {"id": "file-PDF1", "name": "Itinerary.pdf", "mime_type": "application/pdf"},
            {"id": "file-WEB1", "name": "page.html", "mime_type": "text/html"},
        ],
    )
    files = {
        "file-PH1-beach.jpg": PHOTO,
        "dalle-generations/file-DA1-9f8e.webp": DALLE,
        "album/audio/file_vo1-77aa.wav": wav(0.2),
        "file-PDF1-Itinerary.pdf": PDF,
        "file-WEB1-page.html": b"<html><script>alert(1)</script></html>",
        "file-BIG-huge.png": BOMB,
    }
    start_import(gui_app, chatgpt_zip(tmp_path / "m.zip", [conv], files=files))
    return gui_app


def open_album(window: ImportWindow, qtbot: QtBot) -> None:
    window.resize(1100, 900)
    window.library.open("album")
    shown_on_screen(window, qtbot)


def images(window: ImportWindow) -> list[ImageView]:
    return window.library.reader.findChildren(ImageView)


def test_images_appear_inline_decoded_off_the_gui_thread_and_scaled(
    make_window, qtbot: QtBot, albums: App
) -> None:
    window = make_window()
    open_album(window, qtbot)
    photo, dalle, big = images(window)
    qtbot.waitUntil(lambda: photo.pixmap is not None and dalle.pixmap is not None, timeout=WAIT)
    assert photo.pixmap is not None and photo.pixmap.width() == media_view.MAX_WIDTH
    assert photo.pixmap.height() == media_view.MAX_WIDTH * 1200 // 1600
    assert dalle.pixmap is not None and dalle.pixmap.width() == 300  # never enlarged
    assert "a red fox" in texts(window.library.reader)  # the generated image's prompt
    # 50,000 x 50,000 declared: a sentence, never a 10 GB decode.
    qtbot.waitUntil(lambda: big.problem is not None, timeout=WAIT)
    assert big.pixmap is None and "too large to show here" in (big.problem or "")
    name = QAccessible.queryAccessibleInterface(photo).text(QAccessible.Text.Name)
    assert name == "Image beach.jpg"


def test_an_image_shown_twice_appears_in_both_places(
    make_window, qtbot: QtBot, gui_app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conv = with_media(
        "twice",
        [image_part("file-service://file-PH1"), "Before", image_part("file-service://file-PH1")],
    )
    start_import(
        gui_app, chatgpt_zip(tmp_path / "t.zip", [conv], files={"file-PH1-beach.jpg": PHOTO})
    )
    monkeypatch.setattr(media_view, "_decoder", None)  # none decoded yet, in this process
    decoded: list[Path] = []
    decode = media_view.decode

    def counted(path: Path, *box: int) -> QImage | str:
        decoded.append(path)
        return decode(path, *box)

    monkeypatch.setattr(media_view, "decode", counted)
    window = make_window()
    window.resize(1100, 900)
    window.library.open("twice")
    shown_on_screen(window, qtbot)
    first, second = images(window)
    qtbot.waitUntil(lambda: first.pixmap is not None and second.pixmap is not None, timeout=WAIT)
    assert len(decoded) == 1  # decoded once, for both


def test_decoded_images_are_taken_up_on_the_gui_thread_and_then_nothing_keeps_waking_it(
    make_window, qtbot: QtBot, albums: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The decoding thread hands its images over through a queue that a timer empties (an
    emit from it could deadlock with a GUI thread that connects a signal): the images are
    taken on the GUI thread, and once none is left to decode the timer stops."""
    monkeypatch.setattr(media_view, "_decoder", None)  # a decoder of this test's own
    threads: dict[str, set[int]] = {"decode": set(), "take": set()}
    decode, take = media_view.decode, ImageView.take

    def decoding(path: Path, *box: int) -> QImage | str:
        threads["decode"].add(threading.get_ident())
        return decode(path, *box)

    def taking(view: ImageView, result: QImage | str) -> None:
        threads["take"].add(threading.get_ident())
        take(view, result)

    monkeypatch.setattr(media_view, "decode", decoding)
    monkeypatch.setattr(ImageView, "take", taking)
    window = make_window()
    open_album(window, qtbot)
    photo, dalle, big = images(window)
    qtbot.waitUntil(lambda: None not in (photo.pixmap, dalle.pixmap, big.problem), timeout=WAIT)
    assert threads["take"] == {threading.get_ident()}
    assert threading.get_ident() not in threads["decode"]
    qtbot.waitUntil(lambda: not media_view.decoder()._collect.isActive(), timeout=WAIT)


def test_in_a_narrow_reader_images_shrink_to_its_width(
    make_window, qtbot: QtBot, albums: App
) -> None:
    window = make_window()
    open_album(window, qtbot)
    window.library.setSizes([700, 400])  # the list wide, the reader narrow
    photo = images(window)[0]
    qtbot.waitUntil(lambda: photo.width() < media_view.MAX_WIDTH, timeout=WAIT)
    box = photo.parentWidget()
    assert box is not None and photo.width() <= box.width()
    assert abs(photo.height() - photo.width() * 1200 / 1600) <= 1  # its shape kept


def test_files_are_rows_with_open_and_save_and_html_is_saved_only(
    make_window, qtbot: QtBot, albums: App
) -> None:
    window = make_window()
    open_album(window, qtbot)
    rows = {row.file.name: row for row in window.library.reader.findChildren(FileRow)}
    assert set(rows) == {"77aa.wav", "Itinerary.pdf", "page.html"}
    voice, pdf, page = rows["77aa.wav"], rows["Itinerary.pdf"], rows["page.html"]
    assert "Voice recording · " in texts(voice) and "audio/wav" in texts(voice)
    assert "application/pdf" in texts(pdf) and pdf.open is not None
    assert page.open is None and page.save.text() == "Save as…"  # could run script: save only
    for row in (voice, pdf, page):
        interface = QAccessible.queryAccessibleInterface(row.save)
        assert interface.text(QAccessible.Text.Name).startswith("Save ")


def test_open_hands_over_a_private_copy_named_from_its_hash(
    make_window, qtbot: QtBot, albums: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []

    def hand_over(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", hand_over)
    window = make_window()
    open_album(window, qtbot)
    pdf = next(
        r for r in window.library.reader.findChildren(FileRow) if r.file.name.endswith("pdf")
    )
    assert pdf.open is not None
    pdf.open.click()
    (url,) = opened
    copy = Path(url.toLocalFile())
    assert copy.read_bytes() == PDF and copy.name == f"{sha(PDF)[:16]}.pdf"
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    photo = images(window)[0]
    qtbot.mouseClick(photo, Qt.MouseButton.LeftButton)  # a click opens it full size
    assert Path(opened[1].toLocalFile()).read_bytes() == PHOTO


def test_save_as_writes_the_bytes_where_the_person_chose(
    make_window, qtbot: QtBot, albums: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "saved.wav"
    suggested: list[str] = []

    def ask(parent: object, caption: str, name: str) -> tuple[str, str]:
        suggested.append(name)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", ask)
    window = make_window()
    open_album(window, qtbot)
    voice = next(
        r for r in window.library.reader.findChildren(FileRow) if r.file.name == "77aa.wav"
    )
    voice.save.click()
    assert suggested == ["77aa.wav"] and target.read_bytes() == wav(0.2)


def test_every_media_control_has_an_accessible_name(make_window, qtbot: QtBot, albums: App) -> None:
    window = make_window()
    open_album(window, qtbot)
    reader = window.library.reader
    controls = focusable_controls(reader)
    assert len([w for w in controls if isinstance(w, ImageView)]) == 3
    assert unnamed_controls(reader) == []
    (pdf,) = [r for r in reader.findChildren(FileRow) if r.file.name == "Itinerary.pdf"]
    said = QAccessible.queryAccessibleInterface(pdf).text(QAccessible.Text.Name)
    assert said == "File Itinerary.pdf, 50 bytes"


def test_a_missing_file_is_a_placeholder_that_names_it(
    make_window, qtbot: QtBot, albums: App
) -> None:
    window = make_window()
    open_album(window, qtbot)
    assert "Image not in the archive: file-GONE. The export did not include it." in texts(
        window.library.reader
    )


VISIBLY = bytes(0 if level <= 24 else 1 for level in range(256))


def changed_pixels(a: QImage, b: QImage) -> int:
    """Pixels that differ by more than antialiasing does: a rounded corner painted through
    two clips differs by a level or two, stale content by far more."""
    difference = a.convertToFormat(QImage.Format.Format_RGB32)
    painter = QPainter(difference)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Difference)
    painter.drawImage(0, 0, b)
    painter.end()
    grey = difference.convertToFormat(QImage.Format.Format_Grayscale8)
    data, stride = bytes(grey.constBits()), grey.bytesPerLine()
    rows = (data[y * stride : y * stride + grey.width()] for y in range(grey.height()))
    return sum(row.translate(VISIBLY).count(1) for row in rows)


def shown_as_drawn(window: ImportWindow) -> bool:
    """What the reader has on screen (the window's backing store) is what it draws afresh:
    nothing stale is left behind."""
    viewport = window.library.reader.viewport()
    where = QRect(viewport.mapTo(window, QPoint(0, 0)), viewport.size())
    shown = window.screen().grabWindow(window.winId()).toImage().copy(where)
    return changed_pixels(shown, viewport.grab().toImage()) == 0


def test_nothing_stale_stays_on_screen_as_the_reader_scrolls_resizes_and_switches(
    make_window, qtbot: QtBot, albums: App, tmp_path: Path
) -> None:
    # The reader's page repaints only what it uncovers as it grows (WA_StaticContents).
    start_import(albums, chatgpt_zip(tmp_path / "short.zip", conversations(1, prefix="short")))
    window = make_window()
    open_album(window, qtbot)
    photo, dalle, _ = images(window)
    qtbot.waitUntil(lambda: photo.pixmap is not None and dalle.pixmap is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: shown_as_drawn(window), timeout=WAIT)
    bar = window.library.reader.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    qtbot.waitUntil(lambda: shown_as_drawn(window), timeout=WAIT)
    window.resize(760, 700)
    qtbot.waitUntil(lambda: shown_as_drawn(window), timeout=WAIT)
    window.library.open("short-0")
    qtbot.waitUntil(lambda: "short 0 turn 1" in texts(window.library.reader), timeout=WAIT)
    qtbot.waitUntil(lambda: shown_as_drawn(window), timeout=WAIT)


def wanted_height(widget: QWidget) -> int:
    if widget.hasHeightForWidth():
        return widget.heightForWidth(widget.width())
    return widget.sizeHint().height()


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_screenshots_of_media(make_window, qtbot: QtBot, albums: App, palette: str, qapp) -> None:
    """Not an assertion of looks: the PNGs a person checks (DESKTOP_IMPORTER_SCREENSHOTS)."""
    with painted(qapp, palette):
        window = make_window()
        open_album(window, qtbot)
        photo, dalle, _ = images(window)
        qtbot.waitUntil(lambda: photo.pixmap is not None and dalle.pixmap is not None, timeout=WAIT)
        screenshot(window, f"media-{palette}")
        bar = window.library.reader.verticalScrollBar()
        bar.setValue(bar.maximum())
        reader = window.library.reader
        qtbot.waitUntil(  # laid out again at the sizes its texts and images turned out to have
            lambda: (
                all(v.height() == v.fitted_height() for v in reader.findChildren(SafeText))
                and all(w.height() == wanted_height(w) for w in reader.widgets)
            ),
            timeout=WAIT,
        )
        screenshot(window, f"media-files-{palette}")


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_chatgpt_library_files_show_in_the_message_that_made_them(
    make_window, qtbot: QtBot, gui_app: App, tmp_path: Path, palette: str, qapp
) -> None:
    from tests.integration.test_chatgpt_library import library_export

    start_import(gui_app, library_export(tmp_path / "chatgpt.zip"))
    with painted(qapp, palette):
        window = make_window()
        window.library.open("made")
        qtbot.waitUntil(lambda: window.library.reader.message_widget("made-n1") is not None)
        answer = window.library.reader.message_widget("made-n1")
        (chart,) = answer.findChildren(ImageView)
        qtbot.waitUntil(lambda: chart.pixmap is not None, timeout=WAIT)
        (plan,) = answer.findChildren(FileRow)
        assert "Kitchen plan.md" in texts(plan)
        name = QAccessible.queryAccessibleInterface(chart).text(QAccessible.Text.Name)
        assert name == "Image Sales chart.png"
        assert unnamed_controls(answer) == []
        shown_on_screen(window, qtbot)
        screenshot(window, f"chatgpt-library-{palette}")
