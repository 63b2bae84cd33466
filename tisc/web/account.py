"""A signed-in person's own account: name, language, password."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, login_user

from tisc.domain.catalogue import LANGUAGE_NAMES
from tisc.domain.errors import Invalid
from tisc.forms import options
from tisc.forms.accounts import PasswordChangeForm, ProfileForm
from tisc.services import accounts
from tisc.web.feedback import show_on_form
from tisc.web.guards import policy

bp = Blueprint("account", __name__)


@bp.before_request
@login_required
def _signed_in():
    return None


@bp.route("", methods=["GET", "POST"])
def profile():
    form = _profile_form()
    if form.validate_on_submit():
        try:
            accounts.update_profile(current_user, form.name.data, form.locale.data)
        except Invalid as error:
            show_on_form(form, error)
        else:
            flash(gettext("Your account is saved."), "success")
            return redirect(url_for(".profile"))
    return _page(profile_form=form)


@bp.route("/password", methods=["POST"])
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
            login_user(user)  # the session id changed with the password
            flash(gettext("Your password is changed; other devices are signed out."), "success")
            return redirect(url_for(".profile"))
    return _page(password_form=form)


def _page(profile_form=None, password_form=None):
    profile_form = profile_form or _profile_form(formdata=None)
    password_form = password_form or PasswordChangeForm(formdata=None)
    failed = profile_form.errors or password_form.errors
    return render_template(
        "account/profile.html", profile_form=profile_form, password_form=password_form
    ), 400 if failed else 200


def _profile_form(**kwargs) -> ProfileForm:
    form = ProfileForm(obj=current_user, **kwargs)
    form.locale.choices = options(
        [("", gettext("As the browser prefers"))]
        + [(code.value, name) for code, name in LANGUAGE_NAMES.items()]
    )
    return form
