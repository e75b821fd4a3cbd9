"""Words as Insights counts them: the letters of a text in words, lowercased, without the
stop words of the languages people write to assistants in, and CJK in words rather than
characters.

Chinese and Japanese write no spaces. Without a dictionary, a run of kanji between kana
(Japanese) is taken as one word when it is two to four long (most compounds are), kana
alone is grammar except katakana (loanwords), and a longer run of Han characters
(Chinese) is read as its overlapping pairs: most Chinese words are two characters, and a
pair that crosses two words seldom recurs across conversations, so it does not stand
out. Korean is spaced: each run of Hangul is a word. A single character never counts.
"""

from __future__ import annotations

import re
from collections import Counter

LETTERS = re.compile(r"[^\W\d_]{2,}")
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_KATAKANA = r"\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_HIRAGANA = r"\u3040-\u309f"
_HANGUL = r"\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"
CJK = re.compile(f"[{_HAN}{_KATAKANA}{_HIRAGANA}{_HANGUL}]")
HAN_PAIR = re.compile(f"[{_HAN}]{{2}}")
SCRIPT_RUNS = re.compile(
    f"(?P<han>[{_HAN}]+)|(?P<kata>[{_KATAKANA}]+)|(?P<hira>[{_HIRAGANA}]+)"
    f"|(?P<hangul>[{_HANGUL}]+)|(?P<other>[^{_HAN}{_KATAKANA}{_HIRAGANA}{_HANGUL}]+)"
)

# The most common function words of the languages people most write to assistants in,
# and what every chat with one is full of (please, help, write, explain…).
STOP_LISTS = {
    "english": """
        a about above after again against all also am an and any are aren as at be because
        been before being below between both but by can cannot could couldn did didn do
        does doesn doing don down during each else even ever every few for from further get
        gets getting got had hadn has hasn have haven having he her here hers herself him
        himself his how i if in into is isn it its itself just let like ll made make makes
        many may me might more most much must my myself need needs no nor not now of off on
        once one only or other our ours ourselves out over own really re same say says see
        she should shouldn so some still such than that the their theirs them themselves
        then there these they thing things this those through to too two under until up us
        use used using very want was wasn way we well were weren what when where which
        while who whom why will with won would wouldn yes yet you your yours yourself
        yourselves ve im ok okay thanks thank please help write explain tell give show know
        think mean something anything example new good better best first last next time
        also however therefore here's it's i'm don't can't what's let's that's there's
    """,
    "german": """
        aber alle als also am an auch auf aus bei bin bis bist da damit dann das dass dein
        dem den der des dich die dir doch dort du durch ein eine einem einen einer eines er
        es euch euer für gegen hat hatte hier ich ihr ihre im in ist ja jetzt kann kein
        keine man mein mich mir mit muss nach nicht noch nun nur ob oder ohne schon sehr
        sein sich sie sind so über um und uns unser unter vom von vor war was weil wenn wer
        wie wir wird wo zu zum zur bitte danke
    """,
    "french": """
        au aux avec ce ces cette comment dans de des du elle elles en est et être il ils je
        la le les leur lui ma mais me même mes moi mon ne nos notre nous on ou où par pas
        pour qu que qui sa se ses si son sont sur ta te tes toi ton tu un une vos votre
        vous merci
    """,
    "spanish": """
        al algo como con cual cuando de del el ella ellas ellos en entre era es esa ese eso
        esta este esto estos fue ha hay la las le les lo los más me mi muy no nos o para
        pero por porque qué que se si sin sobre su sus también te tu un una uno y ya
        gracias
    """,
    "italian": """
        ai anche che chi ci come con cosa da dei della delle di due gli ha il io la le lo
        ma mi ne nel nella non per più questo se si sono su tu un una uno grazie
    """,
    "portuguese": """
        ao aos as com da das de do dos ela ele em entre era essa esse isso já lhe mais mas
        na nas nem no nos num numa os ou para pela pelo por quando que se sem ser seu sua
        são também um uma você obrigado
    """,
    "dutch": """
        aan als bij dat de den der des die dit een en er het hij ik in is je kan met naar
        niet nog of om ook op over te tot uit van voor was wat we wel zijn ze zo
    """,
    "slovene": """
        ali bi bil bila bo da do ga je jo kaj kako kar ki ko lahko me mi na ne ni pa po pri
        sem se si so ta tako te ter ti to tudi v več za že prosim hvala
    """,
    "russian": """
        без бы был была были было в вам вас во вот все всё вы да для до его ее её если есть
        еще ещё же за и из или им их к как когда ко ли мне мы на над не нет ни но о об он
        она они оно от по под при с со так также то только ты у уже чем что это эта эти я
    """,  # noqa: RUF001
    "chinese": """
        我们 你们 他们 她们 这个 那个 这些 那些 什么 怎么 怎样 为什么
        可以 没有 因为 所以 但是 如果 就是 还是 一个 一些 不是 这样
        那样 自己 知道 现在 时候 已经 需要 问题 谢谢 请问 然后 或者
        而且 虽然 应该 能够 觉得 比较 非常 还有 的话 之后 之前 这里
        那里 一下 帮我
    """,
    "japanese": """
        これ それ あれ どれ ここ そこ コト モノ
    """,
    "korean": """
        그리고 그러나 하지만 그래서 이것 그것 저것 여기 거기 무엇 어떻게 왜
        있습니다 합니다 입니다 있어요 해요 주세요 감사합니다
    """,
}
STOP_WORDS = frozenset(word for words in STOP_LISTS.values() for word in words.split())


def cjk_words(token: str, seams: Counter[str] | None = None) -> list[str]:
    """A token holding CJK, in words (see the module's note). `seams` counts the pairs
    met at an odd place of their run (each may be the seam between two words)."""
    runs = [(m.lastgroup, m.group()) for m in SCRIPT_RUNS.finditer(token)]
    kana_beside = any(kind in ("hira", "kata") for kind, _ in runs)
    out: list[str] = []
    for kind, run in runs:
        if (kind == "kata" and len(run) >= 2) or (kind == "hangul" and len(run) >= 2):
            out.append(run)
        elif kind == "han":
            if len(run) == 2 or (kana_beside and 2 <= len(run) <= 4):
                out.append(run)
            elif len(run) > 2:
                out += [run[i : i + 2] for i in range(len(run) - 1)]
                if seams is not None:
                    seams.update(run[i : i + 2] for i in range(1, len(run) - 1, 2))
        elif kind == "other" and len(run) >= 3:
            out.append(run)
    return out


def words(
    text: str, seams: Counter[str] | None = None, pairs: Counter[str] | None = None
) -> list[str]:
    """The words of `text` that can stand out: lowercased, two letters or more (three for
    scripts with spaces), no stop word, no digits."""
    out: list[str] = []
    for token in LETTERS.findall(text.lower()):
        if token.isascii() or not CJK.search(token):
            if len(token) >= 3 and token not in STOP_WORDS:
                out.append(token)
        else:
            found = cjk_words(token, seams)
            if pairs is not None:
                pairs.update(w for w in found if len(w) == 2 and HAN_PAIR.fullmatch(w))
            out += [w for w in found if w not in STOP_WORDS]
    return out


def top_words(texts: list[str], keep: int) -> list[tuple[str, int]]:
    """The `keep` most used words of `texts`, with their counts. A pair of Han characters
    that sits between two pairs used as often (学习 | 习中 | 中文) is the seam between two
    words, not a word, and is left out; on a tie, the pair met at odd places of its runs
    is the seam."""
    counts: Counter[str] = Counter()
    seams: Counter[str] = Counter()
    pairs: Counter[str] = Counter()  # every pair of Han characters, stop words too
    for text in texts:
        counts.update(words(text, seams, pairs))
    if seams:
        ending: Counter[str] = Counter()
        starting: Counter[str] = Counter()
        for pair, n in pairs.items():
            ending[pair[1]] = max(ending[pair[1]], n)
            starting[pair[0]] = max(starting[pair[0]], n)
        for pair, odd in seams.items():
            n = counts.get(pair, 0)
            left, right = ending.get(pair[0], 0), starting.get(pair[1], 0)
            if n and ((left > n and right > n) or (left >= n and right >= n and 2 * odd > n)):
                del counts[pair]
    return counts.most_common(keep)
