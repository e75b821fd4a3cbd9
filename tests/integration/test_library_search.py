"""Search over the archive as the library runs it: CJK words inside unbroken text, found
without a second copy of any text, and the upgrades that index an older archive's CJK again
(schema 7) and drop its second copies (schema 14), in resumable steps."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop_importer import library
from desktop_importer.app import App
from desktop_importer.importing.service import open_app, start_import
from desktop_importer.store import recovery as recovery_sql
from desktop_importer.store import search as search_sql
from desktop_importer.upkeep import recovery
from tests.helpers.archive import load_archive, load_archive_v6
from tests.helpers.exports import BASE_TIME, chatgpt_zip, conversation, write_zip


def found(app: App, typed: str) -> list[str]:
    return [r.conversation_id for r in library.search(app, "default", typed)]


def test_cjk_words_are_found_inside_unbroken_text(app: App, tmp_path: Path) -> None:
    convs = [
        conversation("zh", [("user", "我们讨论了机器学习模型"), ("assistant", "好的")]),
        conversation("ja", [("user", "明日は日本語の勉強会です"), ("assistant", "はい")]),
        conversation("ko", [("user", "안녕하세요 반갑습니다"), ("assistant", "네")]),
        conversation("en", [("user", "machine learning"), ("assistant", "ok")]),
    ]
    start_import(app, chatgpt_zip(tmp_path / "cjk.zip", convs))
    assert found(app, "学习") == ["zh"]
    assert found(app, "机器学习") == ["zh"]
    assert found(app, "学习模") == ["zh"]  # typing on
    assert found(app, "习机") == []  # characters that do not stand together
    assert found(app, "勉強") == ["ja"]
    assert found(app, "반갑") == ["ko"]
    assert found(app, "型") == ["zh"]  # a run's last character alone
    result = library.search(app, "default", "学习")[0]
    assert library.plain_marks(result.snippet) == "我们讨论了机器[学习]模型"


def stored_copies(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "archive.sqlite3") as raw:
        (copies,) = raw.execute("SELECT count(index_text) FROM messages").fetchone()
        raw.execute("INSERT INTO message_fts (message_fts) VALUES ('integrity-check')")
    raw.close()
    return int(copies)


def test_cjk_is_found_with_its_text_stored_once_through_replacements_and_merges(
    app: App, tmp_path: Path
) -> None:
    """No message keeps a second copy of its text for the index, and the entries stay
    right when versions are replaced (their index entries taken out by the triggers) and
    when a newer export is merged with what is stored."""
    first = [
        conversation(
            "zh",
            [("user", "我们讨论了机器学习模型"), ("assistant", "好的"), ("user", "量子计算呢")],
        ),
        conversation("en", [("user", "machine learning"), ("assistant", "ok")]),
    ]
    start_import(app, chatgpt_zip(tmp_path / "a.zip", first, exported=(2026, 1, 1)))
    newer = [  # the third turn is gone from the newer export: kept from what is stored
        conversation(
            "zh",
            [("user", "我们讨论了机器学习模型"), ("assistant", "好的 深度神经网络")],
            update_time=BASE_TIME + 500,
        ),
        first[1],
    ]
    start_import(app, chatgpt_zip(tmp_path / "b.zip", newer, exported=(2026, 2, 1)))
    assert found(app, "学习") == ["zh"]
    assert found(app, "神经") == ["zh"]
    assert [r.node_id for r in library.search(app, "default", "量子")] == ["zh-n2"]
    assert found(app, "machine") == ["en"]
    assert stored_copies(app.store.path.parent) == 0


def test_a_cjk_title_is_found_too(app: App, tmp_path: Path) -> None:
    start_import(app, chatgpt_zip(tmp_path / "t.zip", [conversation("t", title="机器学习笔记")]))
    assert found(app, "学习") == ["t"]


def open_v6(data_dir: Path) -> App:
    load_archive_v6(data_dir)
    return open_app(data_dir, recover=False)  # as the window opens it


def test_an_older_archive_indexes_its_cjk_again_in_resumable_steps(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recovery_sql, "COPIES_STEP_ROWS", 2)  # several steps on a small archive
    app = open_v6(data_dir)
    try:
        before = library.search(app, "default", "学习")
        assert [(r.conversation_id, r.node_id) for r in before] == [("cjk-zh", None)]  # title
        assert found(app, "sourdough") == ["latin"]
        assert recovery.recovery_needed(app)
        seen: list[tuple[str, int]] = []
        first = recovery.recover(
            app,
            progress=lambda stage, done: seen.append((stage, done)),
            cancel=lambda: len(seen) >= 2,
        )
        assert not first.finished and recovery.recovery_needed(app)  # stopped half-way
        rest = recovery.recover(app, progress=lambda stage, done: seen.append((stage, done)))
        assert rest.finished and not recovery.recovery_needed(app)
        stages = [stage for stage, _ in seen]
        indexing = stages.count("indexing")
        assert stages == ["indexing"] * indexing + ["upgrading"] * (len(stages) - indexing)
        assert seen[indexing - 1] == ("indexing", 100) and seen[-1] == ("upgrading", 100)
        after = library.search(app, "default", "学习")
        assert [(r.conversation_id, r.node_id) for r in after] == [("cjk-zh", "cjk-zh-n0")]
        assert [r.node_id for r in library.search(app, "default", "勉強")] == ["cjk-ja-n0"]
        assert found(app, "sourdough") == ["latin"]  # the rest of the index as it was
    finally:
        app.close()
    with sqlite3.connect(data_dir / "archive.sqlite3") as raw:
        raw.execute("INSERT INTO message_fts (message_fts) VALUES ('integrity-check')")
    raw.close()


QUERIES = ("学习", "机器学习", "型", "勉強", "頑張", "반갑", "발효", "GPT模型", "日本語",
           "sourdough", "naive", "kefir", "feed")  # fmt: skip


def everything_found(app: App) -> dict[str, list[tuple[str, str | None]]]:
    return {
        typed: sorted((r.conversation_id, r.node_id) for r in library.search(app, "default", typed))
        for typed in QUERIES
    }


def test_an_archive_with_second_copies_drops_them_in_resumable_steps_and_finds_the_same(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Schema 13 kept each CJK message's index form beside its text; schema 14 drops
    those copies, a few rows a step, stoppable, with its progress said, and search finds
    exactly what it found before."""
    monkeypatch.setattr(recovery_sql, "COPIES_STEP_ROWS", 2)
    load_archive(data_dir, 13)
    assert stored_copies(data_dir) == 8
    app = open_app(data_dir, recover=False)
    try:
        before = everything_found(app)
        assert before["学习"] == [("zh", "zh-n1")]  # a conversation's best match
        assert before["日本語"] == [("ja", "ja-n0"), ("mixed", "mixed-n0")]
        assert before["반갑"] == [("ko", "ko-n0")]
        assert before["sourdough"] == [("latin", "latin-n0"), ("mixed", "mixed-n0")]
        assert recovery.recovery_needed(app)
        seen: list[tuple[str, int]] = []
        first = recovery.recover(
            app,
            progress=lambda stage, done: seen.append((stage, done)),
            cancel=lambda: len(seen) >= 3,
        )
        assert not first.finished and 0 < stored_copies(data_dir) < 8  # stopped half-way
        assert everything_found(app) == before  # and right meanwhile
        rest = recovery.recover(app, progress=lambda stage, done: seen.append((stage, done)))
        assert rest.finished and not recovery.recovery_needed(app)
        # The copies go first; then schema 15's reading again of every message.
        stages = [stage for stage, _ in seen]
        assert stages == sorted(stages) and set(stages) == {"indexing", "upgrading"}
        indexing = [done for stage, done in seen if stage == "indexing"]
        assert indexing[-1] == 100 and len(indexing) >= 5
        assert seen[-1] == ("upgrading", 100)
        assert everything_found(app) == before
        assert stored_copies(data_dir) == 0
        start_import(  # a later export's version replaces the stored one: its entries come out
            app,
            chatgpt_zip(
                data_dir.parent / "again.zip",
                [conversation("zh", [("user", "全新的内容")], update_time=BASE_TIME + 900)],
                exported=(2026, 12, 1),
            ),
        )
        assert [r.node_id for r in library.search(app, "default", "学习")] == ["zh-n1"]  # kept
        assert [r.node_id for r in library.search(app, "default", "内容")] == ["zh-n0"]
        assert [r.node_id for r in library.search(app, "default", "讨论")] == []  # replaced
    finally:
        app.close()
    assert stored_copies(data_dir) == 0


def test_a_command_opening_an_older_archive_finishes_the_upgrade(data_dir: Path) -> None:
    open_v6(data_dir).close()
    app = open_app(data_dir)  # what every command does
    try:
        assert [r.node_id for r in library.search(app, "default", "学习")] == ["cjk-zh-n0"]
    finally:
        app.close()


def test_the_vendors_archived_and_starred_flags_reach_the_list(app: App, tmp_path: Path) -> None:
    convs = [
        {**conversation("starred"), "is_starred": True},
        {**conversation("archived"), "is_archived": True},
        conversation("plain"),
    ]
    start_import(app, chatgpt_zip(tmp_path / "f.zip", convs))
    flags = {r.conversation_id: r.flags for r in library.list_page(app, "default")}
    assert flags == {"starred": 2, "archived": 1, "plain": 0}


def test_an_older_archive_reads_its_flags_from_the_original_json(data_dir: Path) -> None:
    app = open_v6(data_dir)
    try:
        assert {r.flags for r in library.list_page(app, "default")} == {None}  # not read yet
        recovery.recover(app)
        assert {r.flags for r in library.list_page(app, "default")} == {0}
        assert not recovery.recovery_needed(app)
    finally:
        app.close()


def gone(app: App) -> set[str]:
    return {r.conversation_id for r in library.list_page(app, "default") if r.gone}


def test_a_conversation_absent_from_the_latest_export_is_marked_and_kept(
    app: App, tmp_path: Path
) -> None:
    """Deleted online, kept here: marked against the latest export of its vendor and
    account; an older ZIP, a Claude export and a second account mark nothing."""
    a, b, c = (conversation(name) for name in ("a", "b", "c"))
    start_import(app, chatgpt_zip(tmp_path / "jan.zip", [a, b, c], exported=(2026, 1, 10)))
    assert gone(app) == set()
    start_import(app, chatgpt_zip(tmp_path / "mar.zip", [a, b], exported=(2026, 3, 10)))
    assert gone(app) == {"c"}  # and c is still in the archive
    assert "c" in {r.conversation_id for r in library.list_page(app, "default")}
    start_import(app, chatgpt_zip(tmp_path / "feb.zip", [a], exported=(2026, 2, 10)))
    assert gone(app) == {"c"}  # an older export marks nothing: b is not gone
    other = chatgpt_zip(
        tmp_path / "x.zip", [conversation("x")], exported=(2026, 6, 1), account="user-2"
    )
    start_import(app, other)
    assert gone(app) == {"c"}  # a second account's export says nothing of the first's
    claude = write_zip(
        tmp_path / "claude.zip",
        {"conversations.json": [{"uuid": "k", "name": "K", "account": {"uuid": "acc"},
                                 "chat_messages": [{"uuid": "k1", "sender": "human", "text": "hi"}]}]},
        exported=(2026, 9, 1),
    )  # fmt: skip
    start_import(app, claude)
    assert gone(app) == {"c"}  # nor does a Claude export
    start_import(app, chatgpt_zip(tmp_path / "apr.zip", [a, b, c], exported=(2026, 4, 10)))
    assert gone(app) == set()  # it came back


def test_exports_of_two_dates_dropped_together_each_keep_their_date(
    app: App, tmp_path: Path
) -> None:
    """One import of January's and March's exports: what only January held is gone from
    the latest (March), as it is when they are imported one after the other."""
    a, b, c = (conversation(name) for name in ("a", "b", "c"))
    jan = chatgpt_zip(tmp_path / "jan.zip", [a, b, c], exported=(2026, 1, 10))
    mar = chatgpt_zip(tmp_path / "mar.zip", [a, b], exported=(2026, 3, 10))
    report = start_import(app, [jan, mar])
    assert (report.conversations, report.added, report.skipped) == (3, 3, 0)  # each once
    assert gone(app) == {"c"}
    start_import(app, chatgpt_zip(tmp_path / "feb.zip", [a], exported=(2026, 2, 10)))
    assert gone(app) == {"c"}


def test_a_failed_import_marks_nothing(app: App, tmp_path: Path) -> None:
    from desktop_importer.basics.errors import ImportCancelled
    from tests.helpers.stubs import ActingProgress

    first = [conversation(f"c{i}") for i in range(30)]
    start_import(app, chatgpt_zip(tmp_path / "jan.zip", first, exported=(2026, 1, 10)))
    stop: list[bool] = []
    app.settings = app.settings.__class__(**{**app.settings.__dict__, "batch_conversations": 2})
    with pytest.raises(ImportCancelled):
        start_import(
            app,
            chatgpt_zip(tmp_path / "mar.zip", first[:20], exported=(2026, 3, 10)),
            progress=ActingProgress(3, lambda: stop.append(True)),
            cancel=lambda: bool(stop),
        )
    assert gone(app) == set()
    with app.store.read() as session:
        from sqlalchemy import text

        assert session.execute(text("SELECT count(*) FROM run_presence")).scalar() == 0


def test_a_command_doing_an_upgrades_data_work_says_so(data_dir: Path) -> None:
    """Opening an older archive from the command line does the upgrade's data work first
    (a minute for 1 GB): it says what it is doing, once per kind of work, on stderr."""
    from tests.integration.test_processes import cli

    load_archive_v6(data_dir)
    done = cli("status", "--json", data_dir=data_dir)
    assert done.returncode == 0
    assert done.stderr.splitlines() == [
        "Updating the search index so that it finds Chinese, Japanese and Korean words…",
        "Updating the archive for this version of the app…",
    ]
    assert cli("status", data_dir=data_dir).stderr == ""  # once done, nothing to say


def test_a_vendor_filter_is_applied_before_the_best_are_chosen(app: App, tmp_path: Path) -> None:
    """60 ChatGPT conversations outrank 3 Claude ones for 'kefir': filtered to Claude, the
    three are found (a filter after the best 50 would find none)."""
    chatgpt = [
        conversation(f"g{i}", [("user", "kefir kefir kefir"), ("assistant", "ok")])
        for i in range(60)
    ]
    start_import(app, chatgpt_zip(tmp_path / "g.zip", chatgpt))
    claude = [
        {"uuid": f"k{i}", "name": f"K{i}", "chat_messages": [{"uuid": f"k{i}m", "sender": "human", "text": "kefir"}]}
        for i in range(3)
    ]  # fmt: skip
    start_import(app, write_zip(tmp_path / "c.zip", {"conversations.json": claude}))
    assert len(library.search(app, "default", "kefir")) == 50
    assert sorted(found_for(app, "kefir", "claude")) == ["k0", "k1", "k2"]
    assert len(found_for(app, "kefir", "chatgpt")) == 50


def found_for(app: App, typed: str, vendor: str) -> list[str]:
    return [r.conversation_id for r in library.search(app, "default", typed, vendor=vendor)]


def test_a_claude_message_without_an_id_gets_its_blocks(app: App, tmp_path: Path) -> None:
    """Node ids made by the reader and looked up for the blocks agree, even after an entry
    of chat_messages that is not a message."""
    conv = {
        "uuid": "odd",
        "name": "Odd",
        "chat_messages": [42, {"sender": "human", "text": "first without a uuid"}],
    }
    start_import(app, write_zip(tmp_path / "o.zip", {"conversations.json": [conv]}))
    (message,) = library.read_conversation(app, "default", "odd").messages
    assert [b.text for b in message.blocks] == ["first without a uuid"]


def test_a_word_in_nearly_every_message_lists_the_newest_conversations_first(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bm25 would rank the message that repeats 'the' most; for a word this common that says
    nothing, so the newest conversations come first, as in a mail client. A rarer word is
    still ranked by bm25."""
    monkeypatch.setattr(search_sql, "CANDIDATES", 20)  # 20 candidates, dense within 200 rows
    answers = {1: "violin violin", 2: "a violin lesson, and more"}
    convs = [
        conversation(
            f"c{day:02d}",
            [
                ("user", "the the the the the violin" if day == 1 else f"the note {day}"),
                ("assistant", answers.get(day, "ok")),
            ],
            update_time=BASE_TIME + day * 86_400,
        )
        for day in range(1, 31)
    ]
    # The file lists the newest first (exports differ): import order must not decide.
    start_import(app, chatgpt_zip(tmp_path / "many.zip", list(reversed(convs))))
    assert found(app, "the")[:3] == ["c30", "c29", "c28"]
    best = library.search(app, "default", "the")[0]
    assert best.node_id == "c30-n0" and "[the]" in library.plain_marks(best.snippet)
    assert found(app, "the note")[:2] == ["c30", "c29"]  # each word as common
    assert found(app, "violin")[0] == "c01"  # a rarer word: ranked, the repeats count
    assert found(app, "the violin")[0] == "c01"


def common_notes(days: int = 30) -> list[dict[str, object]]:
    """`days` conversations, one a day, each with a note that starts with 'not' (as do
    'notebook' and 'nothing' in the first); the file lists the newest first."""
    convs = [
        conversation(
            f"c{day:02d}",
            [
                ("user", "notebook nothing" if day == 1 else f"the note {day}"),
                ("assistant", "a violin lesson" if day == 2 else "ok"),
            ],
            update_time=BASE_TIME + day * 86_400,
        )
        for day in range(1, days + 1)
    ]
    return list(reversed(convs))


@pytest.mark.parametrize("order", ["newest first", "oldest first"])
def test_a_prefix_in_nearly_every_message_lists_the_newest_conversations_first(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, order: str
) -> None:
    """A prefix's every word is gathered before any is ranked, so a common one is listed
    newest first, whichever order the export wrote the conversations in (the newest
    matches answer for the rows they cover; older ones ask the index)."""
    monkeypatch.setattr(search_sql, "CANDIDATES", 20)  # 20 candidates, dense within 200 rows
    monkeypatch.setattr(search_sql, "WALK", 5)  # several pages of the list
    convs = common_notes()
    start_import(
        app, chatgpt_zip(tmp_path / "n.zip", convs if order == "newest first" else convs[::-1])
    )
    results = library.search(app, "default", "not")
    assert [r.conversation_id for r in results] == [f"c{day:02d}" for day in range(30, 0, -1)]
    assert library.plain_marks(results[0].snippet) == "the [note] 30"
    assert library.plain_marks(results[-1].snippet) == "[notebook] [nothing]"
    assert found(app, "vio") == ["c02"]  # a rare prefix is ranked as before


def test_words_whose_weighing_would_walk_too_many_matches_list_the_newest_first(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not dense, but with more matches than bm25 should walk to weigh them: newest first,
    all of them, though the export lists the newest first."""
    monkeypatch.setattr(search_sql, "CANDIDATES", 5)
    monkeypatch.setattr(search_sql, "DENSE", 1)  # nothing is dense
    monkeypatch.setattr(search_sql, "WEIGH_MOST", 10)
    start_import(app, chatgpt_zip(tmp_path / "n.zip", common_notes()))
    assert found(app, "the note") == [f"c{day:02d}" for day in range(30, 1, -1)]


def test_a_cjk_title_imported_after_a_search_is_found(
    app: App, data_dir: Path, tmp_path: Path
) -> None:
    """The window keeps its reading connections: the titles kept for CJK searches are read
    again once another connection has written."""
    first = [conversation("a", [("user", "机器学习")], title="English title")]
    start_import(app, chatgpt_zip(tmp_path / "a.zip", first))
    assert [r.node_id for r in library.search(app, "default", "学习")] == ["a-n0"]
    later = [*first, conversation("b", [("user", "hello")], title="机器学习笔记")]
    start_import(app, chatgpt_zip(tmp_path / "b.zip", later))
    assert sorted(found(app, "学习")) == ["a", "b"]
    assert found(app, "笔记") == ["b"]
    other = open_app(data_dir)  # another process, as far as SQLite can tell
    try:
        third = [*later, conversation("c", [("user", "hi")], title="学习计划")]
        start_import(other, chatgpt_zip(tmp_path / "c.zip", third))
    finally:
        other.close()
    assert found(app, "计划") == ["c"]
