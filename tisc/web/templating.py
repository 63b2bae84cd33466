"""What templates may call: the formatting helpers, the access rules, the header's count."""

from flask import Flask, current_app
from flask_login import current_user

from tisc import formatting
from tisc.domain import permissions
from tisc.domain.workflow import SPECS
from tisc.services import reads


class Rules:
    """The access rules of :mod:`tisc.domain.permissions` for the signed-in person:
    ``may.see_internal(request)`` in a template."""

    def __getattr__(self, name: str):
        rule = getattr(permissions, f"can_{name}")
        actor = current_user.actor

        def ask(*args):
            return rule(actor, *args)

        return ask


def changes_since_looked() -> int:
    """For the header: the signed-in person's requests that changed since they looked."""
    return reads.changed_count(current_user) if current_user.is_authenticated else 0


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        localized=formatting.in_locale,
        pick=formatting.pick_text,
        service_label=formatting.service_label,
        status_label=formatting.status_label,
        action_label=formatting.action_label,
        outcome_label=formatting.outcome_label,
        centre_status_label=formatting.centre_status_label,
        language_label=formatting.language_label,
        when=formatting.when,
        day=formatting.day,
        one_full_stop=formatting.one_full_stop,
    )
    app.jinja_env.globals.update(
        routing_reason=formatting.routing_reason,
        handled_reason=formatting.handled_reason,
        service_description=formatting.service_description,
        is_overdue=formatting.is_overdue,
        changes_since_looked=changes_since_looked,
        clock=formatting.clock,
        labels=formatting.labels,
        may=Rules(),
        action_specs=SPECS,
        changes_cap=reads.COUNT_CAP,
        tiles_attribution=lambda: current_app.config["TISC_TILES_ATTRIBUTION"],
    )
