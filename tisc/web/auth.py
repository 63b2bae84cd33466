"""Signing in and out, and inventors' self-registration."""

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from tisc.domain.errors import Invalid
from tisc.extensions import limiter, login_manager
from tisc.forms.auth import LoginForm, RegisterForm
from tisc.services import accounts
from tisc.web.feedback import show_on_form
from tisc.web.guards import policy
from tisc.web.navigation import safe_next

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["TISC_LOGIN_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("public.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next"), "public.home"))
        form.password.errors.append(gettext("Wrong e-mail or password."))
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(gettext("You are signed out."), "info")
    return redirect(url_for("public.home"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("public.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register_inventor(
                form.name.data,
                form.email.data,
                form.password.data,
                str(get_locale()),  # the language they registered in
                policy().password_hash_method,
            )
        except Invalid as error:
            show_on_form(form, error)
        else:
            login_user(user)
            flash(gettext("Welcome! Your account is ready."), "success")
            return redirect(safe_next(request.args.get("next"), "requests.new"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(accounts.load_session_user)
