"""An experience sheet as a PDF (reportlab: pure Python, no system library to install)."""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import formats
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from .rendering import CO_FUNDING

GREEN = colors.HexColor("#0b5e3b")


def _paragraphs(text: str, style) -> list:
    # Paragraphs of the editors' plain text, escaped: reportlab reads a small XML markup.
    return [
        Paragraph(escape(part).replace("\n", "<br/>"), style) for part in text.split("\n\n") if part.strip()
    ]


def sheet_pdf_bytes(sheet) -> bytes:
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=10.5, leading=14, spaceAfter=6)
    heading = ParagraphStyle(
        "heading", parent=styles["Heading2"], textColor=GREEN, fontSize=13, spaceBefore=10
    )
    title = ParagraphStyle("title", parent=styles["Title"], textColor=GREEN, alignment=0)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, textColor=colors.HexColor("#444444"))
    summary = ParagraphStyle(
        "summary",
        parent=body,
        backColor=colors.HexColor("#eef6f1"),
        borderPadding=6,
        spaceBefore=4,
        spaceAfter=10,
    )

    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.8 * cm,
        bottomMargin=1.8 * cm,
        title=sheet.title,
        author="PACTE — Métropole Rouen Normandie",
        subject="Fiche retour d'expériences",
        lang="fr-FR",
    )
    story = [
        Paragraph("PACTE · Métropole Rouen Normandie — Fiche retour d'expériences", small),
        Paragraph(escape(sheet.title), title),
    ]
    facts = []
    if sheet.commune_id:
        facts.append(f"Commune : {sheet.commune.name}")
    themes = ", ".join(theme.name for theme in sheet.themes.all())
    if themes:
        facts.append(f"Thèmes : {themes}")
    if sheet.published_at:
        facts.append(f"Publiée le {formats.date_format(sheet.published_at, 'j F Y')}")
    if facts:
        story.append(Paragraph(escape(" · ".join(facts)), small))
    story += [Spacer(1, 8), Paragraph("En bref", heading), *_paragraphs(sheet.summary, summary)]
    for label, text in (
        ("Contexte", sheet.context),
        ("Public concerné", sheet.public),
        ("L'action", sheet.action),
        ("Partenaires", sheet.partners),
        ("Résultats", sheet.results),
        ("Contact", sheet.contact),
    ):
        if text.strip():
            story += [Paragraph(label, heading), *_paragraphs(text, body)]
    story += [Spacer(1, 16), Paragraph(escape(CO_FUNDING), small)]
    document.build(story)
    return buffer.getvalue()
