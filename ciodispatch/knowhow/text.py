"""Japanese text for the search index: normalisation, character bigrams, safe highlighting.

Pure functions, no database. The same code builds the index and reads the query, so a
document and a query written differently (ＤＸ/DX, ｼｽﾃﾑ/システム/しすてむ) meet in one form.
"""

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.utils.safestring import SafeString, mark_safe

# Katakana ァ (U+30A1) – ヶ (U+30F6) fold onto hiragana ぁ (U+3041) – ゖ (U+3096).
_KATAKANA_START, _KATAKANA_END, _KANA_SHIFT = 0x30A1, 0x30F6, 0x60
SEPARATOR = " "


def _fold_char(char: str) -> str:
    code = ord(char)
    if _KATAKANA_START <= code <= _KATAKANA_END:
        return chr(code - _KANA_SHIFT)
    return char


def _is_word_char(char: str) -> bool:
    # Letters of every script, digits, and the long-vowel mark ー (a letter, category Lm).
    return char.isalnum()


def normalise_with_map(text: str) -> tuple[str, list[int], list[int]]:
    """The normalised text and, for each of its characters, the first and the last index of
    the original characters it came from.

    NFKC (full/half width), lower case, katakana folded to hiragana; anything that is not a
    letter or digit becomes one separator.
    """
    out: list[str] = []
    origin: list[int] = []
    origin_end: list[int] = []
    for index, char in enumerate(text):
        for piece in unicodedata.normalize("NFKC", char).lower():
            if unicodedata.combining(piece) and out and out[-1] != SEPARATOR:
                # A half-width voiced mark (ﾄﾞ) composes with the kana before it (ド).
                composed = unicodedata.normalize("NFC", out[-1] + piece)
                if len(composed) == 1:
                    out[-1] = _fold_char(composed)
                    origin_end[-1] = index
                    continue
            piece = _fold_char(piece)
            if not _is_word_char(piece):
                piece = SEPARATOR
                if out and out[-1] == SEPARATOR:
                    continue
            out.append(piece)
            origin.append(index)
            origin_end.append(index)
    return "".join(out), origin, origin_end


def normalise(text: str) -> str:
    return normalise_with_map(text)[0]


def words(text: str) -> list[str]:
    """Runs of letters and digits of the normalised text."""
    return [w for w in normalise(text).split(SEPARATOR) if w]


def bigrams(word: str) -> list[str]:
    """Overlapping character pairs of one word; a one-character word is kept as itself."""
    if len(word) < 2:
        return [word] if word else []
    return [word[i : i + 2] for i in range(len(word) - 1)]


def token(gram: str) -> str:
    """An index token for one bigram: ASCII letters only (5 per character, hex digits a–p).

    Both FTS5's unicode61 tokenizer and PostgreSQL's parser keep such a token whole whatever
    the locale, so the two databases index exactly the same words.
    """
    return "".join(
        f"{ord(char):05x}".translate(str.maketrans("0123456789abcdef", "abcdefghijklmnop"))
        for char in gram
    )


def index_tokens(text: str) -> str:
    """The space-separated tokens stored in the index for ``text`` (each distinct once)."""
    seen: dict[str, None] = {}
    for word in words(text):
        for gram in bigrams(word):
            seen.setdefault(token(gram), None)
    return " ".join(seen)


# --- queries -----------------------------------------------------------------------------

MAX_QUERY_CHARS = 100
MAX_TERMS = 8


@dataclass(frozen=True)
class ParsedQuery:
    """A query as the search understands it: groups of terms; a document must contain every
    term of at least one group (groups are alternatives, written ``A OR B``)."""

    groups: tuple[tuple[str, ...], ...]
    notices: tuple[str, ...] = ()
    problem: str = ""

    @property
    def terms(self) -> list[str]:
        return sorted({t for group in self.groups for t in group}, key=len, reverse=True)

    @property
    def is_empty(self) -> bool:
        return not self.groups


def parse_query(raw: str | None) -> ParsedQuery:
    """Read what a person typed. Never raises: a query that cannot be searched comes back
    with ``problem`` set (a message to show); a trimmed one with ``notices``."""
    from django.utils.translation import gettext as _

    raw = (raw or "").strip()
    if not raw:
        return ParsedQuery(groups=())
    notices: list[str] = []
    if len(raw) > MAX_QUERY_CHARS:
        raw = raw[:MAX_QUERY_CHARS]
        notices.append(
            _("The search words were shortened to the first %(n)s characters.")
            % {"n": MAX_QUERY_CHARS}
        )
    groups: list[list[str]] = [[]]
    for part in re.split(r"\s+", raw):
        # OR (also ｏｒ, |) between words means either; every other operator is plain text.
        if (
            normalise(part).strip() == "or"
            and part.strip().upper() in ("OR", "ＯＲ")
            or part
            in (
                "|",
                "｜",
            )
        ):
            groups.append([])
            continue
        groups[-1].extend(w for w in words(part))
    cleaned: list[tuple[str, ...]] = []
    for group in groups:
        unique = tuple(dict.fromkeys(group))
        if unique:
            cleaned.append(unique)
    total = sum(len(g) for g in cleaned)
    if total > MAX_TERMS:
        notices.append(_("Only the first %(n)s search words were used.") % {"n": MAX_TERMS})
        kept: list[tuple[str, ...]] = []
        budget = MAX_TERMS
        for terms in cleaned:
            if budget <= 0:
                break
            kept.append(terms[:budget])
            budget -= len(terms[:budget])
        cleaned = kept
    if not cleaned:
        return ParsedQuery(
            groups=(),
            notices=tuple(notices),
            problem=_("Type words with letters or digits; symbols alone cannot be searched."),
        )
    if all(len(term) < 2 for group in cleaned for term in group):
        return ParsedQuery(
            groups=(),
            notices=tuple(notices),
            problem=_("Type at least two characters (for example 予算 or 人材)."),
        )
    # A one-character word beside longer ones adds nothing to the index lookup; keep the
    # longer ones (a group made only of one-character words is dropped).
    useful = [tuple(t for t in g if len(t) >= 2) for g in cleaned]
    return ParsedQuery(groups=tuple(g for g in useful if g), notices=tuple(notices))


# --- matching and highlighting -----------------------------------------------------------


def occurrences(normalised_text: str, term: str, longer_words: frozenset[str]) -> list[int]:
    """Start offsets of ``term`` in ``normalised_text`` that are not inside a longer known
    word that does not begin with it (京都 inside 東京都 is not 京都; 京都府 still is)."""
    traps = _traps(term, longer_words)
    found = []
    start = normalised_text.find(term)
    while start != -1:
        if not _inside_trap(normalised_text, start, term, traps):
            found.append(start)
        start = normalised_text.find(term, start + 1)
    return found


@lru_cache(maxsize=512)
def _traps(term: str, longer_words: frozenset[str]) -> tuple[tuple[str, int], ...]:
    """(word, offset of ``term`` in it) for each known word holding ``term`` after its start."""
    traps = []
    for word in longer_words:
        offset = word.find(term, 1)
        while offset > 0:
            traps.append((word, offset))
            offset = word.find(term, offset + 1)
    return tuple(traps)


def _inside_trap(text: str, start: int, term: str, traps) -> bool:
    return any(
        start - offset >= 0 and text.startswith(word, start - offset) for word, offset in traps
    )


def highlight(
    text: str, terms: list[str], *, longer_words: frozenset[str] = frozenset(), width: int = 0
) -> SafeString:
    """``text`` escaped, with every hit of ``terms`` in <mark>. ``width`` > 0 cuts a window
    of about that many characters around the first hit."""
    normalised, origin, origin_end = normalise_with_map(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        for start in occurrences(normalised, term, longer_words):
            end = start + len(term) - 1
            spans.append((origin[start], origin_end[end] + 1))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for begin, end in spans:
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    lo, hi = 0, len(text)
    if width and len(text) > width:
        first = merged[0][0] if merged else 0
        lo = max(0, first - width // 3)
        hi = min(len(text), lo + width)
    parts = ["…" if lo > 0 else ""]
    cursor = lo
    for begin, end in merged:
        if end <= lo or begin >= hi:
            continue
        begin, end = max(begin, lo), min(end, hi)
        parts.append(html.escape(text[cursor:begin]))
        parts.append(f"<mark>{html.escape(text[begin:end])}</mark>")
        cursor = end
    parts.append(html.escape(text[cursor:hi]))
    if hi < len(text):
        parts.append("…")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped
