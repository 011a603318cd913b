"""The questionnaire, as data: every published version, from the study in shared/seed/.

A published version is never edited (assessments are tied to it). To change the questionnaire,
add a new ``QuestionnaireDefinition`` with the next version number to ``DEFINITIONS``; the
service ``ensure_published`` publishes it on first use and new assessments take it, while
older assessments keep theirs. docs/readiness.md explains where each question comes from.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class QuestionDefinition:
    key: str
    dimension: str
    text: str
    # The phrase of the study the question comes from (quoted in docs/readiness.md).
    source: str
    # (answer, points) from the weakest (0) to the strongest.
    options: tuple[tuple[str, int], ...]
    recommendation: str
    evidence_required: bool = False


@dataclass(frozen=True)
class QuestionnaireDefinition:
    version: int
    questions: tuple[QuestionDefinition, ...]
    # What to do about a weak dimension as a whole, shown first among its advice.
    dimension_advice: dict[str, str] = field(default_factory=dict)


Q = QuestionDefinition

VERSION_1 = QuestionnaireDefinition(
    version=1,
    dimension_advice={
        "head_vision": (
            "首長がデジタル変革のビジョンを示し、外部CIOの活動を担保して結果に責任を負うことを、"
            "文書と行動で明らかにしてください。"
        ),
        "cio_authority": (
            "外部CIOを単なる助言役ではなく、現場への指揮命令権限と実施体制を持つ立場で迎える"
            "準備をしてください。"
        ),
        "counterpart": (
            "外部CIOを支え、自らアクションプランを示して実行するカウンターパート（フォロワー）を"
            "指名してください。"
        ),
        "cooperation": (
            "部門の壁、市町村の壁を越えて取り組む場（部署横断チーム、広域連携）を作ってください。"
        ),
        "field": (
            "現場主義で課題を見つけ、現場のキーパーソンを巻き込み、小さな成功を積み重ねてください。"
        ),
        "strategy": (
            "個別システムではなく組織全体を見渡した、長期的で全体最適の戦略を立てる準備をして"
            "ください。"
        ),
        "budget": (
            "既存予算を再点検して新しい技術の財源を生み出し、補助金や交付税措置を計画的に活用して"
            "ください。"
        ),
    },
    questions=(
        # --- 首長 ---------------------------------------------------------------------------
        Q(
            key="head-vision",
            dimension="head_vision",
            text=(
                "首長は、ITを積極的に活用して行政サービスを変革するというビジョンを、"
                "庁内外に示していますか。"
            ),
            source="首長によるビジョンの提示と意思決定／首長：ITを積極活用するというビジョン",
            options=(
                ("示していない", 0),
                ("首長の意向はあるが、文書や発言としては示されていない", 1),
                ("施政方針や計画の中で触れている", 2),
                ("施政方針・総合計画等で明確に示し、職員にも繰り返し伝えている", 3),
            ),
            recommendation=(
                "首長が施政方針や庁議で、デジタル変革のビジョンを自らの言葉で示す機会を設けて"
                "ください。外部人材活用研修に首長・幹部も参加すると効果的です。"
            ),
            evidence_required=True,
        ),
        Q(
            key="head-decision",
            dimension="head_vision",
            text=(
                "変革に関わる重要な判断を、首長がトップダウンで速やかに意思決定できる場が"
                "ありますか。"
            ),
            source="首長：トップダウンでの意思決定",
            options=(
                ("判断は各部署に委ねられ、首長は関与しない", 0),
                ("案件ごとに調整し、決定まで時間がかかる", 1),
                ("首長が出席する会議体があるが、開催は不定期", 2),
                ("首長が本部長を務める推進本部等で、定期的に意思決定している", 3),
            ),
            recommendation=(
                "首長を本部長とするDX推進本部など、首長が定期的に意思決定する場を設け、外部CIOが"
                "直接諮れるようにしてください。"
            ),
            evidence_required=True,
        ),
        Q(
            key="head-commitment",
            dimension="head_vision",
            text=("首長は、外部CIOの活動を担保し、結果に責任を負うことを文書で確約できますか。"),
            source="外部人材の活動を担保／結果に責任を負う",
            options=(
                ("確約は難しい", 0),
                ("口頭での了解にとどまる", 1),
                ("確約書の案を作成中", 2),
                ("首長名の確約書（活動の担保と結果責任）を用意している", 3),
            ),
            recommendation=(
                "派遣の要件である首長の確約書を用意し、外部CIOの活動を首長が担保し、結果に"
                "責任を負うことを明記してください。"
            ),
            evidence_required=True,
        ),
        Q(
            key="head-backing",
            dimension="head_vision",
            text=(
                "変革に抵抗や摩擦が生じたとき、首長が外部CIOを支える姿勢を庁内に示していますか。"
            ),
            source="変革のためには嫌われ役も担う／外部人材の活動を担保",
            options=(
                ("特に示していない", 0),
                ("その都度判断する", 1),
                ("首長と外部CIOの定例協議を予定している", 2),
                ("首長が外部CIOを支持することを庁内に明言している", 3),
            ),
            recommendation=(
                "外部CIOが嫌われ役を担う場面で首長が後ろ盾になることを、庁議などで職員に明言"
                "してください。"
            ),
        ),
        # --- 外部人材への権限と実施体制 ---------------------------------------------------------
        Q(
            key="cio-command",
            dimension="cio_authority",
            text=("外部CIOに、単なる助言役ではなく、現場への指揮命令権限を付与する予定ですか。"),
            source=(
                "単なるコンサルタントではなく、現場への指揮命令権限や実施体制を付与することにより"
                "実効性を最重要視。"
            ),
            options=(
                ("助言・相談役として迎える", 0),
                ("助言に加え、庁内の会議への出席を認める", 1),
                ("情報部門に対する指示権限を付与する", 2),
                ("規程・辞令により、全庁の情報化施策に対する指揮命令権限を付与する", 3),
            ),
            recommendation=(
                "外部CIOの職務と権限を規程や辞令で定め、情報化施策について現場に指示できる立場"
                "（CIO、情報企画監等）に置いてください。"
            ),
            evidence_required=True,
        ),
        Q(
            key="cio-team",
            dimension="cio_authority",
            text="外部CIOの指示を受けて実務を担う実施体制（職員やチーム）がありますか。",
            source="実施体制／サポート体制",
            options=(
                ("ない", 0),
                ("兼務の職員が1名程度", 1),
                ("兼務の職員による担当チームがある", 2),
                ("専任の職員を含む推進チームを置く", 3),
            ),
            recommendation=(
                "外部CIOの下に実務を担う推進チーム（専任の職員を含む）を置き、組織図に位置付けて"
                "ください。"
            ),
            evidence_required=True,
        ),
        Q(
            key="cio-environment",
            dimension="cio_authority",
            text=(
                "外部CIOの任用形態、処遇、執務環境（席、庁内システムの利用、決裁への関与）を"
                "決めていますか。"
            ),
            source=("自治体内の環境整備（外部人材が活躍できる体制やフォローの仕組み）"),
            options=(
                ("検討していない", 0),
                ("任用形態のみ検討している", 1),
                ("任用形態と処遇を決めている", 2),
                ("任用形態・処遇・執務環境・決裁への関与まで決めている", 3),
            ),
            recommendation=(
                "任用形態（特別職非常勤職員、任期付職員、業務委託など）、処遇、執務環境、決裁への"
                "関与をあらかじめ決め、着任の日から動ける環境を整えてください。"
            ),
            evidence_required=True,
        ),
        Q(
            key="cio-independence",
            dimension="cio_authority",
            text=(
                "外部CIOが、既存のベンダーや既成勢力から独立した立場で、調達や交渉を主導できますか。"
            ),
            source="独立的な外部人材（CIO、情報企画監等）を積極登用／既成勢力との対峙",
            options=(
                ("ベンダーとの調整は従来どおり担当課が行う", 0),
                ("ベンダーとの協議に同席できる", 1),
                ("調達の仕様づくりと評価に関与できる", 2),
                ("調達・契約・ベンダーとの交渉を外部CIOが主導できる", 3),
            ),
            recommendation=(
                "調達の仕様づくり、評価、ベンダーとの交渉を外部CIOが主導できるよう、事務分掌や"
                "調達の手続を見直してください。"
            ),
        ),
        # --- フォロワー（カウンターパート） -------------------------------------------------------
        Q(
            key="counterpart-named",
            dimension="counterpart",
            text="外部CIOのカウンターパート（フォロワー）となる職員を指名していますか。",
            source="フォロワー（上位）：リーダーの自律的支援と組織への主体的貢献",
            options=(
                ("決まっていない", 0),
                ("候補者はいるが、指名していない", 1),
                ("指名している（ほかの業務と兼務）", 2),
                ("指名しており、業務時間の相当部分を充てられる", 3),
            ),
            recommendation=(
                "カウンターパートとなる職員を指名し、業務時間の相当部分を外部CIOとの協働に"
                "充てられるよう、ほかの業務を調整してください。"
            ),
            evidence_required=True,
        ),
        Q(
            key="counterpart-action-plan",
            dimension="counterpart",
            text=(
                "カウンターパートは、アクションプランを示し、自ら実行し、発信する役割を担えますか。"
            ),
            source="アクションプランを示す／積極的に実行、発信する／当事者になる",
            options=(
                ("指示を待つ立場になる見込み", 0),
                ("指示があれば実行できる", 1),
                ("アクションプランの作成に関わる", 2),
                ("自らアクションプランを示し、実行と発信を担う", 3),
            ),
            recommendation=(
                "カウンターパートが自らアクションプランを作り、進み具合を庁内外に発信する役割を"
                "担えるよう、役割分担に明記してください。"
            ),
            evidence_required=True,
        ),
        Q(
            key="counterpart-critique",
            dimension="counterpart",
            text=("カウンターパートが外部CIOに提言し、健全な批判もできる関係を想定していますか。"),
            source="提言する（健全な批判をする）",
            options=(
                ("想定していない", 0),
                ("求められれば意見を言う", 1),
                ("定例の会議で意見を出す", 2),
                ("戦略づくりの段階から関わり、積極的に提言する", 3),
            ),
            recommendation=(
                "外部CIOとカウンターパートの定例協議を設け、戦略づくりの段階から提言や健全な批判を"
                "行う関係を作ってください。"
            ),
        ),
        Q(
            key="counterpart-motivated-staff",
            dimension="counterpart",
            text=(
                "やる気のある職員を積極的に登用し、「できない理由」を一つずつつぶす取組がありますか。"
            ),
            source="やる気のある職員を積極活用／「できない理由」を一つずつつぶす",
            options=(
                ("ない", 0),
                ("個人の熱意に任されている", 1),
                ("庁内公募や手上げの仕組みがある", 2),
                ("手上げの仕組みがあり、挑戦を人事評価でも認めている", 3),
            ),
            recommendation=(
                "庁内公募や手上げの仕組みで意欲のある職員を推進チームに加え、挑戦を人事評価で"
                "認めてください。"
            ),
        ),
        # --- 組織間の連携 ---------------------------------------------------------------------
        Q(
            key="cooperation-departments",
            dimension="cooperation",
            text=(
                "情報部門と原課（業務を担う部署）が、部門の壁を越えて連携する仕組みがありますか。"
            ),
            source="組織間の連携（部門間：市町間）／組織横断で協力するマインド",
            options=(
                ("ない", 0),
                ("個別の案件ごとに調整している", 1),
                ("部署横断の会議体がある", 2),
                ("部署横断のプロジェクトチームが継続して動いている", 3),
            ),
            recommendation=(
                "部署横断のプロジェクトチームを設け、原課の担当者を正式なメンバーに位置付けて"
                "ください。"
            ),
            evidence_required=True,
        ),
        Q(
            key="cooperation-municipalities",
            dimension="cooperation",
            text=(
                "都道府県や近隣の市町村と共同で取り組む枠組み（共同調達、共同利用など）に"
                "参加していますか。"
            ),
            source=(
                "実施体制：県主導のもと、全市町で連携／県主導、市町村連合など、団結して対ベンダー"
                "戦略を策定する"
            ),
            options=(
                ("参加していない", 0),
                ("情報交換にとどまる", 1),
                ("共同の検討会に参加している", 2),
                ("共同調達・共同利用を実施している", 3),
            ),
            recommendation=(
                "都道府県や近隣の市町村との共同調達・共同利用の枠組み（広域連携）に参加し、"
                "県主導の共同要請による派遣も検討してください。"
            ),
            evidence_required=True,
        ),
        Q(
            key="cooperation-agencies",
            dimension="cooperation",
            text=(
                "分野をまたぐ関係機関（医療、消防など）と連携して取り組んだ経験や体制がありますか。"
            ),
            source="医療、消防、行政の連携",
            options=(
                ("ない", 0),
                ("個別の連絡のみ", 1),
                ("協議会などの場がある", 2),
                ("協議会などで共同の事業を実施した実績がある", 3),
            ),
            recommendation=(
                "施策に関わる関係機関との協議会を設け、課題と情報を共有する場を作ってください。"
            ),
        ),
        # --- 現場の巻き込み -------------------------------------------------------------------
        Q(
            key="field-issues",
            dimension="field",
            text=(
                "課題を現場（窓口や業務の担当者）で直接確かめ、現場主義で課題を見つけていますか。"
            ),
            source="課題抽出：現場主義で課題発見／現場主義の徹底",
            options=(
                ("行っていない", 0),
                ("要望を文書で集めている", 1),
                ("一部の業務で聞き取りを行った", 2),
                ("現場に出向いて業務を観察し、課題を洗い出している", 3),
            ),
            recommendation=(
                "外部CIOの着任前に、主な業務の現場で聞き取りや業務の観察を行い、課題の一覧を"
                "作っておいてください。"
            ),
            evidence_required=True,
        ),
        Q(
            key="field-key-people",
            dimension="field",
            text="現場のキーパーソンを巻き込み、変革の機運をつくる取組がありますか。",
            source="機運づくり：現場キーマンの巻き込み／機運づくり：積極的な職員との連動",
            options=(
                ("ない", 0),
                ("キーパーソンは分かっているが、働き掛けていない", 1),
                ("一部の現場で協力を得ている", 2),
                ("キーパーソンが推進チームに参加している", 3),
            ),
            recommendation=(
                "各現場のキーパーソンを見つけ、推進チームや試行の段階から参加してもらってください。"
            ),
            evidence_required=True,
        ),
        Q(
            key="field-benefits",
            dimension="field",
            text=(
                "変化を嫌う体質や原課の抵抗に対し、変革による現場のメリットを示す取組がありますか。"
            ),
            source="原課の変化を嫌う体質／変化に対する原課の抵抗／変革による現場のメリットを追求",
            options=(
                ("ない", 0),
                ("説明会を開く程度", 1),
                ("試行で効果を示した例がある", 2),
                ("小さな成功を積み重ね、効果を見える化して発信している", 3),
            ),
            recommendation=(
                "小さな試行から始めて効果を見える化し、現場の職員にとってのメリットを示しながら"
                "進めてください。"
            ),
        ),
        Q(
            key="field-manuals",
            dimension="field",
            text=("小さな取組の段階から手順をマニュアル化し、研修で広げる仕組みがありますか。"),
            source=("小さい取り組みの時点で試行錯誤しながらマニュアル化し、横展開の際に活用。"),
            options=(
                ("ない", 0),
                ("担当者個人のメモがある", 1),
                ("一部の業務にマニュアルがある", 2),
                ("マニュアル化と研修を組み合わせて広げている", 3),
            ),
            recommendation=(
                "試行の段階から手順をマニュアルにまとめ、職員研修で広げる計画を立ててください。"
            ),
        ),
        # --- 全体最適の戦略 -------------------------------------------------------------------
        Q(
            key="strategy-whole",
            dimension="strategy",
            text="全体最適の視点に立った、長期的な情報化・DXの戦略（計画）がありますか。",
            source=("戦略策定：外部人材の主導により、長期的で全体最適の視点からの戦略策定"),
            options=(
                ("ない", 0),
                ("個別システムごとの計画のみ", 1),
                ("全庁の計画はあるが、見直されていない", 2),
                ("全体最適の視点の戦略があり、外部CIOが見直しを主導できる", 3),
            ),
            recommendation=(
                "外部CIOの主導で、全庁を対象とする長期的で全体最適の戦略を策定（見直し）する"
                "予定を立ててください。"
            ),
            evidence_required=True,
        ),
        Q(
            key="strategy-vendors",
            dimension="strategy",
            text=(
                "ベンダーに依存せず、自治体として主体的に調達・交渉する戦略（対ベンダー戦略）が"
                "ありますか。"
            ),
            source=(
                "対ベンダー戦略の欠如／ベンダーに対して優位に立てる戦略策定と交渉力を自治体を持つ"
            ),
            options=(
                ("ベンダーの提案どおりに更新している", 0),
                ("見積りを比べる程度", 1),
                ("RFIや仕様の見直しを行ったことがある", 2),
                ("対ベンダー戦略（共同RFIなど）を持って交渉している", 3),
            ),
            recommendation=(
                "システム更新の前にRFI（情報提供依頼）を行い、仕様を自ら定めるなど、対ベンダー"
                "戦略を外部CIOとともに立ててください。"
            ),
            evidence_required=True,
        ),
        Q(
            key="strategy-inventory",
            dimension="strategy",
            text="情報システムとその費用・契約の一覧（現状の把握）がありますか。",
            source="ベンダー主導によるITコスト高",
            options=(
                ("ない", 0),
                ("部署ごとに把握している", 1),
                ("全庁の一覧がある", 2),
                ("全庁の一覧があり、費用と契約期間まで把握している", 3),
            ),
            recommendation=(
                "全庁の情報システム、費用、契約期間の一覧を作り、外部CIOの着任時に共有できるように"
                "してください。"
            ),
            evidence_required=True,
        ),
        Q(
            key="strategy-policy-goals",
            dimension="strategy",
            text=(
                "一つの施策で複数の政策課題（業務継続、離職の防止、働き方改革など）を解決する視点で"
                "戦略を立てていますか。"
            ),
            source="複数の政策課題の解決につながる戦略策定",
            options=(
                ("ない", 0),
                ("課題ごとに個別に対応している", 1),
                ("関連付けて検討したことがある", 2),
                ("複数の政策課題を結び付けた戦略がある", 3),
            ),
            recommendation=(
                "情報化の施策を、業務継続や人材確保など複数の政策課題と結び付けて位置付けて"
                "ください。"
            ),
        ),
        # --- 予算 ----------------------------------------------------------------------------
        Q(
            key="budget-review",
            dimension="budget",
            text=("既存の情報化予算を点検し、新しい技術の費用を生み出す見直しを行っていますか。"),
            source="予算獲得：補助金や既存予算を再点検／予算獲得：既存予算による更新",
            options=(
                ("行っていない", 0),
                ("前年度どおりに計上している", 1),
                ("一部を見直した", 2),
                ("全庁の情報化予算を点検し、新しい技術の費用を生み出している", 3),
            ),
            recommendation=(
                "既存の情報化予算（保守・更新の費用）を点検し、クラウド化などで生まれる余力を"
                "新しい技術に振り向ける計画を立ててください。"
            ),
            evidence_required=True,
        ),
        Q(
            key="budget-subsidies",
            dimension="budget",
            text="国の補助金や交付税措置などの財源を把握し、活用していますか。",
            source="予算獲得：補助金や既存予算を再点検／交付税や補助金等の優遇措置",
            options=(
                ("把握していない", 0),
                ("把握しているが、活用していない", 1),
                ("一部を活用している", 2),
                ("計画的に活用している", 3),
            ),
            recommendation=(
                "外部人材の確保や新しい技術の導入に使える補助金・特別交付税措置を一覧にし、"
                "予算要求の時期に合わせて活用してください。"
            ),
            evidence_required=True,
        ),
        Q(
            key="budget-cost-benefit",
            dimension="budget",
            text="実証実験などで費用対効果を示し、予算を獲得した経験がありますか。",
            source="予算獲得：実証実験による費用対効果、既存予算の検証",
            options=(
                ("ない", 0),
                ("検討している", 1),
                ("実証実験を行った", 2),
                ("実証実験の結果をもとに予算化した実績がある", 3),
            ),
            recommendation=(
                "小さな実証実験で費用対効果を示し、その結果をもとに本格導入の予算を要求して"
                "ください。"
            ),
        ),
        Q(
            key="budget-cio-cost",
            dimension="budget",
            text=("外部CIOの受入れに必要な費用（報酬、旅費、執務環境）を予算に計上できますか。"),
            source="独自雇用の限界（良い人材が公募に応じる水準の給与等の確保）",
            options=(
                ("見込みがない", 0),
                ("検討している", 1),
                ("一部を計上する予定", 2),
                ("必要な費用を計上した（又は計上が確実）", 3),
            ),
            recommendation=(
                "外部CIOの報酬・旅費・執務環境の費用を見積もり、特別交付税措置なども踏まえて"
                "予算に計上してください。"
            ),
            evidence_required=True,
        ),
    ),
)

# Every version ever published, oldest first. Never edit or remove a published one.
DEFINITIONS: tuple[QuestionnaireDefinition, ...] = (VERSION_1,)
