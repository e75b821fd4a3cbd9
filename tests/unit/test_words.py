"""The words Insights counts: letters lowercased, stop words of the languages people write
in left out, Chinese and Japanese in words rather than characters, Korean by its spaces,
and the seam between two Chinese words not taken for a word."""

from __future__ import annotations

from desktop_importer.basics.words import top_words, words


def test_latin_words_without_stop_words_digits_or_short_ones() -> None:
    text = "Please help me: the Sourdough starter, und die Hydration at 75% — ok? Ça va, café!"
    assert words(text) == ["sourdough", "starter", "hydration", "café"]  # not "ça": short


def test_japanese_kanji_between_kana_is_a_word_and_katakana_too() -> None:
    assert words("日本語を勉強しています") == ["日本語", "勉強"]
    assert words("コンピューターを使う") == ["コンピューター"]
    assert "を" not in words("本を読む") and "本" not in words("本を読む")  # no single character


def test_chinese_is_read_in_pairs_and_korean_by_its_spaces() -> None:
    assert words("学习中文") == ["学习", "习中", "中文"]
    assert words("안녕하세요 친구") == ["안녕하세요", "친구"]
    assert words("我们") == []  # a stop word of Chinese


def test_the_seam_between_two_chinese_words_is_not_a_word() -> None:
    found = dict(top_words(["我们今天学习中文", "学习中文的方法"], 10))
    assert found["学习"] == 2 and found["中文"] == 2 and found["今天"] == 1
    assert "习中" not in found and "们今" not in found
    assert dict(top_words(["天气很好"], 5)) == {"天气": 1, "很好": 1}
