from django.db import transaction

from ..documents import sniff_document
from ..models import PrivateDocument
from .audit import audit_log


@transaction.atomic
def private_document_create(*, title: str, uploaded, organisation=None, by) -> PrivateDocument:
    """Store a document checked by content in private storage (never under a public URL)."""
    content_type = sniff_document(uploaded)
    document = PrivateDocument(
        title=title, organisation=organisation, uploaded_by=by, content_type=content_type
    )
    document.file.save(uploaded.name, uploaded, save=False)
    document.full_clean()
    document.save()
    audit_log(target=document, verb="document.create", by=by)
    return document
