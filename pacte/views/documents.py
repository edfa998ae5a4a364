from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from ..models import PrivateDocument


@require_safe
def private_document(request, pk):
    """Serve a private document to those allowed to see it; everyone else gets a 404."""
    document = get_object_or_404(PrivateDocument.objects.visible_to(request.user), pk=pk)
    response = FileResponse(
        document.file.open("rb"), content_type=document.content_type or "application/octet-stream"
    )
    response["Content-Disposition"] = f'attachment; filename="{document.file.name.rsplit("/", 1)[-1]}"'
    response["Cache-Control"] = "private, no-store"
    return response
