"""Requests through the API: list, read, submit, and every workflow action.

The pages' rules (``services/access.py``, ``domain/permissions.py``) and use
cases (``services/requests.py``) answer; this module only translates.
"""

import io
from urllib.parse import urlencode

from flask import request as http
from flask import send_file, url_for
from flask_babel import gettext, ngettext

from tisc.api import drafts, schemas
from tisc.api import representations as shown
from tisc.api.auth import caller, check_person_limit, needs, spend_person_limit
from tisc.api.blueprints import RETRY_AFTER, Blueprint
from tisc.api.problems import Problem, invalid
from tisc.domain.catalogue import N_, Role
from tisc.domain.errors import Conflict, Invalid
from tisc.domain.workflow import Action
from tisc.extensions import policy
from tisc.formatting import explain
from tisc.services import centres, duplicates, network, queues
from tisc.services import requests as request_service
from tisc.services.access import get_request_seen_by
from tisc.services.files import sent

bp = Blueprint("api_requests", __name__, url_prefix="/api/v1/requests",
               description="Requests: what each person may see and do")  # fmt: skip
IDEMPOTENCY_KEY = {
    "in": "header", "name": "Idempotency-Key", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 64,
               "pattern": "^[!-~]([ -~]*[!-~])?$"},
    "description": "Any unique text per request you mean to make (visible ASCII): a retry makes "
    "no second one. A key the server cannot keep is refused (400), not ignored; a key sent "
    "before with other fields or files is refused (422).",
}  # fmt: skip
KEY_USED = N_(
    "This Idempotency-Key was already used for %(reference)s, which was sent with other "
    "content. Nothing was changed: use a new key for a new request."
)
WEAK_TAG = N_(
    'A weak entity tag (W/"…") cannot show which version you read: send the ETag '
    "exactly as you received it."
)
NOT_FOUND = "Not there, or not yours to see"
READ_ONLY = "The token may only read"
# Response headers, as the document states them (a version is a strong entity tag).
VERSION = {"type": "string", "pattern": '^"[0-9]+"$'}
ETAG = {
    "ETag": {
        "description": "The request's version: send it back as If-Match to act on it.",
        "required": True,
        "schema": VERSION,
    }
}
CURRENT_ETAG = {
    "ETag": {"description": "The request's current version", "required": True, "schema": VERSION}
}
SUBMITTED = ETAG | {
    "Location": {"description": "The request's URL", "required": True, "schema": {"type": "string"}}
}
LISTED = {
    "Link": {
        "description": 'The next page: `<URL>; rel="next"` (none on the last page)',
        "schema": {"type": "string"},
    },
    "TISC-Search-Newest": {
        "description": "Sent when a search (q) had more matches than it considers (on SQLite, "
        "the newest 500): how many it considered. The list holds those only.",
        "schema": {"type": "integer", "minimum": 1},
    },
}
IF_MATCH = {
    "in": "header", "name": "If-Match", "required": True,
    "schema": {"type": "string", "minLength": 1},
    "description": 'The ETag of the request as you read it, e.g. "3" (a list matches when any '
    "of its tags is the current version), or * for whichever version. Without it: 428; a "
    "version that is no longer the current one: 412, changing nothing; a weak tag (W/...): "
    "412, as it cannot confirm a version.",
}  # fmt: skip
# The list's filters each role has (staff: the desk's; the office: its list's; an inventor:
# none but the search). Any other is refused by name: dropped, it looked applied.
FILTERS = {
    Role.STAFF: {"status", "service", "overdue", "assignee", "sort"},
    Role.COORDINATOR: {"status", "service", "overdue", "centre", "region"},
}
ROLE_FILTERS = ("status", "service", "overdue", "assignee", "sort", "centre", "region")
NOT_FOR_ROLE = N_("This filter is not available to your role.")
_ONE = "#/paths/~1api~1v1~1requests~1{reference}"
_WITH_IT = {"path.reference": "$response.body#/reference"}
# Where an answer about one request leads (OpenAPI links: clients and schemathesis follow them).
LINKS = {
    "links": {
        "read": {"operationRef": _ONE + "/get", "parameters": _WITH_IT},
        "timeline": {"operationRef": _ONE + "~1timeline/get", "parameters": _WITH_IT},
        "act": {
            "operationRef": _ONE + "~1actions~1{action}/post",
            "parameters": _WITH_IT | {"header.If-Match": "$response.header.ETag"},
        },
    }
}


@bp.route("")
@needs("read")
@bp.arguments(schemas.RequestQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.Request(many=True), headers=LISTED)
def request_list(limit=50, after=None, **given):
    """The requests the token's owner may see, newest first (staff: their centre's queue by due
    date). Pages are cut by a cursor; the next page's URL is in the ``Link`` header. When a
    search (``q``) had more matches than it considers (on SQLite, the newest 500), the
    ``TISC-Search-Newest`` header gives that number: the pages hold those only."""
    user = caller().user
    _refuse_filters_not_for(user.role, given)
    filters = _filters(given, "open" if user.role is Role.STAFF else "all")
    try:
        if user.role is Role.STAFF:
            page = queues.desk_page(user, filters, after=after, size=limit)
        elif user.role is Role.COORDINATOR:
            page = queues.office_page(user, filters, after=after, size=limit)
        else:
            page = queues.inventor_page(user, after=after, size=limit, text=filters.text)
    except Invalid as error:  # the services call it the cursor; here it is ``after``
        error.field = "after"
        raise
    headers = {}
    if page.capped:  # SQLite: a search considers its newest matches only
        headers["TISC-Search-Newest"] = str(page.capped)
    if page.next_cursor:
        query = urlencode({**http.args.to_dict(), "after": page.next_cursor})
        headers["Link"] = f'<{url_for(".request_list")}?{query}>; rel="next"'
    return [shown.request(user, row, brief=True) for row in page.rows], headers


@bp.route("", methods=["POST"])
@needs("write")
@bp.arguments(schemas.Submission, location="form_and_files")
@bp.response(201, schemas.Request, headers=SUBMITTED)
@bp.alt_response(200, schema=schemas.Request, description="Sent before with this Idempotency-Key",
                 headers=SUBMITTED)  # fmt: skip
@bp.refuses(400)
@bp.refuses(403, READ_ONLY)
@bp.refuses(404, "Only inventors submit requests")
@bp.refuses(409, "A similar request of yours is open (its references in similar)")
@bp.refuses(422, "The Idempotency-Key was sent before with another submission")
@bp.refuses(429, "Too many calls, or more submissions than the person may make (pages and API "
            "alike)", headers=RETRY_AFTER)  # fmt: skip
@bp.doc(parameters=[IDEMPOTENCY_KEY], responses={201: LINKS})
def submit(submission):
    """Submit a request (inventors), with up to five files, routed like the page's. Sending
    the same ``Idempotency-Key`` again returns the request it made instead of a second one;
    sending it with another submission is refused (422) and changes nothing."""
    user = caller().user
    if user.role is not Role.INVENTOR:
        raise Problem("not-found")
    key = drafts.idempotency_key()  # checked with the rest of the submission
    slug = submission.get("preferred_centre")
    chosen = centres.find_centre(slug) if slug else None
    if slug and chosen is None:  # the schema found it (drafts.py); gone since
        raise invalid([Invalid("preferred_centre", N_("Choose one of the options."))])
    draft = drafts.draft_of(submission, chosen.id if chosen else None, key)
    try:
        # Only a request made counts against the person's allowance: not a retry, nor a
        # submission refused (invalid, similar to an open one), as on the pages.
        _check_allowance(user, key)
        row, new = request_service.submit_once(user, draft, policy())
    except duplicates.SimilarOpen as found:
        references = [similar.reference for similar in found.similar]
        message = ngettext(
            "You already have an open request that looks like this one:",
            "You already have open requests that look like this one:",
            len(references),
        )  # the page's words; send_anyway says this one is different
        raise Problem(
            "similar-request", f"{message} {', '.join(references)}", similar=references
        ) from None
    except request_service.SentOtherwise as used:  # a client's bug: the IETF draft's 422
        detail = gettext(KEY_USED, reference=used.first.reference)
        raise Problem(
            "idempotency-key-reused", detail,
            errors=[{"field": "Idempotency-Key", "message": detail}],
        ) from None  # fmt: skip
    if new:
        spend_person_limit("TISC_SUBMIT_LIMIT", "submit")
    location = url_for(".request_detail", reference=row.reference)
    body, headers = _with_etag(shown.request(user, row, with_actions=True), row.version)
    return body, 201 if new else 200, headers | {"Location": location}


@bp.route("/<reference>")
@needs("read")
@bp.response(200, schemas.Request, headers=ETAG)
@bp.refuses(404, NOT_FOUND)
@bp.doc(responses={200: LINKS})
def request_detail(reference: str):
    """One request, as its reader may see it; its version is the ``ETag``."""
    user = caller().user
    row = get_request_seen_by(user, reference)
    return _with_etag(shown.request(user, row, with_actions=True), row.version)


@bp.route("/<reference>/timeline")
@needs("read")
@bp.response(200, schemas.Event(many=True))
@bp.refuses(404, NOT_FOUND)
def request_timeline(reference: str):
    """The request's events, oldest first (internal notes: the centre's staff only; the national
    office: the steps without their content)."""
    user = caller().user
    return shown.events(user, get_request_seen_by(user, reference))


@bp.route("/<reference>/files/<int:file_id>")
@needs("read")
@bp.response(200, {"type": "string", "format": "binary"}, content_type="application/octet-stream")
@bp.refuses(404, NOT_FOUND)
def file(reference: str, file_id: int):
    """A file of the request (the inventor and the centre's staff)."""
    stored = request_service.file_for(caller().user, reference, file_id)
    return send_file(
        io.BytesIO(stored.content), mimetype=stored.content_type, as_attachment=True,
        download_name=stored.filename, etag=stored.sha256, max_age=0,
    )  # fmt: skip


@bp.route("/<reference>/actions/<any({actions}):action>".format(actions=",".join(schemas.ACTIONS)),
          methods=["POST"])  # fmt: skip
@needs("write")
@bp.arguments(schemas.ActionInput, location="form_and_files", required=False)
@bp.response(200, schemas.Request, headers=ETAG)
@bp.refuses(403, READ_ONLY)
@bp.refuses(404, NOT_FOUND)
@bp.refuses(409, "Not allowed now or by this person")
@bp.refuses(412, "Changed since the version read, or If-Match held weak tags only",
            headers=CURRENT_ETAG)  # fmt: skip
@bp.refuses(428, "If-Match is missing")
@bp.doc(parameters=[IF_MATCH], responses={200: LINKS})
def act(given, reference: str, action: str):
    """Take one workflow action on the request, sending the version read as ``If-Match``."""
    user = caller().user
    row = get_request_seen_by(user, reference)  # 404 before anything else
    version = _if_match(row.version)
    target = centres.find_centre(given["centre"]) if given.get("centre") else None
    inputs = request_service.ActionInput(
        text=given.get("text", ""), assignee_id=given.get("assignee"),
        centre_id=target.id if target else (-1 if given.get("centre") else None),
        outcome=given.get("outcome"), summary=given.get("summary", ""),
        hours_spent=given.get("hours_spent"), documents_cited=given.get("documents_cited"),
        ip_right=given.get("ip_right", ""), office=given.get("office", ""),
        application_number=given.get("application_number", ""),
        filed_on=given.get("filed_on"), rating=given.get("rating"),
        flag_id=given.get("flag"), files=sent(given["files"]),
    )  # fmt: skip
    try:
        row = request_service.perform(
            user, row.reference, Action(action), inputs, policy(), expected_version=version
        )
    except Conflict as error:  # changed meanwhile: the version it has now
        current = get_request_seen_by(user, reference).version
        raise Problem("stale", explain(error), headers=_etag(current)) from None
    return _with_etag(shown.request(user, row, with_actions=True), row.version)


def _refuse_filters_not_for(role: Role, given: dict) -> None:
    refused = [name for name in ROLE_FILTERS if name in given and name not in FILTERS.get(role, ())]
    if refused:
        raise invalid([Invalid(name, NOT_FOR_ROLE) for name in refused])


def _filters(given: dict, status: str) -> queues.Filters:
    """The list's filters; an unknown centre or region is refused, as ``/figures`` does
    (it answered an empty list)."""
    centre_id = None
    if given.get("centre"):
        found = centres.find_centre(given["centre"])
        if found is None:
            raise Invalid("centre", N_("Choose one of the options."))
        centre_id = found.id
    if given.get("region") and given["region"] not in network.regions_by_code():
        raise Invalid("region", N_("Choose one of the options."))
    return queues.Filters(
        status=given.get("status", status), service=given.get("service", ""),
        assignee=given.get("assignee", "any"), centre_id=centre_id,
        region_code=given.get("region", ""), overdue=given.get("overdue", False),
        sort=given.get("sort", "due"), text=given.get("q", ""),
    )  # fmt: skip


def _if_match(current: int) -> int | None:
    """The version an action may change: ``If-Match`` lists it among its strong tags (any
    of them, RFC 9110), or is ``*`` (None: whichever). Every 412 says the current version."""
    tags = http.if_match
    if not tags:
        raise Problem("precondition-required")
    if tags.star_tag:
        return None
    if tags.contains(str(current)):
        return current
    if any(tags.is_weak(tag) for tag in tags.as_set(include_weak=True)):
        raise Problem("weak-etag", gettext(WEAK_TAG), headers=_etag(current))
    raise Problem("stale", headers=_etag(current))


def _etag(version: int) -> dict:
    return {"ETag": f'"{version}"'}


def _check_allowance(user, key: str | None) -> None:
    """429 when the person has sent all the requests they may for now, unless ``key`` made
    one already: a retry is answered with it even then."""
    try:
        check_person_limit("TISC_SUBMIT_LIMIT", "submit")
    except Problem:
        if request_service.sent_before(user, key) is None:
            raise


def _with_etag(body: dict, version: int):
    return body, _etag(version)
