"""A submission as the API receives it, as the services' draft, and what they refuse of it.

The schema (:class:`tisc.api.schemas.Submission`) checks each field alone; what only the
whole submission shows (a blank title, an unknown region or centre, a wrong IPC class, a
refused file, a requester category still to give) is found beside the fields' problems,
so that a client hears of every one in a single answer, as the page's form names them -
the ``Idempotency-Key`` header's too.
"""

from flask import request as http

from tisc.api.auth import caller
from tisc.domain.catalogue import N_, Role
from tisc.domain.errors import Invalid
from tisc.extensions import policy
from tisc.services import centres
from tisc.services import requests as request_service
from tisc.services.files import sent


def draft_of(
    submission: dict, centre_id: int | None = None, token: str | None = None
) -> request_service.Draft:
    """The draft a submission (the schema's fields, as far as they were valid) makes."""
    return request_service.Draft(
        service=submission.get("service", ""), title=submission.get("title", ""),
        description=submission.get("description", ""),
        region_code=submission.get("region_code", ""),
        preferred_language=submission.get("preferred_language", ""),
        confidentiality_ack=submission.get("confidentiality_ack", False),
        technical_field=submission.get("technical_field", ""),
        keywords=submission.get("keywords", ""), ipc_classes=submission.get("ipc_classes", ""),
        preferred_centre_id=centre_id, files=sent(submission.get("files", [])),
        submission_token=token, requester_category=submission.get("requester_category", ""),
        send_anyway=submission.get("send_anyway", False),
    )  # fmt: skip


def submission_problems(submission: dict, own_problems: set[str]) -> list[Invalid]:
    """What the services refuse of a submission (its fields that are well formed), but
    not of the fields in ``own_problems`` (the schema's: missing or malformed, they are
    named already). For the API's caller, in one of its requests; nothing for a caller who
    is not an inventor: the submission itself is refused them."""
    user = caller().user
    if user.role is not Role.INVENTOR:
        return []
    problems = request_service.problems_of(draft_of(submission), user, policy())
    slug = submission.get("preferred_centre")
    if slug and centres.find_centre(slug) is None:
        problems.insert(0, Invalid("preferred_centre", N_("Choose one of the options.")))
    key = idempotency_key()
    if key is not None and request_service.keepable_token(key) != key:
        # Refused, not ignored: a client meaning to retry safely would make a second request.
        problems.append(Invalid("Idempotency-Key", N_(
            "Use 1 to 64 visible ASCII characters, without spaces around."
        )))  # fmt: skip
    return [problem for problem in problems if problem.field not in own_problems]


def idempotency_key() -> str | None:
    """The submission's ``Idempotency-Key`` header, if it has one: absent, or (once the
    submission is accepted) 1-64 visible ASCII characters."""
    return http.headers.get("Idempotency-Key")
