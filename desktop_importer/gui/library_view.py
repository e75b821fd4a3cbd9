"""The library: a search field and a vendor filter above the conversation list, the reader
beside it. Search runs as you type (after a short pause), best first; choosing a result
opens the conversation at the matching message. Every call into the service is bounded
(a page of rows, one conversation, ranked candidates), so it runs on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_importer import library
from desktop_importer.app import App
from desktop_importer.basics.errors import DesktopImporterError
from desktop_importer.gui import look, text
from desktop_importer.gui.charts import day_name
from desktop_importer.gui.conversation_list import (
    ConversationListModel,
    ConversationListView,
    ConversationRole,
    NodeRole,
    RowDelegate,
    SearchField,
    SearchResultsModel,
)
from desktop_importer.gui.conversation_view import ReaderView
from desktop_importer.gui.find_bar import FindBar
from desktop_importer.gui.insights_view import InsightsPage
from desktop_importer.gui.kept_pages import KeptNav, KeptPage
from desktop_importer.gui.service_job import ServiceJob
from desktop_importer.importing.report import plural
from desktop_importer.library.insights import day_bounds

DEBOUNCE_MS = 150
ALL_VENDORS = "All"


class LibraryView(QSplitter):
    conversationShown = Signal(str)  # the conversation id now in the reader
    searched = Signal(str)  # the query whose results are now shown

    def __init__(self, app: App, profile: str, now: Callable[[], datetime]) -> None:
        # Over 60 lines: the list, the search field and the reader pane built and wired in
        # the order they appear; split, the wiring would be read in three places.
        super().__init__(Qt.Orientation.Horizontal)
        self.app, self.profile = app, profile
        self.choices: dict[str, str] = {}  # the branch shown: parent node -> child
        self.include_hidden = False
        self.current: str | None = None
        self._selection = QPersistentModelIndex()  # chosen in the list, opened next turn
        self._search_job: ServiceJob | None = None
        self._waiting_for: str | None = None  # the query whose results are wanted
        self._shown_query: str | None = None

        self.search = SearchField()
        self.search.setPlaceholderText("Search all conversations (Ctrl+K)")
        self.search.setAccessibleName("Search conversations")
        self.search.setClearButtonEnabled(True)
        self.vendor = QComboBox()
        self.vendor.setAccessibleName("Show conversations from")
        self.project = QComboBox()  # named by its label (a combo box's name is its text)
        self.project.setAccessibleName("Show conversations of the project")
        self.project_label = QLabel("Pro&ject:")
        self.project_label.setBuddy(self.project)
        self.status = QLabel()
        look.secondary(self.status)
        self.status.setAccessibleName("Search status")
        self.status.hide()
        # A day chosen in Insights: the list shows that day's conversations until cleared.
        self.day: date | None = None
        self.day_label = QLabel()
        self.day_label.setWordWrap(True)
        self.day_clear = QPushButton("Show all")
        self.day_clear.setAccessibleName("Show every conversation again")
        self.day_bar = QWidget()
        day_row = QHBoxLayout(self.day_bar)
        day_row.setContentsMargins(0, 0, 0, 0)
        day_row.addWidget(self.day_label, 1)
        day_row.addWidget(self.day_clear)
        self.day_bar.hide()
        self.list_model = ConversationListModel(self._page, now=now)
        self.results = SearchResultsModel()
        self.list = ConversationListView()
        self.list.setObjectName("ConversationList")
        self.list.setAccessibleName("Conversations")
        self.list.setItemDelegate(RowDelegate(self.list))
        self.list.setModel(self.list_model)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.reader = ReaderView()
        self.kept_nav = KeptNav()
        self.kept_page = KeptPage(app, profile)
        self.insights_page = InsightsPage(app, profile)
        self.reading = QStackedWidget()  # the conversation, or a project or the memory
        self.find_bar = FindBar()
        self._found: list[tuple[str, int]] = []  # (node id, its nth match), in reading order
        self._found_at = 0

        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.vendor)
        column.addLayout(top)
        projects = QHBoxLayout()
        projects.addWidget(self.project_label)
        projects.addWidget(self.project, 1)
        column.addLayout(projects)
        column.addWidget(self.status)
        column.addWidget(self.day_bar)
        column.addWidget(self.list, 1)
        column.addWidget(self.kept_nav)
        self.addWidget(side)
        reading = QWidget()
        reading_column = QVBoxLayout(reading)
        reading_column.setContentsMargins(0, 0, 0, 0)
        reading_column.setSpacing(0)
        reading_column.addWidget(self.find_bar)
        reading_column.addWidget(self.reader, 1)
        self.reading.addWidget(reading)
        self.reading.addWidget(self.kept_page)
        self.reading.addWidget(self.insights_page)
        self.addWidget(self.reading)
        self.setStretchFactor(1, 1)
        self.setSizes([300, 600])
        self.setChildrenCollapsible(False)

        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _text: self.debounce.start())
        self.search.downPressed.connect(self._into_list)
        self.vendor.currentIndexChanged.connect(lambda _i: self._vendor_changed())
        self.project.currentIndexChanged.connect(lambda _i: self._reload_list())
        self.kept_page.conversationsRequested.connect(self.show_project_conversations)
        self.kept_page.renamed.connect(self.refresh)
        self._watch_selection()
        self.list.activated.connect(self._open_index)  # Enter or a double click: open again
        self.list.activatedByKey.connect(self._open_index)
        self.reader.branchRequested.connect(self._switch_branch)
        self.reader.showHiddenToggled.connect(self._toggle_hidden)
        self.reader.copyRequested.connect(lambda words: QGuiApplication.clipboard().setText(words))
        self.find_bar.changed.connect(self._find)
        self.find_bar.nextRequested.connect(lambda: self.find_step(1))
        self.find_bar.previousRequested.connect(lambda: self.find_step(-1))
        self.find_bar.closed.connect(self.close_find)
        self.kept_nav.projectsRequested.connect(self.show_projects)
        self.kept_nav.memoryRequested.connect(self.show_memory)
        self.kept_nav.insightsRequested.connect(self.show_insights)
        self.insights_page.dayChosen.connect(self.show_day)
        self.insights_page.conversationChosen.connect(self.open)
        self.insights_page.wordChosen.connect(self.search_for)
        self.day_clear.clicked.connect(lambda: self.show_day(None))

    # -- the list -------------------------------------------------------------------------

    def _page(self, after: tuple[float, int] | None, limit: int) -> list[library.ListRow]:
        vendor, project = self.vendor.currentData(), self.project.currentData()
        active = day_bounds(self.day, None) if self.day is not None else None
        return library.list_page(
            self.app, self.profile, vendor=vendor, after=after, limit=limit, project=project,
            active=active,
        )  # fmt: skip

    def refresh(self) -> None:
        """Read the list again (after an import published), keeping what is shown."""
        self._fill_vendors()
        self._fill_projects()
        self._reload_list()
        self.kept_nav.set_counts(*library.kept_counts(self.app, self.profile))
        if self.current is not None:
            self.open(self.current)
        elif self.reading.currentWidget() is self.kept_page and self.kept_page.showing == "memory":
            self.show_memory()
        elif self.reading.currentWidget() is self.kept_page:
            self.show_projects()
        elif self.reading.currentWidget() is self.insights_page:
            self.show_insights()

    def _reload_list(self) -> None:
        """The list, or the search results, read again (for another vendor, or after an
        import); the selection is kept."""
        if self.search.text().strip():
            self._shown_query = None
            self.run_search()
        else:
            self.list_model.reload()
            self._show_model(self.list_model)
            self._select(self.current)
            self._say("")

    def _show_model(self, model: ConversationListModel | SearchResultsModel) -> None:
        if self.list.model() is not model:
            self.list.setModel(model)  # a new selection model comes with it
            self._watch_selection()

    def _watch_selection(self) -> None:
        """Reaching a row shows its conversation, as a mail client shows the message: arrows
        and clicks select (single selection follows the current row), and so does a screen
        reader through AT-SPI, which never moves the current row."""
        selection = self.list.selectionModel()
        selection.selectionChanged.connect(lambda *_: self._selected(selection.selectedRows()))

    def _selected(self, rows: list[QModelIndex]) -> None:
        """Open the selected conversation on the next turn of the event loop: the list
        paints its new selection first, and of several arrow presses queued only the last is
        opened (reading and showing it in the key's own turn stalled the window 18-29 ms)."""
        if rows and rows[0].data(ConversationRole) != self.current:
            if not self._selection.isValid():
                QTimer.singleShot(0, self._open_selected)
            self._selection = QPersistentModelIndex(rows[0])

    def _open_selected(self) -> None:
        index, self._selection = self._selection, QPersistentModelIndex()
        if index.isValid():
            self._open_index(index)

    def _fill_vendors(self) -> None:
        chosen = self.vendor.currentData()
        found = library.vendors(self.app, self.profile)
        self.vendor.blockSignals(True)
        self.vendor.clear()
        self.vendor.addItem(ALL_VENDORS, None)
        for vendor in found:
            self.vendor.addItem(text.vendor_name(vendor), vendor)
        self.vendor.setCurrentIndex(max(0, self.vendor.findData(chosen)))
        self.vendor.setVisible(len(found) > 1)
        self.vendor.blockSignals(False)

    def _fill_projects(self) -> None:
        """The projects that conversations belong to (ChatGPT's), to show one's alone."""
        chosen = self.project.currentData()
        grouped = library.grouped_projects(self.app, self.profile)
        self.project.blockSignals(True)
        self.project.clear()
        self.project.addItem("All conversations", None)
        for project_id, name, count in grouped:
            self.project.addItem(f"{name} ({count:,})", project_id)
        self.project.setCurrentIndex(max(0, self.project.findData(chosen)))
        for widget in (self.project, self.project_label):
            widget.setVisible(bool(grouped))
        self.project.blockSignals(False)

    def show_project_conversations(self, project_id: str) -> None:
        """The list shows the project's conversations (a search searches them all)."""
        self.search.clear()
        self.project.setCurrentIndex(max(0, self.project.findData(project_id)))
        self.list.setFocus()

    def _select(self, conversation_id: str | None) -> None:
        model = self.list.model()
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            if index.data(ConversationRole) == conversation_id:
                self.list.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                )
                self.list.scrollTo(index)
                return

    def _into_list(self) -> None:
        self.list.setFocus()
        if not self.list.currentIndex().isValid() and self.list.model().rowCount():
            self.list.setCurrentIndex(self.list.model().index(0, 0))

    # -- search ---------------------------------------------------------------------------

    def run_search(self) -> None:
        """Search off the GUI thread, one query at a time, the latest typed winning: most
        queries take milliseconds, but a short common prefix can take most of a second."""
        typed = self.search.text().strip()
        self.debounce.stop()
        if not typed:
            self._waiting_for = None
            self._show_model(self.list_model)
            self._select(self.current)
            self._say("")
            self.searched.emit("")
            return
        self._waiting_for = typed
        if self._search_job is None:
            self._start_search(typed)

    def _start_search(self, typed: str) -> None:
        vendor = self.vendor.currentData()
        job = ServiceJob(
            lambda _progress, _cancel: library.search(self.app, self.profile, typed, vendor=vendor),
            self,
        )
        job.succeeded.connect(lambda results: self._searched(typed, results))
        job.failed.connect(self._say)
        job.finished.connect(lambda: self._search_done(job, typed))
        self._search_job = job
        job.start()

    def _search_done(self, job: ServiceJob, typed: str) -> None:
        job.deleteLater()
        self._search_job = None
        if self._waiting_for is not None and self._waiting_for != typed:
            self._start_search(self._waiting_for)

    def _searched(self, typed: str, results: list[library.SearchResult]) -> None:
        if typed != self._waiting_for:
            return  # a later query is on its way
        self._shown_query = typed
        self.results.set_results(results)
        self._show_model(self.results)
        if not results:
            self._say(f"Nothing matches “{typed}”.")
        elif len(results) >= library.SEARCH_LIMIT:  # a cap, not a count: say so
            self._say(f"The {len(results):,} best matches")
        else:
            self._say(f"{plural(len(results), 'conversation')} found")
        self.searched.emit(typed)

    def _say(self, words: str) -> None:
        self.status.setText(words)
        self.status.setVisible(bool(words))

    # -- the reader -----------------------------------------------------------------------

    def _open_index(self, index: QModelIndex | QPersistentModelIndex) -> None:
        conversation_id = index.data(ConversationRole)
        if conversation_id:
            self.open(conversation_id, focus=index.data(NodeRole))

    def _marks(self) -> list[str]:
        """The words to mark in the reader: the find bar's while it is open, else the
        search's while its results are the list (as a mail client marks them)."""
        if self.find_bar.isVisible() and self.find_bar.field.text().strip():
            return library.words_of(self.find_bar.field.text())
        if self.list.model() is self.results and self._shown_query:
            return library.words_of(self._shown_query)
        return []

    def open(self, conversation_id: str, *, focus: str | None = None) -> None:
        """Show a conversation: its current branch, the branch chosen with the switchers, or,
        for a search hit (`focus`), the branch that holds the hit, scrolled to it."""
        if conversation_id != self.current:
            self.choices = {}
        try:
            view = library.read_conversation(
                self.app,
                self.profile,
                conversation_id,
                choices=self.choices,
                include_hidden=self.include_hidden,
                through=focus,
            )
        except DesktopImporterError:
            self.current = None
            self.reader.show_empty()
            return
        self.current, self.choices = conversation_id, view.choices
        if view.include_hidden != self.include_hidden:  # the hit is a hidden message
            self.include_hidden = view.include_hidden
            self.reader.show_hidden.blockSignals(True)
            self.reader.show_hidden.setChecked(view.include_hidden)
            self.reader.show_hidden.blockSignals(False)
        self.reading.setCurrentIndex(0)
        self.kept_nav.mark("")
        self.reader.marks = self._marks()
        self.reader.show_conversation(view, focus=focus)
        if self.find_bar.isVisible():
            self._find(self.find_bar.field.text(), jump=False)
        self.conversationShown.emit(conversation_id)

    # -- projects and memory --------------------------------------------------------------

    def _leave_conversation(self) -> None:
        """The reader pane turns to a kept page; choosing a conversation turns it back."""
        if self.find_bar.isVisible():
            self.close_find()
        self.current = None
        self.list.clearSelection()
        self.reading.setCurrentWidget(self.kept_page)

    def show_projects(self) -> None:
        self._leave_conversation()
        self.kept_page.show_projects()
        self.kept_nav.mark("project")

    def show_insights(self) -> None:
        """The reader pane shows Insights, of the assistant the filter shows (or all)."""
        self._leave_conversation()
        self.reading.setCurrentWidget(self.insights_page)
        self.kept_nav.mark("insights")
        # Counting starts once the page is painted: a thread started at once competed with
        # that paint for the interpreter (a 20 ms stall, bench.insights).
        vendor = self.vendor.currentData()
        QTimer.singleShot(0, lambda: self.insights_page.show_for(vendor))

    def search_for(self, words: str) -> None:
        """Search everything for `words` (a word Insights shows), as if typed."""
        if self.day is not None:
            self.show_day(None)
        self.search.setText(words)
        self.run_search()
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_day(self, day: date | None) -> None:
        """The list shows the conversations with a message on `day` (local), or all again."""
        self.day = day
        if day is not None:
            self.search.clear()
            self.day_label.setText(f"Conversations with a message on {day_name(day)}")
            self.day_label.setAccessibleName(self.day_label.text())
        self.day_bar.setVisible(day is not None)
        self._reload_list()
        if day is not None:
            self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def _vendor_changed(self) -> None:
        self._reload_list()
        if self.reading.currentWidget() is self.insights_page:
            self.insights_page.show_for(self.vendor.currentData())

    def show_memory(self) -> None:
        self._leave_conversation()
        self.kept_page.show_memory()
        self.kept_nav.mark("memory")

    # -- find in this conversation --------------------------------------------------------

    def open_find(self) -> bool:
        """Open the find bar over the conversation shown; False if none is."""
        if self.reader.conversation is None:
            return False
        self.find_bar.open()
        return True

    def close_find(self) -> None:
        self.find_bar.hide()
        self._found = []
        self.reader.set_marks(self._marks())
        self.reader.setFocus(Qt.FocusReason.OtherFocusReason)

    def _find(self, typed: str, *, jump: bool = True) -> None:
        """Where `typed` is in the branch shown (asked of the archive, so that messages not
        built yet are found too); the reader goes to the first match."""
        view = self.reader.conversation
        if view is None:
            return
        found = library.find_in_conversation(
            self.app,
            self.profile,
            view.conversation_id,
            typed,
            [m.node_id for m in view.messages],
        )
        self._found = [(node, k) for node, count in found.messages for k in range(count)]
        self._found_at = 0
        self.reader.set_marks(found.words or self._marks())
        self.find_bar.say(0, len(self._found))
        if self._found and jump:
            self.reader.jump_to(*self._found[0])

    def find_step(self, step: int) -> None:
        """The next (1) or previous (-1) match, round the end as a browser does."""
        if not self._found:
            return
        self._found_at = (self._found_at + step) % len(self._found)
        self.find_bar.say(self._found_at, len(self._found))
        self.reader.jump_to(*self._found[self._found_at])

    def _switch_branch(self, parent_id: str, child_id: str) -> None:
        if self.current is None:
            return
        self.choices[parent_id] = child_id
        self.open(self.current)
        widget = self.reader.message_widget(child_id)
        if widget is not None and widget.switcher is not None:
            QTimer.singleShot(0, lambda: self.reader.ensureWidgetVisible(widget, 0, 60))

    def _toggle_hidden(self, on: bool) -> None:
        self.include_hidden = on
        if self.current is not None:
            self.open(self.current)
