"""CJK runs indexed as overlapping pairs, and queries split the same way."""

from __future__ import annotations

from desktop_importer.basics import cjk
from desktop_importer.library import fts_query, words_of


def test_text_without_cjk_is_indexed_as_it_is() -> None:
    assert cjk.index_form("Grüße, naïve café — 🙂") is None


def test_a_cjk_run_becomes_its_pairs_and_its_last_character() -> None:
    assert cjk.index_form("机器学习模型") == " 机器 器学 学习 习模 模型 型 "
    assert cjk.index_form("GPT模型 and 日本語") == "GPT 模型 型  and  日本 本語 語 "
    assert cjk.index_form("안녕하세요") == " 안녕 녕하 하세 세요 요 "


def test_queries_are_split_as_the_index_is() -> None:
    assert fts_query(words_of("学习")) == '"学习"'  # a pair is a whole token
    assert fts_query(words_of("机器学习")) == '"机器 器学 学习"'
    assert fts_query(words_of("学 python")) == '"学"* "python"*'  # one character starts pairs
    assert fts_query(words_of("GPT模型")) == '"GPT" "模型"'


def test_the_byte_check_rules_cjk_out_only_when_there_is_none() -> None:
    from desktop_importer.basics.cjk import RANGES, maybe_in_utf8

    assert not maybe_in_utf8("Le café était très bon — naïve 🎉 Ünïcödé".encode())
    for first, last in zip(RANGES[::3], RANGES[2::3], strict=True):
        for character in (first, last):
            assert maybe_in_utf8(f"word {character} word".encode())


def test_the_index_form_is_each_run_replaced_by_its_tokens_wherever_the_runs_stand() -> None:
    """index_form splits on what is not CJK, for speed; it must read as the plain rule:
    every run, wherever it stands (first, last, alone, between any other characters),
    replaced by its tokens between spaces."""
    import random

    def plainly(text: str) -> str | None:
        if not cjk.has_cjk(text):
            return None
        return cjk.RUN.sub(lambda run: " " + " ".join(cjk.tokens(run.group())) + " ", text)

    edges = [chr(c) for c in (0x303F, 0x3100, 0x33FF, 0x4DC0, 0x4DFF, 0xA000, 0xABFF, 0xD7B0)]
    inside = [bound for bound in cjk.RANGES if bound != "-"] + ["学", "習", "語", "한"]
    other = [*edges, "a", " ", "é", "Ж", "ש", "ह", "🙂", "\n", "、"]
    rng = random.Random(23)
    for _ in range(5_000):
        text = "".join(
            rng.choice(inside if rng.random() < 0.5 else other) for _ in range(rng.randrange(0, 12))
        )
        assert cjk.index_form(text) == plainly(text), repr(text)
    assert cjk.index_form("学") == " 学 "
    assert cjk.index_form("é学") == "é 学 "
    assert cjk.index_form("学é") == " 学 é"
