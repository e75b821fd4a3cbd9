"""Insights: the archive's shape in figures, for the window's charts, `desktop-importer
stats` and the tests alike.

    figures = insights(app, profile, vendor=None, zone=ZoneInfo("Europe/Ljubljana"))

Everything is counted from the activity an import writes per conversation and quarter hour
(store/insights.py), turned into the person's local days, months and hours here: a message
at 00:30 local time counts on its local day, across DST changes too. `zone` None is the
system's local time (what the window and the command line show).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from desktop_importer.basics.progress import never_cancelled
from desktop_importer.basics.words import top_words
from desktop_importer.store import insights as sql

if TYPE_CHECKING:
    from desktop_importer.app import App

QUARTER = sql.QUARTER
TOP = 10  # conversations in each of the two lists
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Day:
    conversations: int  # that had a message that day
    messages: int
    prompts: int  # of them, the person's


@dataclass(frozen=True)
class Month:
    month: str  # YYYY-MM, local
    vendor: str
    conversations: int  # started that month
    messages: int  # written that month


@dataclass(frozen=True)
class ModelMonth:
    month: str
    model: str | None  # None: the vendor's export names none
    vendor: str
    conversations: int  # started that month with that model


@dataclass(frozen=True)
class Ranked:
    conversation_id: str
    title: str | None
    vendor: str
    count: int  # messages (longest) or days with a message (came back to)


@dataclass(frozen=True)
class Totals:
    conversations: int = 0
    messages: int = 0  # the person's and the assistant's shown (not tools', not hidden)
    prompts: int = 0  # the person's
    answers: int = 0  # the assistant's
    words_written: int = 0
    words_read: int = 0
    media_files: int = 0  # of the whole profile, every vendor's
    media_bytes: int = 0
    active_days: int = 0
    first_day: date | None = None
    last_day: date | None = None


@dataclass(frozen=True)
class Insights:
    vendor: str | None
    totals: Totals
    days: dict[date, Day] = field(default_factory=dict)
    months: list[Month] = field(default_factory=list)  # by month, then vendor
    models: list[ModelMonth] = field(default_factory=list)
    # Messages by local weekday (0 is Monday) and hour.
    hours: list[list[int]] = field(default_factory=lambda: [[0] * 24 for _ in range(7)])
    longest: list[Ranked] = field(default_factory=list)
    returned: list[Ranked] = field(default_factory=list)
    counting: bool = False  # conversations stored before Insights are still being counted

    def model_totals(self) -> list[tuple[str | None, str, int]]:
        """(model, vendor, conversations), most used first."""
        counts: Counter[tuple[str | None, str]] = Counter()
        for row in self.models:
            counts[row.model, row.vendor] += row.conversations
        return [(m, v, n) for (m, v), n in counts.most_common()]

    def vendor_totals(self) -> list[tuple[str, int, int]]:
        """(vendor, conversations, messages), most conversations first."""
        conversations: Counter[str] = Counter()
        messages: Counter[str] = Counter()
        for row in self.months:
            conversations[row.vendor] += row.conversations
            messages[row.vendor] += row.messages
        return sorted(
            ((v, conversations[v], messages[v]) for v in conversations | messages),
            key=lambda t: (-t[1], -t[2], t[0]),
        )


def day_bounds(day: date, zone: tzinfo | None) -> tuple[float, float]:
    """[start, end) of a local day as Unix seconds (23 or 25 hours across a DST change)."""
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    following = date.fromordinal(day.toordinal() + 1)
    end = datetime(following.year, following.month, following.day, tzinfo=zone)
    return start.timestamp(), end.timestamp()  # naive (zone None): the system's time


EPOCH = date(1970, 1, 1)


def offset_quarters(quarter: int, zone: tzinfo | None) -> int:
    """The zone's UTC offset at that quarter, in quarters (the system's zone for None)."""
    seconds = quarter * QUARTER
    when = datetime.fromtimestamp(seconds, zone) if zone else datetime.fromtimestamp(seconds)
    offset = (when if zone else when.astimezone()).utcoffset()
    return int(offset.total_seconds() // QUARTER) if offset is not None else 0


def shifts(first: int, last: int, zone: tzinfo | None) -> sql.Shifts:
    """The zone's offsets from quarter `first` to `last`: (from quarter, offset), each
    change found by a day's steps, then a bisection to the quarter (a zone changes its
    offset at most a few times a year)."""
    found = [(first, offset_quarters(first, zone))]
    at = first
    while at < last:
        following = min(at + sql.DAY, last)
        if offset_quarters(following, zone) != found[-1][1]:
            low, high = at, following
            while high - low > 1:
                middle = (low + high) // 2
                if offset_quarters(middle, zone) == found[-1][1]:
                    low = middle
                else:
                    high = middle
            found.append((high, offset_quarters(high, zone)))
        at = following
    return found


def _day(number: int) -> date:
    return EPOCH + timedelta(days=number)


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def insights(
    app: App, profile: str, *, vendor: str | None = None, zone: tzinfo | None = None
) -> Insights:
    """The figures of the profile's visible conversations (of one vendor, if asked)."""
    with app.store.read() as session:
        bounds = sql.quarter_bounds(session)
        sql.load_visible(session, profile, vendor, shifts(*bounds, zone) if bounds else [])
        raw = sql.figures(session, TOP)
        media_files, media_bytes = sql.media(session, profile)
        counting = sql.activity_cursor(session) is not None
    conversations, messages, prompts, written, read = raw.totals
    per_day: dict[int, tuple[int, int, int]] = {}
    month_messages: Counter[tuple[str, str]] = Counter()
    for d, conv_vendor, c, m, p in raw.days:  # a conversation is of one vendor: sums hold
        before = per_day.get(d, (0, 0, 0))
        per_day[d] = (before[0] + c, before[1] + m, before[2] + p)
        month_messages[_month(_day(d)), conv_vendor] += m
    days = {_day(d): Day(*per_day[d]) for d in sorted(per_day)}
    started: Counter[tuple[str, str]] = Counter()
    by_model: Counter[tuple[str, str | None, str]] = Counter()
    for d, conv_vendor, model, n in raw.starts:
        month = _month(_day(d))
        started[month, conv_vendor] += n
        by_model[month, model, conv_vendor] += n
    hours = [[0] * 24 for _ in range(7)]
    for weekday, hour, n in raw.hours:
        hours[weekday][hour] = n
    return Insights(
        vendor=vendor,
        totals=Totals(
            conversations=conversations,
            messages=messages,
            prompts=prompts,
            answers=messages - prompts,
            words_written=written,
            words_read=read,
            media_files=media_files,
            media_bytes=media_bytes,
            active_days=len(days),
            first_day=min(days, default=None),
            last_day=max(days, default=None),
        ),
        days=days,
        months=[
            Month(month, v, started[month, v], month_messages[month, v])
            for month, v in sorted(set(started) | set(month_messages))
        ],
        models=[
            ModelMonth(m, model, v, n)
            for (m, model, v), n in sorted(
                by_model.items(), key=lambda t: (t[0][0], t[0][1] or "", t[0][2])
            )
        ],
        hours=hours,
        longest=[Ranked(*row) for row in raw.longest],
        returned=[Ranked(*row) for row in raw.returned],
        counting=counting,
    )


def as_json(figures: Insights) -> dict[str, object]:
    """`stats --json`: camelCase keys, months as YYYY-MM and days as YYYY-MM-DD, local."""
    t = figures.totals
    return {
        "vendor": figures.vendor,
        "totals": {
            "conversations": t.conversations,
            "messages": t.messages,
            "prompts": t.prompts,
            "answers": t.answers,
            "wordsWritten": t.words_written,
            "wordsRead": t.words_read,
            "mediaFiles": t.media_files,
            "mediaBytes": t.media_bytes,
            "activeDays": t.active_days,
            "firstDay": t.first_day.isoformat() if t.first_day else None,
            "lastDay": t.last_day.isoformat() if t.last_day else None,
        },
        "vendors": [
            {"vendor": v, "conversations": c, "messages": m} for v, c, m in figures.vendor_totals()
        ],
        "months": [
            {
                "month": m.month,
                "vendor": m.vendor,
                "conversations": m.conversations,
                "messages": m.messages,
            }
            for m in figures.months
        ],
        "models": [
            {"model": model, "vendor": v, "conversations": n}
            for model, v, n in figures.model_totals()
        ],
        "modelsByMonth": [
            {
                "month": m.month,
                "model": m.model,
                "vendor": m.vendor,
                "conversations": m.conversations,
            }
            for m in figures.models
        ],
        "hours": {
            "weekdays": list(WEEKDAYS),
            "messages": figures.hours,
        },
        "days": [
            {"date": day.isoformat(), "conversations": d.conversations, "messages": d.messages}
            for day, d in figures.days.items()
        ],
        "longest": [_ranked(r, "messages") for r in figures.longest],
        "cameBackTo": [_ranked(r, "days") for r in figures.returned],
        "counting": figures.counting,
    }


def _ranked(row: Ranked, unit: str) -> dict[str, object]:
    return {"id": row.conversation_id, "title": row.title, "vendor": row.vendor, unit: row.count}


# -- the words that stand out --------------------------------------------------------------

WORD_STEP_VERSIONS = 100
WORD_STEP_CHARACTERS = 2_000_000  # about 0.1 s of counting a step
WORDS_READ_PER_CONVERSATION = 200_000  # characters: a pasted book says little of the topic
WORDS_SHOWN = 8
STANDS_OUT = 1.25  # a quarter's word used at least this much more than the archive uses it
SAMPLED_MOST = 2000  # conversations whose words are read, shared across the quarters
SAMPLED_LEAST = 100  # of each quarter at least
PERIODS_SHOWN = 8


@dataclass(frozen=True)
class PeriodWords:
    period: str  # "2026 Q3", or "All time"
    words: list[tuple[str, int]]  # (word, conversations it is among the words of)


@dataclass(frozen=True)
class Topics:
    periods: list[PeriodWords]  # all time first, then the latest quarters, newest first
    uncounted: int  # conversations whose words are not counted yet


def uncounted_words(app: App, profile: str) -> int:
    """The visible conversations whose words are not counted yet."""
    with app.store.read() as session:
        return sql.uncounted_count(session, profile)


def count_words(
    app: App,
    profile: str,
    *,
    progress: Callable[[str, int], None] | None = None,
    cancel: Callable[[], bool] = never_cancelled,
) -> bool:
    """Count the words of the visible conversations not counted yet (newest first), in
    short steps, each its own transaction; `progress("words", percent)`. False if
    cancelled (what was counted is kept)."""
    with app.store.read() as session:
        total = sql.uncounted_count(session, profile)
    done = 0
    while True:
        if cancel():
            return False
        with app.store.read() as session:
            ids = sql.uncounted_versions(session, profile, WORD_STEP_VERSIONS)
            if not ids:
                return True
            texts = sql.person_texts(session, ids)
        counted: dict[int, list[tuple[str, int]]] = {}
        characters = 0
        for version_id in ids:
            kept, length = [], 0
            for body in texts[version_id]:
                kept.append(body[: WORDS_READ_PER_CONVERSATION - length])
                length += len(kept[-1])
                if length >= WORDS_READ_PER_CONVERSATION:
                    break
            counted[version_id] = top_words(kept, sql.TERMS_KEPT)
            characters += length
            if characters >= WORD_STEP_CHARACTERS:
                break
        with app.store.write() as session:
            sql.store_terms(session, counted)
        done += len(counted)
        if progress is not None:
            progress("words", min(99, done * 100 // max(1, total)))


def topics(
    app: App,
    profile: str,
    *,
    vendor: str | None = None,
    zone: tzinfo | None = None,
    uncounted: bool = True,
) -> Topics:
    """The words that stand out: over all time, the words the most conversations are
    about; in each quarter (by a conversation's start, local time), those it used more
    than the archive does, among at least two of its conversations (one, in a quarter of
    one). Of a large archive, each quarter's fullest conversations are read (sql.
    sampled_terms), which bounds the time at any size. `uncounted` False skips counting
    the conversations whose words are not counted yet (after `count_words`, none)."""
    with app.store.read() as session:
        bounds = sql.quarter_bounds(session)
        zone_shifts = shifts(*bounds, zone) if bounds else []
        rows = sql.sampled_terms(session, profile, vendor, zone_shifts, SAMPLED_LEAST, SAMPLED_MOST)
        left = sql.uncounted_count(session, profile) if uncounted else 0
    in_period: dict[str, Counter[str]] = defaultdict(Counter)  # conversations with the word
    used: dict[str, Counter[str]] = defaultdict(Counter)  # times used
    overall: Counter[str] = Counter()
    overall_used: Counter[str] = Counter()
    for key, term, count in rows:
        period = f"{key // 4} Q{key % 4 + 1}"
        overall[term] += 1
        overall_used[term] += count
        in_period[period][term] += 1
        used[period][term] += count
    everything = sum(overall_used.values()) or 1
    periods = [
        PeriodWords("All time", [(t, n) for t, n in sorted(
            overall.items(), key=lambda i: (-i[1], -overall_used[i[0]], i[0])
        )[:WORDS_SHOWN]])
    ] if overall else []  # fmt: skip
    for period in sorted(in_period, reverse=True)[:PERIODS_SHOWN]:
        size = sum(used[period].values()) or 1
        least = min(2, max(in_period[period].values()))
        scored = []
        for term, among in in_period[period].items():
            if among < least:
                continue
            share = used[period][term] / size
            background = overall_used[term] / everything
            ratio = share / background
            if len(in_period) > 1 and ratio < STANDS_OUT:
                continue
            score = used[period][term] * math.log(ratio)
            scored.append((score if len(in_period) > 1 else among, among, term))
        scored.sort(key=lambda s: (-s[0], -s[1], s[2]))
        chosen = [(term, among) for score, among, term in scored if score > 0][:WORDS_SHOWN]
        if chosen:
            periods.append(PeriodWords(period, chosen))
    return Topics(periods, left)
