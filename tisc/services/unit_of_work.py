"""One transaction per use case: begin as a write, commit once, or roll back."""

from functools import wraps

from sqlalchemy.orm.exc import StaleDataError

from tisc.database import begin_write, writers_turn
from tisc.domain.catalogue import N_
from tisc.domain.errors import Conflict
from tisc.extensions import db

CHANGED_UNDER_YOU = N_(
    "Someone changed this request while you were looking at it. "
    "Nothing was applied; check its latest state and try again."
)


def use_case(function):
    """Run ``function`` as one write transaction.

    It commits when the function returns and rolls back when it raises; an
    optimistic-lock failure at flush becomes :class:`Conflict`.
    """

    @wraps(function)
    def run(*args, **kwargs):
        session = db.session()
        with writers_turn(session):
            begin_write(session)
            try:
                result = function(*args, **kwargs)
                session.commit()
            except StaleDataError as error:
                session.rollback()
                raise Conflict(CHANGED_UNDER_YOU) from error
            except BaseException:
                session.rollback()
                raise
        return result

    return run
