import re

import pytest

from ciodispatch.readiness import services
from ciodispatch.readiness.models import Assessment, Dimension
from tests.conftest import lg, verified_client
from tests.readiness.helpers import EVIDENCE, all_challenges, answers_for, submitted_assessment

MIXED = {
    "head_vision": [3, 2, 1, 0],
    "cio_authority": [3, 3, 3, 3],
    "counterpart": [2, 2, 2, 2],
    "cooperation": [3, 3, 3],
    "field": [3, 3, 3, 3],
    "strategy": [3, 3, 3, 3],
    "budget": [1, 1, 0, 0],
}


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def host1(client, personas):
    return verified_client(client, personas.host1)


def test_anonymous_visitors_are_sent_to_sign_in(client, personas):
    assessment = submitted_assessment(personas.host1)
    for url in (
        "/readiness/",
        "/readiness/local-governments/",
        "/readiness/local-governments/412040/",
        f"/readiness/assessments/{assessment.pk}/",
        f"/readiness/assessments/{assessment.pk}/edit/",
        f"/readiness/assessments/{assessment.pk}/check/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(
            "/accounts/login/"
        ), url


def test_a_host_starts_fills_and_submits_the_assessment(host1, personas):
    text = page(host1, "/readiness/")
    assert 'action="/readiness/start/"' in text and 'href="/training/"' in text
    response = host1.post("/readiness/start/")
    assessment = Assessment.objects.get(local_government_id="412040")
    assert response["Location"] == f"/readiness/assessments/{assessment.pk}/edit/"
    # Starting again resumes the same draft.
    assert host1.post("/readiness/start/")["Location"] == response["Location"]

    tasks = page(host1, response["Location"])
    assert tasks.count("task-list__item") == len(Dimension) + 1

    chosen = answers_for(assessment, MIXED)
    questions = services.questions_of(assessment.questionnaire)
    for index, dimension in enumerate(Dimension):
        data = {}
        for q in questions:
            if q.dimension == dimension:
                option_id, evidence = chosen[q.pk]
                data[f"q{q.pk}"] = option_id
                data[f"e{q.pk}"] = evidence
        response = host1.post(f"/readiness/assessments/{assessment.pk}/edit/{dimension}/", data)
        assert response.status_code == 302, response.content.decode()[:2000]
        following = list(Dimension)[index + 1].value if index + 1 < len(Dimension) else None
        expected = following or "challenges"
        assert response["Location"] == f"/readiness/assessments/{assessment.pk}/edit/{expected}/"
    response = host1.post(
        f"/readiness/assessments/{assessment.pk}/edit/challenges/", all_challenges(2)
    )
    assert response["Location"] == f"/readiness/assessments/{assessment.pk}/check/"
    check = page(host1, response["Location"])
    assert "Submit the assessment" in check or "提出する" in check
    response = host1.post(f"/readiness/assessments/{assessment.pk}/check/")
    assert response["Location"] == f"/readiness/assessments/{assessment.pk}/"
    assessment.refresh_from_db()
    assert assessment.state == Assessment.State.SUBMITTED

    result = page(host1, "/readiness/")
    assert 'id="dimension-scores"' in result
    assert "score-bar__fill--50 score-bar__fill--gap" in result  # head_vision: 6 of 12
    assert 'id="gap-head_vision"' in result and 'id="gap-budget"' in result
    assert 'id="gap-field"' not in result
    gap = services.gaps(assessment)[0]
    assert gap.dimension == "budget" and gap.advice[0] in result
    assert f'href="/readiness/assessments/{assessment.pk}/"' in result


def test_missing_evidence_is_shown_on_the_field(host1, personas):
    host1.cookies["django_language"] = "en"  # the assertions read the English messages
    assessment = services.start_assessment(lg("412040"), actor=personas.host1)
    vision = assessment.questionnaire.questions.get(key="head-vision")
    top = vision.options.get(points=3)
    response = host1.post(
        f"/readiness/assessments/{assessment.pk}/edit/head_vision/", {f"q{vision.pk}": top.pk}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'href="#id_e{vision.pk}"' in body and "give the evidence" in body
    assert not assessment.answers.exists()
    # An answer chosen nowhere but evidence written: the form asks for the answer.
    response = host1.post(
        f"/readiness/assessments/{assessment.pk}/edit/head_vision/", {f"e{vision.pk}": EVIDENCE}
    )
    assert f'href="#id_q{vision.pk}"' in response.content.decode()


def test_the_check_page_lists_what_is_missing_and_offers_no_submit(host1, personas):
    host1.cookies["django_language"] = "en"  # the assertions read the English messages
    assessment = services.start_assessment(lg("412040"), actor=personas.host1)
    text = page(host1, f"/readiness/assessments/{assessment.pk}/check/")
    first = assessment.questionnaire.questions.get(number=1)
    assert f"/readiness/assessments/{assessment.pk}/edit/head_vision/#id_q{first.pk}" in text
    assert '<form method="post">' not in text
    response = host1.post(f"/readiness/assessments/{assessment.pk}/check/")
    assert response.status_code == 200 and "Q27" in response.content.decode()


def test_an_unknown_dimension_is_404(host1, personas):
    assessment = services.start_assessment(lg("412040"), actor=personas.host1)
    assert host1.get(f"/readiness/assessments/{assessment.pk}/edit/weather/").status_code == 404


def test_a_submitted_assessment_cannot_be_edited(host1, personas):
    assessment = submitted_assessment(personas.host1)
    for url in ("edit/", "edit/head_vision/", "edit/challenges/", "check/"):
        assert host1.get(f"/readiness/assessments/{assessment.pk}/{url}").status_code == 403


def test_another_host_never_sees_or_changes_it(client, personas):
    submitted = submitted_assessment(personas.host1)
    draft = services.start_assessment(lg("412040"), actor=personas.host1)
    vision = draft.questionnaire.questions.get(key="head-vision")
    verified_client(client, personas.host2)
    # The government and the list exist for everyone (403); the assessments, not even that.
    for url, status in (
        ("/readiness/local-governments/412040/", 403),
        ("/readiness/local-governments/", 403),
        (f"/readiness/assessments/{submitted.pk}/", 404),
        (f"/readiness/assessments/{draft.pk}/", 404),
        (f"/readiness/assessments/{draft.pk}/edit/", 404),
        (f"/readiness/assessments/{draft.pk}/edit/head_vision/", 404),
        (f"/readiness/assessments/{draft.pk}/check/", 404),
    ):
        assert client.get(url).status_code == status, url
    response = client.post(
        f"/readiness/assessments/{draft.pk}/edit/head_vision/",
        {f"q{vision.pk}": vision.options.get(points=0).pk},
    )
    assert response.status_code == 404 and not draft.answers.exists()
    assert client.post(f"/readiness/assessments/{draft.pk}/check/").status_code == 404
    # Their own page shows their own government only.
    own = page(client, "/readiness/")
    assert "嬉野市" in own and "多久市" not in own


def test_a_coordinator_reads_its_municipalities_only(client, personas):
    submitted = submitted_assessment(personas.host1, MIXED)
    draft = services.start_assessment(lg("412040"), actor=personas.host1)
    verified_client(client, personas.pref1)
    listing = page(client, "/readiness/local-governments/")
    assert 'href="/readiness/local-governments/412040/"' in listing
    assert 'href="/readiness/local-governments/412091/"' in listing  # not assessed yet, listed
    assert "403458" not in listing
    # A filter for another prefecture is ignored: a coordinator sees their own.
    assert "412040" in page(client, "/readiness/local-governments/?prefecture=40")
    detail = page(client, "/readiness/local-governments/412040/")
    assert 'id="dimension-scores"' in detail
    assert 'action="/readiness/start/"' not in detail and "/edit/" not in detail
    assert client.get(f"/readiness/assessments/{submitted.pk}/").status_code == 200
    assert client.get(f"/readiness/assessments/{draft.pk}/").status_code == 404
    assert client.get(f"/readiness/assessments/{draft.pk}/edit/").status_code == 404
    assert client.post("/readiness/start/").status_code == 403
    client.logout()
    verified_client(client, personas.pref_fukuoka)
    assert client.get("/readiness/local-governments/412040/").status_code == 403
    assert "412040" not in page(client, "/readiness/local-governments/")


def test_the_office_lists_the_latest_results_and_filters_by_prefecture(client, personas):
    submitted_assessment(personas.host1, MIXED)
    latest = submitted_assessment(personas.host1)
    submitted_assessment(personas.host_fukuoka, MIXED)
    verified_client(client, personas.office)
    listing = page(client, "/readiness/local-governments/")
    rows = re.findall(r'<tr><th scope="row"><a href="/readiness/local-governments/(\d+)/"', listing)
    assert rows == ["403458", "412040"]
    assert 'class="num">100</td>' in listing  # 多久市's latest: all 100
    saga = page(client, "/readiness/local-governments/?prefecture=41")
    assert "412040" in saga and "403458" not in saga and "412091" in saga
    detail = page(client, "/readiness/local-governments/412040/")
    assert f'href="/readiness/assessments/{latest.pk}/"' in detail
    assert client.get("/readiness/").status_code == 403  # the office has no own readiness


def test_the_readiness_page_shows_the_history_and_the_staff_training(host1, personas):
    first = submitted_assessment(personas.host1, MIXED)
    second = submitted_assessment(personas.host1_head)
    text = page(host1, "/readiness/")
    assert text.index(f"/readiness/assessments/{second.pk}/") < text.index(
        f"/readiness/assessments/{first.pk}/"
    )
    assert 'id="training"' in text and personas.host1_head.display_name in text


def test_the_result_page_shows_answers_and_evidence(host1, personas):
    assessment = submitted_assessment(personas.host1, MIXED)
    text = page(host1, f"/readiness/assessments/{assessment.pk}/")
    assert EVIDENCE in text and 'id="challenge-ratings"' in text
    assert "score-bar__fill--100" in text
