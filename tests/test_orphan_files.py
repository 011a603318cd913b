"""Files written for an upload whose transaction rolled back are found and deleted later."""

import io
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from ciodispatch.knowhow import services as knowhow
from ciodispatch.knowhow.models import CaseAttachment
from tests.files import minimal_pdf
from tests.knowhow.helpers import draft

pytestmark = pytest.mark.django_db


def _age(path, hours):
    old = time.time() - hours * 3600
    os.utime(path, (old, old))


def test_orphans_older_than_a_day_are_deleted_referenced_and_recent_files_stay(personas):
    case = draft(personas.host1, codes=("412040",))
    upload = SimpleUploadedFile("資料.pdf", minimal_pdf(), content_type="application/pdf")
    kept = knowhow.add_attachment(case, actor=personas.host1, upload=upload, title="資料")
    kept_path = Path(settings.MEDIA_ROOT) / kept.file.name
    folder = Path(settings.MEDIA_ROOT) / "knowhow" / "cases" / "2026"
    folder.mkdir(parents=True, exist_ok=True)
    orphan, recent = folder / "case-999.pdf", folder / "case-998.pdf"
    for path in (orphan, recent):
        path.write_bytes(b"%PDF-1.4 orphan")
    for path in (orphan, kept_path):
        _age(path, 30)
    out = io.StringIO()
    call_command("purge_orphan_files", "--dry-run", stdout=out)
    assert str(orphan) in out.getvalue() and orphan.exists()
    call_command("purge_orphan_files", stdout=io.StringIO())
    assert not orphan.exists() and recent.exists() and kept_path.exists()
    assert CaseAttachment.objects.get().file.name == kept.file.name
