"""Demo content: support offers from 佐賀県, 広島県 and 会津若松市 with requests in several
states, and past and upcoming events with registrations and a waiting list.

Everything goes through the services. Registrations for past events are made with the clock
set to before each event, as they would have been made then.
"""

import datetime as dt
from unittest import mock

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from ciodispatch.accounts import services as accounts
from ciodispatch.accounts.models import Role, User
from ciodispatch.core.dates import fiscal_year
from ciodispatch.demo.accounts import demo_account, demo_mail
from ciodispatch.localgov.models import LocalGovernment
from ciodispatch.outreach import services
from ciodispatch.outreach.models import Event, SupportOffer

# Providers outside 佐賀県: one prefecture, one city (fictitious contact details).
OTHER_PROVIDERS = (
    ("demo-outreach-hiroshima", Role.PREFECTURE_COORDINATOR, "340006", "広島県", "DX推進担当"),
    ("demo-outreach-aizu", Role.HOST_LIAISON, "072028", "会津若松市", "DX担当"),
)
PUBLIC_PEOPLE = (
    ("青木 美咲", "aoki@example.jp", "長崎県 情報政策課"),
    ("井上 大輔", "inoue@example.jp", "熊本県 小国町"),
    ("上田 由美", "ueda@example.jp", ""),
    ("江口 拓也", "eguchi@example.jp", "大分県 DX推進課"),
    ("大野 さくら", "ono@example.jp", "株式会社テスト"),
    ("加藤 翔", "kato@example.jp", "宮崎県 延岡市"),
    ("木村 直子", "kimura@example.jp", ""),
)


def _provider_user(login, role, code, last_name, first_name) -> User:
    found = User.objects.filter(username=login).first()
    if found is not None:
        return found
    organisation = accounts.get_or_create_local_government_organisation(
        LocalGovernment.objects.get(code=code), actor=None
    )
    return demo_account(
        login,
        role,
        organisation,
        last_name=last_name,
        first_name=first_name,
        email=demo_mail(login),
    )


def _offer(user, office, *, publish=True, **fields) -> SupportOffer:
    provider = user.local_government
    offer = services.create_offer(provider, actor=user, **fields)
    services.submit_offer(offer, actor=user)
    if publish:
        services.publish_offer(offer, actor=office)
    return offer


def load_outreach_demo(*, office: User, people: dict[str, User]) -> list[str]:
    if SupportOffer.objects.exists() or Event.objects.exists():
        return ["outreach: already loaded"]
    done = []
    year = fiscal_year(timezone.localdate())
    pref1, host1, host2 = people["pref1"], people["host1"], people["host2"]
    hiroshima = _provider_user(*OTHER_PROVIDERS[0])
    aizu = _provider_user(*OTHER_PROVIDERS[1])
    contact = {"contact_phone": "0952-00-0003"}
    ambulance = _offer(
        pref1,
        office,
        fiscal_year=year,
        title="救急搬送のIT変革：全救急車へのタブレット配備と受入れ情報の共有",
        description=(
            "県内すべての救急車にタブレットを配備し、医療機関の受入れ可否をリアルタイムで"
            "共有した取組を、現場（消防本部・医療機関）の視察と担当者の講演で紹介します。"
            "導入時の関係者調整、予算化の進め方、運用定着の工夫をお伝えします。"
        ),
        kinds=["site_visit", "lecture"],
        challenges=["organisational_walls", "resistance_to_change"],
        themes="救急搬送、医療連携、現場主義",
        capacity=3,
        contact_department="政策部 DX推進グループ",
        contact_email="dx@pref1.demo.ciodispatch.example.jp",
        **contact,
    )
    cloud = _offer(
        pref1,
        office,
        fiscal_year=year,
        title="市町基幹情報システムのクラウド化：共同調達の仕様書レビュー",
        description=(
            "県と市町が共同で基幹系システムをクラウド化した経験をもとに、調達仕様書・"
            "移行計画書を確認し、ベンダーとの交渉で押さえるべき点を助言します。"
        ),
        kinds=["document_review", "lecture"],
        challenges=["vendor_dependency", "no_budget"],
        themes="クラウド化、共同調達、標準化",
        capacity=2,
        contact_department="政策部 DX推進グループ",
        contact_email="dx@pref1.demo.ciodispatch.example.jp",
        **contact,
    )
    telework = _offer(
        hiroshima,
        office,
        fiscal_year=year,
        title="県庁のテレワークと業務改革：職員研修の講師派遣",
        description=(
            "全庁でのテレワーク導入と、それを機にした業務プロセス見直しの進め方を、"
            "職員向け研修として講義します。管理職の意識改革の工夫も扱います。"
        ),
        kinds=["lecture"],
        challenges=["resistance_to_change", "no_strategy"],
        themes="テレワーク、働き方改革、人材育成",
        capacity=4,
        contact_department="総務局 業務プロセス改革課",
        contact_email="dx@hiroshima.demo.ciodispatch.example.jp",
    )
    smart_city = _offer(
        aizu,
        office,
        fiscal_year=year,
        title="データ連携基盤とオプトイン型サービスの現地視察",
        description=(
            "市民の同意に基づくデータ連携基盤と、その上で提供する行政サービスを現地で"
            "視察いただき、産学官連携の体制づくりを担当者が説明します。"
        ),
        kinds=["site_visit", "document_review"],
        challenges=["talent_shortage", "no_strategy"],
        themes="スマートシティ、データ連携、産学官連携",
        capacity=2,
        contact_department="企画政策部 DX推進課",
        contact_email="dx@aizu.demo.ciodispatch.example.jp",
    )
    _offer(
        aizu,
        office,
        publish=False,
        fiscal_year=year,
        title="庁内データ活用人材の育成プログラム（準備中）",
        description="庁内でデータを扱える職員を育てた研修プログラムを紹介します。準備中の申出です。",
        kinds=["lecture"],
        challenges=["talent_shortage"],
        themes="人材育成",
        capacity=1,
        contact_department="企画政策部 DX推進課",
        contact_email="dx@aizu.demo.ciodispatch.example.jp",
    )
    done.append("outreach: 5 support offers (4 open, 1 awaiting the office)")

    taku, ureshino = host1.local_government, host2.local_government
    assert taku is not None and ureshino is not None
    visit = services.request_support(
        taku,
        actor=host1,
        offer=ambulance,
        kind="site_visit",
        purpose="救急搬送の受入れ照会に時間がかかっており、タブレット活用の現場運用を学びたい。",
        challenges=["organisational_walls"],
        preferred_period="7月中の平日",
    )
    services.approve_support_request(visit, actor=office, comment="7月中旬で調整してください。")
    services.record_visit(
        visit,
        actor=pref1,
        held_on=max(timezone.localdate() - dt.timedelta(days=60), dt.date(year, 4, 1)),
        participants=6,
        report=(
            "多久市の消防・健康福祉部門の職員6名が佐賀広域消防局を視察。救急隊員による"
            "タブレット入力の実演と、病院側の受入れ回答の流れを確認した。市では来年度、"
            "救急と在宅医療の情報共有から着手することとした。"
        ),
    )
    lecture = services.request_support(
        ureshino,
        actor=host2,
        offer=cloud,
        kind="document_review",
        purpose="基幹系システム更新の調達仕様書案について、ベンダー依存を避ける観点で確認を受けたい。",
        challenges=["vendor_dependency"],
        preferred_period="来年1月",
    )
    services.approve_support_request(lecture, actor=office)
    services.request_support(
        taku,
        actor=host1,
        offer=telework,
        kind="lecture",
        purpose="管理職向けに、テレワークを機にした業務改革の研修を実施したい。",
        challenges=["resistance_to_change"],
        preferred_period="2月",
    )
    services.request_support(
        ureshino,
        actor=host2,
        kind="site_visit",
        purpose="観光と連携したデータ活用の先進地を視察し、庁内の推進体制づくりを学びたい。",
        challenges=["no_strategy", "talent_shortage"],
        preferred_period="年度内",
    )
    declined = services.request_support(
        taku,
        actor=host1,
        offer=smart_city,
        kind="document_review",
        purpose="データ連携基盤の調達仕様書を確認してほしい（まだ構想段階）。",
    )
    services.decline_support_request(
        declined,
        actor=office,
        comment="構想段階のため、まず現地視察（site visit）での申請をご検討ください。",
    )
    withdrawn = services.request_support(
        ureshino,
        actor=host2,
        offer=telework,
        kind="lecture",
        purpose="職員研修の講師派遣を依頼したい（日程が合わず取り下げ予定）。",
    )
    services.withdraw_support_request(withdrawn, actor=host2, reason="日程が合わないため")
    done.append(
        "outreach: 6 support requests (completed, approved, 2 awaiting, declined, withdrawn)"
    )
    done += _events(office, [pref1, host1, host2])
    return done


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _register_all(event: Event, users, public, *, as_of: dt.datetime | None = None) -> None:
    def run():
        for user in users:
            services.register(event, actor=user)
        for name, email, organisation in public:
            # Each member of the public confirms by the link mailed to them.
            pending = services.request_registration(
                event, actor=AnonymousUser(), name=name, email=email, organisation=organisation
            )
            if pending is not None:
                services.confirm_registration(
                    pending.token, actor=AnonymousUser(), join_waiting_list=True
                )

    if as_of is None:
        run()
        return
    # A past event: its registrations were made before it, so the clock is set back.
    with mock.patch("django.utils.timezone.now", return_value=as_of):
        run()


def _events(office: User, users: list[User]) -> list[str]:
    today = timezone.localdate()
    past_talk = services.create_event(
        actor=office,
        title="事例発表会：佐賀県の救急搬送IT変革に学ぶ",
        kind="case_talk",
        description=(
            "救急車へのタブレット配備を主導した担当者が、首長のビジョン、現場主義、"
            "医療機関との連携をどう実現したかを自らの言葉で語ります。"
        ),
        starts_at=_at(today - dt.timedelta(days=45), 14),
        ends_at=_at(today - dt.timedelta(days=45), 16, 30),
        capacity=80,
        place="佐賀県庁 新館 大会議室",
        online=True,
        speakers="佐賀県 政策部 DX推進グループ",
    )
    past_lecture = services.create_event(
        actor=office,
        title="講演会：外部CIOと自治体の協働",
        kind="lecture",
        description="外部から登用されたCIOと受入れ自治体の職員が、協働の進め方を語ります。",
        starts_at=_at(today - dt.timedelta(days=120), 13, 30),
        ends_at=_at(today - dt.timedelta(days=120), 15, 30),
        capacity=150,
        online=True,
        online_url="https://meet.example.jp/cio-lecture",
    )
    full_workshop = services.create_event(
        actor=office,
        title="勉強会：ベンダーと渡り合う調達仕様書の書き方",
        kind="workshop",
        description="少人数で調達仕様書の事例を読み合い、ベンダー依存を避ける書き方を学びます。",
        starts_at=_at(today + dt.timedelta(days=21), 13),
        ends_at=_at(today + dt.timedelta(days=21), 17),
        capacity=5,
        place="認定CIO派遣制度 事務局 会議室（東京都千代田区）",
    )
    upcoming_talk = services.create_event(
        actor=office,
        title="事例発表会：市町基幹情報システムのクラウド化",
        kind="case_talk",
        description="県と市町が共同でクラウド化を進めた経緯を、関係者が振り返ります。",
        starts_at=_at(today + dt.timedelta(days=40), 15),
        ends_at=_at(today + dt.timedelta(days=40), 17),
        capacity=100,
        place="佐賀市 アバンセ ホール",
        online=True,
        online_url="https://meet.example.jp/cloud-talk",
        speakers="佐賀県、県内市町の情報政策担当者",
    )
    draft = services.create_event(
        actor=office,
        title="講演会：テレワークと業務改革（準備中）",
        kind="lecture",
        description="広島県の取組を紹介する講演会。講師と日程を調整中です。",
        starts_at=_at(today + dt.timedelta(days=75), 14),
        ends_at=_at(today + dt.timedelta(days=75), 16),
        capacity=60,
        online=True,
    )
    for event in (past_talk, past_lecture, full_workshop, upcoming_talk):
        services.publish_event(event, actor=office)
    _register_all(
        past_talk,
        users,
        PUBLIC_PEOPLE[:5],
        as_of=past_talk.starts_at - dt.timedelta(days=10),
    )
    _register_all(
        past_lecture,
        users[:2],
        PUBLIC_PEOPLE[2:],
        as_of=past_lecture.starts_at - dt.timedelta(days=7),
    )
    # Five places, seven people: two on the waiting list; then one cancels and the first
    # person waiting is promoted (audited).
    _register_all(full_workshop, users, PUBLIC_PEOPLE[:4])
    first = full_workshop.registrations.filter(state="confirmed").order_by("created_at").last()
    assert first is not None
    services.cancel_registration(first, actor=office)
    _register_all(upcoming_talk, users[1:], PUBLIC_PEOPLE[4:])
    del draft
    return [
        "outreach: 5 events (2 past, 2 upcoming of which one full with a waiting list, 1 draft)"
    ]
