"""`stats`: the figures the window's Insights view draws, on a terminal or as JSON."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from desktop_importer.basics.errors import EXIT_OK
from desktop_importer.basics.settings import human_bytes
from desktop_importer.cli.commands import opened_app
from desktop_importer.cli.terminal import emit
from desktop_importer.importing.report import nouns, plural
from desktop_importer.library import insights as figures_of
from desktop_importer.vendors.parsed import vendor_name

if TYPE_CHECKING:
    from desktop_importer.app import App

SHORT_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def cmd_stats(args: argparse.Namespace) -> int:
    found: figures_of.Topics | None = None
    with opened_app() as app:
        figures = figures_of.insights(app, args.profile, vendor=args.vendor)
        if args.words:
            found = _words(app, args.profile, args.vendor)
    body = figures_of.as_json(figures)
    said = lines(figures, args.profile)
    if found is not None:
        body["words"] = [
            {"period": p.period, "words": [{"word": w, "conversations": n} for w, n in p.words]}
            for p in found.periods
        ]
        said += ["", "Words that stand out:"]
        said += [f"  {p.period:<9} {', '.join(w for w, _n in p.words)}" for p in found.periods]
    emit(args, body, "\n".join(said))
    return EXIT_OK


def _words(app: App, profile: str, vendor: str | None) -> figures_of.Topics:
    """Count the words not counted yet (saying so on stderr: the first time after a large
    import takes a while), then what stands out."""
    owed = figures_of.uncounted_words(app, profile)
    if owed:
        print(f"Counting the words of {plural(owed, 'conversation')}…", file=sys.stderr)
        figures_of.count_words(app, profile)
    return figures_of.topics(app, profile, vendor=vendor, uncounted=False)


def model_name(model: str | None, vendor: str) -> str:
    return model or f"(not named in {vendor_name(vendor)}'s export)"


def lines(figures: figures_of.Insights, profile: str) -> list[str]:
    t = figures.totals
    whose = f"{vendor_name(figures.vendor)} in the archive" if figures.vendor else "The archive"
    if not t.conversations:
        return [f"{whose} of profile {profile} holds no conversations."]
    span = (
        f", from {t.first_day.isoformat()} to {t.last_day.isoformat()} "
        f"({plural(t.active_days, 'day')} with a message)"
        if t.first_day and t.last_day
        else ""
    )
    out = [
        f"{whose} of profile {profile}: {plural(t.conversations, 'conversation')}, "
        f"{plural(t.messages, 'message')}{span}.",
        f"You wrote {plural(t.words_written, 'word')} in {plural(t.prompts, 'prompt')}; "
        f"you read {plural(t.words_read, 'word')} in {plural(t.answers, 'answer')}.",
        f"Media kept (every assistant's): {plural(t.media_files, 'file')}, "
        f"{human_bytes(t.media_bytes)}.",
    ]
    if figures.counting:
        out.append("Conversations stored before this version are still being counted.")
    out += ["", "Assistants (conversations, messages):"]
    out += [f"  {vendor_name(v):<9} {c:>9,} {m:>11,}" for v, c, m in figures.vendor_totals()]
    out += ["", "Models (conversations):"]
    out += [f"  {n:>9,}  {model_name(m, v)}" for m, v, n in figures.model_totals()]
    out += ["", "Per month (conversations started, messages):"]
    by_month: dict[str, list[str]] = {}
    for row in figures.months:
        by_month.setdefault(row.month, []).append(
            f"{vendor_name(row.vendor)} {row.conversations:,} / {row.messages:,}"
        )
    out += [f"  {month}  " + "  ".join(parts) for month, parts in by_month.items()]
    busiest = max(
        ((n, d, h) for d, row in enumerate(figures.hours) for h, n in enumerate(row)),
        default=(0, 0, 0),
    )
    if busiest[0]:
        n, d, h = busiest
        per_day = "  ".join(f"{SHORT_DAYS[i]} {sum(row):,}" for i, row in enumerate(figures.hours))
        out += [
            "",
            f"When you talk (messages, local time): most on {SHORT_DAYS[d]} "
            f"{h:02d}:00 to {(h + 1) % 24:02d}:00 ({n:,}).",
            f"  {per_day}",
        ]
    out += ["", "Longest conversations:"]
    out += [
        f"  {r.count:>6,} {nouns(r.count, 'message'):<8}  "
        f"{r.title or '(untitled)'}  {r.conversation_id}"
        for r in figures.longest
    ]
    if figures.returned:
        out += ["", "Came back to most (days with a message):"]
        out += [
            f"  {r.count:>6,} days  {r.title or '(untitled)'}  {r.conversation_id}"
            for r in figures.returned
        ]
    return out
