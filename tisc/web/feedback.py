"""Putting a use case's refusal where the person will see it."""

from flask_wtf import FlaskForm

from tisc.domain.errors import DomainError, Invalid
from tisc.formatting import explain


def show_on_form(form: FlaskForm, error: DomainError, aliases: dict[str, str] | None = None):
    """Add the error to the form field it names, else to the form's own errors; every
    problem of an :class:`Invalid` raised with others, each where it belongs."""
    for problem in error.every if isinstance(error, Invalid) else [error]:
        name = problem.field if isinstance(problem, Invalid) else None
        name = (aliases or {}).get(name, name)
        field = form._fields.get(name) if name else None
        if field is not None:
            field.errors = [*field.errors, explain(problem)]
        else:
            form.form_errors.append(explain(problem))
