"""Documents (PDF, office files) checked by content, not by their name."""

import zipfile

from django.core.exceptions import ValidationError

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
OFFICE_MAIN_PART = {
    "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/presentation.xml": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
OPENDOCUMENT_TYPES = {
    b"application/vnd.oasis.opendocument.text",
    b"application/vnd.oasis.opendocument.spreadsheet",
    b"application/vnd.oasis.opendocument.presentation",
}


def sniff_document(uploaded) -> str:
    """Return the content type of a PDF, OOXML or OpenDocument file, or raise ValidationError."""
    if uploaded.size > MAX_DOCUMENT_BYTES:
        raise ValidationError("Le document dépasse 10 Mo.", code="document_too_heavy")
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(uploaded) as archive:
                names = set(archive.namelist())
                if "mimetype" in names:
                    mimetype = archive.read("mimetype").strip()
                    if mimetype in OPENDOCUMENT_TYPES:
                        return mimetype.decode()
                for part, content_type in OFFICE_MAIN_PART.items():
                    if part in names:
                        return content_type
        except zipfile.BadZipFile:
            pass
        finally:
            uploaded.seek(0)
    raise ValidationError(
        "Ce fichier n'est pas un document accepté (PDF, Word, Excel, PowerPoint ou OpenDocument).",
        code="document_type",
    )
