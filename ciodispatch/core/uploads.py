"""Uploaded documents: what may be uploaded, recognised by the first bytes, not the name alone.

Shared by the know-how base (case attachments) and incentives (claim evidence). Files go to
private media (``MEDIA_ROOT`` is ``PRIVATE_MEDIA_ROOT``) and are served only through views that
check the policy.
"""

import datetime as dt
from collections.abc import Collection
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

ATTACHMENT_TYPES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (b"PK\x03\x04",),
    ),
}


def check_upload(
    upload: UploadedFile,
    *,
    error: type[ValueError],
    not_accepted: str,
    allowed: Collection[str] = tuple(ATTACHMENT_TYPES),
) -> tuple[str, str]:
    """The extension and content type of an acceptable upload; else raise ``error``.

    ``not_accepted`` is the message for an extension outside ``allowed`` (it may use
    ``%(ext)s``); size and content are checked against ``MAX_UPLOAD_MB`` and the signatures.
    """
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in allowed or extension not in ATTACHMENT_TYPES:
        raise error(not_accepted % {"ext": extension or "?"})
    limit = settings.MAX_UPLOAD_MB * 1024 * 1024
    if upload.size is None or upload.size > limit:
        raise error(_("The file is larger than %(mb)s MB.") % {"mb": settings.MAX_UPLOAD_MB})
    if not upload.size:
        raise error(_("The file is empty."))
    content_type, signatures = ATTACHMENT_TYPES[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in signatures):
        raise error(
            _("The file's content is not a .%(ext)s file; save it again in that format.")
            % {"ext": extension}
        )
    return extension, content_type


def orphan_files(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> list[Path]:
    """Files in the folders of the project's file fields that no row refers to and that are
    older than ``older_than``: left behind when a transaction that had written an upload was
    rolled back (files are written before their row). Recent files are left alone: their row
    may not be committed yet."""
    from django.apps import apps
    from django.db import models

    now = now or dt.datetime.now(dt.UTC)
    referenced: set[str] = set()
    folders: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("ciodispatch."):
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.FileField) or not isinstance(field.upload_to, str):
                continue
            folders.add(field.upload_to.split("%", 1)[0].rstrip("/"))
            names = model._default_manager.exclude(**{field.name: ""}).values_list(
                field.name, flat=True
            )
            referenced.update(str(name) for name in names)
    root = Path(settings.MEDIA_ROOT)
    found = []
    for folder in sorted(folders):
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            name = path.relative_to(root).as_posix()
            modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
            if name not in referenced and now - modified > older_than:
                found.append(path)
    return found
