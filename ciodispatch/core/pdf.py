"""PDF documents in Japanese (certificates, notices, personal-data exports).

ReportLab with the IPAex Gothic font from Debian's fonts-ipaexfont-gothic (installed by
`make demo` and `make test`). ``IPAEX_FONT`` may point elsewhere.
"""

import io
import os
from collections.abc import Iterable
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT_NAME = "IPAexGothic"
DEFAULT_FONT_PATH = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"


class FontMissing(RuntimeError):
    pass


@cache
def register_font() -> str:
    path = os.environ.get("IPAEX_FONT", DEFAULT_FONT_PATH)
    if not os.path.exists(path):
        raise FontMissing(
            f"The Japanese font {path} is missing: install Debian's fonts-ipaexfont-gothic "
            "(make demo and make test do) or set IPAEX_FONT."
        )
    pdfmetrics.registerFont(TTFont(FONT_NAME, path))
    return FONT_NAME


def styles() -> dict[str, ParagraphStyle]:
    font = register_font()
    base = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12),
        "title": ParagraphStyle(
            "title", parent=base, fontSize=22, leading=30, alignment=TA_CENTER, spaceAfter=8 * mm
        ),
        "heading": ParagraphStyle(
            "heading", parent=base, fontSize=13, leading=20, spaceBefore=4 * mm
        ),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
    }


def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept)."""
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def key_value_table(rows: Iterable[tuple[str, str]]) -> Table:
    s = styles()
    data = [[paragraph(k, s["body"]), paragraph(v, s["body"])] for k, v in rows]
    table = Table(data, colWidths=[50 * mm, 120 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#949494")),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def build(flowables: list, *, title: str, author: str = "CIO Dispatch") -> bytes:
    """Render flowables on A4 and return the PDF bytes."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author=author,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
    )
    document.build(flowables)
    return buffer.getvalue()


__all__ = ["Spacer", "build", "key_value_table", "paragraph", "register_font", "styles", "mm"]
