"""What an upload must be: a PDF parsed whole and free of active content, a picture decoded and
written anew, an Office file a readable package without macros (ciodispatch/core/uploads.py)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image
from pypdf import PdfWriter

from ciodispatch.candidates import services as candidates
from ciodispatch.candidates.services import CandidateError
from ciodispatch.core.uploads import check_upload, delete_after_commit
from tests.candidates.helpers import pdf_upload
from tests.files import (
    minimal_pdf,
    pdf_with_embedded_file,
    pdf_with_javascript,
    pdf_with_launch_action,
)


class Refused(ValueError):
    pass


def _check(name: str, content: bytes):
    return check_upload(
        SimpleUploadedFile(name, content), error=Refused, not_accepted="no .%(ext)s"
    )


def test_a_plain_pdf_is_accepted_as_it_is():
    extension, content_type, content = _check("資料.pdf", minimal_pdf())
    assert (extension, content_type) == ("pdf", "application/pdf")
    assert content.read() == minimal_pdf()


@pytest.mark.parametrize(
    "build", [pdf_with_javascript, pdf_with_launch_action, pdf_with_embedded_file]
)
def test_a_pdf_with_active_content_is_refused_with_what_to_do(build):
    with pytest.raises(Refused, match="scripts, embedded files or actions.*Print it to a new PDF"):
        _check("資料.pdf", build())


def test_an_encrypted_or_truncated_pdf_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(Refused, match="password"):
        _check("a.pdf", out.getvalue())
    with pytest.raises(Refused, match="cannot be read"):
        _check("a.pdf", minimal_pdf()[:60])


def test_a_cv_with_javascript_is_refused_and_nothing_is_stored(personas):
    app = candidates.start_application(personas.candidate1, actor=personas.candidate1)
    bad = SimpleUploadedFile("cv.pdf", pdf_with_javascript(), content_type="application/pdf")
    with pytest.raises(CandidateError, match="scripts"):
        candidates.upload_cv(app, actor=personas.candidate1, upload=bad)
    app.refresh_from_db()
    assert not app.cv
    candidates.upload_cv(app, actor=personas.candidate1, upload=pdf_upload())


def _jpeg_with_exif_and_a_tail() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue() + b"<script>hidden after the image</script>"


def test_a_picture_is_decoded_and_written_anew_without_exif_or_hidden_data():
    original = _jpeg_with_exif_and_a_tail()
    extension, content_type, content = _check("写真.jpg", original)
    stored = content.read()
    assert (extension, content_type) == ("jpg", "image/jpeg")
    assert b"hidden after the image" not in stored and b"Camera maker" not in stored
    with Image.open(io.BytesIO(stored)) as again:
        assert again.size == (40, 30) and not again.getexif()
    with pytest.raises(Refused, match="content is not a .png"):
        _check("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100)


def _xlsx(*, macro: bool = False) -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    if not macro:
        return out.getvalue()
    with zipfile.ZipFile(out, "a") as package:
        package.writestr("xl/vbaProject.bin", b"macro")
    return out.getvalue()


def test_office_files_must_be_packages_without_macros():
    assert _check("集計.xlsx", _xlsx())[0] == "xlsx"
    with pytest.raises(Refused, match="macros"):
        _check("集計.xlsx", _xlsx(macro=True))
    with pytest.raises(Refused, match="cannot be opened as a .docx"):
        _check("a.docx", b"PK\x03\x04" + b"0" * 50)
    bare = io.BytesIO()
    with zipfile.ZipFile(bare, "w") as package:
        package.writestr("hello.txt", "not an office file")
    with pytest.raises(Refused, match="cannot be opened as a .xlsx"):
        _check("a.xlsx", bare.getvalue())


class _Unread(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def readable(self):
        return True

    def readinto(self, buffer):
        raise AssertionError("the body was read")


@pytest.mark.django_db
def test_a_body_over_the_limit_is_refused_before_it_is_read_even_anonymously(settings):
    from django.test import Client

    settings.MAX_REQUEST_BYTES = 6 * 1024 * 1024
    response = Client().generic(
        "POST",
        "/accounts/login/",
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(80 * 1024 * 1024),
        **{"wsgi.input": _Unread()},
    )
    assert response.status_code == 413
    assert (
        "5 MB" in response.content.decode()
        and "何も保存されていません" in response.content.decode()
    )


@pytest.mark.django_db
def test_a_file_is_deleted_only_when_its_removal_commits(django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import transaction

    name = default_storage.save("tests/delete-after-commit.txt", ContentFile(b"x"))
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            delete_after_commit(default_storage, name)
            raise RuntimeError("rolled back")
        assert default_storage.exists(name)  # a rollback keeps the file
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            delete_after_commit(default_storage, "")  # nothing to delete
            delete_after_commit(default_storage, name)
        assert len(callbacks) == 1
        assert not default_storage.exists(name)
    finally:
        default_storage.delete(name)
