"""Insights' figures against a hand-built archive whose answers are known: local days,
months and hours across DST changes and in a half-hour zone, words as the search index
counts them (CJK by its pairs), models, the two ranked lists, a day's conversations in the
list; a newer export's version replacing the old one's figures; an older archive counted
in resumable steps."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from desktop_importer import library
from desktop_importer.app import App
from desktop_importer.importing.service import open_app, start_import
from desktop_importer.library import insights as library_insights
from desktop_importer.library.insights import (
    Day,
    Insights,
    Topics,
    count_words,
    day_bounds,
    insights,
    topics,
)
from desktop_importer.store import recovery as recovery_sql
from desktop_importer.upkeep import recovery
from tests.helpers.archive import load_archive
from tests.helpers.exports import chatgpt_zip, linked, message, node

LJUBLJANA = ZoneInfo("Europe/Ljubljana")  # CET/CEST: DST from 29 March, to 25 October 2026
KOLKATA = ZoneInfo("Asia/Kolkata")  # UTC+05:30 all year


def utc(*parts: int) -> float:
    return datetime(*parts, tzinfo=UTC).timestamp()  # type: ignore[arg-type, misc]


def talk(
    conv_id: str, turns: list[tuple[str, str, float]], *, model: str | None = None,
    extra: list[tuple[str, str, float]] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """A linear ChatGPT conversation of (role, text, Unix time) turns."""
    nodes = [node("root", None, None)]
    parent = "root"
    for index, (role, words, t) in enumerate([*turns, *(extra or [])]):
        node_id = f"{conv_id}-{index}"
        nodes.append(node(node_id, parent, message(node_id, role, words, t=t)))
        parent = node_id
    conv: dict[str, Any] = {
        "id": conv_id,
        "conversation_id": conv_id,
        "title": f"About {conv_id}",
        "create_time": turns[0][2],
        "update_time": turns[-1][2],
        "current_node": parent,
        "mapping": linked(nodes),
    }
    if model:
        conv["default_model_slug"] = model
    return conv


def conversations() -> list[dict[str, Any]]:
    return [
        # 00:30 local on 29 March (CET), 28 March in UTC; then 00:30 local on 30 March
        # (CEST), still 29 March in UTC.
        talk(
            "spring",
            [
                ("user", "Hello there friend", utc(2026, 3, 28, 23, 30)),
                ("assistant", "你好世界", utc(2026, 3, 28, 23, 31)),
                ("user", "again tomorrow", utc(2026, 3, 29, 22, 30)),
                ("assistant", "yes", utc(2026, 3, 29, 22, 31)),
                ("user", "and once more", utc(2026, 4, 2, 10, 0)),
            ],
            model="gpt-4o",
        ),
        # 02:30 local twice on 25 October: before the clocks go back (CEST) and after (CET).
        talk(
            "autumn",
            [
                ("user", "one two", utc(2026, 10, 25, 0, 30)),
                ("assistant", "three", utc(2026, 10, 25, 1, 30)),
            ],
            model="o3",
        ),
        # 00:30 local on 1 May (CEST): 30 April in UTC. A tool's message is not counted.
        talk(
            "may",
            [
                ("user", "first of may", utc(2026, 4, 30, 22, 30)),
                ("assistant", "indeed", utc(2026, 4, 30, 22, 31)),
            ],
            model="gpt-4o",
            extra=[("tool", "tool output words", utc(2026, 4, 30, 22, 32))],
        ),
        # Only on 28 March, local and UTC.
        talk("before", [("user", "early", utc(2026, 3, 28, 12, 0))], model="gpt-4o"),
    ]


@pytest.fixture
def imported(app: App, tmp_path: Path) -> App:
    report = start_import(app, chatgpt_zip(tmp_path / "export.zip", conversations()))
    assert (report.added, report.skipped) == (4, 0)
    return app


def test_days_are_the_persons_local_days_across_dst(imported: App) -> None:
    figures = insights(imported, "default", zone=LJUBLJANA)
    assert figures.days == {
        date(2026, 3, 28): Day(conversations=1, messages=1, prompts=1),
        date(2026, 3, 29): Day(conversations=1, messages=2, prompts=1),
        date(2026, 3, 30): Day(conversations=1, messages=2, prompts=1),
        date(2026, 4, 2): Day(conversations=1, messages=1, prompts=1),
        date(2026, 5, 1): Day(conversations=1, messages=2, prompts=1),
        date(2026, 10, 25): Day(conversations=1, messages=2, prompts=1),
    }
    in_utc = insights(imported, "default", zone=UTC)
    assert in_utc.days[date(2026, 3, 28)] == Day(conversations=2, messages=3, prompts=2)
    assert date(2026, 3, 30) not in in_utc.days and date(2026, 5, 1) not in in_utc.days
    # A half-hour zone: 23:30 UTC is 05:00 the next day in India.
    assert insights(imported, "default", zone=KOLKATA).hours[6][5] == 2  # Sunday 29 March


def test_hours_months_and_totals(imported: App) -> None:
    figures = insights(imported, "default", zone=LJUBLJANA)
    sunday = figures.hours[6]
    assert sunday[0] == 2 and sunday[2] == 2  # 29 March 00:30; 25 October 02:30, twice
    assert sum(map(sum, figures.hours)) == 10
    assert [(m.month, m.conversations, m.messages) for m in figures.months] == [
        ("2026-03", 2, 5),
        ("2026-04", 0, 1),
        ("2026-05", 1, 2),
        ("2026-10", 1, 2),
    ]
    totals = figures.totals
    assert (totals.conversations, totals.messages, totals.prompts, totals.answers) == (4, 10, 6, 4)
    # Words as the index counts them: a CJK run, one a character (its pairs and its last
    # character), as word processors count CJK; the tool's words do not count.
    assert totals.words_written == 3 + 2 + 3 + 2 + 3 + 1
    assert totals.words_read == 4 + 1 + 1 + 1
    assert (totals.first_day, totals.last_day, totals.active_days) == (
        date(2026, 3, 28), date(2026, 10, 25), 6
    )  # fmt: skip


def test_models_and_the_two_lists(imported: App) -> None:
    figures = insights(imported, "default", zone=LJUBLJANA)
    assert figures.model_totals() == [("gpt-4o", "chatgpt", 3), ("o3", "chatgpt", 1)]
    assert [(m.month, m.model, m.conversations) for m in figures.models] == [
        ("2026-03", "gpt-4o", 2), ("2026-05", "gpt-4o", 1), ("2026-10", "o3", 1)
    ]  # fmt: skip
    assert [(r.conversation_id, r.count) for r in figures.longest] == [
        ("spring", 5), ("may", 2), ("autumn", 2), ("before", 1)
    ]  # fmt: skip
    assert figures.longest[0].title == "About spring"
    assert [(r.conversation_id, r.count) for r in figures.returned] == [("spring", 3)]


def test_a_local_day_lists_the_conversations_with_a_message_on_it(imported: App) -> None:
    def on(day: date) -> list[str]:
        rows = library.list_page(imported, "default", active=day_bounds(day, LJUBLJANA))
        return [r.conversation_id for r in rows]

    assert on(date(2026, 3, 28)) == ["before"]  # spring's 23:30 UTC is the 29th here
    assert on(date(2026, 3, 29)) == ["spring"]
    assert on(date(2026, 5, 1)) == ["may"]
    assert on(date(2026, 10, 25)) == ["autumn"]  # a 25-hour day
    assert day_bounds(date(2026, 10, 25), LJUBLJANA)[1] - day_bounds(
        date(2026, 10, 25), LJUBLJANA
    )[0] == 25 * 3600  # fmt: skip
    assert on(date(2026, 6, 1)) == []


def test_one_vendor_and_a_newer_export(imported: App, tmp_path: Path) -> None:
    assert insights(imported, "default", vendor="claude", zone=LJUBLJANA).totals.conversations == 0
    newer = conversations()
    newer[3] = talk("before", [
        ("user", "early", utc(2026, 3, 28, 12, 0)),
        ("assistant", "reply later", utc(2026, 11, 2, 9, 0)),
    ], model="gpt-5")  # fmt: skip
    start_import(imported, chatgpt_zip(tmp_path / "newer.zip", newer, exported=(2026, 12, 1)))
    figures = insights(imported, "default", zone=LJUBLJANA)
    assert figures.totals.conversations == 4 and figures.totals.messages == 11  # not 12
    assert figures.days[date(2026, 11, 2)] == Day(conversations=1, messages=1, prompts=0)
    assert ("gpt-5", "chatgpt", 1) in figures.model_totals()
    with imported.store.read() as session:  # the replaced version's rows went with it
        orphans = session.execute(
            text(
                "SELECT count(*) FROM conversation_activity "
                "WHERE version_id NOT IN (SELECT id FROM conversations)"
            )
        ).scalar_one()
    assert orphans == 0


def _forget_figures(app: App) -> None:
    """The archive as schema 19 left it: nothing counted, no models, the task owed."""
    with app.store.write() as session:
        session.execute(text("DELETE FROM conversation_activity"))
        session.execute(text("UPDATE conversations SET model = NULL"))
        session.execute(text("INSERT INTO maintenance (name, state) VALUES ('activity', '0')"))


def _figures(app: App) -> Insights:
    return insights(app, "default", zone=LJUBLJANA)


def test_an_older_archive_is_counted_in_resumable_steps(
    imported: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _figures(imported)
    assert not before.counting
    _forget_figures(imported)
    assert _figures(imported).counting and _figures(imported).totals.messages == 0
    monkeypatch.setattr(recovery_sql, "FLAGS_STEP_VERSIONS", 1)
    seen: list[tuple[str, int]] = []
    first = recovery.recover(
        imported, progress=lambda stage, done: seen.append((stage, done)),
        cancel=lambda: len(seen) >= 2,
    )  # fmt: skip
    assert not first.finished
    half = _figures(imported)
    assert 0 < half.totals.messages < before.totals.messages and half.counting
    rest = recovery.recover(imported, progress=lambda stage, done: seen.append((stage, done)))
    assert rest.finished and seen[-1] == ("upgrading", 100)
    assert _figures(imported) == before  # nothing counted twice, models read again


def test_a_schema_13_archive_gets_its_figures(data_dir: Path) -> None:
    load_archive(data_dir, 13)
    app = open_app(data_dir)  # upgrades, then does the work owed
    try:
        figures = insights(app, "default", zone=UTC)
        assert not figures.counting
        assert figures.totals.conversations > 0 and figures.totals.messages > 0
        assert figures.totals.words_written > 0 and figures.days
    finally:
        app.close()


def about(conv_id: str, when: float, *prompts: str) -> dict[str, Any]:
    turns: list[tuple[str, str, float]] = []
    for index, prompt in enumerate(prompts):
        turns += [("user", prompt, when + index * 60), ("assistant", "noted", when + index * 60)]
    return talk(conv_id, turns)


def test_the_words_that_stand_out_by_quarter(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    winter, spring = utc(2026, 2, 10, 12), utc(2026, 5, 10, 12)
    convs = [
        about("bread-1", winter, "Please help: the sourdough starter and its hydration"),
        about("bread-2", winter + 86400, "Sourdough hydration, again, und the crumb"),
        about("chinese", winter + 2 * 86400, "我们今天学习中文", "学习中文的方法"),
        about("chinese-2", winter + 3 * 86400, "学习中文 every day"),
        about("k8s-1", spring, "kubernetes ingress for the cluster"),
        about("k8s-2", spring + 86400, "The kubernetes ingress again, and helm"),
        about("k8s-3", spring + 2 * 86400, "helm charts for kubernetes"),
    ]
    start_import(app, chatgpt_zip(tmp_path / "words.zip", convs))
    before = library_topics(app)
    assert before.uncounted == 7 and before.periods == []
    monkeypatch.setattr(library_insights, "WORD_STEP_VERSIONS", 2)
    seen: list[int] = []
    assert not count_words(app, "default", progress=lambda _s, done: seen.append(done),
                           cancel=lambda: len(seen) >= 2)  # fmt: skip
    assert library_topics(app).uncounted == 3  # two steps of two kept
    assert count_words(app, "default", progress=lambda _s, done: seen.append(done))
    found = library_topics(app)
    assert found.uncounted == 0
    by_period = {p.period: [word for word, _n in p.words] for p in found.periods}
    assert list(by_period) == ["All time", "2026 Q2", "2026 Q1"]
    assert by_period["2026 Q2"][:3] == ["kubernetes", "helm", "ingress"]
    assert {"sourdough", "hydration", "学习", "中文"} <= set(by_period["2026 Q1"])
    assert "kubernetes" not in by_period["2026 Q1"]
    everything = {word for p in found.periods for word, _n in p.words}
    assert not everything & {"the", "please", "help", "und", "again", "我们", "学", "中"}
    assert by_period["All time"][0] in {"kubernetes", "学习", "中文"}  # in three conversations
    # A newer version's words are counted again; the old version's go with it.
    convs[4] = about("k8s-1", spring + 600, "terraform modules, not kubernetes")
    start_import(app, chatgpt_zip(tmp_path / "newer.zip", convs, exported=(2026, 12, 1)))
    assert library_topics(app).uncounted == 1
    count_words(app, "default")
    with app.store.read() as session:
        orphans = session.execute(text(
            "SELECT count(*) FROM conversation_terms "
            "WHERE version_id NOT IN (SELECT id FROM conversations)"
        )).scalar_one()  # fmt: skip
    assert orphans == 0


def library_topics(app: App) -> Topics:
    return topics(app, "default", zone=LJUBLJANA)


def test_long_messages_count_every_word(app: App, tmp_path: Path) -> None:
    """The index keeps a size of 128 tokens or more in two or three bytes."""
    when = utc(2026, 6, 1, 9)
    long_talk = talk("long", [
        ("user", " ".join(["word"] * 300), when),
        ("assistant", " ".join(["answer"] * 20_000), when + 60),
        ("user", "你好" * 100, when + 120),
    ])  # fmt: skip
    start_import(app, chatgpt_zip(tmp_path / "long.zip", [long_talk]))
    totals = insights(app, "default", zone=UTC).totals
    assert (totals.words_written, totals.words_read) == (300 + 200, 20_000)
