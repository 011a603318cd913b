"""Uploaded documents: what may be uploaded, recognised by their content, not the name alone.

Shared by the know-how base (case attachments, manuals), incentives (claim evidence), candidates
(CVs) and progress (small-win pictures). Every file is read whole and checked for what it
claims to be: a PDF is parsed to its last object and refused if it carries active content
(JavaScript, launch actions, embedded files); a picture is decoded and re-encoded, which drops
anything hidden in it; an Office file must be a readable package without macros. Files go to
private media (``MEDIA_ROOT`` is ``PRIVATE_MEDIA_ROOT``) and are served only through views that
check the policy.
"""

import datetime as dt
import io
import zipfile
from collections.abc import Collection
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from ciodispatch.audit.services import record

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


# Names that make a PDF do something when opened: scripts, programs started, files carried
# inside, forms sent elsewhere, multimedia players.
_ACTIVE_PDF_KEYS = {"/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/EmbeddedFiles"}
_ACTIVE_PDF_KEYS |= {"/RichMedia", "/XFA"}
_ACTIVE_PDF_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/GoToE"}
# An Office package unpacked beyond this is refused (a "zip bomb").
_MAX_UNPACKED_BYTES = 200 * 1024 * 1024


def check_pdf(stream: IO[bytes], *, error: type[Exception]) -> int:
    """Parse the whole PDF and refuse one that cannot be read, is encrypted, has no pages or
    carries active content; return its number of pages."""
    stream.seek(0)
    try:
        pages, problem = _pdf_pages_and_problem(stream)
    finally:
        stream.seek(0)
    if problem:
        raise error(problem)
    if pages == 0:
        raise error(_("The PDF has no pages."))
    return pages


def _pdf_pages_and_problem(stream: IO[bytes]) -> tuple[int, str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PdfStreamError
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    try:
        reader = PdfReader(stream)
        if reader.is_encrypted:
            return 0, _(
                "The PDF is protected by a password; save it without one and upload it again."
            )
        pages = len(reader.pages)
        # Every object reachable from the trailer, each once.
        seen: set[tuple[int, int]] = set()
        todo: list = [reader.trailer]
        while todo:
            item = todo.pop()
            if isinstance(item, IndirectObject):
                key = (item.idnum, item.generation)
                if key in seen:
                    continue
                seen.add(key)
                item = item.get_object()
            if isinstance(item, DictionaryObject):
                if _ACTIVE_PDF_KEYS & set(item.keys()) or item.get("/S") in _ACTIVE_PDF_ACTIONS:
                    return pages, _(
                        "The PDF contains scripts, embedded files or actions that run when it "
                        "is opened. Print it to a new PDF (or export it without them) and upload "
                        "that."
                    )
                todo.extend(item.values())
            elif isinstance(item, ArrayObject):
                todo.extend(item)
    except (PdfReadError, PdfStreamError, ValueError, KeyError, TypeError, OSError, RecursionError):
        return 0, _("The PDF cannot be read (it may be damaged). Save it again and upload it.")
    return pages, ""


def reencode_image(
    data: bytes, *, error: type[Exception], not_an_image: str, max_pixels: int, max_side: int
) -> tuple[bytes, str, str]:
    """Decode a PNG or JPEG and write it anew (EXIF with GPS positions and anything hidden after
    the image data are dropped), at most ``max_side`` pixels a side; return the new bytes, the
    content type and the extension."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    broken = (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            width, height = probe.size
            probe.verify()
    except broken:
        raise error(not_an_image) from None
    if kind not in ("PNG", "JPEG"):
        raise error(not_an_image)
    if width * height > max_pixels:
        raise error(
            _("The picture is too large in pixels; use one of at most %(mp)s megapixels.")
            % {"mp": max_pixels // 1_000_000}
        )
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            image: Image.Image = ImageOps.exif_transpose(opened)
            image.thumbnail((max_side, max_side))
            out = io.BytesIO()
            if kind == "PNG":
                if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                    image = image.convert("RGBA")
                image.save(out, format="PNG", optimize=True)
                return out.getvalue(), "image/png", "png"
            image.convert("RGB").save(out, format="JPEG", quality=85)
            return out.getvalue(), "image/jpeg", "jpg"
    except broken:
        raise error(not_an_image) from None


def _check_office_package(stream: IO[bytes], extension: str, *, error: type[Exception]) -> None:
    damaged = _("The file cannot be opened as a .%(ext)s file; save it again in that format.") % {
        "ext": extension
    }
    try:
        with zipfile.ZipFile(stream) as package:
            names = set(package.namelist())
            # Declared sizes first: reading a member never yields more than its declared size.
            if sum(info.file_size for info in package.infolist()) > _MAX_UNPACKED_BYTES:
                raise error(damaged)
            if "[Content_Types].xml" not in names or package.testzip() is not None:
                raise error(damaged)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise error(damaged) from None
    finally:
        stream.seek(0)
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise error(
            _(
                "The file contains macros. Save it as a file without macros (.%(ext)s) and "
                "upload it."
            )
            % {"ext": extension}
        )


def check_upload(
    upload: UploadedFile,
    *,
    error: type[ValueError],
    not_accepted: str,
    allowed: Collection[str] = tuple(ATTACHMENT_TYPES),
) -> tuple[str, str, File]:
    """The extension, the content type and the content to store of an acceptable upload; else
    raise ``error``.

    ``not_accepted`` is the message for an extension outside ``allowed`` (it may use
    ``%(ext)s``); the size is checked against ``MAX_UPLOAD_MB``, the content against its type
    (see the module's docstring). A picture's content to store is the re-encoded picture.
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
    if extension == "pdf":
        check_pdf(upload, error=error)
    elif content_type.startswith("image/"):
        data, content_type, extension = reencode_image(
            upload.read(),
            error=error,
            not_an_image=_(
                "The file's content is not a .%(ext)s file; save it again in that format."
            )
            % {"ext": extension},
            max_pixels=40_000_000,
            max_side=4000,
        )
        upload.seek(0)
        return extension, content_type, ContentFile(data, name=upload.name)
    else:
        _check_office_package(upload, extension, error=error)
    return extension, content_type, upload


def delete_after_commit(storage: Storage, name: str | None) -> None:
    """Delete the stored file ``name`` once the transaction commits: a rollback keeps the row
    that refers to it, so it keeps the file too. Nothing to do for an empty name."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def store_document(
    model, content: File, *, name: str, content_type: str, actor, owner, action: str, **fields
):
    """Save an uploaded ``content`` (checked by ``check_upload``) as a row of ``model``, a
    ``StoredDocument``, and audit ``action`` on ``owner`` (its title, size and type)."""
    document = model.store(content, name=name, content_type=content_type, actor=actor, **fields)
    record(
        actor=actor,
        action=action,
        target=owner,
        changes={"title": document.title, "bytes": document.size, "type": content_type},
    )
    return document


def remove_document(document, *, actor, owner, action: str) -> None:
    """Delete a ``StoredDocument`` and, once the transaction commits, its file; audit
    ``action`` on ``owner`` with the title."""
    record(actor=actor, action=action, target=owner, changes={"title": document.title})
    delete_after_commit(document.file.storage, document.file.name)
    document.delete()


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
