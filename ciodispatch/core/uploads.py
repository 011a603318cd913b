"""Uploaded documents: what may be uploaded, recognised by the first bytes, not the name alone.

Shared by the know-how base (case attachments) and incentives (claim evidence). Files go to
private media (``MEDIA_ROOT`` is ``PRIVATE_MEDIA_ROOT``) and are served only through views that
check the policy.
"""

from collections.abc import Collection

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
