"""Signing in and out, and inventors' self-registration."""

import math

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from tisc.domain.catalogue import Role
from tisc.domain.errors import Invalid
from tisc.domain.policy import REMEMBER_FOR
from tisc.extensions import limiter, login_manager, policy
from tisc.formatting import category_choices
from tisc.forms import options
from tisc.forms.auth import ForgotPasswordForm, LoginForm, NewPasswordForm, RegisterForm
from tisc.services import accounts, sessions, sign_in
from tisc.tokens import read_token
from tisc.web import i18n
from tisc.web.errors import error_page, explain
from tisc.web.feedback import show_on_form
from tisc.web.guards import SIGNED_IN, role_required
from tisc.web.inputs import user_agent
from tisc.web.navigation import safe_next

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["TISC_LOGIN_LIMIT"]


# Where each role works: their page after signing in, unless ``next`` says otherwise.
HOME_OF = {
    Role.INVENTOR: "requests.mine",
    Role.STAFF: "desk.queue",
    Role.COORDINATOR: "office.overview",
}


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for(HOME_OF.get(current_user.role, "public.home")))
    form = LoginForm()
    if form.validate_on_submit():
        outcome = sign_in.sign_in(
            form.email.data, form.password.data, remember=bool(form.remember.data),
            user_agent=user_agent(),
        )  # fmt: skip
        if outcome.user is not None:
            _give_cookies(outcome.user, outcome.token, remember=bool(form.remember.data))
            home = HOME_OF.get(outcome.user.role, "public.home")
            return redirect(safe_next(request.args.get("next"), home))
        if outcome.refused:
            return _backing_off(form, outcome.wait)
        if outcome.deactivated:
            form.form_errors.append(gettext(
                "This account is deactivated. Ask the national office to reactivate it."
            ))  # fmt: skip
        else:
            form.form_errors.append(gettext("Wrong e-mail or password."))  # neither field alone
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


def _backing_off(form: LoginForm, wait):
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    form.form_errors.append(
        ngettext(
            "Too many failed sign-ins with this address. Please wait %(num)d minute and "
            "try again, or choose a new password with “Forgotten your password?”.",
            "Too many failed sign-ins with this address. Please wait %(num)d minutes and "
            "try again, or choose a new password with “Forgotten your password?”.",
            minutes,
        )
    )
    response = make_response(render_template("auth/login.html", form=form), 429)
    response.headers["Retry-After"] = str(math.ceil(wait.total_seconds()))
    return response


@bp.route("/logout", methods=["POST"])
@role_required(*SIGNED_IN)
def logout():
    sessions.end(current_user.session_token)
    logout_user()
    flash(gettext("You are signed out."), "info")
    return redirect(url_for("public.home"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("public.home"))
    form = RegisterForm()
    form.requester_category.choices = options([("", gettext("Choose one")), *category_choices()])
    valid = form.validate_on_submit()
    if form.is_submitted():
        for problem in accounts.registration_problems(
            form.name.data or "", form.email.data or "", form.password.data or ""
        ):
            if not form[problem.field].errors:  # the form's own check said it first
                show_on_form(form, problem)
    if valid and not form.errors:
        try:
            user = accounts.register_inventor(
                form.name.data,
                form.email.data,
                form.password.data,
                str(get_locale()),  # the language they registered in
                policy().password_hash_method,
                form.requester_category.data,
            )
        except Invalid as error:
            show_on_form(form, error)
        else:
            sign_in_browser(user, remember=False)
            flash(
                gettext(
                    "Welcome! Your account is ready. To confirm your address, follow the link"
                    " we have sent to %(email)s.",
                    email=user.email,
                ),
                "success",
            )
            return redirect(safe_next(request.args.get("next"), "requests.new"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        # The same answer whether or not the address has an account.
        flash(
            gettext(
                "If an account uses %(email)s, we have sent it a link to choose a new "
                "password. The link is valid for one hour.",
                email=form.email.data,
            ),
            "info",
        )
        return redirect(url_for(".login"))
    return render_template("auth/forgot.html", form=form), 400 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _password_from_link("reset", token, gettext("Choose a new password"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    return _password_from_link("invite", token, gettext("Welcome! Choose your password"))


def _password_from_link(purpose: str, token: str, heading: str):
    """Reset and invitation links: one form, the token decides whose password it sets."""
    # Out of date or not valid: a new link is asked for (an invited account, no password
    # chosen yet, is sent one too). An invitation used already: the account is there to
    # sign in to.
    new_link = (url_for(".forgot_password"), gettext("Ask for a new link"))
    used = (url_for(".login"), gettext("Sign in")) if purpose == "invite" else new_link
    try:
        payload = read_token(purpose, token)
    except Invalid as error:
        return _link_refused(explain(error), new_link)
    if request.method == "GET" and not accounts.link_is_current(
        payload["user"], payload["version"]
    ):  # used already: no form that could only be refused
        return _link_refused(gettext(accounts.LINK_USED), used)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.set_password_from_link(
                payload["user"], payload["version"], form.password.data,
                policy().password_hash_method,
            )  # fmt: skip
        except Invalid as error:
            if error.field == "token":
                return _link_refused(explain(error), used)
            show_on_form(form, error)
        else:
            logout_user()
            flash(gettext("Your password is saved. Please sign in."), "success")
            return redirect(url_for(".login"))
    return render_template("auth/new_password.html", form=form, heading=heading), (
        400 if form.errors else 200
    )


@bp.route("/verify/<token>")
def verify_email(token: str):
    try:
        payload = read_token("verify", token)
        accounts.confirm_address(payload["user"], payload["email"])
    except Invalid as error:  # the account page sends a new link
        return _link_refused(explain(error), (url_for("account.profile"), gettext("Your account")))
    flash(gettext("Thank you: your e-mail address is confirmed."), "success")
    return redirect(url_for("public.home"))


@bp.route("/email/confirm/<token>")
def confirm_email(token: str):
    try:
        payload = read_token("email", token)
        user = accounts.confirm_email_change(payload["user"], payload["old"], payload["new"])
    except Invalid as error:
        return _link_refused(explain(error), (url_for("account.profile"), gettext("Your account")))
    flash(gettext("Your e-mail address is now %(email)s.", email=user.email), "success")
    return redirect(url_for("account.profile" if current_user.is_authenticated else ".login"))


def _link_refused(message: str, way_on: tuple[str, str]):
    """A link from an e-mail that cannot be used: said so (not "the request could not be
    understood": the person only clicked it), with the way on as the first button."""
    return error_page(400, message, also=way_on, title=gettext("This link cannot be used"))


def sign_in_browser(user, *, remember: bool) -> None:
    """Start a server-side session for this browser and give it the cookies that name it."""
    token = sessions.start(user, remember=remember, user_agent=user_agent())
    _give_cookies(user, token, remember=remember)


def _give_cookies(user, token: str, *, remember: bool) -> None:
    user.session_token = token
    login_user(user, remember=remember, duration=REMEMBER_FOR)
    i18n.keep_choice(user)  # every way in: signing in, registering


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(sessions.load)
