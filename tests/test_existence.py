"""What a refusal tells: nothing about objects the user may not see (404, as for a missing one),
and a reviewer's access to a file ends with its review."""

import re

import pytest
from django.test import Client

from ciodispatch import policy
from ciodispatch.candidates import services as candidates
from ciodispatch.candidates.services import Decision
from tests.candidates.helpers import submitted_application
from tests.conftest import verified_client
from tests.dispatches.helpers import dispatch_at


def _page(response, path: str) -> str:
    """The page without what differs between any two requests: the CSRF token, and the
    page's own address (the language switcher returns to it)."""
    page = re.sub(r"<input[^>]*csrfmiddlewaretoken[^>]*>", "", response.content.decode())
    return page.replace(path, "<path>")


def test_another_hosts_dispatch_answers_exactly_as_a_missing_one(personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "active")
    client = Client()
    client.force_login(personas.host2)  # 嬉野市: the dispatch is 多久市's
    paths = ("", "notice.pdf", "extension/", "evaluation/")
    for path in paths:
        there, nowhere = (
            f"/dispatches/{dispatch.pk}/{path}",
            f"/dispatches/{dispatch.pk + 1000}/{path}",
        )
        existing, missing = client.get(there), client.get(nowhere)
        assert existing.status_code == missing.status_code == 404, path
        assert _page(existing, there) == _page(missing, nowhere), path


def test_who_may_see_an_object_but_not_act_on_it_is_still_told_no(personas, monkeypatch):
    dispatch = dispatch_at(personas, monkeypatch, "active")
    client = Client()
    client.force_login(personas.pref1)  # the coordinator follows the dispatch, read only
    assert client.get(f"/dispatches/{dispatch.pk}/").status_code == 200
    refused = client.get(f"/dispatches/{dispatch.pk}/end-early/")
    assert refused.status_code == 403
    assert "事務局" in refused.content.decode()  # who to ask


def test_objects_of_undeclared_models_are_hidden(personas):
    class Unknown:
        pass

    assert not policy.may_know(personas.office, Unknown())


@pytest.mark.parametrize(
    ("decision", "state"), [(Decision.PASS, "training"), (Decision.FAIL, "rejected")]
)
def test_a_reviewers_access_ends_with_the_review(client, personas, decision, state):
    app = submitted_application(personas.candidate1)
    assignment = candidates.assign_reviewer(app, personas.reviewer, actor=personas.office)
    verified_client(client, personas.reviewer)
    review_page = f"/candidates/reviews/{assignment.pk}/"
    cv = f"/candidates/applications/{app.pk}/cv/"
    assert client.get(review_page).status_code == 200
    assert client.get(cv).status_code == 200
    assert app.full_name in client.get("/candidates/reviews/").content.decode()
    scores = {c.pk: (4, "十分") for c in app.review_round.criteria.all()}
    candidates.submit_scores(assignment, actor=personas.reviewer, scores=scores)
    app = candidates.decide(app, actor=personas.office, decision=decision, reason="審査の結果")
    assert app.state == state
    # The review is over: the file leaves the reviewer's list and cannot be opened any more.
    assert client.get(review_page).status_code == 404
    assert client.get(cv).status_code == 404
    assert app.full_name not in client.get("/candidates/reviews/").content.decode()
    assert not policy.can(personas.reviewer, policy.Action.VIEW_APPLICATION, app)
