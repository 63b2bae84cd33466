"""The header's "go to reference" field for staff and the national office."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from tisc.domain.permissions import can_see_metadata
from tisc.models.base import utcnow
from tisc.services import search


def go_to_reference(list_endpoint: str):
    """Straight to the request when the text names exactly one the person may open; when
    it names none of theirs, to their list with a message that takes the focus (the list
    saying so at its foot was heard by no screen reader); else to their list searched for
    it. The message is the same whether the request exists elsewhere or not at all."""
    text = request.args.get("ref", "").strip()
    now = utcnow()
    found = search.references_found(current_user, text, now)
    if len(found) == 1:
        if can_see_metadata(current_user.actor):
            return redirect(url_for("office.request_metadata", reference=found[0]))
        return redirect(url_for("requests.detail", reference=found[0]))
    if not found and search.parse(text, now.year).references:
        flash(gettext("No request you can open is numbered “%(text)s”.", text=text), "warning")
        return redirect(url_for(list_endpoint))
    return redirect(url_for(list_endpoint, q=text) if text else url_for(list_endpoint))
