"""One window per profile: a second launch hands its file to the running window and exits.

The running window listens on a local socket named after the data folder and the profile
(so a test's private data folder never reaches the user's real window).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

RAISE = "--raise"  # what a second launch without a file sends


def server_name(data_dir: Path, profile: str) -> str:
    key = f"{data_dir.resolve()}\0{profile}\0{os.getuid() if hasattr(os, 'getuid') else ''}"
    return "desktop-importer-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def hand_over(name: str, path: Path | None, timeout_ms: int = 1000) -> bool:
    """Give `path` to a running window for this profile; False if none is running."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    message = str(path.resolve()) if path is not None else RAISE
    socket.write(message.encode("utf-8") + b"\n")
    socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    return True


class InstanceServer(QObject):
    fileReceived = Signal(Path)
    raiseRequested = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self._server.listen(name):
            QLocalServer.removeServer(name)  # left behind by a window that crashed
            self._server.listen(name)
        self._server.newConnection.connect(self._accept)

    def is_listening(self) -> bool:
        return self._server.isListening()

    def _accept(self) -> None:
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            line = bytes(socket.readLine().data()).decode("utf-8").strip()
            if line == RAISE:
                self.raiseRequested.emit()
            elif line:
                self.fileReceived.emit(Path(line))
