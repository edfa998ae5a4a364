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


@transaction.atomic
def private_document_update(*, document: PrivateDocument, title: str, organisation, by) -> PrivateDocument:
    """Rename a document or attach it to another organisation (its file never changes: a new
    file is a new document)."""
    previous = document.organisation_id
    document.title = title
    document.organisation = organisation
    document.full_clean()
    document.save(update_fields=["title", "organisation", "updated_at"])
    audit_log(
        target=document,
        verb="document.update",
        by=by,
        data={"organisation": [previous, organisation.pk if organisation else None]},
    )
    return document


@transaction.atomic
def private_document_delete(*, document: PrivateDocument, by, reason: str = "") -> None:
    """Delete a document and its file (after commit, so a rollback keeps the file)."""
    audit_log(target=document, verb="document.delete", by=by, reason=reason)
    storage, name = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))
