"""The labels of stored choice values (core/choices.py), as the models' ``*_labels`` show them."""

from django.utils import translation

from ciodispatch.candidates.models import Application
from ciodispatch.core.choices import choice_label, choice_labels
from ciodispatch.core.programme import Challenge
from ciodispatch.knowhow.models import Case
from ciodispatch.outreach.models import SupportKind, SupportOffer
from ciodispatch.requests.models import DispatchRequest


def test_labels_follow_the_stored_order_and_keep_a_retired_value_as_stored():
    first, second = list(Challenge)[:2]
    with translation.override("en"):
        assert choice_labels(Challenge, [second.value, "retired", first.value]) == [
            str(second.label),
            "retired",
            str(first.label),
        ]
        assert choice_label(Challenge, first.value) == str(first.label)
        assert choice_label(Challenge, "retired") == "retired"


def test_the_models_label_properties_use_their_own_choices():
    kind = list(SupportKind)[0]
    challenge = list(Challenge)[0]
    with translation.override("en"):
        offer = SupportOffer(kinds=[kind.value], challenges=[challenge.value, "x"])
        assert offer.kind_labels == [str(kind.label)]
        assert offer.challenge_labels == [str(challenge.label), "x"]
        request = DispatchRequest(challenges=[challenge.value], skill_roles=[])
        assert request.challenge_labels == [str(challenge.label)]
        assert request.role_labels == []
        app = Application(domains=["unknown"], regions=[])
        assert app.domain_labels == "unknown"
        assert app.region_labels == ""
        case = Case(challenges=["x", challenge.value])
        assert case.challenge_labels == ["x", str(challenge.label)]
