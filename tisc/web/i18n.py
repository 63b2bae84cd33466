"""Choosing the page language: the account's, else the switcher's, else the browser's."""

from contextlib import contextmanager
from contextvars import ContextVar

from flask import (
    Flask,
    abort,
    before_render_template,
    current_app,
    redirect,
    request,
    session,
    template_rendered,
)
from flask_babel import get_locale, get_translations
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

from tisc.domain.catalogue import LANGUAGE_NAMES, Language
from tisc.extensions import babel, csrf
from tisc.services import accounts
from tisc.web.navigation import safe_next

LOCALES = [language.value for language in Language]


def select_locale() -> str | None:
    if request.path.startswith("/api/"):  # no cookie there: the caller says, or the default
        return request.accept_languages.best_match(LOCALES)
    if current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    return visitor_locale()


def visitor_locale() -> str | None:
    """The language of someone not signed in: the switcher's, else the browser's
    (None: ``BABEL_DEFAULT_LOCALE``). Reads no account."""
    if session.get("locale") in LOCALES:
        return session["locale"]
    return request.accept_languages.best_match(LOCALES)


def switch_locale():
    """POST /locale: remember the choice in the session and, signed in, the account.

    A visitor's switch needs no CSRF token (pages shared by every visitor carry
    none): it changes their page language, and the language of the account they
    sign in to next (see keep_choice), which they can change back; a signed-in
    person's switch needs one, since it changes their account at once.
    """
    if current_user.is_authenticated and current_app.config["WTF_CSRF_ENABLED"]:
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError:
            abort(400)
    locale = request.form.get("locale", "")
    if locale in LOCALES:
        session["locale"] = locale
        if current_user.is_authenticated:
            accounts.save_locale(current_user, locale)
        else:
            session[CHOSEN_SIGNED_OUT] = True
    return redirect(safe_next(request.form.get("next")))


# A language chosen while signed out, not yet carried into an account (see keep_choice).
CHOSEN_SIGNED_OUT = "locale_chosen"


def keep_choice(user) -> None:
    """At sign-in: a language chosen with the switcher while signed out (on the sign-in
    page itself, say) becomes the account's, which would otherwise undo it at once. Once
    only: a choice made on another device since then is not overruled by an old one."""
    locale = session.get("locale")
    if session.pop(CHOSEN_SIGNED_OUT, False) and locale in LOCALES and locale != user.locale:
        accounts.save_locale(user, locale)


# The page's translations while a template renders: looked up once per render instead of
# once per translated string (a list page translates a few hundred).
_rendering: ContextVar = ContextVar("tisc_rendering_translations", default=None)


def _template_gettext(string: str) -> str:
    return (_rendering.get() or get_translations()).ugettext(string)


def _template_ngettext(singular: str, plural: str, num: int) -> str:
    return (_rendering.get() or get_translations()).ungettext(singular, plural, num)


def _template_pgettext(context: str, string: str) -> str:
    """A string whose word differs with its use: a column of counts' «Выполнено» beside a
    request's status «Выполнен», both "Completed" in English."""
    return (_rendering.get() or get_translations()).upgettext(context, string)


@contextmanager
def page_translations():
    """Translate templates' strings as while a page renders (the translations looked up
    once), for parts rendered before the page: a list's rows (``templating.kept_rows``)."""
    token = _rendering.set(get_translations())
    try:
        yield
    finally:
        _rendering.reset(token)


def _rendering_starts(app, template, context) -> None:
    _rendering.set(get_translations())


def _rendering_ends(app, template, context) -> None:
    _rendering.set(None)  # a render around this one looks its translations up again


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", app.root_path + "/translations")
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(
        _template_gettext, _template_ngettext, newstyle=True, pgettext=_template_pgettext
    )
    before_render_template.connect(_rendering_starts, app)
    template_rendered.connect(_rendering_ends, app)
    app.add_url_rule("/locale", "switch_locale", csrf.exempt(switch_locale), methods=["POST"])

    @app.context_processor
    def _languages():
        return {"languages": LANGUAGE_NAMES, "current_locale": str(get_locale())}
