"""Real files for uploads in the tests: a PDF that parses, and PDFs that carry what uploads
refuse (scripts, launch actions, embedded files)."""

import io

from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def minimal_pdf() -> bytes:
    """A one-page blank PDF."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return _written(writer)


def _with_open_action(**entries) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    action = DictionaryObject({NameObject(f"/{key}"): value for key, value in entries.items()})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _written(writer)


def pdf_with_javascript() -> bytes:
    return _with_open_action(S=NameObject("/JavaScript"), JS=TextStringObject("app.alert(1);"))


def pdf_with_launch_action() -> bytes:
    return _with_open_action(S=NameObject("/Launch"), F=TextStringObject("calc.exe"))


def pdf_with_embedded_file() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("payload.exe", b"MZ not really a program")
    return _written(writer)
