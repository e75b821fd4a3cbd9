"""Files macOS hands to the app: Finder's "Open With", a drop on the Dock icon, `open -a`.

They arrive as QFileOpenEvents on the application, never as command-line arguments, both
at launch and while the window is open.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QFileOpenEvent


class FileOpenEvents(QObject):
    """Install on the QApplication; emits each local file it is asked to open."""

    fileReceived = Signal(Path)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            if event.file():
                self.fileReceived.emit(Path(event.file()))
            return True
        return super().eventFilter(watched, event)
