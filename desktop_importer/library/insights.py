"""Insights: the archive's shape in figures, for the window's charts, `desktop-importer
stats` and the tests alike.

    figures = insights(app, profile, vendor=None, zone=ZoneInfo("Europe/Ljubljana"))

Everything is counted from the activity an import writes per conversation and quarter hour
(store/insights.py), turned into the person's local days, months and hours here: a message
at 00:30 local time counts on its local day, across DST changes too. `zone` None is the
system's local time (what the window and the command line show).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING

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


def local_time(seconds: float, zone: tzinfo | None) -> datetime:
    """The person's local time of a Unix time (the system's zone when `zone` is None)."""
    return datetime.fromtimestamp(seconds, zone)


def day_bounds(day: date, zone: tzinfo | None) -> tuple[float, float]:
    """[start, end) of a local day as Unix seconds (23 or 25 hours across a DST change)."""
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    following = date.fromordinal(day.toordinal() + 1)
    end = datetime(following.year, following.month, following.day, tzinfo=zone)
    return start.timestamp(), end.timestamp()  # naive (zone None): the system's time


def insights(
    app: App, profile: str, *, vendor: str | None = None, zone: tzinfo | None = None
) -> Insights:
    """The figures of the profile's visible conversations (of one vendor, if asked)."""
    with app.store.read() as session:
        rows = sql.activity(session, profile, vendor)
        conversations = sql.conversation_count(session, profile, vendor)
        media_files, media_bytes = sql.media(session, profile, vendor)
        counting = sql.activity_cursor(session) is not None
    places: dict[int, tuple[date, str, int, int]] = {}  # quarter -> (day, month, weekday, hour)
    days_messages: Counter[date] = Counter()
    days_prompts: Counter[date] = Counter()
    day_conversations: dict[date, set[int]] = defaultdict(set)
    conversation_days: dict[int, set[date]] = defaultdict(set)
    first_quarter: dict[int, tuple[int, str, str, str | None]] = {}  # version -> start
    month_messages: Counter[tuple[str, str]] = Counter()
    hours = [[0] * 24 for _ in range(7)]
    prompts = answers = written = read = 0
    lengths: Counter[int] = Counter()
    for row in rows:
        lengths[row.version_id] += row.messages
        prompts += row.prompts
        answers += row.messages - row.prompts
        written += row.words_written
        read += row.words_read
        if row.quarter is None:
            continue
        place = places.get(row.quarter)
        if place is None:
            when = local_time(row.quarter * QUARTER, zone)
            place = (when.date(), f"{when.year:04d}-{when.month:02d}", when.weekday(), when.hour)
            places[row.quarter] = place
        day, month, weekday, hour = place
        days_messages[day] += row.messages
        days_prompts[day] += row.prompts
        day_conversations[day].add(row.version_id)
        conversation_days[row.version_id].add(day)
        month_messages[month, row.vendor] += row.messages
        hours[weekday][hour] += row.messages
        start = first_quarter.get(row.version_id)
        if start is None or row.quarter < start[0]:
            first_quarter[row.version_id] = (row.quarter, month, row.vendor, row.model)
    started: Counter[tuple[str, str]] = Counter()
    by_model: Counter[tuple[str, str | None, str]] = Counter()
    for _quarter, month, conv_vendor, model in first_quarter.values():
        started[month, conv_vendor] += 1
        by_model[month, model, conv_vendor] += 1
    months = [
        Month(month, v, started[month, v], month_messages[month, v])
        for month, v in sorted(set(started) | set(month_messages))
    ]
    days = {
        day: Day(len(day_conversations[day]), days_messages[day], days_prompts[day])
        for day in sorted(days_messages)
    }
    ids = {row.version_id: (row.conversation_id, row.vendor) for row in rows}
    came_back = sorted(
        ((len(found), version) for version, found in conversation_days.items() if len(found) > 1),
        key=lambda t: (-t[0], -t[1]),
    )[:TOP]
    longest = sorted(((n, v) for v, n in lengths.items()), key=lambda t: (-t[0], -t[1]))[:TOP]
    with app.store.read() as session:
        names = sql.titles(session, profile, [ids[v][0] for _n, v in (*came_back, *longest)])

    def ranked(pairs: list[tuple[int, int]]) -> list[Ranked]:
        return [Ranked(ids[v][0], names.get(ids[v][0]), ids[v][1], n) for n, v in pairs]

    return Insights(
        vendor=vendor,
        totals=Totals(
            conversations=conversations,
            messages=prompts + answers,
            prompts=prompts,
            answers=answers,
            words_written=written,
            words_read=read,
            media_files=media_files,
            media_bytes=media_bytes,
            active_days=len(days),
            first_day=min(days, default=None),
            last_day=max(days, default=None),
        ),
        days=days,
        months=months,
        models=[
            ModelMonth(m, model, v, n)
            for (m, model, v), n in sorted(
                by_model.items(), key=lambda t: (t[0][0], t[0][1] or "", t[0][2])
            )
        ],
        hours=hours,
        longest=ranked(longest),
        returned=ranked(came_back),
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
