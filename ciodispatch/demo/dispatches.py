"""Demo dispatches: the proposals of this fiscal year's published matching round taken on
through every step, recorded through the services under the simulated clock on the days
they would have happened.

- February: both sides accept, except two proposals: one declined by a CIO (the office fills
  the place by hand from the pool) and one declined by a host (left empty). The hosts set the
  appointments (four as a six-month first phase), the CIOs confirm; notices are issued.
- 1 April: the daily job starts every confirmed dispatch.
- June: one dispatch is extended with the office's approval; August: one ends early.
- 1 October: the six-month dispatches complete (their plans, reports, small wins and
  KPI values are written while they run, by ``demo.progress.write_history``); two of them
  are evaluated by the host, the CIO and the office, and one becomes a draft case in the
  know-how base.
- November: a host asks for an extension the office has not decided yet.

多久市's matched CIO declines and the office fills the place from the pool (with candidate2,
the demo CIO, when the matching left them free; otherwise candidate2 serves the one-year post
they were matched with).
"""

import datetime as dt

from django.utils import timezone

from ciodispatch.accounts.models import User
from ciodispatch.demo.clock import simulated_clock
from ciodispatch.demo.progress import write_history
from ciodispatch.dispatches import services
from ciodispatch.dispatches.models import Dispatch, Evaluation, add_months
from ciodispatch.matchround.models import MatchRound

SHORT_TERMS = 4  # six-month first phases, completed by now


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def host_actor(dispatch: Dispatch) -> User:
    request = dispatch.request
    return request.liaison or request.filed_by


def load_dispatches_demo(*, office: User) -> list[str]:
    today = timezone.localdate()
    match_round = (
        MatchRound.objects.filter(
            phase=MatchRound.Phase.PUBLISHED, request_round__dispatch_start__lte=today
        )
        .select_related("request_round")
        .order_by("-request_round__fiscal_year")
        .first()
    )
    if match_round is None:
        return ["dispatches: no published round has started yet"]
    proposals = list(
        match_round.dispatches.filter(state=Dispatch.State.PROPOSED)
        .select_related("request__host", "request__request_round", "application__user")
        .order_by("pk")
    )
    if not proposals:
        return ["dispatches: already loaded"]
    year = match_round.request_round.fiscal_year
    start = match_round.request_round.dispatch_start

    # 多久市's matched CIO declines and the office offers the place to candidate2, so the demo's
    # CIO and host logins share one dispatch.
    # candidate2's own dispatch (if matched) stays a plain one-year term: free for this round.
    not_candidate2 = [d for d in proposals if d.application.user.username != "candidate2"]
    declined_by_cio = next(
        (d for d in not_candidate2 if d.request.host_id == "412040"), not_candidate2[0]
    )
    others = [d for d in not_candidate2 if d is not declined_by_cio]
    # A small demo (a test's) has few dispatches: each story takes the next one, while any.
    # Extensions go to posts of at most 18 months, so a year more stays within 36 months.
    extendable = [d for d in others if (d.request.term_months or 0) <= 18]
    extended = extendable[0] if extendable else None
    # The waiting extension asks for six months more: any post of at most 30 months will do
    # (a small demo may have a single post of 18 months or less, taken by ``extended``).
    waiting = [d for d in others if d is not extended and (d.request.term_months or 0) <= 30]
    extension_waiting = waiting[0] if waiting else None
    rest = [d for d in others if d not in (extended, extension_waiting)]
    declined_by_host = rest[0] if rest else None
    ended_early = rest[1] if len(rest) > 1 else None
    short = rest[2 : 2 + SHORT_TERMS]
    done = []
    with simulated_clock(_at(dt.date(year, 2, 3))) as clock:
        services.decline(
            declined_by_cio,
            actor=declined_by_cio.application.user,
            reason="勤務先の事業再編で、4月からの兼業の許可が得られなくなりました。",
        )
        if declined_by_host is not None:
            services.decline(
                declined_by_host,
                actor=host_actor(declined_by_host),
                reason="面談の結果、当町が求める基幹業務の標準化の経験と合わないと判断しました。",
            )
        accepted = [d for d in proposals if d not in (declined_by_cio, declined_by_host)]
        clock.set(_at(dt.date(year, 2, 10)))
        pool = services.candidates_for_place(declined_by_cio)
        filler = None
        if pool:
            chosen = next((a for a in pool if a.user.username == "candidate2"), pool[0])
            filler = services.fill_place(
                declined_by_cio,
                application=chosen,
                actor=office,
                reason="マッチングで多久市を上位に挙げていた候補者。市の了解を得て事務局が打診。",
            )
            accepted.append(filler)
        for dispatch in accepted:
            services.accept(dispatch, actor=dispatch.application.user, side="cio")
            services.accept(dispatch, actor=host_actor(dispatch), side="host")
        clock.set(_at(dt.date(year, 2, 20)))
        for dispatch in accepted:
            dispatch.refresh_from_db()
            changes = {}
            if dispatch in short:
                changes["end_date"] = add_months(start, 6)
            elif dispatch == filler:
                # One year first, so the CIO is free for the next round.
                changes["end_date"] = add_months(start, 12)
            services.set_appointment(dispatch, actor=host_actor(dispatch), **changes)
        clock.set(_at(dt.date(year, 2, 27)))
        for dispatch in accepted:
            services.confirm_appointment(dispatch, actor=dispatch.application.user)
        clock.set(_at(start, 6))
        started = services.run_daily(today=start)["started"]
        done.append(
            f"dispatches: {len(accepted)} accepted, {2 if declined_by_host else 1} declined "
            f"({'1 place filled by hand' if pool else 'no one free to fill'}), {started} started"
        )
        if extended is not None:
            clock.set(_at(dt.date(year, 6, 15)))
            extended.refresh_from_db()
            extension = services.request_extension(
                extended,
                actor=host_actor(extended),
                new_end=add_months(start, (extended.request.term_months or 12) + 12),
                reason="基幹業務システムの標準化移行が来年度末までかかるため、"
                "移行完了まで伴走を求めます。",
            )
            clock.set(_at(dt.date(year, 6, 25)))
            services.decide_extension(extension, actor=office, approve=True)
        if ended_early is not None:
            clock.set(_at(dt.date(year, 8, 31), 17))
            # Its plan, reports, small wins and KPIs, written while it ran.
            ended_early.refresh_from_db()
            write_history(ended_early, office=office, last_day=dt.date(year, 8, 31))
            services.end_early(
                ended_early,
                actor=host_actor(ended_early),
                on=dt.date(year, 8, 31),
                reason="CIO本人の健康上の理由により、双方合意のうえ8月末で派遣を終了しました。",
            )
        for dispatch in short:
            dispatch.refresh_from_db()
            write_history(dispatch, office=office, last_day=add_months(start, 6))
        clock.set(_at(add_months(start, 6) + dt.timedelta(days=1), 6))
        completed = services.run_daily(today=add_months(start, 6) + dt.timedelta(days=1))
        done.append(f"dispatches: 1 extended, 1 ended early, {completed['completed']} completed")
        clock.set(_at(dt.date(year, 10, 9)))
        for dispatch in short[:2]:
            _evaluate(dispatch, office)
        if short:
            clock.set(_at(dt.date(year, 10, 20)))
            case = services.draft_case(short[0], actor=office)
            done.append(
                f"dispatches: {len(short[:2])} evaluated; case draft “{case.title}” "
                "for the know-how base"
            )
        if extension_waiting is not None:
            clock.set(_at(today - dt.timedelta(days=6)))
            extension_waiting.refresh_from_db()
            services.request_extension(
                extension_waiting,
                actor=host_actor(extension_waiting),
                new_end=add_months(start, (extension_waiting.request.term_months or 12) + 6),
                reason="窓口DXの第2段階（手続のオンライン化拡大）を半年延長して進めたい。",
            )
    return done


def _evaluate(dispatch: Dispatch, office: User) -> None:
    dispatch.refresh_from_db()
    services.submit_evaluation(
        dispatch,
        actor=host_actor(dispatch),
        kind=Evaluation.Kind.HOST_OF_CIO,
        overall=5,
        scores={"leadership": 5, "field": 5, "goals": 4, "transfer": 4},
        went_well="課長会議で毎月進捗を共有し、現場の窓口職員と一緒に申請手続を見直した。"
        "「できない理由」が出るたびに小さな試行で確かめ、半年でオンライン手続を倍増できた。",
        to_improve="着任直後の1か月は庁内の情報収集に時間がかかった。事前に資料をまとめておくべきだった。",
        recommend_as_case=True,
    )
    services.submit_evaluation(
        dispatch,
        actor=dispatch.application.user,
        kind=Evaluation.Kind.CIO_OF_HOST,
        overall=4,
        scores={"head": 5, "liaison": 4, "data": 3},
        authority_materialised=Evaluation.Materialised.YES,
        counterpart_materialised=Evaluation.Materialised.PARTLY,
        went_well="首長が議会と庁内で改革の方針を明言し、予算要求の場にも同席してくれた。",
        to_improve="カウンターパートの職員が他業務と兼務で、週1日しか時間を確保できなかった。",
    )
    services.submit_evaluation(
        dispatch,
        actor=office,
        kind=Evaluation.Kind.OFFICE,
        overall=4,
        scores={"outcomes": 4, "spread": 5},
        went_well="小さな成功を毎月発信し、近隣自治体からの視察につながった。横展開の候補。",
        recommend_as_case=True,
    )
