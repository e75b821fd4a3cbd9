"""The library's Projects and Memory pages, in the reader pane: what Claude's export holds
beside the conversations, shown as Claude's app shows it. A project: its name, description,
instructions, what Claude remembers of it, and its documents (each folded under its name).
The memory: what Claude remembers of the person, its memory files, and what it remembers of
each project. Every word comes from an export, so every text is a SafeText (Markdown without
HTML, no image loaded) or a plain-text label.

The buttons that open them sit under the conversation list (`KeptNav`) and appear only when
the archive holds a project or a memory.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_importer import library
from desktop_importer.app import App
from desktop_importer.basics.markdown import inert_images
from desktop_importer.gui import look, text
from desktop_importer.gui.message_widget import MARKDOWN_LIMIT, Collapsible
from desktop_importer.gui.safe_text import SafeText
from desktop_importer.importing.report import plural

MARKDOWN_NAMES = (".md", ".markdown", ".txt")  # documents shown as Markdown, not plain text


def _date(moment: float | None) -> str | None:
    return None if moment is None else text.local_date_time(datetime.fromtimestamp(moment, UTC))


def _words(content: str, name: str, *, markdown: bool) -> SafeText:
    view = SafeText()
    view.setAccessibleName(name)
    if markdown and len(content) <= MARKDOWN_LIMIT:
        view.set_markdown(inert_images(content))
    else:
        view.set_plain(content)
    return view


def _heading(words: str) -> QLabel:
    label = QLabel(words)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    look.strong(label, 11)
    return label


class KeptNav(QWidget):
    """ "Insights", "Projects (n)" and "Memory" under the conversation list."""

    projectsRequested = Signal()
    memoryRequested = Signal()
    insightsRequested = Signal()

    def __init__(self) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.projects = QPushButton("Projects")
        self.projects.setAccessibleName("Show Claude's projects")
        self.memory = QPushButton("Memory")
        self.memory.setAccessibleName("Show what Claude remembers")
        self.insights = QPushButton("Insights")
        self.insights.setAccessibleName("Show insights: your history at a glance")
        for button in (self.insights, self.projects, self.memory):
            # Not checkable: a screen reader's "press" on a checkable button only toggles
            # it (no click), which opened nothing (seen through AT-SPI).
            button.setFlat(True)
            row.addWidget(button)
        row.addStretch(1)
        self.showing = ""
        self.projects.clicked.connect(self.projectsRequested)
        self.memory.clicked.connect(self.memoryRequested)
        self.insights.clicked.connect(self.insightsRequested)
        self.set_counts(0, 0)

    def mark(self, showing: str) -> None:
        """The button of the page shown ("project", "memory"; "" for none) in bold."""
        for button, page in (
            (self.projects, "project"),
            (self.memory, "memory"),
            (self.insights, "insights"),
        ):
            font = button.font()
            font.setBold(showing == page)
            button.setFont(font)
        self.showing = showing

    def set_counts(self, projects: int, memories: int) -> None:
        self.projects.setText(f"Projects ({projects:,})")
        self.projects.setVisible(projects > 0)
        self.memory.setVisible(memories > 0)


class KeptPage(QScrollArea):
    """The reader pane's other page: a project, or the memory."""

    conversationsRequested = Signal(str)  # a project's id: show its conversations in the list
    renamed = Signal()  # the person named a project

    def __init__(self, app: App, profile: str) -> None:
        super().__init__()
        self.app, self.profile = app, profile
        self.setObjectName("KeptPage")
        self.setWidgetResizable(True)
        look.flat_scroll_bar(self.verticalScrollBar())
        page = QWidget()
        page.setAutoFillBackground(True)
        page.setBackgroundRole(look.Role.Base)
        self.column = QVBoxLayout(page)
        self.column.setContentsMargins(16, 12, 16, 16)
        self.column.setSpacing(10)
        self.title = QLabel()
        self.title.setObjectName("ReaderTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        look.strong(self.title, 14)
        self.chooser = QComboBox()
        self.chooser.setAccessibleName("Project shown")
        # On Linux a combo box's accessible name is its current text; its label says what it
        # is, through the label-for relation its buddy makes.
        self.chooser_label = QLabel("&Project:")
        self.chooser_label.setBuddy(self.chooser)
        self.details = look.secondary(QLabel())
        self.details.setTextFormat(Qt.TextFormat.PlainText)  # names from exports, as typed
        self.details.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.chooser_label, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.chooser, 0, Qt.AlignmentFlag.AlignTop)
        self.column.addLayout(top)
        self.column.addWidget(self.details)
        self.body = QVBoxLayout()
        self.body.setSpacing(10)
        self.column.addLayout(self.body)
        self.column.addStretch(1)
        self.setWidget(page)
        self.chooser.activated.connect(lambda _i: self._show_chosen())
        self.showing = ""  # "project" or "memory"
        self.name_field: QLineEdit | None = None

    def _clear(self) -> None:
        while self.body.count():
            item = self.body.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)  # gone from the page at once, deleted at the next turn
                widget.deleteLater()

    def _section(self, heading: str, body: QWidget) -> None:
        self.body.addWidget(_heading(heading))
        self.body.addWidget(body)

    # -- projects -------------------------------------------------------------------------

    def show_projects(self, chosen: str | None = None) -> None:
        """The chooser filled with the projects kept, and the chosen one (else the one
        shown, else the first)."""
        data = self.chooser.currentData()
        chosen = chosen or (data.split("/", 1)[1] if data else None)
        names = library.project_names(self.app, self.profile)  # no project's JSON read
        self.chooser.clear()
        for (vendor, project_id), name in names.items():
            self.chooser.addItem(name, f"{vendor}/{project_id}")  # a str: findData finds it
        self.chooser.setVisible(len(names) > 1)
        self.chooser_label.setVisible(len(names) > 1)
        index = next((i for i, (_, p) in enumerate(names) if p == chosen), 0)
        self.chooser.setCurrentIndex(index)
        self._show_chosen()

    def _show_chosen(self) -> None:
        self.showing = "project"
        self.setAccessibleName("Project")
        self._clear()
        data = self.chooser.currentData()
        view = library.read_project(self.app, self.profile, *data.split("/", 1)) if data else None
        if view is None:
            self.title.setText("No projects")
            self.details.setText("The exports imported so far hold no projects.")
            return
        project = view.page
        self.title.setText(project.name)
        parts = [f"{text.vendor_name(view.vendor)} project"]
        if (created := _date(project.created_at)) is not None:
            parts.append(f"created {created}")
        if (updated := _date(project.updated_at)) is not None:
            parts.append(f"updated {updated}")
        if view.original is not None:
            parts.append(plural(len(project.documents), "document"))
        if view.conversations:
            parts.append(plural(view.conversations, "conversation"))
        self.details.setText(" · ".join(parts))
        if project.description:
            self.body.addWidget(_words(project.description, "Description", markdown=False))
        note = look.secondary(QLabel(view.no_link))  # a label's name is its text (AT-SPI)
        note.setWordWrap(True)
        if view.nameable:  # why it has no name, then where to give it one
            self.body.addWidget(note)
            self.body.addWidget(self._name_row(view))
            self.body.addWidget(_heading("Conversations"))
        else:
            self._section("Conversations", note)
        if view.conversations:
            show = QPushButton(f"Show its {plural(view.conversations, 'conversation')}")
            show.setAccessibleName(f"Show the conversations of {project.name} in the list")
            show.clicked.connect(lambda: self.conversationsRequested.emit(project.project_id))
            self.body.addWidget(show, 0, Qt.AlignmentFlag.AlignLeft)
        if view.original is None:
            return
        self._section(
            "Instructions",
            _words(project.instructions or "None.", "Instructions", markdown=False),
        )
        if view.remembered:
            self._section(
                "What Claude remembers of this project",
                _words(view.remembered, "What Claude remembers of this project", markdown=True),
            )
        self.body.addWidget(_heading(f"Documents ({len(project.documents):,})"))
        for document in project.documents:
            markdown = document.name.lower().endswith(MARKDOWN_NAMES)
            content = _words(document.content, f"Document {document.name}", markdown=markdown)
            self.body.addWidget(Collapsible(document.name, content))
        self.verticalScrollBar().setValue(0)

    def _name_row(self, view: library.ProjectView) -> QWidget:
        """A field for the project's name (ChatGPT's export has none) and "Save name"."""
        row = look.Card()  # on the page's base colour a field's own would not show
        line = QHBoxLayout(row)
        line.setContentsMargins(10, 8, 10, 8)
        label = QLabel("&Name:")
        field = QLineEdit()
        label.setBuddy(field)
        field.setPlaceholderText("Name this project")
        field.setAccessibleName("Project name")
        field.setMaxLength(200)
        if not view.page.name.startswith("Unnamed project "):
            field.setText(view.page.name)
        save = QPushButton("Save name")
        save.setAccessibleName("Save the project's name")
        line.addWidget(label)
        line.addWidget(field, 1)
        line.addWidget(save)
        key = (view.vendor, view.page.project_id)

        def named() -> None:
            library.name_project(self.app, self.profile, *key, field.text())
            self.renamed.emit()

        save.clicked.connect(named)
        field.returnPressed.connect(named)
        self.name_field = field
        return row

    # -- memory ---------------------------------------------------------------------------

    def show_memory(self) -> None:
        self.showing = "memory"
        self.setAccessibleName("Memory")
        self._clear()
        self.chooser.hide()
        self.chooser_label.hide()
        memories = library.read_memories(self.app, self.profile)
        self.title.setText("Memory")
        if not memories:
            self.details.setText("The exports imported so far hold no memory.")
            return
        for memory in memories:
            self._memory(memory, several=len(memories) > 1)
        self.verticalScrollBar().setValue(0)

    def _memory(self, memory: library.MemoryView, *, several: bool) -> None:
        vendor = text.vendor_name(memory.vendor)
        when = _date(memory.exported_at)
        words = f"What {vendor} remembers of you"
        if when:
            words += f", as of its export of {when}"
        if several:
            self.body.addWidget(_heading(f"{vendor} · {memory.account or 'account'}"))
        else:
            self.details.setText(words + ".")
        page = memory.page
        self._section("About you", _words(page.summary or "Nothing.", "Memory", markdown=True))
        if page.files:
            self.body.addWidget(_heading(f"Memory files ({len(page.files):,})"))
            for item in page.files:
                title = item.path + (f" (updated {item.updated_at})" if item.updated_at else "")
                content = _words(item.content, f"Memory file {item.path}", markdown=True)
                self.body.addWidget(Collapsible(title, content))
        if page.projects:
            self.body.addWidget(_heading("Of each project"))  # as Claude's settings group it
            for key, remembered in page.projects:
                name = memory.project_names.get(key, key)
                self.body.addWidget(
                    Collapsible(name, _words(remembered, f"Memory of {name}", markdown=True))
                )
