"""Help → Use with an AI assistant…: the exact configuration for an MCP client, with a Copy
button (memory/connect.py makes it; this dialog only shows it)."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_importer.memory.connect import client_config

EXPLANATION = (
    "Your assistant (Claude Desktop, an editor with an assistant, a local model) can search "
    "and read this archive through the Model Context Protocol, on this computer: nothing is "
    "uploaded, and it can change nothing. Add this to its MCP configuration (in Claude "
    "Desktop: Settings → Developer → Edit Config, claude_desktop_config.json), then restart "
    "it. The assistant starts the server itself when it needs it."
)


class AssistantDialog(QDialog):
    def __init__(self, profile: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Use with an AI assistant")
        self.explanation = QLabel(EXPLANATION)
        self.explanation.setWordWrap(True)
        self.config = QPlainTextEdit(client_config(profile))
        self.config.setReadOnly(True)
        self.config.setAccessibleName("MCP configuration for your assistant")
        self.config.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.copy = QPushButton("&Copy")
        self.copy.setAccessibleName("Copy the configuration")
        self.copy.clicked.connect(self._copy)
        self.copied = QLabel("")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.copy, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.config)
        layout.addWidget(self.copied)
        layout.addWidget(buttons)
        self.resize(620, 380)

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.config.toPlainText())
        self.copied.setText("Copied. Paste it into your assistant's configuration.")
