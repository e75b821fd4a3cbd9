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
