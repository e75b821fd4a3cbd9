"""The Insights page in the reader pane: the archive's shape at a glance (totals, a day's
calendar, conversations per month by assistant, the models over time, when you talk, the
longest conversations and those you came back to), for every assistant or the one the
library's filter shows. Its figures are computed off the GUI thread (library.insights);
a day's click lists that day's conversations in the library; a conversation's opens it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_importer.basics.settings import human_bytes
from desktop_importer.gui import look, text
from desktop_importer.gui.charts import (
    WEEKDAYS,
    CalendarChart,
    Chart,
    HourChart,
    ModelChart,
    MonthChart,
    day_name,
    model_label,
    month_name,
)
from desktop_importer.gui.flow_layout import FlowLayout
from desktop_importer.gui.service_job import ServiceJob
from desktop_importer.importing.report import plural
from desktop_importer.library.insights import Insights, Topics, count_words, insights, topics

if TYPE_CHECKING:
    from desktop_importer.app import App

log = logging.getLogger(__name__)

ConversationRole = Qt.ItemDataRole.UserRole


class ChartCard(QFrame):
    """A chart with its title, its data as a table (the Table button), and Save as PNG."""

    def __init__(
        self, title: str, chart: Chart, file_name: str, choice: QComboBox | None = None
    ) -> None:
        super().__init__()
        self.chart, self.file_name = chart, file_name
        self.setObjectName("ChartCard")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 6, 0, 6)
        column.setSpacing(6)
        header = QHBoxLayout()
        self.title = QLabel(title)
        look.strong(self.title, 11)
        self.table_button = QPushButton("Table")
        self.table_button.setCheckable(True)
        self.table_button.setAccessibleName(f"Show {title.lower()} as a table")
        self.save_button = QPushButton("Save as PNG…")
        self.save_button.setAccessibleName(f"Save {title.lower()} as a PNG picture")
        header.addWidget(self.title)
        header.addStretch(1)
        self.choice_label: QLabel | None = None
        if choice is not None:  # named by its label (a combo box's name is its text)
            label = look.secondary(QLabel("Count:"))
            label.setBuddy(choice)
            header.addWidget(label)
            header.addWidget(choice)
            self.choice_label = label
        header.addWidget(self.table_button)
        header.addWidget(self.save_button)
        column.addLayout(header)
        self.table = QTableWidget()
        self.table.setAccessibleName(f"{title}, as a table")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumHeight(220)
        self.table.hide()
        self.data: tuple[list[str], list[list[str]]] = ([], [])
        column.addWidget(chart)
        column.addWidget(self.table)
        self.table_button.toggled.connect(self.show_table)
        self.save_button.clicked.connect(self.choose_file)

    def show_table(self, shown: bool) -> None:
        if shown:
            self._fill()
        self.chart.setVisible(not shown)
        self.table.setVisible(shown)
        self.table_button.setText("Chart" if shown else "Table")
        (self.table if shown else self.chart).setFocus(Qt.FocusReason.OtherFocusReason)

    def set_rows(self, headers: list[str], rows: list[list[str]]) -> None:
        """The chart's data, put in the table when it is first shown (a table of a few
        hundred days costs the GUI thread tens of milliseconds)."""
        self.data = (headers, rows)
        if self.table.isVisible():
            self._fill()

    def _fill(self) -> None:
        headers, rows = self.data
        self.data = ([], [])
        if not headers:
            return
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(value)
                if c > 0 and value.replace(",", "").isdigit():
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the chart as a PNG picture", str(Path.home() / self.file_name),
            "PNG pictures (*.png)",
        )  # fmt: skip
        if path and not self.save_png(Path(path)):
            QMessageBox.warning(self, "Not saved", f"The picture could not be written to {path}.")

    def picture(self) -> QPixmap:
        """The chart as the window paints it, under its title (a picture saved alone says
        what it shows)."""
        chart = self.chart.grab()
        band = self.title.sizeHint().height() + 12
        picture = QPixmap(chart.width(), chart.height() + band)
        picture.fill(self.palette().color(look.Role.Base))
        painter = QPainter(picture)
        painter.setFont(self.title.font())
        painter.setPen(self.palette().color(look.Role.Text))
        painter.drawText(
            QRect(0, 0, chart.width(), band),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            self.title.text(),
        )
        painter.drawPixmap(0, band, chart)
        painter.end()
        return picture

    def save_png(self, path: Path) -> bool:
        """The picture into `path`; False if it could not be written."""
        return bool(self.picture().save(str(path), "PNG"))


class WordsCard(QFrame):
    """The words that stand out, a row a period, each word a button that searches for it."""

    wordChosen = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 6, 0, 6)
        column.setSpacing(6)
        self.title = QLabel("Words that stand out")
        look.strong(self.title, 11)
        self.status = look.secondary(QLabel())
        self.status.setAccessibleName("Words that stand out: status")
        self.status.setWordWrap(True)
        self.rows = QGridLayout()
        self.rows.setHorizontalSpacing(12)
        self.rows.setVerticalSpacing(6)
        self.rows.setColumnStretch(1, 1)
        column.addWidget(self.title)
        column.addWidget(self.status)
        column.addLayout(self.rows)
        self.buttons: list[QToolButton] = []

    def counting(self, percent: int) -> None:
        self.status.setText(f"Finding the words your conversations are about… {percent}%")
        self.status.show()

    def show_topics(self, found: Topics) -> None:
        while self.rows.count():
            item = self.rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.buttons = []
        for row, period in enumerate(found.periods):
            label = look.secondary(QLabel(period.period))
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            label.setContentsMargins(0, 3, 0, 0)  # level with the words' text
            holder = QWidget()
            flow = FlowLayout(holder)
            for word, among in period.words:
                button = QToolButton()
                button.setText(word)
                button.setAutoRaise(True)
                button.setToolTip(f"In {plural(among, 'conversation')}; search for it")
                button.setAccessibleName(f"{period.period}: {word}, search for it")
                button.clicked.connect(lambda _on=False, word=word: self.wordChosen.emit(word))
                flow.addWidget(button)
                self.buttons.append(button)
            self.rows.addWidget(label, row, 0)
            self.rows.addWidget(holder, row, 1)
        if found.periods:
            self.status.hide()
        else:
            self.status.setText("No words stand out yet.")
            self.status.show()


class RankedList(QListWidget):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.setAccessibleName(name)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def fit(self) -> None:
        """As tall as its rows (ten at most): the page scrolls, not the list."""
        rows = sum(self.sizeHintForRow(r) for r in range(self.count()))
        self.setFixedHeight(rows + 2 * self.frameWidth() + 4)


class InsightsPage(QScrollArea):
    dayChosen = Signal(object)  # a date: list that day's conversations
    conversationChosen = Signal(str)
    wordChosen = Signal(str)  # search for it
    loaded = Signal()  # figures shown (tests wait for it)
    wordsLoaded = Signal()  # the words that stand out shown

    def __init__(self, app: App, profile: str) -> None:
        super().__init__()
        self.app, self.profile = app, profile
        self.vendor: str | None = None
        self.figures: Insights | None = None
        self.job: ServiceJob | None = None
        self.words_job: ServiceJob | None = None
        self._shown = 0  # figures shown so far (a newer set stops an older one's drawing)
        self._wanted: str | bool | None = False  # a vendor asked for while a job ran
        self.setObjectName("InsightsPage")
        self.setAccessibleName("Insights")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        look.flat_scroll_bar(self.verticalScrollBar())
        page = QWidget()
        page.setAutoFillBackground(True)
        page.setBackgroundRole(look.Role.Base)
        column = QVBoxLayout(page)
        column.setContentsMargins(16, 12, 16, 16)
        column.setSpacing(10)
        self.title = QLabel("Insights")
        self.title.setObjectName("ReaderTitle")
        look.strong(self.title, 15)
        self.scope = look.secondary(QLabel())
        self.scope.setAccessibleName("What Insights shows")
        column.addWidget(self.title)
        column.addWidget(self.scope)
        self.totals = QGridLayout()
        self.totals.setHorizontalSpacing(24)
        self.totals.setVerticalSpacing(2)
        self.total_labels: list[tuple[QLabel, QLabel]] = []
        for index in range(6):
            number, caption = QLabel(), look.secondary(QLabel())
            look.strong(number, 14)
            number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.totals.addWidget(number, (index // 3) * 2, index % 3)
            self.totals.addWidget(caption, (index // 3) * 2 + 1, index % 3)
            self.total_labels.append((number, caption))
        column.addLayout(self.totals)
        self.calendar = CalendarChart()
        self.months = MonthChart()
        self.models = ModelChart()
        self.hours = HourChart()
        self.month_metric = QComboBox()
        self.month_metric.addItems(["Conversations", "Messages"])
        self.month_metric.setAccessibleDescription("What the bars of each month count")
        self.month_metric.currentIndexChanged.connect(self.months.show_metric)
        self.cards = [
            ChartCard("Activity by day", self.calendar, "insights-days.png"),
            ChartCard(
                "Per month, by assistant", self.months, "insights-months.png", self.month_metric
            ),
            ChartCard("Models over time", self.models, "insights-models.png"),
            ChartCard("When you talk", self.hours, "insights-hours.png"),
        ]
        for card in self.cards:
            column.addWidget(card)
        lists = QHBoxLayout()
        self.longest = RankedList("Longest conversations")
        self.returned = RankedList("Conversations you came back to most")
        for title, widget in (("Longest conversations", self.longest),
                              ("Came back to most", self.returned)):  # fmt: skip
            box = QVBoxLayout()
            label = QLabel(title)
            look.strong(label, 11)
            label.setBuddy(widget)
            box.addWidget(label)
            box.addWidget(widget)
            lists.addLayout(box, 1)
            widget.itemActivated.connect(self._open_item)
            widget.itemClicked.connect(self._open_item)
        column.addLayout(lists)
        self.words = WordsCard()
        column.addWidget(self.words)
        column.addStretch(1)
        self.setWidget(page)
        self.calendar.activated.connect(self.dayChosen)
        self.words.wordChosen.connect(self.wordChosen)

    def show_for(self, vendor: str | None) -> None:
        """Compute the figures (of one vendor, or all) off the GUI thread, then draw them."""
        if self.job is not None:
            self._wanted = vendor
            return
        self.vendor = vendor
        self.scope.setText(f"Counting {text.vendor_name(vendor) if vendor else 'everything'}…")
        job = ServiceJob(
            lambda _progress, _cancel: insights(self.app, self.profile, vendor=vendor), self
        )
        job.succeeded.connect(self._show)
        job.failed.connect(self.scope.setText)
        job.finished.connect(self._done)
        self.job = job
        job.start()

    def _done(self) -> None:
        self.job = None
        if self._wanted is not False:
            wanted, self._wanted = self._wanted, False
            self.show_for(wanted if isinstance(wanted, str) else None)

    def _find_words(self, vendor: str | None) -> None:
        """Count the words of conversations not counted yet (short steps; the first time
        after a large import takes a while, said in percent), then show what stands out."""

        def work(progress: Callable[[str, int], None], cancel: Callable[[], bool]) -> Topics:
            count_words(self.app, self.profile, progress=progress, cancel=cancel)
            return topics(self.app, self.profile, vendor=vendor, uncounted=False)

        job = ServiceJob(work, self)
        job.progressed.connect(lambda _stage, percent: self.words.counting(percent))
        job.succeeded.connect(self._words_found)
        job.failed.connect(self.words.status.setText)
        job.finished.connect(self._words_done)
        self.words_job = job
        job.start()

    def _words_found(self, found: Topics) -> None:
        self.words.show_topics(found)
        self.wordsLoaded.emit()

    def _words_done(self) -> None:
        self.words_job = None

    def stop(self) -> None:
        for job in (self.job, self.words_job):
            if job is not None:
                job.stop()

    def _show(self, figures: Insights) -> None:
        self.figures = figures
        t = figures.totals
        whose = text.vendor_name(figures.vendor) if figures.vendor else "All assistants"
        span = (
            f" · {day_name(t.first_day)} to {day_name(t.last_day)}"
            if t.first_day and t.last_day
            else ""
        )
        counting = (
            " · Conversations stored before this version are still being counted."
            if figures.counting
            else ""
        )
        self.scope.setText(f"{whose}{span}{counting}")
        figures_shown = (
            (f"{t.conversations:,}", "conversations"),
            (f"{t.messages:,}", f"messages ({t.prompts:,} yours)"),
            (f"{t.active_days:,}", "days with a message"),
            (f"{t.words_written:,}", "words you wrote"),
            (f"{t.words_read:,}", "words you read"),
            (f"{t.media_files:,}", f"media files kept, {human_bytes(t.media_bytes)}"),
        )
        for (number, caption), (value, words) in zip(self.total_labels, figures_shown, strict=True):
            number.setText(value)
            caption.setText(words)
            number.setAccessibleName(f"{value} {words}")
        # In three turns of the event loop, each under 10 ms (all at once took 40 ms): the
        # window answers input between them.
        self._shown += 1
        steps: list[Callable[[Insights], None]] = [
            self._show_calendar,
            self._show_charts,
            self._show_lists,
        ]
        self._next_step(self._shown, steps, figures)

    def _next_step(
        self, shown: int, steps: list[Callable[[Insights], None]], figures: Insights
    ) -> None:
        if shown != self._shown:
            return  # newer figures came meanwhile
        if not steps:
            self.loaded.emit()
            if self.words_job is None and self.job is None:
                self._find_words(figures.vendor)  # after the charts: they come first
            return
        steps[0](figures)
        QTimer.singleShot(0, lambda: self._next_step(shown, steps[1:], figures))

    def _show_calendar(self, figures: Insights) -> None:
        self.calendar.set_data(figures.days)
        self.cards[0].set_rows(
            ["Day", "Conversations", "Messages", "Yours"],
            [[day_name(d), f"{f.conversations:,}", f"{f.messages:,}", f"{f.prompts:,}"]
             for d, f in sorted(figures.days.items(), reverse=True)],
        )  # fmt: skip

    def _show_charts(self, figures: Insights) -> None:
        """The three smaller charts (a few milliseconds together)."""
        self._show_months(figures)
        self._show_models(figures)
        self._show_hours(figures)

    def _show_months(self, figures: Insights) -> None:
        self.months.set_data(figures.months)
        vendors = self.months.vendors
        by_month: dict[str, dict[str, tuple[int, int]]] = {}
        for m in figures.months:
            by_month.setdefault(m.month, {})[m.vendor] = (m.conversations, m.messages)
        self.cards[1].set_rows(
            ["Month", *(f"{text.vendor_name(v)} {what}" for v in vendors
                        for what in ("conversations", "messages"))],
            [[month_name(month), *(f"{row.get(v, (0, 0))[i]:,}" for v in vendors
                                   for i in (0, 1))]
             for month, row in sorted(by_month.items(), reverse=True)],
        )  # fmt: skip

    def _show_models(self, figures: Insights) -> None:
        month_keys = sorted({m.month for m in figures.months})
        self.models.set_data(figures.models, month_keys)
        first_last: dict[str, tuple[str, str]] = {}
        for row in figures.models:
            name = model_label(row.model, row.vendor)
            begun, ended = first_last.get(name, (row.month, row.month))
            first_last[name] = (min(begun, row.month), max(ended, row.month))
        self.cards[2].set_rows(
            ["Model", "Conversations", "First", "Last"],
            [[model_label(m, v), f"{n:,}", month_name(first_last[model_label(m, v)][0]),
              month_name(first_last[model_label(m, v)][1])]
             for m, v, n in figures.model_totals()],
        )  # fmt: skip

    def _show_hours(self, figures: Insights) -> None:
        self.hours.set_data(figures.hours)
        self.cards[3].set_rows(
            ["Weekday", *(f"{h:02d}" for h in range(24))],
            [[WEEKDAYS[d], *(f"{n:,}" for n in row)] for d, row in enumerate(figures.hours)],
        )

    def _show_lists(self, figures: Insights) -> None:
        for widget, ranked, unit in ((self.longest, figures.longest, "message"),
                                     (self.returned, figures.returned, "day")):  # fmt: skip
            widget.clear()
            for entry in ranked:
                words = f"{plural(entry.count, unit)} · {entry.title or '(untitled)'}"
                if not figures.vendor:
                    words += f" · {text.vendor_name(entry.vendor)}"
                item = QListWidgetItem(words)
                item.setData(ConversationRole, entry.conversation_id)
                item.setToolTip(entry.title or "")
                widget.addItem(item)
            if not ranked:
                empty = QListWidgetItem("None yet.")
                empty.setFlags(Qt.ItemFlag.NoItemFlags)
                widget.addItem(empty)
            widget.fit()

    def _open_item(self, item: QListWidgetItem) -> None:
        conversation_id = item.data(ConversationRole)
        if conversation_id:
            self.conversationChosen.emit(str(conversation_id))
