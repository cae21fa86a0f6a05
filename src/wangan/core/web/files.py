"""Web download of a stored file: the user's own organization only, every download audited."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from wangan.core.errors import NotFound
from wangan.core.files import file_open_for_download, file_response


@login_required
@require_GET  # not HEAD: a HEAD would be audited as a download that never happened
def download(request, pk: int) -> FileResponse:
    """Send the file as an attachment; another organization's file is a plain 404."""
    try:
        stored, handle = file_open_for_download(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    return file_response(stored=stored, handle=handle)
