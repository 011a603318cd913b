"""Every message the system sends goes to one person: one address in To, none in Cc or Bcc."""

import ast
from pathlib import Path

from django.core import mail

import ciodispatch
from ciodispatch.outreach import services as outreach
from tests.outreach.helpers import event, public_registration


def test_cancelling_an_event_mails_each_registrant_separately(
    personas, django_capture_on_commit_callbacks
):
    talk = event(personas.office, capacity=5)
    for number in range(3):
        public_registration(talk, f"参加者{number}", f"p{number}@example.jp")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        outreach.cancel_event(talk, actor=personas.office, reason="台風のため")
    assert sorted(tuple(m.to) for m in mail.outbox) == [
        ("p0@example.jp",),
        ("p1@example.jp",),
        ("p2@example.jp",),
    ]
    assert all(not m.cc and not m.bcc for m in mail.outbox)


MAIL_MODULE = Path(ciodispatch.__file__).parent / "core" / "mail.py"


def _sends_mail_directly(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django.core.mail"):
            found.append(f"from {node.module} import ...")
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("django.core.mail")]
        elif isinstance(node, ast.Attribute) and node.attr in SENDERS:
            found.append(node.attr)
    return found


SENDERS = {
    "send_mail", "send_mass_mail", "EmailMessage", "EmailMultiAlternatives", "mail_admins",
    "mail_managers", "get_connection",
}  # fmt: skip


def test_only_core_mail_sends_mail():
    """core.mail.mail_after_commit sends one message per address; every other module goes
    through it, so the one-recipient rule holds for mail that tests do not trigger too."""
    offenders = {
        str(path.relative_to(MAIL_MODULE.parents[1])): found
        for path in sorted(MAIL_MODULE.parents[1].rglob("*.py"))
        if path != MAIL_MODULE and (found := _sends_mail_directly(path))
    }
    assert offenders == {}


def test_mail_after_commit_sends_one_message_per_distinct_address(
    db, django_capture_on_commit_callbacks
):
    from ciodispatch.core.mail import mail_after_commit

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mail_after_commit(
            ["b@example.jp", "a@example.jp", None, "", "b@example.jp"], "件名", "本文"
        )
    assert [m.to for m in mail.outbox] == [["a@example.jp"], ["b@example.jp"]]
