"""A host sees the cases that answer its challenges; a candidate those in their domains."""

from ciodispatch.candidates import services as candidate_services
from ciodispatch.knowhow import recommendations
from ciodispatch.requests import services as request_services
from tests.conftest import verified_client
from tests.knowhow.helpers import published
from tests.readiness.helpers import submitted_assessment
from tests.requests.helpers import open_round


def _cases(office):
    return {
        "budget": published(office, title="予算の工夫", challenges=["no_budget"]),
        "vendor": published(
            office, title="調達の見直し", challenges=["vendor_dependency"], theme="procurement"
        ),
        "window": published(
            office,
            title="書かない窓口",
            challenges=["resistance_to_change"],
            theme="e_government",
            summary="窓口の手続を見直した。",
        ),
    }


def test_a_host_gets_cases_for_its_serious_challenges(personas):
    cases = _cases(personas.office)
    # Every challenge rated 1 of 3 (not serious); the budget dimension scores 0: a gap.
    submitted_assessment(personas.host1, points={"budget": [0, 0, 0, 0]})
    items, basis = recommendations.for_host(personas.host1.local_government)
    by_case = {i.case.pk: i for i in items}
    assert cases["budget"].pk in by_case
    assert any("gap" in r for r in by_case[cases["budget"].pk].reasons)
    assert cases["window"].pk not in by_case
    assert basis["assessment"] is not None


def test_a_host_gets_cases_for_its_request(personas):
    cases = _cases(personas.office)
    request_round = open_round()
    req = request_services.start_request(
        request_round, actor=personas.host2, host=personas.host2.local_government
    )
    request_services.save_basics(
        req,
        actor=personas.host2,
        title="窓口のデジタル化",
        goals="窓口の手続を半分オンライン化し、職員の事務を三割減らすことを目標とする。",
        challenges=["vendor_dependency"],
    )
    items, _basis = recommendations.for_host(personas.host2.local_government)
    by_case = {i.case.pk: i for i in items}
    assert cases["vendor"].pk in by_case and cases["window"].pk in by_case
    assert cases["budget"].pk not in by_case
    # The case that matches the request's theme words comes first.
    assert items[0].case.pk == cases["window"].pk


def test_a_candidate_gets_cases_in_their_domains(personas):
    cases = _cases(personas.office)
    app = candidate_services.start_application(personas.candidate1, actor=personas.candidate1)
    candidate_services.save_domains(
        app, actor=personas.candidate1, domains=["procurement"], other=""
    )
    items, basis = recommendations.for_candidate(personas.candidate1)
    assert [i.case.pk for i in items] == [cases["vendor"].pk]
    items, _ = recommendations.for_candidate(personas.candidate2)
    assert items == []


def test_the_page_is_for_hosts_and_candidates(client, personas):
    _cases(personas.office)
    client.force_login(personas.host1)
    assert client.get("/knowhow/recommendations/").status_code == 200
    client.force_login(personas.pref1)
    assert client.get("/knowhow/recommendations/").status_code == 403
    client.force_login(personas.candidate1)
    assert client.get("/knowhow/recommendations/").status_code == 200
    office = verified_client(client, personas.office)
    assert office.get("/knowhow/recommendations/").status_code == 403
