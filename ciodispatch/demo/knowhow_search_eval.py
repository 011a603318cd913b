"""The labelled query set over the demo cases: precision and recall of the search.

Relevance comes from the demo's structured data, never from the text the search reads: the
hand-given ``topics`` of each case (knowhow_content.py), its challenges, whether it names the
head's role, and the prefecture of its local governments. docs/search.md reports the result
on SQLite and PostgreSQL; tests/knowhow/test_search.py keeps it from dropping.
"""

from collections.abc import Callable
from dataclasses import dataclass

from ciodispatch.demo.knowhow_content import FURTHER_CASES, STUDY_CASES
from ciodispatch.knowhow import search
from ciodispatch.knowhow.models import Case

CHALLENGE_OF = {
    "予算": "no_budget",
    "人材": "talent_shortage",
    "ベンダー": "vendor_dependency",
    "戦略": "no_strategy",
    "組織": "organisational_walls",
    "外部人材": "talent_shortage",
}
PREFECTURE_OF = {"京都": "26", "東京": "13", "大阪": "27", "佐賀": "41", "福岡": "40"}


def _topics() -> dict[str, set[str]]:
    found = {f"demo:{c['key']}": set(c["topics"]) for c in STUDY_CASES}
    found.update({f"demo:{row[0]}": set(row[8]) for row in FURTHER_CASES})
    return found


def _about(topic: str) -> Callable[[Case, set[str]], bool]:
    """Is a case relevant to ``topic``?"""

    def relevant(case: Case, topics: set[str]) -> bool:
        if topic == "首長":
            return bool(case.roles.get("head"))
        if topic in PREFECTURE_OF:
            return PREFECTURE_OF[topic] in case.prefecture_codes()
        if topic in CHALLENGE_OF and CHALLENGE_OF[topic] in case.challenges:
            return True
        return topic in topics

    return relevant


def _any(*topics: str):
    tests = [_about(t) for t in topics]
    return lambda case, tags: any(t(case, tags) for t in tests)


def _all(*topics: str):
    tests = [_about(t) for t in topics]
    return lambda case, tags: all(t(case, tags) for t in tests)


# (query, what kind of query, relevance)
LABELLED_QUERIES: list[tuple[str, str, Callable]] = [
    ("予算", "2-character word", _about("予算")),
    ("人材", "2-character word", _about("人材")),
    ("首長", "2-character word", _about("首長")),
    ("救急", "2-character word", _about("救急")),
    ("医療", "2-character word", _about("医療")),
    ("防災", "2-character word", _about("防災")),
    ("災害", "2-character word", _about("災害")),
    ("窓口", "2-character word", _about("窓口")),
    ("観光", "2-character word", _about("観光")),
    ("農業", "2-character word", _about("農業")),
    ("介護", "2-character word", _about("介護")),
    ("学校", "2-character word", _about("学校")),
    ("調達", "2-character word", _about("調達")),
    ("戦略", "2-character word", _about("戦略")),
    ("組織", "2-character word", _about("組織")),
    ("AI", "2-character word", _about("AI")),
    ("DX", "2-character word", _about("DX")),
    ("ＤＸ", "full-width variant", _about("DX")),
    ("dx", "lower-case variant", _about("DX")),
    ("クラウド", "word", _about("クラウド")),
    ("くらうど", "hiragana variant", _about("クラウド")),
    ("ｸﾗｳﾄﾞ", "half-width variant", _about("クラウド")),
    ("テレワーク", "word", _about("テレワーク")),
    ("ﾃﾚﾜｰｸ", "half-width variant", _about("テレワーク")),
    ("てれわーく", "hiragana variant", _about("テレワーク")),
    ("ベンダー", "word", _about("ベンダー")),
    ("ﾍﾞﾝﾀﾞｰ", "half-width variant", _about("ベンダー")),
    ("システム", "word", _about("システム")),
    ("ｼｽﾃﾑ", "half-width variant", _about("システム")),
    ("RPA", "word", _about("RPA")),
    ("ＲＰＡ", "full-width variant", _about("RPA")),
    ("GIS", "word", _about("GIS")),
    ("電子申請", "word", _about("電子申請")),
    ("オンライン", "word", _about("オンライン")),
    ("オープンデータ", "word", _about("オープンデータ")),
    ("子育て", "word", _about("子育て")),
    ("セキュリティ", "word", _about("セキュリティ")),
    ("ペーパーレス", "word", _about("ペーパーレス")),
    ("キャッシュレス", "word", _about("キャッシュレス")),
    ("マイナンバー", "word", _about("マイナンバー")),
    ("外部人材", "word", _about("外部人材")),
    ("京都", "false friend (東京都)", _about("京都")),
    ("大阪", "false friend (東大阪市)", _about("大阪")),
    ("東京", "place", _about("東京")),
    ("佐賀", "place", _about("佐賀")),
    ("福岡", "place", _about("福岡")),
    ("防災 OR 災害", "OR", _any("防災", "災害")),
    ("予算 人材", "two words (AND)", _all("予算", "人材")),
    ("クラウド 佐賀", "two words (AND)", _all("クラウド", "佐賀")),
]


@dataclass
class QueryScore:
    query: str
    kind: str
    relevant: int
    found: int
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else (1.0 if not self.relevant else 0.0)

    @property
    def recall(self) -> float:
        return self.correct / self.relevant if self.relevant else 1.0


def evaluate() -> list[QueryScore]:
    """Run every labelled query over the published demo cases."""
    topics = _topics()
    cases = list(
        Case.objects.filter(
            state=Case.State.PUBLISHED, origin__startswith="demo:"
        ).prefetch_related("local_governments")
    )
    demo_ids = {c.pk for c in cases}
    scores = []
    for query, kind, relevant in LABELLED_QUERIES:
        expected = {c.pk for c in cases if relevant(c, topics.get(c.origin, set()))}
        found = {pk for pk in search.search(query, kind="case").ids if pk in demo_ids}
        scores.append(QueryScore(query, kind, len(expected), len(found), len(expected & found)))
    return scores


def summary(scores: list[QueryScore]) -> dict[str, float]:
    """Macro averages over the queries, and micro totals."""
    n = len(scores)
    found = sum(s.found for s in scores)
    relevant = sum(s.relevant for s in scores)
    correct = sum(s.correct for s in scores)
    return {
        "queries": n,
        "macro_precision": sum(s.precision for s in scores) / n,
        "macro_recall": sum(s.recall for s in scores) / n,
        "micro_precision": correct / found if found else 1.0,
        "micro_recall": correct / relevant if relevant else 1.0,
    }


def markdown_table(scores: list[QueryScore]) -> str:
    lines = [
        "| query | kind | relevant | found | correct | precision | recall |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in scores:
        lines.append(
            f"| {s.query} | {s.kind} | {s.relevant} | {s.found} | {s.correct} "
            f"| {s.precision:.2f} | {s.recall:.2f} |"
        )
    total = summary(scores)
    lines.append(
        f"| **all {total['queries']:.0f}** | macro / micro | | | "
        f"| {total['macro_precision']:.3f} / {total['micro_precision']:.3f} "
        f"| {total['macro_recall']:.3f} / {total['micro_recall']:.3f} |"
    )
    return "\n".join(lines)
