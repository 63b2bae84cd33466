"""What templates may call: the formatting helpers, the access rules, the header's count."""

import contextlib
import re
from collections.abc import Callable, Hashable, Iterable
from contextvars import ContextVar

from flask import Flask, current_app, g, get_template_attribute, has_request_context, request
from flask_babel import get_locale, get_timezone
from flask_login import current_user
from jinja2 import FileSystemBytecodeCache, pass_context
from markupsafe import Markup, escape
from sqlalchemy import Row

from tisc import formatting
from tisc.caching import Cache
from tisc.domain import permissions
from tisc.domain.workflow import SPECS, result_stands
from tisc.services import demo, reads
from tisc.web.i18n import page_translations
from tisc.web.map_scripts import map_texts, tiles_attribution
from tisc.web.navigation import with_query


class Rules:
    """The access rules of :mod:`tisc.domain.permissions` for the signed-in person:
    ``may.see_internal(request)`` in a template."""

    def __getattr__(self, name: str):
        rule = getattr(permissions, f"can_{name}")
        actor = current_user.actor

        def ask(*args):
            return rule(actor, *args)

        return ask


def demo_banner() -> bool:
    """Whether pages warn that demo accounts can sign in (cached; never while the
    database is unavailable and the page says so)."""
    return not g.get("database_unavailable") and demo.present()


def changes_since_looked() -> int:
    """For the header: the signed-in person's requests that changed since they looked."""
    return reads.changed_count(current_user) if current_user.is_authenticated else 0


# How many rendered parts of each kind a process keeps (:func:`kept`): a filter form
# listing 2,000 centres is some 150 kB of HTML, the home page's list of them 300 kB and
# the office's table of them 1.6 MB (a few kB each for a national network), the public
# statistics' figures 470 kB (one part a language: a new one every five minutes), a header
# 4 kB, a list's row 1 kB.
KEPT_PARTS = {"filters": 64, "lists": 16, "statistics": 3, "frame": 256, "row": 1000}
_HOLE = re.compile("\x00([a-z]+)\x00")


@pass_context
def kept(context, kind: str, *key: Hashable, caller: Callable[..., str], **holes: str) -> Markup:
    """A part of a page kept rendered: ``{% call kept(kind, key…) %}…{% endcall %}``.

    The key names everything the part shows, so that what is kept is a function of the
    key, the language, the time zone and the site's root alone: a header's key is the
    role, the page and the count of changes (a list's rows: :func:`kept_rows`). The person's
    own values (their name, their form token) are ``holes`` instead -
    ``{% call(hole) kept(kind, key…, name=…) %}…{{ hole("name") }}…{% endcall %}`` - kept
    out of the rendered part and filled in, escaped, each time (in one pass, so that no
    value is ever read as a hole). A key of ``None`` renders the part without keeping it
    (a form with errors, or a search typed in: seldom asked again, it would only push the
    common ones out; :func:`kept_form_key`)."""
    if key == (None,):
        return Markup(caller())
    part = current_app.extensions["tisc.kept_parts"][kind].get(
        (context["kept_place"], key),
        lambda: str(caller(_hole) if caller.arguments else caller()),
    )
    return Markup(_HOLE.sub(lambda found: escape(holes[found[1]]), part) if holes else part)


def kept_rows(macro: str, rows: Iterable[tuple[Hashable, ...]]) -> list[Markup]:
    """A list's rows kept rendered (see :func:`kept`), looked up before the page renders:
    some 80,000 processor instructions a row fewer than a ``kept`` call block in the
    template. Each of ``rows`` is the arguments of the macro ``macro`` ("template:name")
    that renders it; the macro shows nothing else, so they are its key, with the
    language, the time zone and the site's root."""
    template, name = macro.split(":")
    store = current_app.extensions["tisc.kept_parts"]["row"]
    place, render = _kept_place()["kept_place"], get_template_attribute(template, name)
    with page_translations():
        return [
            Markup(store.get((place, macro, _values(args)), lambda args=args: str(render(*args))))
            for args in rows
        ]


def _values(args: tuple) -> tuple:
    """A row's key: the values of the database rows among ``args``, not the rows, which
    would keep their query's result description alive as long as the key (some 5 kB each:
    a thousand keys, each from another page's query)."""
    return tuple(tuple(arg) if isinstance(arg, Row) else arg for arg in args)


def _hole(name: str) -> Markup:
    return Markup(f"\x00{name}\x00")


def _kept_place() -> dict:
    """What every kept part depends on, read once a page: language, time zone, site root
    (none for an e-mail, rendered outside any request)."""
    root = request.script_root if has_request_context() else None
    return {"kept_place": (str(get_locale()), str(get_timezone()), root)}


def kept_form_key(form, valid: bool, *shown: Hashable) -> Hashable | None:
    """The :func:`kept` key of a filter form: its fields' values and whatever else its
    choices ``shown`` (counts, the network's version). None for a form with errors or a
    search typed in."""
    if not valid or form.q.data:
        return None
    return (type(form).__name__, tuple((f.name, f.data) for f in form), shown)


# The page's number formats, set when a template renders (a dashboard shows a thousand
# numbers; a context variable costs far less to read than the request's globals).
_page_numbers: ContextVar[formatting.Numbers] = ContextVar("tisc_page_numbers")


def _numbers() -> formatting.Numbers:
    found = _page_numbers.get(None)
    return found if found is not None else formatting.number_format()


def _set_numbers() -> dict:
    _page_numbers.set(formatting.number_format())
    return {}


class CompiledTemplates(FileSystemBytecodeCache):
    """Templates compiled once for every process of this user on the machine (in Jinja's
    private directory under the system's temporary one): a worker that starts loads them
    instead of compiling them. Compiling the request page alone takes some 5 MB of
    transient memory that the worker then keeps. Jinja checks each file against the
    template's source; a disk that cannot be read or written only means compiling again."""

    def __init__(self, directory: str | None = None):
        super().__init__(directory, pattern="tisc-%s.cache")

    def load_bytecode(self, bucket) -> None:
        with contextlib.suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def init_app(app: Flask) -> None:
    try:
        app.jinja_env.bytecode_cache = CompiledTemplates()
    except (OSError, RuntimeError):  # no private temporary directory to be had
        app.logger.warning("templates are compiled by every process: no directory to keep them")
    # Each application its own: a part shows its configuration.
    app.extensions["tisc.kept_parts"] = {kind: Cache(size) for kind, size in KEPT_PARTS.items()}
    app.context_processor(_set_numbers)
    app.context_processor(_kept_place)
    app.jinja_env.filters.update(
        localized=formatting.in_locale,
        pick=formatting.pick_text,
        localized_marked=formatting.in_locale_marked,
        pick_marked=formatting.pick_marked,
        isolated=formatting.isolated,
        address_breaks=formatting.address_breaks,
        service_label=formatting.service_label,
        status_label=formatting.status_label,
        action_label=formatting.action_label,
        outcome_label=formatting.outcome_label,
        centre_status_label=formatting.centre_status_label,
        language_label=formatting.language_label,
        role_label=formatting.role_label,
        mail_kind_label=formatting.mail_kind_label,
        device_label=formatting.device_label,
        category_label=formatting.category_label,
        ip_right_label=formatting.ip_right_label,
        office_label=formatting.office_label,
        event_format_label=formatting.event_format_label,
        audience_label=formatting.audience_label,
        month_label=formatting.month_label,
        whole=lambda value: _numbers().whole(value),
        one_decimal=lambda value: _numbers().one_decimal(value),
        two_decimals=lambda value: _numbers().two_decimals(value),
        stars=lambda value: _numbers().rating(value),
        share=lambda value: _numbers().percent(value),
        file_size=formatting.file_size,
        when=formatting.when,
        day=formatting.day,
        due=formatting.due,
        one_full_stop=formatting.one_full_stop,
        lower_first=formatting.lower_first,
    )
    app.jinja_env.globals.update(
        recorded_changes=formatting.recorded_changes,
        routing_reason=formatting.routing_reason,
        handled_reason=formatting.handled_reason,
        service_description=formatting.service_description,
        is_overdue=formatting.is_overdue,
        result_stands=result_stands,
        changes_since_looked=changes_since_looked,
        demo_banner=demo_banner,
        clock=formatting.clock,
        kept=kept,
        with_query=with_query,
        labels=formatting.labels,
        list_words=formatting.list_words,
        may=Rules(),
        action_specs=SPECS,
        changes_cap=reads.COUNT_CAP,
        tiles_attribution=tiles_attribution,
        map_texts=map_texts,
    )
