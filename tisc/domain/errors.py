"""Typed refusals shared by the domain and the use cases.

Each carries an English message marked for translation and the parameters to
fill into it, so that every interface can say it in the user's language:
``tisc.formatting.explain`` translates the message (``ngettext`` with ``error.plural``
and the ``num`` parameter when it counts something) and labels a parameter that is a
code, such as a request's status, in the reader's words.
"""


class DomainError(Exception):
    """Base of every refusal the product gives on purpose."""

    def __init__(self, message: str | tuple[str, str], **params: object) -> None:
        singular, plural = message if isinstance(message, tuple) else (message, None)
        english = plural if plural and params.get("num") != 1 else singular
        super().__init__(english % params if params else english)
        self.message = singular
        self.plural = plural
        self.params = params


class NotFound(DomainError):
    """The thing does not exist, or the user may not know that it does."""


class Refused(DomainError):
    """The action is not allowed now, or not by this user."""


class Conflict(DomainError):
    """The thing changed under the user since they loaded it."""


class Invalid(DomainError):
    """An input is missing or wrong; ``field`` names it. Raised :meth:`together` with
    others, it carries every problem found at once (:attr:`every`), for a form or an API
    answer to name them in one round."""

    def __init__(self, field: str, message: str | tuple[str, str], **params: object) -> None:
        super().__init__(message, **params)
        self.field = field
        self.others: tuple[Invalid, ...] = ()

    @classmethod
    def together(cls, problems: list["Invalid"]) -> "Invalid":
        """The first of ``problems`` (at least one), carrying the rest."""
        first, *rest = problems
        first.others = tuple(rest)
        return first

    @property
    def every(self) -> list["Invalid"]:
        return [self, *self.others]
