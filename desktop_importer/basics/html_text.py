"""HTML from an export (Gemini's answers in Google Takeout) as the reader's Markdown, with
nothing active kept: scripts, styles, forms, frames and their content dropped; remote
images named, never fetched; only web and mail links kept as links; every tag gone.

The standard library's HTMLParser reads it: forgiving of the broken HTML a log holds, and
never building a tree (an answer of 300 KB is read in one pass). HTML that is well formed in
the plain way rendered Markdown is (every `<` opens a tag with quoted attributes, no
comment, script or style) is cut into tags by one regular expression and given to the same
handlers, in the same calls HTMLParser would make, three times faster; any other goes to
HTMLParser. HTML as Gemini renders an answer's Markdown (a dozen tags, written one way) is
read faster again by `_rendered_markdown`, the handlers' work for those tags in one
function; and the most usual of it (paragraphs, headings, flat lists and code blocks, their
words in plain spaces) by `_block_markdown`, a block's words at once; where those words need
nothing done to them (no escaping, no space at a block's edge: most answers), by
`_tidy_markdown`, each tag replaced once for the whole answer. Each faster reading gives
what the one before it gives (fuzzed), or None for HTML it does not read.
"""

from __future__ import annotations

import html as htmllib
import re
from functools import cache
from html.parser import HTMLParser

from desktop_importer.basics.markdown import escape_markdown, is_safe_link

# Their content is never text: what runs, styles, or stands for something else.
_DROPPED = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
     "head", "title", "select", "textarea", "button", "canvas", "video", "audio"}
)  # fmt: skip
_BLOCKS = frozenset(
    {"p", "div", "section", "article", "header", "footer", "table", "blockquote", "figure",
     "dl", "dt", "dd", "hr"}
)  # fmt: skip
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_MARKS = {"strong": "**", "b": "**", "em": "*", "i": "*", "del": "~~", "s": "~~"}


_PROSE = re.compile(r"[\\`*_\[\]<>]")  # what would start emphasis, code, a link or a tag
_PROSE_SEARCH = _PROSE.search


def _escaped(words: str) -> str:
    """`words` with each character of _PROSE escaped by a backslash. One `str.replace` a
    character present: `_PROSE.sub(r"\\\1", ...)` calls Python's template code at each
    match (Python 3.11), 20 times slower on a paragraph."""
    for character in "\\`*_[]<>":  # the backslash first: those added are not escaped again
        if character in words:
            words = words.replace(character, "\\" + character)
    return words


_LANGUAGE = re.compile(r"(?:^|\s)(?:language|lang)-([A-Za-z0-9_+#-]{1,24})(?:\s|$)")


def _escape_prose(words: str, line_start: bool) -> str:
    """Words of the HTML as Markdown shows them: what would start emphasis, code, a link or
    a tag escaped; a `#` that would start a heading too. Parentheses and `!` stay."""
    escaped = _escaped(words) if _PROSE_SEARCH(words) else words
    return "\\" + escaped if line_start and escaped.startswith("#") else escaped


def _paragraph_ended(out: list[str], done: list[str]) -> list[str]:
    """The paragraph written in `out` ended (one blank line after it, however many blocks
    end here): it goes to `done`, and what is left written is that blank line.

    `out` always begins with the blank line that ends what `done` holds (at first, nothing:
    the text's start, which `strip` drops at the end), so what is stripped here never
    reaches into `done`, and only what was written since the last paragraph's end is joined
    (joining all of it at each block's end took an answer of 450 KB and 3,000 blocks
    0.3-0.5 s). Places counted in `out` (a list item's marker, a code fence, a link's start)
    are counted from that blank line."""
    text = "".join(out).rstrip(" ")
    if not text.endswith("\n\n"):
        text = text.rstrip("\n") + "\n\n"
    done.append(text[:-2])
    return [_PARAGRAPH_END]


_PARAGRAPH_END = "\n\n"


def _fence_closed(out: list[str]) -> None:
    """A code block's closing fence, on a line of its own."""
    if not next((piece for piece in reversed(out) if piece), "").endswith("\n"):
        out.append("\n")
    out.append("```")


def _end_line(out: list[str]) -> None:
    """End the line written so far, if it holds anything (a space that only stood between
    tags is dropped first)."""
    while out and out[-1] == " ":
        out.pop()
    if out and not out[-1].endswith("\n"):
        out.append("\n")


# A list's indent at each depth, as Markdown nests lists, but never deeper than DEEPEST_LIST
# levels: a list nested 5,000 deep (45 KB of HTML) made 50 MB of spaces.
DEEPEST_LIST = 12
_INDENT = tuple("  " * depth for depth in range(DEEPEST_LIST + 1))


def _indent(depth: int) -> str:
    return _INDENT[min(max(depth, 0), DEEPEST_LIST)]


class _Converter(HTMLParser):
    def __init__(self, image_name: str) -> None:
        super().__init__(convert_charrefs=True)
        self.image_name = image_name
        self.out: list[str] = [_PARAGRAPH_END]  # what came after the last paragraph's end
        self.done: list[str] = []  # what came before it (_paragraph_ended)
        self.images: list[str] = []  # the names of images with no file behind them
        self.dropped = 0  # depth inside a dropped element
        self.pre = 0
        self.lists: list[int | None] = []
        self.link: tuple[str | None, int] | None = None  # (href, where its words start)
        self.row_cells = 0
        self.header_row_done = False
        self.code = False  # inside inline code: its words as they are
        # Just after a list item's marker: `out` (a paragraph's end makes a new one) and its
        # length, for a paragraph to tell whether it is the item's first.
        self.marker: tuple[list[str] | None, int] = (None, -1)
        # Just after a code block's opening fence: `out` and its length (as `marker`).
        self.fence: tuple[list[str] | None, int] = (None, -1)

    # -- text ---------------------------------------------------------------------------

    def handle_data(self, data: str) -> None:
        if self.dropped:
            return
        if self.pre:
            self.out.append(data)
            return
        if not data.strip():  # white space between tags: a space at most
            if data and self.out and not self.out[-1].endswith((" ", "\n")):
                self.out.append(" ")
            return
        words = _SPACE.sub(" ", data.replace("\xa0", " ")) if _uneven(data) else data
        line_start = not self.out or self.out[-1].endswith("\n")
        if line_start:
            words = words.lstrip()
        plain = self.link is not None or self.code
        self.out.append(words if plain else _escape_prose(words, line_start))

    def _block(self) -> None:
        self.out = _paragraph_ended(self.out, self.done)
        if self.link is not None:  # a paragraph ended in a link: its words are what follows
            self.link = (self.link[0], len(self.out))

    def _line(self) -> None:
        _end_line(self.out)

    # -- tags ---------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self.dropped += 1
            return
        if self.dropped:
            return
        values = dict(attrs)
        if tag == "br":
            self.out.append("\n")
        elif tag in _HEADINGS:
            self._block()
            self.out.append("#" * _HEADINGS[tag] + " ")
        elif tag in ("ul", "ol"):
            self._line() if self.lists else self._block()
            self.lists.append(1 if tag == "ol" else None)
        elif tag == "li":
            self._line()
            depth = _indent(len(self.lists) - 1)
            number = self.lists[-1] if self.lists else None
            if self.lists and number is not None:
                self.lists[-1] = number + 1
            self.out.append(depth + (f"{number}. " if number is not None else "- "))
            self.marker = (self.out, len(self.out))
        elif tag == "pre":
            self._block()
            self.out.append("```\n")
            self.fence = (self.out, len(self.out))
            self.pre += 1
        elif tag == "code" and self.pre:  # the block's language, from its class
            language = _LANGUAGE.search(values.get("class") or "")
            fence, end = self.fence
            if language and fence is self.out and end == len(self.out):
                self.out[-1] = f"```{language.group(1)}\n"
        elif tag == "code":
            self.out.append("`")
            self.code = True
        elif tag in _MARKS:
            self.out.append(_MARKS[tag])
        elif tag == "a":
            self.link = (values.get("href"), len(self.out))
        elif tag == "img":
            self._image(values.get("src") or "", values.get("alt") or "")
        elif tag == "tr":
            self._line()
            self.row_cells = 0
        elif tag in ("td", "th"):
            self.out.append("| " if self.row_cells == 0 else " | ")
            self.row_cells += 1
        elif tag in ("p", "div") and self.lists:  # a list item's paragraph stays in it
            marker, end = self.marker
            if marker is not self.out or end != len(self.out):  # a second one: on its own line
                self._line()
                self.out.append(_indent(len(self.lists)))
        elif tag in _BLOCKS:
            self._block()
            if tag == "blockquote":
                self.out.append("> ")
            elif tag == "hr":
                self.out.append("---\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "img", "hr"):
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self.dropped = max(0, self.dropped - 1)
            return
        if self.dropped:
            return
        if tag in ("p", "div") and self.lists:
            return  # the item goes on until its list's next item or end
        if tag in _HEADINGS or tag in ("p", "div", "blockquote", "table", "section", "article"):
            self._block()
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            if not self.lists:
                self._block()
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            _fence_closed(self.out)
            self._block()
        elif tag == "code" and not self.pre:
            self.out.append("`")
            self.code = False
        elif tag in _MARKS:
            self.out.append(_MARKS[tag])
        elif tag == "a" and self.link is not None:
            href, start = self.link
            self.link = None
            words = "".join(self.out[start:]).strip()
            del self.out[start:]
            shown = escape_markdown(words)
            if href and is_safe_link(href) and not any(c in href for c in " <>\n"):
                self.out.append(f"[{shown or escape_markdown(href)}](<{href}>)")
            else:
                self.out.append(shown)
        elif tag == "tr":
            if self.row_cells:
                self.out.append(" |\n")
                if not self.header_row_done:
                    self.out.append("|" + " --- |" * self.row_cells + "\n")
                    self.header_row_done = True
            self.row_cells = 0
        elif tag == "table":
            self.header_row_done = False
            self._block()

    def _image(self, src: str, alt: str) -> None:
        """An image is never fetched: one the answer made (`image_agent_tag_…`, no file
        behind it) is named as missing; a remote one is named with its address."""
        name = src.rsplit("/", 1)[-1] if src else ""
        if name.startswith(self.image_name) or not src.startswith(("http://", "https://")):
            self.images.append(name or alt or "image")  # shown apart, as a missing image
        else:
            self.out.append(f"[image: {escape_markdown(alt or 'remote image')}](<{src}>)")

    def text(self) -> str:
        markdown = "".join(self.done) + "".join(self.out)
        return re.sub(r"\n{3,}", "\n\n", markdown).strip()


_OTHER_TAG = re.compile(r"<(?!(?:/?p|br)\s*/?>)[a-zA-Z/!?]", re.I)
_PARAGRAPH = re.compile(r"</?p\s*/?>", re.I)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.I)
_SPACE = re.compile(r"[ \t\r\n\f]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_HEADING_START = re.compile(r"^#", re.M)  # a line that would start a heading


def _simple_markdown(html: str) -> str | None:
    """The Markdown of HTML that holds paragraphs and line breaks only (most of a log's
    answers), made as the converter makes it, several times faster; None for any other."""
    if _OTHER_TAG.search(html):
        return None
    paragraphs: list[str] = []
    for paragraph in _PARAGRAPH.split(html):
        if "&" not in paragraph:  # the lines at once (an entity is read first, line by line)
            if _uneven(paragraph):
                paragraph = _SPACE.sub(" ", paragraph.replace("\xa0", " "))
            text = "\n".join(line.lstrip() for line in _LINE_BREAK.split(paragraph))
            if _PROSE_SEARCH(text):
                text = _escaped(text)
            if "#" in text:
                text = _HEADING_START.sub(r"\\#", text)
            if text := text.rstrip(" ").strip("\n"):
                paragraphs.append(text)
            continue
        lines: list[str] = []
        for line in _LINE_BREAK.split(paragraph):
            words = htmllib.unescape(line) if "&" in line else line
            if _uneven(words):
                words = _SPACE.sub(" ", words.replace("\xa0", " "))
            words = words.lstrip()
            lines.append(_escape_prose(words, True) if words else "")
        lines[-1] = lines[-1].rstrip(" ")  # a paragraph's end; a line break keeps its spaces
        if any(lines):
            paragraphs.append("\n".join(lines).strip("\n"))
    markdown = "\n\n".join(p for p in paragraphs if p)
    return (_BLANK_LINES.sub("\n\n", markdown) if "\n\n\n" in markdown else markdown).strip()


def _uneven(text: str) -> bool:
    """Whether the text holds white space that HTML shows as one space. Text that is all
    printable (a space is, a line break or a no-break space is not) holds none but two
    spaces; that is one scan in C. Other text is searched for each character at memchr's
    speed when long (a character class, or an alternation, makes the regular expression
    engine try every position: 3-8 ns a character), by the class when short."""
    if "  " in text:
        return True
    if text.isprintable():
        return False
    if len(text) < 256:
        return _ODD_SPACE.search(text) is not None
    return any(c in text for c in "\n\t\xa0\r\f")


_ODD_SPACE = re.compile(r"[\n\t\xa0\r\f]")


def html_markdown(html: str, *, missing_images: str = "image_agent_tag_") -> tuple[str, list[str]]:
    """The Markdown of an HTML fragment, and the images it shows that no file stands behind
    (named, for the reader to say they are missing)."""
    simple = _simple_markdown(html)
    if simple is not None:
        return simple, []
    blocks = _tidy_markdown(html)
    if blocks is None:
        blocks = _block_markdown(html)
    if blocks is not None:
        return blocks, []
    rendered = _rendered_markdown(html)
    if rendered is not None:
        return rendered, []
    converter = _Converter(missing_images)
    if not _read_plain_html(converter, html):
        converter = _Converter(missing_images)
        converter.feed(html)
        converter.close()
    return converter.text(), converter.images


_WS = "[ \\t\\n\\r\\f]"  # HTML's white space (not Unicode's, which names may hold)
_NAME = "[a-zA-Z][a-zA-Z0-9]*"
_ATTRIBUTES = rf"(?:{_WS}+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:{_WS}*={_WS}*(?:\"[^\"<>]*\"|'[^'<>]*'))?)*"
_TOKEN = re.compile(rf"<(?:/({_NAME}){_WS}*>|({_NAME})({_ATTRIBUTES}){_WS}*(/)?>)")
_ATTRIBUTE = re.compile(
    rf"{_WS}+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:{_WS}*={_WS}*(?:\"([^\"<>]*)\"|'([^'<>]*)'))?"
)
_NOT_PLAIN = re.compile(  # HTMLParser reads these apart; a "<" that opens no plain tag
    rf"<[!?]|<(?i:script|style)|<(?!/{_NAME}{_WS}*>|{_NAME}{_ATTRIBUTES}{_WS}*/?>)"
)


def _read_plain_html(converter: _Converter, html: str) -> bool:
    """Give the converter the calls HTMLParser would make for `html`, if `html` is plain
    (see the module's notes); False, having called nothing, if it is not."""
    if _NOT_PLAIN.search(html):
        return False
    at = 0
    for token in _TOKEN.finditer(html):
        if token.start() > at:
            data = html[at : token.start()]
            converter.handle_data(htmllib.unescape(data) if "&" in data else data)
        at = token.end()
        closing, name, attributes, empty = token.groups()
        tag = (closing or name).lower()
        if tag in _MARKS and not converter.dropped and not empty:  # what the handlers do
            converter.out.append(_MARKS[tag])  # for them, without two calls: the most seen
            continue
        if closing:
            converter.handle_endtag(tag)
            continue
        attrs = [
            (a.group(1).lower(), _value(a.group(2), a.group(3)))
            for a in _ATTRIBUTE.finditer(attributes)
        ] if attributes else []  # fmt: skip
        if empty:
            converter.handle_startendtag(tag, attrs)
        else:
            converter.handle_starttag(tag, attrs)
    if at < len(html):
        data = html[at:]
        converter.handle_data(htmllib.unescape(data) if "&" in data else data)
    return True


def _value(double: str | None, single: str | None) -> str | None:
    value = double if double is not None else single
    return htmllib.unescape(value) if value else value


# -- Gemini's usual answer, a block at a time ----------------------------------------------

_WS_RUN = "[ \\t\\n\\r\\f]*"
_RUN = r"[^<]*(?:</?code>[^<]*)*"  # words and code words (the marks are placed apart first)
_BLOCK = re.compile(
    rf"{_WS_RUN}(?:<p>({_RUN})</p>"
    rf"|<h([1-6])>({_RUN})</h[1-6]>"
    rf"|<(ul|ol)>((?:{_WS_RUN}<li>(?:{_WS_RUN}<p>{_RUN}</p>|{_RUN}){_WS_RUN}</li>)*){_WS_RUN}"
    rf"</(?:ul|ol)>"
    rf'|<pre><code(?: class="([^"<>&]*)")?>([^<]*)</code></pre>)'
)
_ITEM = re.compile(rf"<li>(?:{_WS_RUN}<p>({_RUN})</p>|({_RUN})){_WS_RUN}</li>")
# What stands for a mark while the words around it are read: a character printable words
# never hold.
_PLACED_MARKS = tuple((chr(n), mark) for n, mark in enumerate(dict.fromkeys(_MARKS.values()), 1))
_PLACEHOLDERS = "".join(placeholder for placeholder, _ in _PLACED_MARKS)
_NO_PLACEHOLDERS = dict.fromkeys(map(ord, _PLACEHOLDERS))
_MARK_PLACES = tuple(
    (f"<{close}{tag}>", placeholder)
    for tag, mark in _MARKS.items()
    for close in ("", "/")
    for placeholder, placed in _PLACED_MARKS
    if placed == mark
)


def _block_markdown(html: str) -> str | None:
    """The Markdown of an answer as Gemini most often renders it: paragraphs, headings,
    lists of one paragraph an item (not nested), code blocks, their words marked bold,
    italic, struck through or as code, nothing else; None for any other HTML, and for words
    this function does not read (a line break, white space that HTML collapses).

    What `_rendered_markdown` makes of it tag by tag (fuzzed equal), with a few string
    operations a block: its marks are set apart first, then each block's words are read
    at once (`_run`)."""
    if not html.replace("\n", "").replace("\t", "").isprintable():
        return None  # odd white space (a tab is read in a code block only), a control character
    for tag, placeholder in _MARK_PLACES:
        if tag in html:
            html = html.replace(tag, placeholder)
    made: list[str] = []
    at, end = 0, len(html)
    while at < end:
        block = _BLOCK.match(html, at)
        if block is None:
            if html[at:].strip(" \t\n"):
                return None
            break
        at = block.end()
        paragraph, level, heading, kind, items, language, code = block.groups()
        if paragraph is not None:
            if (words := _run(paragraph, True)) is None:
                return None
            made.append(words.rstrip(" "))
        elif heading is not None:
            if (words := _run(heading, False)) is None:
                return None
            made.append(("#" * int(level) + " " + words).rstrip(" "))
        elif kind is not None:
            lines = []
            number = 1 if kind == "ol" else None
            for item in _ITEM.finditer(items):
                paragraph = item.group(1)
                if (
                    words := _run(item.group(2) if paragraph is None else paragraph, False)
                ) is None:
                    return None
                lines.append(("- " if number is None else f"{number}. ") + words)
                number = None if number is None else number + 1
            made.append("\n".join(lines).rstrip(" "))
        else:
            made.append(_fenced(language, htmllib.unescape(code) if "&" in code else code))
    markdown = "\n\n".join([block for block in made if block])
    if "\n\n\n" in markdown:
        markdown = _BLANK_LINES.sub("\n\n", markdown)
    for placeholder, mark in _PLACED_MARKS:
        if placeholder in markdown:
            markdown = markdown.replace(placeholder, mark)
    return markdown.strip()


def _fenced(language: str | None, code: str) -> str:
    """A code block's Markdown: fenced, named by the language its class gives."""
    named = _LANGUAGE.search(language or "")
    fence = f"```{named.group(1)}\n" if named else "```\n"
    return fence + code + ("```" if code.endswith("\n") or not code else "\n```")


def _run(run: str, line_start: bool) -> str | None:
    """The Markdown of a block's words (words, code words, placed marks) that open a line or
    follow a marker ("- ", "### "), as the converter writes them, but for a space alone at
    their end (which every block drops); None for words this function does not read.

    The words are cut at their code tags first (words, code, words, ...), so that a "<"
    an entity stands for is a word's."""
    if "\n" in run or "\t" in run:
        return None  # white space that HTML collapses
    if "<" in run:
        parts = run.split("<")
        if len(parts) & 1 == 0:
            return None  # a code tag opened and never closed
        for at in range(1, len(parts)):  # each part after the first begins with its tag
            tag, _, words = parts[at].partition(">")
            if tag != ("code" if at & 1 else "/code"):
                return None
            parts[at] = words
    else:
        parts = [run]
    for at, part in enumerate(parts):
        if "&" in part:
            part = parts[at] = htmllib.unescape(part)
            if not part.translate(_NO_PLACEHOLDERS).isprintable():
                return None  # an entity for white space or a control character
        if "  " in part:
            return None
    first = parts[0]
    if line_start:
        parts[0] = first.lstrip(" ")
    elif first[:1] == " " and (not (rest := first.lstrip(" ")) or rest[0] in _PLACEHOLDERS):
        parts[0] = rest  # a space alone before the first tag: dropped after a marker
    last = parts[-1]
    if last[-1:] == " ":
        rest = last.rstrip(" ")
        if (rest and rest[-1] in _PLACEHOLDERS) or (not rest and len(parts) > 1):
            parts[-1] = rest  # a space alone after the last tag
    if len(parts) == 1:
        words = parts[0]
        words = _escaped(words) if _PROSE_SEARCH(words) else words
    else:
        words = "".join(
            [
                f"`{part}`" if at & 1 else _escaped(part) if _PROSE_SEARCH(part) else part
                for at, part in enumerate(parts)
            ]
        )
    return "\\" + words if line_start and parts[0][:1] == "#" else words


# -- Gemini's usual answer, when its words need nothing done to them ------------------------

# _BLOCK's answers whose words need no escaping and no reading of white space: nothing but
# line breaks between blocks; no space at a block's edge, no "#" opening a paragraph, no
# empty item or heading (where `_run` drops a marker's space); no entity, and no character
# that Markdown escapes (a ">" among the words included). Two spaces in a row are looked
# for apart, and so is what is not printable (`_tidy_markdown`).
# Possessive (`*+`): nothing it matched is ever given back, which would never help here.
_TIDY_WORDS = r"[^<>&\n\\`*_\[\]]*+(?:</?(?:strong|b|em|i|del|s)>[^<>&\n\\`*_\[\]]*+)*+"
_TIDY_RUN = rf"{_TIDY_WORDS}(?:<code>{_TIDY_WORDS}</code>{_TIDY_WORDS})*+"
_TIDY_PATTERN = (
    rf"(?:\n*+(?:<p>(?![ #]){_TIDY_RUN}(?<! )</p>"
    rf"|<h[1-6]>(?! |</h){_TIDY_RUN}(?<! )</h[1-6]>"
    rf"|<(?:ul|ol)>(?:\n*+<li>(?:\n*+<p>(?! |</p>){_TIDY_RUN}(?<! )</p>\n*+"
    rf"|(?![ \n]|</li>){_TIDY_RUN}(?<! ))</li>)*+\n*+</(?:ul|ol)>))*+\n*+"
)


@cache
def _tidy() -> re.Pattern[str]:
    """_TIDY_PATTERN compiled, on first use: 4 ms, which a process that reads no Gemini log
    need not pay."""
    return re.compile(_TIDY_PATTERN)


# The regular expression engine keeps about 12 bytes a character while it matches: an
# answer longer than this (a few are 450 KB) goes to `_block_markdown`, a block at a time.
_TIDIEST = 2**15
_TIDY_TAGS = {  # each tag's name, and what stands for the tag
    "p": "", "/p": "\n\n", "li": "- ", "/li": "\n", "code": "`", "/code": "`",
    "ul": "", "ol": "", "/ul": "\n", "/ol": "\n",  # after its last item's "\n"
    **{f"h{n}": "#" * n + " " for n in range(1, 7)},
    **{f"/h{n}": "\n\n" for n in range(1, 7)},
    **{f"{close}{tag}": mark for tag, mark in _MARKS.items() for close in ("", "/")},
}  # fmt: skip
_NUMBERED_LIST = re.compile(r"<ol>(.*?)</(?:ul|ol)>")


# A code block as _BLOCK reads it, with no entity in it (its code is the Markdown's).
_TIDY_CODE = re.compile(r'<pre><code(?: class="([^"<>&]*)")?>([^<&]*)</code></pre>')


def _tidy_markdown(html: str) -> str | None:
    """`_block_markdown` of an answer whose words need nothing done to them (most of them,
    see _TIDY_PATTERN): each tag replaced, once for the whole answer instead of a few string
    operations a block (fuzzed equal); None for any other. Its code blocks, if any, are
    fenced as `_block_markdown` fences them, and what lies between them read this way."""
    if len(html) > _TIDIEST:
        return None
    if "<pre>" not in html:
        return _tidy_blocks(html)
    made: list[str] = []
    at = 0
    for block in _TIDY_CODE.finditer(html):
        if (words := _tidy_blocks(html[at : block.start()])) is None:
            return None
        at = block.end()
        language, code = block.groups()
        if not code.replace("\n", "").replace("\t", "").isprintable():
            return None
        made += [words, _fenced(language, code)]
    if (words := _tidy_blocks(html[at:])) is None:
        return None
    markdown = "\n\n".join([block for block in [*made, words] if block])
    if "\n\n\n" in markdown:  # a blank line in the code, as _block_markdown writes it
        markdown = _BLANK_LINES.sub("\n\n", markdown)
    return markdown.strip()


def _tidy_blocks(html: str) -> str | None:
    """`_tidy_markdown` of blocks with no code block among them."""
    text = html.replace("\n", "")  # only ever between blocks (see _TIDY_PATTERN)
    if "  " in text or not text.isprintable() or not _tidy().fullmatch(html):
        return None
    if "<li><p>" in text:  # an item's paragraph is the item
        text = text.replace("<li><p>", "<li>").replace("</p></li>", "</li>")
    if "<ol>" in text:
        text = _NUMBERED_LIST.sub(_numbered, text)
    # Words, tag, words, tag, ..., words: no word holds "<" or ">" (_TIDY_WORDS), so the
    # answer is cut at both, a tag's name between them (a fifth faster than a regex split).
    pieces = text.replace(">", "<").split("<")
    pieces[1::2] = map(_TIDY_TAGS.__getitem__, pieces[1::2])
    text = "".join(pieces)
    while "\n\n\n" in text:  # an empty block (its end, after the end of the one before)
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


def _numbered(found: re.Match[str]) -> str:
    """An ordered list of `_tidy_markdown`, its items numbered from 1."""
    items = found.group(1).split("<li>")
    return items[0] + "".join(f"{n}. {item}" for n, item in enumerate(items[1:], 1)) + "\n"


# -- rendered Markdown, read without the converter's calls ---------------------------------

_SPLIT = re.compile(r"(<[^<>]*>)")  # text, tag, text, tag, ..., text
_CODE_CLASS = re.compile(r'<code class="([^"<>&]*)">')
(_NOTHING, _BREAK, _PARAGRAPH_OPENS, _PARAGRAPH_ENDS, _HEADING_OPENS, _HEADING_ENDS, _LIST_OPENS,
 _LIST_ENDS, _ITEM_OPENS, _PRE_OPENS, _PRE_ENDS, _CODE_OPENS, _CODE_ENDS) = range(13)  # fmt: skip
_RENDERED_TAGS: dict[str, int | str] = {
    "<br>": _BREAK, "<br/>": _BREAK, "<br />": _BREAK, "<p>": _PARAGRAPH_OPENS,
    "</p>": _PARAGRAPH_ENDS, "<ul>": _LIST_OPENS, "<ol>": _LIST_OPENS, "</ul>": _LIST_ENDS,
    "</ol>": _LIST_ENDS, "<li>": _ITEM_OPENS, "</li>": _NOTHING, "<pre>": _PRE_OPENS,
    "</pre>": _PRE_ENDS, "<code>": _CODE_OPENS, "</code>": _CODE_ENDS,
    **{f"<h{n}>": _HEADING_OPENS for n in range(1, 7)},
    **{f"</h{n}>": _HEADING_ENDS for n in range(1, 7)},
    **{f"<{tag}>": mark for tag, mark in _MARKS.items()},
    **{f"</{tag}>": mark for tag, mark in _MARKS.items()},
}  # fmt: skip


def _rendered_markdown(html: str) -> str | None:
    """The Markdown of HTML as Gemini renders an answer's Markdown (paragraphs, headings,
    lists, code blocks with their language, bold, italic and code words, line breaks: each
    tag written in lower case without attributes but a code block's class, no stray "<"),
    made in the calls the converter makes, in one function; None for any other HTML.

    The converter's handlers, inlined: each branch does what its handler does for that tag
    (the two are fuzzed equal), without the handlers' calls, which cost more than the work
    an answer's 20 tags ask for."""
    parts = _SPLIT.split(html)
    out: list[str] = [_PARAGRAPH_END]  # what came after the last paragraph's end
    done: list[str] = []  # what came before it (_paragraph_ended)
    pre = 0
    lists: list[int | None] = []
    code = False
    fence: tuple[list[str] | None, int] = (None, -1)  # as the converter's
    marker: tuple[list[str] | None, int] = (None, -1)  # as the converter's

    if html.count("<") != len(parts) // 2:  # a "<" in the text: not plain
        return None
    for at, part in enumerate(parts):
        if not at & 1:  # text: _Converter.handle_data
            if part == "\n" and not pre:  # between two blocks: a space at most
                if out[-1][-1] not in " \n":
                    out.append(" ")
                continue
            if not part:
                continue
            data = htmllib.unescape(part) if "&" in part else part
            if pre:
                out.append(data)
            elif not data.strip():
                if out and not out[-1].endswith((" ", "\n")):
                    out.append(" ")
            else:
                words = _SPACE.sub(" ", data.replace("\xa0", " ")) if _uneven(data) else data
                if not out or out[-1][-1:] == "\n":  # at a line's start
                    words = words.lstrip()
                    if not code:
                        words = _escape_prose(words, True)
                elif not code and _PROSE_SEARCH(words):
                    words = _escaped(words)
                out.append(words)
            continue
        action = _RENDERED_TAGS.get(part)
        language = None
        if action is None:
            found = _CODE_CLASS.fullmatch(part)
            if found is None:
                return None
            action, language = _CODE_OPENS, found.group(1)
        if action.__class__ is str:  # bold, italic, struck through
            out.append(action)
        elif action == _BREAK:
            out.append("\n")
        elif action == _PARAGRAPH_OPENS:
            if not lists:
                out = _paragraph_ended(out, done)
            elif marker[0] is not out or marker[1] != len(out):  # the item's second paragraph
                _end_line(out)
                out.append(_indent(len(lists)))
        elif action in (_PARAGRAPH_ENDS, _HEADING_ENDS):
            if action == _HEADING_ENDS or not lists:
                out = _paragraph_ended(out, done)
        elif action == _HEADING_OPENS:
            out = _paragraph_ended(out, done)
            out.append("#" * int(part[2]) + " ")
        elif action == _LIST_OPENS:
            if lists:
                _end_line(out)
            else:
                out = _paragraph_ended(out, done)
            lists.append(1 if part == "<ol>" else None)
        elif action == _LIST_ENDS:
            if lists:
                lists.pop()
            if not lists:
                out = _paragraph_ended(out, done)
        elif action == _ITEM_OPENS:
            _end_line(out)
            depth = _indent(len(lists) - 1)
            number = lists[-1] if lists else None
            if lists and number is not None:
                lists[-1] = number + 1
            out.append(depth + (f"{number}. " if number is not None else "- "))
            marker = (out, len(out))
        elif action == _PRE_OPENS:
            out = _paragraph_ended(out, done)
            out.append("```\n")
            fence = (out, len(out))
            pre += 1
        elif action == _PRE_ENDS:
            pre = max(0, pre - 1)
            _fence_closed(out)
            out = _paragraph_ended(out, done)
        elif action == _CODE_OPENS:
            if pre:
                named = _LANGUAGE.search(language or "")
                if named and fence[0] is out and fence[1] == len(out):
                    out[-1] = f"```{named.group(1)}\n"
            else:
                out.append("`")
                code = True
        elif action == _CODE_ENDS and not pre:
            out.append("`")
            code = False
    markdown = "".join(done) + "".join(out)
    return (_BLANK_LINES.sub("\n\n", markdown) if "\n\n\n" in markdown else markdown).strip()


_TAG = re.compile(r"<[^>]*>")
_LINE_END = re.compile(r"<br\s*/?>|</(?:p|div|li|h[1-6]|tr)\s*>", re.I)
_DROPPED_CONTENT = re.compile(
    r"<(script|style|template|iframe|object|svg|math|noscript)\b.*?</\1\s*>", re.S | re.I
)


def html_text(html: str) -> str:
    """An HTML fragment's words as plain text, its spacing kept (a prompt, a title, a
    Canvas document, which Takeout writes as Markdown with `<br>` between its lines): tags
    gone, what runs or styles dropped with its content, entities read."""
    if "<" not in html and "&" not in html:  # most prompts and titles
        return html.replace("\xa0", " ").strip()
    text = _DROPPED_CONTENT.sub("", html)
    text = _LINE_END.sub("\n", text)
    return htmllib.unescape(_TAG.sub("", text)).replace("\xa0", " ").strip()
