"""Japanese text for the search index: normalisation, character bigrams, safe highlighting.

Pure functions, no database. The same code builds the index and reads the query, so a
document and a query written differently (ＤＸ/DX, ｼｽﾃﾑ/システム/しすてむ) meet in one form.
"""

import html
import math
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


@lru_cache(maxsize=65536)
def _pieces(char: str) -> tuple[tuple[str, bool], ...]:
    """What one original character becomes: (piece, is a combining mark) for each character
    of its NFKC form, lower case, katakana folded, a non-word character as the separator."""
    out = []
    for piece in unicodedata.normalize("NFKC", char).lower():
        if unicodedata.combining(piece):
            out.append((piece, True))
            continue
        piece = _fold_char(piece)
        out.append((piece if _is_word_char(piece) else SEPARATOR, False))
    return tuple(out)


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
        for piece, combining in _pieces(char):
            if combining:
                if out and out[-1] != SEPARATOR:
                    # A half-width voiced mark (ﾄﾞ) composes with the kana before it (ド).
                    composed = unicodedata.normalize("NFC", out[-1] + piece)
                    if len(composed) == 1:
                        out[-1] = _fold_char(composed)
                        origin_end[-1] = index
                        continue
                piece = _fold_char(piece)
                if not _is_word_char(piece):
                    piece = SEPARATOR
            if piece == SEPARATOR and out and out[-1] == SEPARATOR:
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


def gram_number(gram: str) -> int:
    """A bigram as one integer (the index's key): the two code points side by side."""
    first, second = gram[0], gram[1]
    return ord(first) * 0x110000 + ord(second)


@lru_cache(maxsize=4)
def _names_by_first_gram(longer_words: frozenset[str]) -> dict[str, tuple[str, ...]]:
    by_gram: dict[str, list[str]] = {}
    for word in longer_words:
        if len(word) >= 3:
            by_gram.setdefault(word[:2], []).append(word)
    return {gram: tuple(words) for gram, words in by_gram.items()}


def _shadowed_bigrams(normalised: str, longer_words: frozenset[str]) -> set[int]:
    """Start offsets of the bigrams lying inside a known longer word after its first
    character (京都 in 東京都): as a two-character word such a bigram is not a hit."""
    names = _names_by_first_gram(longer_words)
    shadowed: set[int] = set()
    for start in range(len(normalised) - 2):
        for word in names.get(normalised[start : start + 2], ()):
            if normalised.startswith(word, start):
                shadowed.update(range(start + 1, start + len(word) - 1))
    return shadowed


def bigram_counts(normalised: str, longer_words: frozenset[str]) -> dict[str, list[int]]:
    """For each bigram of the words of ``normalised``: [occurrences, occurrences that count
    as hits of the two-character word] (``occurrences()`` of the bigram, for every bigram at
    once)."""
    shadowed = _shadowed_bigrams(normalised, longer_words)
    counts: dict[str, list[int]] = {}
    for start in range(len(normalised) - 1):
        gram = normalised[start : start + 2]
        if SEPARATOR in gram:
            continue
        entry = counts.setdefault(gram, [0, 0])
        entry[0] += 1
        if start not in shadowed:
            entry[1] += 1
    return counts


def score(title_hits: int, text_hits: int, text_length: int) -> float:
    """What one word adds to a document's score: hits in the title weigh three times as much,
    each further hit less (logarithm), and long texts are discounted."""
    return (TITLE_WEIGHT * math.log1p(title_hits) + math.log1p(text_hits)) / math.log(
        text_length + 20
    )


TITLE_WEIGHT = 3


def bigram_weights(
    normalised_title: str, normalised_text: str, longer_words: frozenset[str]
) -> dict[int, float]:
    """The postings of one document: gram_number → score() of the bigram searched as a
    two-character word (0.0 when it occurs only inside longer place names)."""
    title = bigram_counts(normalised_title, longer_words)
    body = bigram_counts(normalised_text, longer_words)
    length = len(normalised_text)
    return {
        gram_number(gram): score(title.get(gram, (0, 0))[1], body.get(gram, (0, 0))[1], length)
        for gram in title.keys() | body.keys()
    }


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


def traps(term: str, longer_words: frozenset[str]) -> tuple[tuple[str, int], ...]:
    """(known word, offset) for each place ``term`` occurs in a known word after its start."""
    return _traps(term, longer_words)


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
