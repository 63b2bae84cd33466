"""Following filings up: 3, 6 and 12 months after completion the inventor is asked whether
an application was filed, with a link to report it.

A daily job (``schedule.JOBS``). Each follow-up goes once per request (the outbox's
``dedupe_key``), in the recipient's language (the outbox renders it), and none goes once a
filing is reported, the request is no longer completed, or the inventor switched these
e-mails off. Requests completed within the last :data:`WINDOW_DAYS` before each mark are
considered, so a day the job did not run loses nothing, and switching the feature on does
not write to every inventor of past years.
"""

import calendar
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from tisc.domain.notifications import Kind, wanted
from tisc.domain.workflow import Status
from tisc.extensions import db
from tisc.models import Filing, OutboxMessage, ServiceRequest, User
from tisc.models.base import utcnow
from tisc.services import notifications

MONTHS = (3, 6, 12)
WINDOW_DAYS = 14


def key(request_id: int, months: int) -> str:
    return f"filing-followup:{request_id}:{months}"


def queue_filing_followups(today: date, now: datetime | None = None) -> int:
    """Queue today's follow-ups; how many. Safe to run twice: each is keyed."""
    now = now or utcnow()
    queued = 0
    for months in MONTHS:
        mark = _months_before(now, months)
        candidates = db.session.execute(
            sa.select(ServiceRequest, User)
            .join(User, User.id == ServiceRequest.inventor_id)
            .where(
                ServiceRequest.status == Status.COMPLETED,
                ServiceRequest.closed_at <= mark,
                ServiceRequest.closed_at > mark - timedelta(days=WINDOW_DAYS),
                User.active.is_(True),
                ~sa.exists().where(Filing.request_id == ServiceRequest.id),
                ~sa.exists().where(
                    OutboxMessage.dedupe_key
                    == sa.literal("filing-followup:")
                    + sa.cast(ServiceRequest.id, sa.String)
                    + sa.literal(f":{months}")
                ),
            )
            .order_by(ServiceRequest.closed_at)
        ).all()
        for service_request, inventor in candidates:
            if not wanted(Kind.FILING_FOLLOWUP, inventor.role, inventor.muted_notifications):
                continue
            notifications.queue(
                Kind.FILING_FOLLOWUP,
                inventor,
                service_request=service_request,
                context={"months": months},
                dedupe_key=key(service_request.id, months),
            )
            queued += 1
    return queued


def _months_before(moment: datetime, months: int) -> datetime:
    """The same moment ``months`` calendar months earlier (on the month's last day if shorter)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return moment.replace(year=year, month=month + 1, day=min(moment.day, last_day))
