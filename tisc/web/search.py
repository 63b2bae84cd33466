"""The header's "go to reference" field for staff and the national office."""

from flask import redirect, request, url_for
from flask_login import current_user

from tisc.domain.permissions import can_see_metadata
from tisc.models.base import utcnow
from tisc.services import search


def go_to_reference(list_endpoint: str):
    """Straight to the request when the text names exactly one the person may open,
    else to their list searched for it (which says when nothing matched)."""
    text = request.args.get("ref", "").strip()
    found = search.references_found(current_user, text, utcnow())
    if len(found) == 1:
        if can_see_metadata(current_user.actor):
            return redirect(url_for("office.request_metadata", reference=found[0]))
        return redirect(url_for("requests.detail", reference=found[0]))
    return redirect(url_for(list_endpoint, q=text) if text else url_for(list_endpoint))
