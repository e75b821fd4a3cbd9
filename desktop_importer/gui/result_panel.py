"""How the last import ended, under the progress bar: a title (red when it failed), the
report's lines, and the ways on: "Try again" with the same files, "Import anyway" past a
size limit that is safe to lift, and, when an export's files are missing (Claude's
manifest), "Open the download link" for each, in the browser (https links only), and
"Import what is there" when the files present can be imported without them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_importer.basics.errors import DesktopImporterError, FilesMissing


class ResultPanel(QWidget):
    # Each with the list of paths given (one export, however many files)
    retryRequested = Signal(list)  # to import again
    anywayRequested = Signal(list)  # to import past the size limit
    restRequested = Signal(list)  # to import without the files that are missing

    def __init__(self) -> None:
        super().__init__()
        self.title = QLabel()
        self.title.setObjectName("ResultTitle")
        self.title.setWordWrap(True)
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = QPushButton("Try again")
        self.retry_button.setAccessibleName("Try the import again")
        self.retry_button.hide()
        self.anyway_button = QPushButton("Import anyway")
        self.anyway_button.setAccessibleName("Import this file anyway, past the size limit")
        self.anyway_button.hide()
        self.links_button = QPushButton()
        self.links_button.hide()
        self.rest_button = QPushButton("Import what is there")
        self.rest_button.setAccessibleName(
            "Import the files that are there now, without the missing ones"
        )
        self.rest_button.hide()
        self.retry_paths: list[Path] = []
        self.anyway_paths: list[Path] = []
        self.rest_paths: list[Path] = []
        self.links: tuple[tuple[str, str], ...] = ()
        row = QHBoxLayout()
        row.addWidget(self.title, 1)
        row.addWidget(self.links_button)
        row.addWidget(self.rest_button)
        row.addWidget(self.anyway_button)
        row.addWidget(self.retry_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)  # as the window's body lays out its rows
        layout.addLayout(row)
        layout.addWidget(self.body)
        self.retry_button.clicked.connect(self._retry)
        self.anyway_button.clicked.connect(lambda: self.anywayRequested.emit(self.anyway_paths))
        self.rest_button.clicked.connect(lambda: self.restRequested.emit(self.rest_paths))
        self.links_button.clicked.connect(self._open_links)

    def show_result(
        self,
        title: str,
        lines: list[str],
        *,
        error: bool = False,
        retry: list[Path] | None = None,
    ) -> None:
        """Say how it ended; offer "Try again" when the files are still there."""
        self.title.setText(title)
        self.title.setProperty("tone", "error" if error else "normal")
        self.title.style().unpolish(self.title)
        self.title.style().polish(self.title)
        self.body.setText("\n".join(line for line in lines if line))
        self.retry_paths = retry if retry and all(p.exists() for p in retry) else []
        self.retry_button.setVisible(bool(self.retry_paths))
        self.anyway_paths = []
        self.anyway_button.hide()
        self.rest_paths = []
        self.rest_button.hide()
        self.links = ()
        self.links_button.hide()

    def show_refusal(
        self, title: str, error: DesktopImporterError, given: list[Path] | None = None
    ) -> None:
        """Files refused before anything started; where some are missing, offer to open
        their download links, and to import `given` without them if that can be done."""
        self.show_result(title, [error.message], error=True)
        if isinstance(error, FilesMissing) and error.rest and given:
            self.rest_paths = given
            self.rest_button.show()
        if isinstance(error, FilesMissing) and error.links:
            self.links = error.links
            several = len(error.links) > 1
            self.links_button.setText(
                f"Open the {len(error.links)} download links"
                if several
                else "Open the download link"
            )
            self.links_button.setAccessibleName(
                "Open in the browser the links to download "
                + ", ".join(name for name, _ in error.links)
            )
            self.links_button.show()

    def _open_links(self) -> None:
        for _name, url in self.links:
            QDesktopServices.openUrl(QUrl(url))

    def offer_anyway(self, paths: list[Path] | None) -> None:
        self.anyway_paths = paths or []
        self.anyway_button.setVisible(bool(self.anyway_paths))

    def _retry(self) -> None:
        if self.retry_paths:
            self.retryRequested.emit(self.retry_paths)
