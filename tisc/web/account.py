"""A signed-in person's own account: name, language, password, e-mail, notifications,
where they are signed in."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, logout_user

from tisc.domain.catalogue import Role
from tisc.domain.errors import Invalid
from tisc.domain.notifications import KIND_LABELS, OPTIONAL
from tisc.extensions import limiter, policy
from tisc.formatting import category_choices, device_label
from tisc.forms import language_options, options
from tisc.forms.accounts import (
    ApiTokenForm,
    EmailChangeForm,
    NotificationsForm,
    PasswordChangeForm,
    ProfileForm,
)
from tisc.services import accounts, outbox, sessions
from tisc.services import tokens as token_service
from tisc.web.auth import sign_in_browser
from tisc.web.feedback import show_on_form
from tisc.web.guards import SIGNED_IN, configured_limit, per_person, require_role

bp = Blueprint("account", __name__)


bp.before_request(require_role(*SIGNED_IN))
# Each endpoint that sends e-mail or checks the password, per person.
limited = limiter.limit(configured_limit("TISC_ACCOUNT_LIMIT"), key_func=per_person)


@bp.route("", methods=["GET", "POST"])
def profile():
    form = _profile_form()
    if form.validate_on_submit():
        try:
            accounts.update_profile(
                current_user,
                form.name.data,
                form.locale.data,
                form.requester_category.data if "requester_category" in form._fields else None,
            )
        except Invalid as error:
            show_on_form(form, error)
        else:
            flash(gettext("Your account is saved."), "success")
            return redirect(url_for(".profile"))
    return _page(profile_form=form)


@bp.route("/password", methods=["POST"])
@limited
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            user = accounts.change_password(
                current_user,
                form.current_password.data,
                form.new_password.data,
                policy().password_hash_method,
            )
        except Invalid as error:
            show_on_form(form, error)
        else:
            sign_in_browser(user, remember=False)  # every session ended with the old password
            flash(gettext("Your password is changed; other devices are signed out."), "success")
            return redirect(url_for(".profile"))
    return _page(password_form=form)


@bp.route("/email", methods=["POST"])
@limited
def email():
    form = EmailChangeForm()
    if form.validate_on_submit():
        try:
            new_email = accounts.request_email_change(
                current_user, form.password.data, form.email.data
            )
        except Invalid as error:
            show_on_form(form, error)
        else:
            flash(
                gettext(
                    "We have sent a link to %(email)s. Your address changes when you open it.",
                    email=new_email,
                ),
                "info",
            )
            return redirect(url_for(".profile"))
    return _page(email_form=form)


@bp.route("/confirmation", methods=["POST"])
@limited
def resend_confirmation():
    accounts.resend_confirmation(current_user)
    flash(gettext("We have sent you a new confirmation link."), "info")
    return redirect(url_for(".profile"))


@bp.route("/sessions/end", methods=["POST"])
def end_sessions():
    """Sign out everywhere: every browser and remembered device of this account."""
    sessions.sign_out_everywhere(current_user)
    logout_user()
    flash(gettext("You are signed out everywhere. Please sign in again."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/sessions/<int:session_id>/end", methods=["POST"])
def end_session(session_id: int):
    """Sign out one other browser or device of this account (this one signs out as ever)."""
    ended = sessions.sign_out_device(current_user, session_id, current_user.session_token)
    flash(gettext("“%(device)s” is signed out.", device=device_label(ended.user_agent)), "success")
    return redirect(url_for(".profile"))


@bp.route("/notifications", methods=["POST"])
def notifications():
    form = _notifications_form()
    if form.validate_on_submit():
        accounts.set_notifications(current_user, form.enabled.data or [])
        flash(gettext("Your e-mail choices are saved."), "success")
        return redirect(url_for(".profile"))
    return _page(notifications_form=form)


@bp.route("/tokens", methods=["GET", "POST"])
def tokens():
    """Personal access tokens for the JSON API; a new one's secret is shown this once."""
    form = ApiTokenForm()
    secret = None
    if form.validate_on_submit():
        try:
            _token, secret = token_service.create(
                current_user, form.name.data, form.scope.data, form.days.data
            )
        except Invalid as error:
            show_on_form(form, error)
        else:
            form = ApiTokenForm(formdata=None)
    return render_template(
        "account/tokens.html", form=form, secret=secret,
        tokens=token_service.active_for(current_user),
    ), 400 if form.errors else 200  # fmt: skip


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_token(token_id: int):
    token = token_service.revoke(current_user, token_id)
    flash(gettext("The token “%(name)s” no longer works.", name=token.name), "success")
    return redirect(url_for(".tokens"))


@bp.route("/mailbox")
def mailbox():
    """The e-mails kept for this person while no mail server is configured (demo)."""
    if current_app.config.get("MAIL_SERVER"):
        abort(404)
    return render_template("account/mailbox.html", messages=outbox.kept_for(current_user))


def _page(profile_form=None, password_form=None, email_form=None, notifications_form=None):
    forms = {
        "profile_form": profile_form or _profile_form(formdata=None),
        "password_form": password_form or PasswordChangeForm(formdata=None),
        "email_form": email_form or EmailChangeForm(formdata=None),
        "notifications_form": notifications_form or _notifications_form(formdata=None),
    }
    failed = any(form.errors for form in forms.values())
    return render_template(
        "account/profile.html",
        mailbox=not current_app.config.get("MAIL_SERVER"),
        signed_in=sessions.of(current_user),
        this_session=sessions.digest(current_user.session_token or ""),
        **forms,
    ), 400 if failed else 200


def _profile_form(**kwargs) -> ProfileForm:
    form = ProfileForm(obj=current_user, **kwargs)
    form.locale.choices = language_options(("", gettext("As the browser prefers")))
    if current_user.role is Role.INVENTOR:
        form.requester_category.choices = options([("", "—"), *category_choices()])
    else:
        del form.requester_category
    return form


def _notifications_form(**kwargs) -> NotificationsForm:
    form = NotificationsForm(**kwargs)
    kinds = OPTIONAL.get(current_user.role, [])
    form.enabled.choices = options((kind.value, gettext(KIND_LABELS[kind])) for kind in kinds)
    if kwargs.get("formdata", True) is None:
        form.enabled.data = [
            k.value for k in kinds if k.value not in current_user.muted_notifications
        ]
    return form
