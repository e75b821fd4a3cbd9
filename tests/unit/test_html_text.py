"""HTML from an export as inert Markdown: nothing that runs, styles or fetches survives;
the fast path for paragraphs and line breaks gives exactly what the full converter gives;
Takeout's printed local times read in the languages and zones seen."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator

import pytest

from desktop_importer.basics import html_text
from desktop_importer.basics.html_text import html_markdown
from desktop_importer.vendors.gemini import printed_time


def _fragments(pieces: list[str], *, seed: int, count: int, longest: int) -> Iterator[str]:
    """`count` fragments of HTML, each up to `longest` pieces drawn at random."""
    rng = random.Random(seed)
    for _ in range(count):
        yield "".join(rng.choice(pieces) for _ in range(rng.randint(0, longest)))


def full(html: str) -> str:
    converter = html_text._Converter("image_agent_tag_")
    converter.feed(html)
    converter.close()
    return converter.text()


def test_nothing_active_survives() -> None:
    markdown, images = html_markdown(
        '<p onclick="x()">Hi <a href="javascript:alert(1)">there</a></p>'
        "<script>alert(2)</script><style>p{}</style><iframe src=https://x></iframe>"
        '<img src="image_agent_tag_1"><img src="https://tracker.example/p.png">'
    )
    assert "alert" not in markdown and "javascript" not in markdown and "iframe" not in markdown
    assert markdown.startswith("Hi there")
    assert "[image: remote image](<https://tracker.example/p.png>)" in markdown  # named only
    assert images == ["image_agent_tag_1"]


def test_the_fast_path_gives_what_the_converter_gives() -> None:
    pieces = ["<p>", "</p>", "<br>", "a", " b ", "\n", "  ", "*x*", "#h", "[l](u)", "&amp;",
              "&lt;b&gt;", "京都", "\xa0", "_u_", "1. x", " ", "<BR/>", "<p >", "\t", "</br>",
              "a < b", "<3", "&", "&nbsp;", "<P>", "<br />"]  # fmt: skip
    compared = 0
    for html in _fragments(pieces, seed=7, count=4000, longest=12):
        fast = html_text._simple_markdown(html)
        if fast is not None:
            compared += 1
            assert fast == full(html), html
    assert compared > 2500
    assert html_text._simple_markdown("<p>a <b>b</b></p>") is None  # other tags: the converter


@pytest.mark.parametrize(
    ("printed", "utc"),
    [
        ("Aug 8, 2026, 6:39:27 PM CEST", "2026-08-08T16:39:27"),
        ("Aug 8, 2026, 6:39:27\u202fPM CEST", "2026-08-08T16:39:27"),
        ("5. nov. 2025, 01:34:47 CEST", "2025-11-04T23:34:47"),
        ("8 Aug 2026, 18:39:27 BST", "2026-08-08T17:39:27"),
        ("Jan 2, 2026, 12:05:00 AM GMT-05:00", "2026-01-02T05:05:00"),
    ],
)
def test_printed_times_are_read_in_the_zone_they_name(printed: str, utc: str) -> None:
    from datetime import UTC, datetime

    seconds = printed_time(printed)
    assert seconds is not None
    assert datetime.fromtimestamp(seconds, UTC).isoformat().startswith(utc)


def test_a_line_that_is_not_a_printed_time_is_none() -> None:
    assert printed_time("We met at 6:39:27 on a Tuesday") is None
    assert printed_time("Foo 8, 2026, 6:39:27 PM CEST") is None  # no such month
    assert printed_time("Aug 8, 2026, 6:39:27 PM XYZT") is None  # no such zone
    # a time whose zone takes it past what a date can hold: no time, not an error
    assert printed_time("Dec 31, 9999, 11:59:59 PM PST") is None
    assert printed_time("1 Jan 0001, 00:00:01 CEST") is None


def test_times_of_one_day_are_each_read_whole() -> None:
    """A day's words are read once and kept (a log prints a few hundred days): each clock
    of that day is still its own time, and a clock no day has is still no time."""
    day = "Aug 8, 2026, {} CEST"
    midnight = printed_time(day.format("12:00:00 AM"))
    assert midnight is not None
    assert printed_time(day.format("12:00:01 AM")) == midnight + 1
    assert printed_time(day.format("1:02:03 PM")) == midnight + 13 * 3600 + 2 * 60 + 3
    assert printed_time("8 Aug 2026, 23:59:59 CEST") == midnight + 86399
    for impossible in ("24:00:00", "7:60:00", "7:00:60", "123:00:00"):
        assert printed_time(f"8 Aug 2026, {impossible} CEST") is None, impossible
    assert printed_time("Feb 30, 2026, 1:00:00 PM UTC") is None  # no such day


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        (  # Gemini's lists hold paragraphs: each stays on its item's line
            "<ul><li><p><strong>Tiles:</strong> porcelain</p></li><li><p>grout</p></li></ul>"
            "<p>Done.</p>",
            "- **Tiles:** porcelain\n- grout\n\nDone.",
        ),
        (
            "<ol>\n<li>\n<p>Step <code>a</code></p>\n</li>\n<li>\n<p>Step b</p>\n"
            "<ul><li>nested</li></ul></li>\n</ol>",
            "1. Step `a`\n2. Step b\n  - nested",
        ),
        (  # a second paragraph of one item: on its own line, still in the item
            "<ul><li><p>one</p><p>more of one</p></li><li>two</li></ul>",
            "- one\n  more of one\n- two",
        ),
        ("<ul>\n<li>plain</li>\n<li>items</li>\n</ul>", "- plain\n- items"),
        (  # a code block keeps its language (a class that is not one is left out)
            '<pre><code class="language-python">x = 1\n</code></pre>'
            '<pre><code class="language-x`y">z</code></pre>',
            "```python\nx = 1\n```\n\n```\nz\n```",
        ),
        (  # a paragraph inside a code block, before its code: kept (it was lost)
            '<pre><p>note</p><code class="language-python">x = 1</code></pre><p>after</p>',
            "```\n\nnote\n\nx = 1\n```\n\nafter",
        ),
        (  # words after such a paragraph, before the code: kept (the fence took their place)
            '<pre><p>a</p>x<code class="language-c">y</code></pre>',
            "```\n\na\n\nxy\n```",
        ),
        (  # a link around paragraphs: their words kept, the link named by its address
            '<a href="https://e.org"><div>Card title</div><div>More</div></a>',
            "Card title\n\nMore\n\n[https://e.org](<https://e.org>)",
        ),
    ],
)
def test_answers_read_as_the_app_showed_them(html: str, markdown: str) -> None:
    assert html_markdown(html)[0] == markdown


def _parsed(html: str) -> tuple[str, list[str]]:
    converter = html_text._Converter("image_agent_tag_")
    converter.feed(html)
    converter.close()
    return converter.text(), converter.images


def test_plain_html_is_read_as_htmlparser_reads_it() -> None:
    """Rendered Markdown's HTML is cut into tags by a regular expression (three times
    faster); what it gives the converter is what HTMLParser gives, and HTML it cannot be
    sure of (a comment, a script, a stray "<", an unquoted attribute) goes to HTMLParser."""
    pieces = ["<p>", "</p>", "<br>", "<br/>", "<br />", "<BR>", "<ul>", "</ul>", "<ol>",
              "</ol>", "<li>", "</li>", "<h3>", "</h3>", "<strong>", "</B>", "<em>", "</em>",
              "<code>", "</code>", "<pre>", "</pre>", '<code class="language-python">',
              '<a href="https://e.org/a?b=1&amp;c=2">', '<a href="javascript:alert(1)">',
              "</a>", '<img src="image_agent_tag_1.png" alt="x">', "<img src=x>", "<hr/>",
              '<img src="https://t.example/p.png"/>', "<table>", "<tr>", "<td>", "</td>",
              "</tr>", "</table>", "<blockquote>", "<div>", "</div>", "<p/>", "<a name>",
              "</p foo>", "<my-tag>", "<!-- c -->", "<script>x</script>", "<SCRIPT>y",
              "<style>p{}</style>", "a", " b ", "\n", "  ", "\t", "*x*", "#h", "&amp;",
              "&lt;b&gt;", "&nbsp;", "&", "京都", "\xa0", "a < b", "<3", "x>y", "1. x", "`",
              "<", "</", "<a\xa0href='x'>", "<\u017fpan>", '<p\tclass="x"\n>', "</p\n>", "&#39;",
              '<a href="x" title=\'t "q"\'>', '<img alt="" src="">', '<P CLASS="Q">']  # fmt: skip
    rng = random.Random(11)
    plain = 0
    for _ in range(6000):
        html = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        converter = html_text._Converter("image_agent_tag_")
        if html_text._read_plain_html(converter, html):
            plain += 1
            assert (converter.text(), converter.images) == _parsed(html), html
        else:
            assert converter.text() == "" and converter.images == []  # nothing was called
        assert html_markdown(html) == (_simple_markdown_or(html) or _parsed(html)), html
    assert plain > 2000
    for html in ("a < b <p>x</p>", "<!-- x --><p>y</p>", "<p a=b>z</p>", "<script>1</script>"):
        assert not html_text._read_plain_html(html_text._Converter("image_agent_tag_"), html)


def _simple_markdown_or(html: str) -> tuple[str, list[str]] | None:
    simple = html_text._simple_markdown(html)
    return None if simple is None else (simple, [])


def test_rendered_markdown_is_read_as_the_converter_reads_it() -> None:
    """Gemini's rendered Markdown (paragraphs, headings, lists, code blocks, bold and code
    words) is read in one function that does what the converter's handlers do, tag by tag:
    fuzzed equal; anything else (a link, an attribute, a stray "<") goes to the converter."""
    pieces = ["<p>", "</p>", "<br>", "<br/>", "<br />", "<BR>", "<ul>", "</ul>", "<ol>",
              "</ol>", "<li>", "</li>", "<h3>", "</h3>", "<h1>", "</h6>", "<strong>",
              "</strong>", "<b>", "</B>", "<em>", "</em>", "<i>", "</i>", "<del>", "</s>",
              "<code>", "</code>", "<pre>", "</pre>", '<code class="language-python">',
              '<code class="x language-c++ y">', '<code class="">', '<code class="language-x`y">',
              "a", " b ", "\n", "  ", "\t", "*x*", "#h", "&amp;", " # ", "\u2003", "&emsp;",
              "&#39;", "x\n", "\n#y", "&lt;b&gt;", "&nbsp;", "&", "京都", "\xa0", "a < b", "<3",
              "x>y", "1. x", "`", "_", "\\", "<", "</", "<p >", "<a>", "</a>", "<div>",
              "</li >"]  # fmt: skip
    rendered = 0
    for html in _fragments(pieces, seed=5, count=12000, longest=16):
        fast = html_text._rendered_markdown(html)
        if fast is not None:
            rendered += 1
            assert (fast, []) == _parsed(html), html
            assert html_markdown(html) == (fast, [])
    assert rendered > 3000
    answer = (
        "<h3>Tiles</h3>\n<p>Use <strong>porcelain</strong> and <code>grout</code>.</p>\n"
        "<ol>\n<li>\n<p><strong>First:</strong> clean</p>\n</li>\n</ol>\n"
        '<pre><code class="language-python">print(1)\n</code></pre>'
    )
    assert html_text._rendered_markdown(answer) == (
        "### Tiles\n\nUse **porcelain** and `grout`.\n\n1. **First:** clean\n\n"
        "```python\nprint(1)\n```"
    )
    for other in ('<p><a href="https://e.org">x</a></p>', '<p class="x">y</p>', "<p>a < b</p>"):
        assert html_text._rendered_markdown(other) is None


def test_words_are_escaped_as_one_backslash_before_each_markdown_character() -> None:
    """Escaping is a few `str.replace` calls (the regular expression's template ran Python
    code at each match): the same text as the expression would make, backslashes included."""
    import re

    expression = re.compile(r"([\\`*_\[\]<>])")
    for words in _fragments(["a", "\\", "`", "*", "_", "[", "]", "<", ">", "京", " ", "#", "\\*"],
                            seed=9, count=3000, longest=12):  # fmt: skip
        assert html_text._escaped(words) == expression.sub(r"\\\1", words), words


def _answers(
    seed: int, count: int, words: list[str] | None = None, gaps: list[str] | None = None
) -> Iterator[str]:
    """Answers in the shape Gemini renders (paragraphs, headings, lists, code blocks), and
    near it: odd white space, entities, stray and unknown tags, nesting, unmatched tags."""
    rng = random.Random(seed)
    words = words or ["a", " b ", " ", "x y", "*x*", "#h", "&amp;", "&lt;", "&gt;", "&#39;", "&nbsp;",
             "&#32;", "&", "京都", "_", "\\", "`", "[", "]", ">", "1. x", "- y", "<strong>",
             "</strong>", "<b>", "</b>", "<em>", "</em>", "<i>", "</i>", "<del>", "</del>",
             "<s>", "</s>", "<code>", "</code>", "  ", "\n", "\u3000", "\t", "<br>", "<a>", "<",
             "\x01", "&lt;code&gt;", "<strong>x</strong> ", " <em>y</em>", "<code>z</code> ",
             " <code>&lt;</code>"]  # fmt: skip
    gaps = gaps or ["", "\n", " ", "\n\n", "\t", " \n "]

    def run() -> str:
        return "".join(rng.choice(words) for _ in range(rng.randint(0, 8)))

    def item() -> str:
        inner = (
            f"{rng.choice(gaps)}<p>{run()}</p>{rng.choice(gaps)}" if rng.random() < 0.6 else run()
        )
        return f"{rng.choice(gaps)}<li>{inner}</li>"

    def block() -> str:
        roll = rng.random()
        if roll < 0.35:
            return f"<p>{run()}</p>"
        if roll < 0.5:
            level = rng.randint(1, 6)
            return f"<h{level}>{run()}</h{rng.choice([level, 2])}>"
        if roll < 0.8:
            kind = rng.choice(["ul", "ol"])
            items = "".join(item() for _ in range(rng.randint(0, 4)))
            return f"<{kind}>{items}{rng.choice(gaps)}</{rng.choice([kind, 'ul'])}>"
        if roll < 0.95:
            named = rng.choice(["", ' class="language-python"', ' class="x language-c++ y"',
                                ' class=""', ' class="a&amp;b"', ' class="language-x`y"'])  # fmt: skip
            code = "".join(rng.choice(["print(1)", "\n", "\n\n\n", "\tx", "&lt;a&gt;", "*", "京"])
                           for _ in range(rng.randint(0, 6)))  # fmt: skip
            return f"<pre><code{named}>{code}</code></pre>"
        return rng.choice(["<hr>", "<p>a<br>b</p>", "<ul><li><ul><li>x</li></ul></li></ul>",
                           "<p><a href='x'>y</a></p>", "x", "<li>z</li>", "<p>a</p></p>"])  # fmt: skip

    for _ in range(count):
        yield "".join(rng.choice(gaps) + block() for _ in range(rng.randint(0, 5))) + rng.choice(
            gaps
        )


def _read_alike(
    fast: Callable[[str], str | None], slower: Callable[[str], str | None], answers: Iterable[str]
) -> int:
    """How many of the answers a faster reading reads; each as the slower one reads it, and
    as `html_markdown` gives it."""
    read = 0
    for html in answers:
        made = fast(html)
        if made is not None:
            read += 1
            assert made == slower(html), html
            assert html_markdown(html) == (made, [])
    return read


def test_an_answer_read_a_block_at_a_time_reads_as_tag_by_tag() -> None:
    """Gemini's usual answer is converted a block at a time (`_block_markdown`): what it
    makes is what the tag-by-tag reading makes (`_rendered_markdown`, else the converter),
    fuzzed; what it does not read (nesting, a line break, odd white space) it leaves."""
    read = _read_alike(
        html_text._block_markdown,
        lambda html: html_text._rendered_markdown(html) or full(html),
        _answers(seed=3, count=12000),
    )
    assert read > 3000
    answer = (
        "<h3>Tiles &amp; grout</h3>\n<p>Use <strong>porcelain</strong> and <code>a_b</code>"
        " <em>now</em>, &lt;not&gt; <code>&lt;div&gt;</code>.</p>\n<ol>\n<li>\n"
        "<p><strong>First:</strong> clean [x]</p>\n</li>\n<li>\n<p>then 京都</p>\n</li>\n</ol>\n"
        '<pre><code class="language-go">if a &lt; b {\n\treturn\n}\n</code></pre>'
    )
    markdown = (
        "### Tiles & grout\n\nUse **porcelain** and `a_b` *now*, \\<not\\> `<div>`.\n\n"
        "1. **First:** clean \\[x\\]\n2. then 京都\n\n```go\nif a < b {\n\treturn\n}\n```"
    )
    assert html_text._block_markdown(answer) == markdown == html_text._rendered_markdown(answer)
    for other in ("<ul><li><ul><li>x</li></ul></li></ul>", "<p>a<br>b</p>", "<p>a\tb</p>",
                  "<p>a  b</p>", '<p><a href="https://e.org">x</a></p>', "<p><code>x</p>"):  # fmt: skip
        assert html_text._block_markdown(other) is None, other


def test_an_answer_whose_words_need_nothing_done_reads_as_a_block_at_a_time() -> None:
    """Most of Gemini's answers need neither escaping nor white space read: their tags are
    replaced once for the whole answer (`_tidy_markdown`), and what that makes is what
    `_block_markdown` makes, fuzzed; near misses (a space at a block's edge, an empty item,
    a character Markdown escapes) are left to it."""
    words = ["a", "b c", " ", "x y ", " z", "京都", "🙂", "#h", "1. x", "- y", "<strong>",
             "</strong>", "<b>", "</b>", "<em>", "</em>", "<i>", "</i>", "<del>", "</del>",
             "<s>", "</s>", "<code>", "</code>", "<strong>x</strong> ", " <em>y</em>",
             "<code>z</code> ", "*", ">", "  ", "\xa0", "\n"]  # fmt: skip
    tidy_answers = _answers(seed=5, count=12000, words=words, gaps=["", "\n", "\n\n", " "])
    read = _read_alike(
        html_text._tidy_markdown,
        html_text._block_markdown,
        [*_answers(seed=4, count=4000), *tidy_answers],
    )
    assert read > 2000
    answer = (
        "<h3>Tiles and grout</h3>\n<p>Use <strong>porcelain</strong> and <code>a.b</code>"
        " <em>now</em>, 京都.</p>\n<ol>\n<li>\n<p><strong>First:</strong> clean</p>\n</li>\n"
        "<li>\n<p>then <del>wait</del></p>\n</li>\n</ol>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>"
    )
    markdown = (
        "### Tiles and grout\n\nUse **porcelain** and `a.b` *now*, 京都.\n\n"
        "1. **First:** clean\n2. then ~~wait~~\n\n- one\n- two"
    )
    assert html_text._tidy_markdown(answer) == markdown == html_text._block_markdown(answer)
    coded = (  # code blocks are fenced, their code as it is, a blank line in it kept once
        '<p>Run <code>it</code>:</p>\n<pre><code class="language-python">if a:\n\n\n\tb = [*c]\n'
        "</code></pre>\n<h2>Then</h2>\n<pre><code>x_y</code></pre>"
    )
    fenced = "Run `it`:\n\n```python\nif a:\n\n\tb = [*c]\n```\n\n## Then\n\n```\nx_y\n```"
    assert html_text._tidy_markdown(coded) == fenced == html_text._block_markdown(coded)
    for other in ("<p> a</p>", "<p>a </p>", "<p>#a</p>", "<ul><li></li></ul>", "<h2></h2>",
                  "<p>a_b</p>", "<p>a > b</p>", "<p>a</p> <p>b</p>", "<ul><li>x\n</li></ul>",
                  "<ul><li><p></p></li></ul>", "<p>a\xa0b</p>", "<pre><code>a &lt; b</code></pre>",
                  "<p>a</p> <pre><code>b</code></pre>"):  # fmt: skip
        assert html_text._tidy_markdown(other) is None, other
        assert html_markdown(other)[0] == (html_text._rendered_markdown(other) or full(other))


@pytest.mark.parametrize("opened", ["<ul>", "<ol>", "<ul><li><p>x</p>"])
def test_a_list_nested_thousands_deep_stays_the_size_of_its_html(opened: str) -> None:
    """Each level indents a list by two spaces, up to a depth a reader can follow; a
    hostile answer nesting 5,000 lists (45 KB) made 50 MB of spaces in the reading process,
    whose memory cap then refused the whole import."""
    html = opened * 5000 + "<li>x<p>more</p>" * 5000
    for markdown in (html_markdown(html)[0], full(html)):
        assert len(markdown) < 10 * len(html)
        deepest = "\n" + "  " * html_text.DEEPEST_LIST
        assert deepest + "more" in markdown and deepest + "  " not in markdown
    assert html_markdown("<ul><li>a<ul><li>b<ol><li>c</li></ol></li></ul></li></ul>")[0] == (
        "- a\n  - b\n    1. c"
    )


def test_markdown_is_never_many_times_the_size_of_its_html() -> None:
    """The reading process checks the size of an answer it leaves for the importing process
    to convert by its HTML (reading_process._Balance: at most 1/64 of the limit): its
    Markdown must stay within 64 bytes a character of HTML, whatever the HTML."""
    pieces = ["<ul>", "<ol>", "<li>", "<p>", "</p>", "<br>", "*", "_", "\\", "[", "]", ">",
              "#", "&gt;", "&lt;", '<a href="https://e.org/path">', "</a>", "<td>", "<tr>",
              "<table>", "<blockquote>", "<h1>", "<pre>", "</pre>", "<code>", "`", "<hr>",
              '<img src="https://a/b">', "x", "京", "&#x1F600;"]  # fmt: skip
    shapes = [
        "<ol>" * 12 + "<li>" * 20000,
        "<ul>" * 2000 + "<li>x" * 2000,
        "<ul>" * 12 + "<li><p>x</p><p>" * 300,
        "<tr>" + "<td>" * 500 + "<tr>",
        '<a href="https://e.org/a-long-address"></a>' * 50,
        *_fragments(pieces, seed=3, count=3000, longest=200),
    ]
    worst = max(len(html_markdown(html)[0].encode()) / len(html) for html in shapes if html)
    assert worst < 16
