"""notify(): one notice per person, mail as each chooses, one message each, after commit, in
the recipient's language, signed with the programme office's contact."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation

from ciodispatch.accounts.models import Organisation
from ciodispatch.audit.models import AuditEvent
from ciodispatch.notices import services
from ciodispatch.notices.models import MailLanguage, Notice, NoticePreference

pytestmark = pytest.mark.django_db


def test_one_notice_per_active_person_skipping_none_and_repeats(personas, test_kinds):
    personas.host2.is_active = False
    personas.host2.save()
    made = services.notify(
        [personas.host1, None, personas.host1, personas.host1_head, personas.host2],
        "tests.quiet",
        "/requests/1/",
        title="窓口DX",
    )
    assert len(made) == 2
    assert sorted(Notice.objects.values_list("recipient__username", flat=True)) == [
        "host1",
        "host1-head",
    ]
    notice = Notice.objects.get(recipient=personas.host1)
    assert (notice.url, notice.params, notice.read_at) == (
        "/requests/1/",
        {"title": "窓口DX"},
        None,
    )
    assert notice.text == "Quiet 窓口DX"


def test_an_undeclared_kind_and_a_link_off_the_site_are_refused(personas, test_kinds):
    with pytest.raises(ValueError, match="Undeclared"):
        services.notify([personas.host1], "tests.nothing", "/x/")
    for url in ("https://evil.example/", "//evil.example/", "requests/1/"):
        with pytest.raises(ValueError, match="page of the site"):
            services.notify([personas.host1], "tests.quiet", url)


def test_mail_goes_one_per_person_after_commit_only(
    personas, test_kinds, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify(
            [personas.host1, personas.host1_head], "tests.mailed", "/requests/1/", title="t"
        )
    assert mailoutbox == [] and len(callbacks) == 2  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mailoutbox) == ["host1-head@example.jp", "host1@example.jp"]


def test_a_rolled_back_change_mails_no_one_and_leaves_no_notice(
    personas, test_kinds, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.notify([personas.host1], "tests.mailed", "/requests/1/", title="t")
            raise RuntimeError
    assert mailoutbox == [] and not Notice.objects.exists()


def test_the_preference_decides_the_mail_and_the_kind_gives_the_default(
    personas, test_kinds, mailoutbox, django_capture_on_commit_callbacks
):
    NoticePreference.objects.create(user=personas.host1, kind="tests.mailed", mail=False)
    NoticePreference.objects.create(user=personas.host1, kind="tests.quiet", mail=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([personas.host1, personas.host2], "tests.mailed", "/a/", title="t")
        services.notify([personas.host1, personas.host2], "tests.quiet", "/b/", title="t")
    # Mailed by default, but host1 turned it off; quiet by default, but host1 turned it on.
    assert sorted((m.to[0], m.body.split("\n")[0]) for m in mailoutbox) == [
        ("host1@example.jp", "Quiet t"),
        ("host2@example.jp", "t: "),
    ]
    assert Notice.objects.count() == 4  # the notices themselves are always there


def test_a_kind_its_app_mails_itself_is_never_mailed_again(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    NoticePreference.objects.create(
        user=personas.host1, kind="progress.report_submitted", mail=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([personas.host1], "progress.report_submitted", "/p/", month="2027-01")
    assert mailoutbox == [] and Notice.objects.filter(recipient=personas.host1).exists()
    assert "progress.report_submitted" not in services.preferences_of(personas.host1)


def test_mail_is_in_the_recipients_language_with_a_link_and_the_office_contact(
    personas, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://cio.example.jp"
    Organisation.objects.filter(kind=Organisation.Kind.PROGRAMME_OFFICE).update(
        name="認定CIO派遣制度 事務局",
        contact_email="office@cio.example.jp",
        contact_phone="03-0000-0000",
    )
    MailLanguage.objects.create(user=personas.host2, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            [personas.host1, personas.host2],
            "requests.returned",
            "/requests/7/",
            title="窓口DX",
            reason="KPIを具体化",
        )
    mails = {m.to[0]: m for m in mailoutbox}
    japanese, english = mails["host1@example.jp"], mails["host2@example.jp"]
    assert "差し戻" in japanese.subject and "窓口DX" in japanese.body
    assert english.subject == "[CIO Dispatch] Request returned"
    assert english.body.startswith("Your request “窓口DX” was returned with comments: KPIを具体化")
    for mail in (japanese, english):
        assert "https://cio.example.jp/requests/7/" in mail.body
        assert "認定CIO派遣制度 事務局" in mail.body and "office@cio.example.jp" in mail.body
        assert "https://cio.example.jp/notices/preferences/" in mail.body


def test_a_notice_reads_in_the_readers_language(personas):
    services.notify([personas.host1], "requests.approved", "/requests/7/", title="窓口DX")
    notice = Notice.objects.get()
    with translation.override("en"):
        assert notice.text == "Your request “窓口DX” was approved."
    with translation.override("ja"):
        assert "承認" in notice.text and "窓口DX" in notice.text


def test_a_notice_of_a_kind_no_longer_declared_still_reads_as_words(personas):
    Notice.objects.create(recipient=personas.host1, kind="gone.kind", url="/", params={})
    assert Notice.objects.get().text == "Something changed that concerns you."


def test_marking_read_one_and_all(personas, test_kinds):
    services.notify([personas.host1, personas.host2], "tests.quiet", "/a/", title="1")
    services.notify([personas.host1], "tests.quiet", "/b/", title="2")
    first = Notice.objects.filter(recipient=personas.host1).first()
    with pytest.raises(PermissionDenied):
        services.mark_read(first, actor=personas.host2)
    services.mark_read(first, actor=personas.host1)
    assert services.unread_count(personas.host1) == 1
    assert services.mark_all_read(actor=personas.host1) == 1
    assert services.mark_all_read(actor=personas.host1) == 0
    assert services.unread_count(personas.host1) == 0
    assert services.unread_count(personas.host2) == 1  # another's notices untouched


def test_preferences_are_saved_per_kind_and_audited(personas):
    before = services.preferences_of(personas.host1)
    assert before["requests.returned"] is True and before["notices.due_tomorrow"] is True
    services.save_preferences(
        actor=personas.host1, mail={"requests.returned": False}, language="en"
    )
    after = services.preferences_of(personas.host1)
    assert after["requests.returned"] is False and after["notices.due_tomorrow"] is True
    assert services.language_of(personas.host1) == "en"
    event = AuditEvent.objects.get(action="notices.preferences_changed")
    assert event.changes == {"requests.returned": [True, False], "language": ["ja", "en"]}
