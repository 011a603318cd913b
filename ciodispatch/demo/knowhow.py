"""Demo know-how, built through the services: the study's four cases, further cases, drafts,
manuals (some with a PDF), versions and last year's award. Deterministic (seeded)."""

import datetime as dt
import random

from django.utils import timezone

from ciodispatch.core.dates import fiscal_year
from ciodispatch.demo.knowhow_content import (
    FURTHER_CASES,
    MANUALS,
    STUDY_CASES,
    STUDY_SOURCE,
    UNPUBLISHED,
)
from ciodispatch.knowhow import services
from ciodispatch.knowhow.models import Award, Case, Manual
from ciodispatch.localgov.models import LocalGovernment

SEED = 20260401
KIND_WORDS = {"training": "研修教材", "manual": "マニュアル"}

CHALLENGE_SENTENCES = {
    "talent_shortage": [
        "情報部門の職員は数名しかおらず、IT人材の不足が続いていた。",
        "デジタルの専門知識をもつ人材が庁内にほとんどいなかった。",
    ],
    "vendor_dependency": [
        "システムの更新のたびに既存ベンダーの見積りに頼る、ベンダー依存の状態だった。",
        "仕様を自ら書けず、調達はベンダーの提案に任せきりだった。",
    ],
    "organisational_walls": [
        "部門ごとの縦割りと、市町村の間の組織の壁が連携を妨げていた。",
        "関係する部署がそれぞれの仕組みで動き、情報が共有されていなかった。",
    ],
    "resistance_to_change": [
        "現場には、従来のやり方を変えることへの抵抗感が根強かった。",
        "「前例がない」という声が多く、変化を嫌う体質があった。",
    ],
    "no_strategy": [
        "全体最適の視点に立った戦略がなく、個別の調達が続いていた。",
        "何をどの順に進めるかという戦略が描かれていなかった。",
    ],
    "no_budget": [
        "新たな予算の確保は難しく、既存予算の見直しから始める必要があった。",
        "財政が厳しく、予算獲得の見通しが立たなかった。",
    ],
}
SUCCESS_POOL = {
    "talent_shortage": "外部人材：専門家を登用し、職員と一緒に手を動かした",
    "vendor_dependency": "対ベンダー戦略：仕様を自ら書き、複数の事業者から提案を受けた",
    "organisational_walls": "実施体制：関係部署と市町村が一つのチームで進めた",
    "resistance_to_change": "機運づくり：現場のキーマンを巻き込み、小さな成功を発信した",
    "no_strategy": "戦略策定：全体最適の視点で優先順位を決めた",
    "no_budget": "予算獲得：補助金と既存予算を再点検して財源を確保した",
}
SPREAD_POOL = [
    "認知：事例紹介や講演で取組を発信する",
    "成功のノウハウをマニュアルにまとめ、他の自治体でも使える形にする",
    "支援：担当者が他の自治体を訪ねてノウハウを伝える",
    "共感：担当者自身の言葉で苦労と工夫を伝える",
]
ROLE_POOL = {
    "head": [
        "首長が方針を示し、取組の責任を負った。",
        "首長がビジョンを語り、庁内の協力を求めた。",
    ],
    "leader": [
        "外部人材が現場で陣頭指揮をとり、全体の設計を担った。",
        "外部から招いた専門家が戦略を立て、事業者と交渉した。",
    ],
    "followers": [
        "担当課の職員がアクションプランを示し、関係部署を調整した。",
        "意欲のある職員が当事者として提言し、実行を支えた。",
    ],
    "field": [
        "現場の職員が使い勝手を確かめ、運用を改善し続けた。",
        "現場の職員がビジョンを共有し、業務を見直した。",
    ],
}


def _governments(codes: list[str]) -> list[LocalGovernment]:
    found = {lg.code: lg for lg in LocalGovernment.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def _submitted_case(
    author, *, title: str, code: str, summary: str, success_point: str, spread_point: str
) -> Case:
    """A 2024 e-government case of one local government, on resistance to change, drafted and
    submitted to the office by ``author`` (not published)."""
    case = services.create_case_draft(
        title=title,
        local_governments=_governments([code]),
        actor=author,
        summary=summary,
        theme="e_government",
        year_from=2024,
        challenges=["resistance_to_change"],
        success_points=[success_point],
        spread_points=[spread_point],
    )
    services.submit_case(case, actor=author)
    return case


def _study_fields(item: dict) -> dict:
    body = "\n\n".join(
        ["## 背景と課題", item["body"][0], "## 取組", *item["body"][1:]]
        + ["## 出典", "本事例は調査資料「4つの事例に共通する点」の表をもとに記述した。"]
    )
    return {
        "summary": item["summary"],
        "body": body,
        "theme": item["theme"],
        "year_from": item["years"][0],
        "year_to": item["years"][1],
        "challenges": item["challenges"],
        "challenges_other": item["other"],
        "success_points": item["success"],
        "spread_points": item["spread"],
        "roles": item["roles"],
        "outcomes": item["outcomes"],
        "sources": [STUDY_SOURCE],
        "origin": f"demo:{item['key']}",
    }


def _further_fields(row: tuple, rng: random.Random) -> dict:
    key, _title, _codes, theme, years, challenges, summary, detail, _topics = row
    problems = [rng.choice(CHALLENGE_SENTENCES[c]) for c in challenges]
    success = [SUCCESS_POOL[c] for c in challenges]
    success.append(
        rng.choice(["現場主義：使う人の声で改善を重ねた", "小さく始め、効果を測って広げた"])
    )
    spread = rng.sample(SPREAD_POOL, 2)
    roles = {k: rng.choice(v) for k, v in ROLE_POOL.items()}
    body = "\n\n".join(
        [
            "## 背景と課題",
            " ".join(problems),
            "## 取組",
            f"{summary}{detail}",
            "## 工夫したこと",
            "\n".join(f"- {s.split('：', 1)[-1]}" for s in success),
            "## 横展開に向けて",
            "同じ課題をもつ自治体が取り組めるよう、手順と様式を公開している。",
        ]
    )
    return {
        "summary": summary,
        "body": body,
        "theme": theme,
        "year_from": years[0],
        "year_to": years[1],
        "challenges": challenges,
        "success_points": success,
        "spread_points": spread,
        "roles": roles,
        "origin": f"demo:{key}",
    }


def _manual_body(title: str, purpose: str, chapters: list[str], rng: random.Random) -> str:
    parts = [f"この資料は、{purpose}をまとめたものです。", "## 目次"]
    parts.append("\n".join(f"{i}. {c}" for i, c in enumerate(chapters, 1)))
    for i, chapter in enumerate(chapters, 1):
        parts.append(f"## {i}. {chapter}")
        parts.append(
            rng.choice(
                [
                    f"{chapter}では、担当者が最初に確かめることと、よくあるつまずきを示します。",
                    f"{chapter}の進め方を、先進地の事例に沿って説明します。",
                    f"{chapter}に使える様式と、首長・幹部への説明のポイントを載せています。",
                ]
            )
        )
        parts.append(
            "- 関係者と目的を共有する\n- 小さく始めて効果を測る\n- 結果を記録して次に生かす"
        )
    return "\n\n".join(parts)


def _manual_pdf(title: str, body: str) -> bytes | None:
    from ciodispatch.core import pdf

    try:
        s = pdf.styles()
    except pdf.FontMissing:
        return None
    flowables = [pdf.paragraph(title, s["title"])]
    for block in body.split("\n\n"):
        style = s["heading"] if block.startswith("## ") else s["body"]
        flowables.append(pdf.paragraph(block.removeprefix("## "), style))
        flowables.append(pdf.Spacer(1, 2 * pdf.mm))
    return pdf.build(flowables, title=title, author="認定CIO派遣制度 事務局")


def load_knowhow_demo(*, office, people: dict) -> list[str]:
    """Build the demo know-how. Idempotent: does nothing when the study cases exist."""
    if Case.objects.filter(origin="demo:saga-emergency").exists():
        return ["knowhow: already loaded"]
    rng = random.Random(SEED)
    done = []
    by_key: dict[str, Case] = {}
    for item in STUDY_CASES:
        case = services.create_case_draft(
            title=item["title"],
            local_governments=_governments(item["codes"]),
            actor=office,
            **_study_fields(item),
        )
        services.submit_case(case, actor=office)
        by_key[item["key"]] = services.publish_case(case, actor=office)
    host1 = people.get("host1")
    for row in FURTHER_CASES:
        key, title, codes = row[0], row[1], row[2]
        # 多久市's own case is drafted by its liaison and reviewed by the office.
        author = host1 if host1 is not None and codes == ["412040"] else office
        case = services.create_case_draft(
            title=title,
            local_governments=_governments(codes),
            actor=author,
            **_further_fields(row, rng),
        )
        services.submit_case(case, actor=author)
        by_key[key] = services.publish_case(case, actor=office)
    done.append(f"knowhow: {len(by_key)} published cases")
    # A published case corrected later: version 2, version 1 kept.
    services.update_case(
        by_key["saga-telework"],
        actor=office,
        note="横展開のポイントに研修の実施を追記",
        spread_points=[
            *by_key["saga-telework"].spread_points,
            "研修：テレワーク導入研修で手順を伝える",
        ],
    )
    # Not public: 多久市's draft, one in review, one returned with the office's comment.
    if host1 is not None:
        for row in UNPUBLISHED:
            services.create_case_draft(
                title=row[1],
                local_governments=_governments(row[2]),
                actor=host1,
                **_further_fields(row, rng),
            )
        _submitted_case(
            host1,
            title="議会のペーパーレス化とタブレット端末の配備",
            code="412040",
            summary="議会の資料を電子化し、議員と職員にタブレット端末を配備した。",
            success_point="機運づくり：議員向けの勉強会を重ねた",
            spread_point="近隣の議会事務局に手順を紹介する",
        )
    returned = _submitted_case(
        office,
        title="窓口のオンライン予約の全市展開",
        code="412091",
        summary="窓口のオンライン予約を全ての窓口に広げた。",
        success_point="現場主義：繁忙期の窓口を観察した",
        spread_point="手順書を公開する",
    )
    services.return_case(
        returned, actor=office, reason="成果の数値に出典を付けてください（窓口の待ち時間）。"
    )
    done.append("knowhow: drafts, one in review, one returned")

    from ciodispatch.training.models import Course

    courses = list(Course.objects.order_by("pk"))
    count = 0
    for index, (title, kind, theme, case_keys, purpose, chapters) in enumerate(MANUALS):
        body = _manual_body(title, purpose, chapters, rng)
        manual = services.create_manual(
            title=title,
            actor=office,
            body=body,
            summary=f"{purpose}をまとめた{KIND_WORDS[kind]}です。",
            kind=kind,
            theme=theme,
            cases=[by_key[k] for k in case_keys if k in by_key],
            courses=[courses[index % len(courses)]] if courses and kind == "training" else [],
            pdf=_manual_pdf(title, body) if index % 3 == 0 else None,
        )
        services.publish_manual(manual, actor=office)
        count += 1
    first = Manual.objects.order_by("pk").first()
    if first is not None:
        services.update_manual(
            first,
            actor=office,
            note="運用ルールの章に訓練の頻度を追記",
            body=first.body + "\n\n## 改訂履歴\n\n- 第2版：訓練の頻度を追記",
        )
    done.append(f"knowhow: {count} manuals")

    last_year = fiscal_year(timezone.localdate()) - 1
    if not Award.objects.filter(fiscal_year=last_year).exists():
        services.record_award(
            fiscal_year=last_year,
            name=f"{last_year}年度 自治体DX横展開アワード",
            decided_on=dt.date(last_year + 1, 2, 20),
            selections=[
                (
                    by_key["saga-emergency"],
                    "大賞",
                    "医療・消防・行政の壁を越え、全国に広がる救急搬送の仕組みをつくった。",
                ),
                (
                    by_key["osaka-pref-standard"],
                    "優秀賞",
                    "府内市町村の標準化を共同で支え、手順をマニュアルとして公開した。",
                ),
                (
                    by_key["nishiawakura-forest"],
                    "奨励賞",
                    "小さな村が副業の外部人材と限られた予算で成果をあげた。",
                ),
            ],
            actor=office,
        )
        done.append(f"knowhow: award of {last_year}")
    return done
