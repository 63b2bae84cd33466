"""What a centre's staff keep themselves: its public page and its saved replies."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from tisc.domain.catalogue import Role, Service
from tisc.domain.errors import DomainError
from tisc.domain.replies import PLACEHOLDERS
from tisc.formatting import service_label
from tisc.forms import language_options, options
from tisc.forms.centres import CentreProfileForm, SavedReplyForm
from tisc.services import centres, replies
from tisc.web.feedback import show_on_form
from tisc.web.guards import require_role

bp = Blueprint("our_centre", __name__)
bp.before_request(require_role(Role.STAFF))


@bp.route("/centre", methods=["GET", "POST"])
def profile():
    centre = current_user.centre
    if centre is None:
        abort(404)
    form = CentreProfileForm(
        obj=centres.CentreProfile.of(centre) if request.method == "GET" else None
    )
    form.services.choices = options([(s.value, service_label(s)) for s in Service])
    form.languages.choices = language_options()
    if form.validate_on_submit():
        try:
            centres.update_profile(current_user, centre.slug, _profile(form))
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(gettext("Your centre's page is saved."), "success")
            return redirect(url_for(".profile"))
    return render_template(
        "desk/centre.html", form=form, centre=centre
    ), 400 if form.errors else 200


def _profile(form: CentreProfileForm) -> centres.CentreProfile:
    return centres.CentreProfile(
        **{name: form[name].data or "" for name in centres.PROFILE_TEXTS},
        services=form.services.data or [],
        languages=form.languages.data or [],
    )


@bp.route("/replies")
def reply_list():
    return render_template(
        "desk/replies.html", replies=replies.for_centre(current_user), placeholders=PLACEHOLDERS
    )


@bp.route("/replies/new", methods=["GET", "POST"])
def reply_new():
    return _reply_form(None)


@bp.route("/replies/<int:reply_id>/edit", methods=["GET", "POST"])
def reply_edit(reply_id: int):
    return _reply_form(replies.get_for(current_user, reply_id))


@bp.route("/replies/<int:reply_id>/delete", methods=["POST"])
def reply_delete(reply_id: int):
    """Asked first: the whole centre uses a saved reply, and a deleted one is gone."""
    if request.form.get("confirmed") != "y":
        reply = replies.get_for(current_user, reply_id)
        return render_template(
            "confirm.html",
            heading=gettext("Delete the saved reply “%(title)s”?", title=reply.title),
            warning=gettext("Nobody at your centre can insert it any more, and it cannot be "
                            "brought back. What it was inserted into stays as it was sent."),
            button=gettext("Yes, delete"), fields={}, back=url_for(".reply_list"),
        )  # fmt: skip
    replies.delete(current_user, reply_id)
    flash(gettext("The saved reply is deleted."), "success")
    return redirect(url_for(".reply_list"))


def _reply_form(reply):
    form = SavedReplyForm(obj=reply if request.method == "GET" else None)
    if form.validate_on_submit():
        draft = replies.ReplyDraft(form.title.data, form.text_kk.data or "",
                                   form.text_ru.data or "", form.text_en.data or "")  # fmt: skip
        try:
            if reply is None:
                replies.create(current_user, draft)
            else:
                replies.update(current_user, reply.id, draft)
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(gettext("The saved reply is saved."), "success")
            return redirect(url_for(".reply_list"))
    return render_template(
        "desk/reply_form.html", form=form, reply=reply, placeholders=PLACEHOLDERS
    ), 400 if form.errors else 200
