"""What the API reads and writes: marshmallow schemas that validate input, shape output and,
through apispec, are the OpenAPI document."""

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import fields, validate
from werkzeug.datastructures import FileStorage

from tisc.api import drafts
from tisc.domain.catalogue import (
    CentreStatus,
    IpRight,
    Language,
    Outcome,
    PatentOffice,
    RequesterCategory,
    Role,
    Service,
)
from tisc.domain.figures import EARLIEST_YEAR, PERIOD_KINDS, UNKNOWN_CATEGORY
from tisc.domain.policy import MAX_FILES
from tisc.domain.workflow import MAX_HOURS, MIN_HOURS, SPECS, Action, Status
from tisc.formatting import explain
from tisc.models.base import LARGEST_ID
from tisc.services import files as file_service

NOT_VALID = "Not a valid value."  # marshmallow's way of saying it (problems.py translates)
LANGUAGES = [language.value for language in Language]
SERVICES = [service.value for service in Service]
STATUSES = [status.value for status in Status]
OUTCOMES = [outcome.value for outcome in Outcome]
# What a person may ask for by name (not submitting, nor what only the daily jobs do).
ACTIONS = [
    action.value
    for action, spec in SPECS.items()
    if action is not Action.SUBMIT
    and spec.offered
    and any(isinstance(role, Role) for role in spec.roles)
]
CATEGORIES = [category.value for category in RequesterCategory]
IP_RIGHTS = [right.value for right in IpRight]
OFFICES = [office.value for office in PatentOffice]


def Trilingual(**kwargs):
    """A text in Kazakh, Russian and English."""
    return fields.Dict(
        keys=fields.String(validate=validate.OneOf(LANGUAGES)), values=fields.String(), **kwargs
    )


class File(Upload):
    """A file part of a multipart body (a text part of the same name is no file), read."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileStorage):
            raise ma.ValidationError(NOT_VALID)
        return file_service.Upload(value.filename or "", value.read())


class Attachments(fields.List):
    """The files sent with a submission or an action. How many and how large the deployment
    takes is written into each app's document by :func:`attachment_limits`."""

    def __init__(self, **kwargs):
        super().__init__(File(), load_default=list, **kwargs)


def attachment_limits(max_bytes: int):
    """An apispec attribute function: :class:`Attachments` documented with this deployment's
    limits (``TISC_UPLOAD_MAX_BYTES``, :data:`MAX_FILES`), as its pages state them."""

    def attachments2properties(converter, field, **kwargs) -> dict:
        if not isinstance(field, Attachments):
            return {}
        size, exact = _size(max_bytes), f"{max_bytes} bytes"
        each = size if size == exact else f"{size} ({exact})"
        kinds = "PDF, DOCX, PNG or JPEG"
        said = f"Up to {MAX_FILES} files ({kinds}), each at most {each}."
        return {"maxItems": MAX_FILES, "description": said}

    return attachments2properties


def _size(count: int) -> str:
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if count >= scale and count % scale == 0:
            return f"{count // scale} {unit}"
    return f"{count} bytes"


class Schema(ma.Schema):
    """A marshmallow schema that copying leaves as it is. flask-smorest deep-copies each view's
    documentation at every decorator and again at registration, schema instances and all
    their fields with it; the copies stayed alive as long as the views (1.6 MB a worker).
    A schema is not changed after it is made, by us, flask-smorest or apispec, so the copy
    can be the schema itself."""

    def __deepcopy__(self, memo):
        return self


class Strict(Schema):
    class Meta:
        unknown = ma.RAISE  # an unknown parameter is a mistake the client should hear about


# --- problems ------------------------------------------------------------------------------


class FieldError(Schema):
    field = fields.String(required=True)
    message = fields.String(required=True)


class Problem(Schema):
    """A problem (RFC 9457). Members beyond these may come, as the RFC allows extensions."""

    class Meta:
        unknown = ma.INCLUDE  # documented as additionalProperties: true

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String()
    errors = fields.List(fields.Nested(FieldError))
    similar = fields.List(
        fields.String(),
        metadata={"description": "similar-request (409): your open requests like this one"},
    )
    accepted = fields.List(
        fields.String(),
        metadata={"description": "unsupported-media-type (415): the types a body may be"},
    )


# --- centres ---------------------------------------------------------------------------------


class Location(Schema):
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)


class CentreSummary(Schema):
    slug = fields.String(required=True)
    names = Trilingual(required=True)


class Centre(Schema):
    slug = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in CentreStatus]))
    names = Trilingual(required=True)
    city = Trilingual(required=True)
    region_code = fields.String(required=True)
    location = fields.Nested(Location, required=True)
    services = fields.List(fields.String(validate=validate.OneOf(SERVICES)), required=True)
    languages = fields.List(fields.String(validate=validate.OneOf(LANGUAGES)), required=True)
    host_institution = Trilingual()
    address = Trilingual()
    opening_hours = Trilingual()
    phone = fields.String()
    email = fields.String()
    website = fields.String()
    distance_km = fields.Float(allow_none=True, metadata={"description": "From `near`, if given."})


class CentreQuery(Strict):
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "Any language"})
    region = fields.String(
        validate=validate.Length(max=16),
        metadata={"description": "A region code: its centres (unknown: 400)."},
    )
    service = fields.String(validate=validate.OneOf(SERVICES))
    language = fields.String(validate=validate.OneOf(LANGUAGES))
    near = fields.String(
        validate=validate.Length(max=16),
        metadata={"description": "A region code: distances from its administrative centre."},
    )


# --- requests --------------------------------------------------------------------------------


class Person(Schema):
    name = fields.String(required=True)
    email = fields.String()


class Assignee(Schema):
    id = fields.Integer(
        metadata={"description": "The centre's staff only: the account id `assign` takes."}
    )
    name = fields.String(required=True)


class Colleague(Schema):
    id = fields.Integer(required=True, metadata={"description": "Send it as `assignee`."})
    name = fields.String(required=True)


class Me(Schema):
    """The token's owner."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf([role.value for role in Role]))
    centre = fields.Nested(
        CentreSummary, required=True, allow_none=True,
        metadata={"description": "The centre of its staff; null for anyone else."},
    )  # fmt: skip
    colleagues = fields.List(
        fields.Nested(Colleague),
        metadata={
            "description": "Staff only: their centre's active staff, themselves included, "
            "whom a request can be assigned to (the request page's list)."
        },
    )


class Request(Schema):
    """A request. The content - title, description, messages, the inventor - is there only
    for its inventor and the staff of the centre that holds it; the national office sees
    the metadata alone."""

    reference = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "Send it as If-Match."})
    service = fields.String(required=True, validate=validate.OneOf(SERVICES))
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    centre = fields.Nested(CentreSummary, required=True)
    region_code = fields.String(required=True)
    preferred_language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    routing_rule = fields.String(required=True)
    routing_distance_km = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)
    due_at = fields.AwareDateTime(
        required=True,
        metadata={
            "description": "The moment the work is due to end. Work that ends with a working "
            "day is due at the midnight after it, and that midnight belongs to the day before: "
            "read as a date in the network's time zone it would be a day late. due_date is the "
            "date to show."
        },
    )
    due_date = fields.Date(
        required=True,
        metadata={
            "description": "The day the request is due (YYYY-MM-DD), as the pages show it: "
            "due_at's date in the network's time zone, a midnight counted to the day it ends."
        },
    )
    closed_at = fields.AwareDateTime(allow_none=True)
    overdue = fields.Boolean(required=True)
    assigned = fields.Boolean(required=True)
    outcome = fields.String(
        allow_none=True,
        validate=validate.OneOf(OUTCOMES),
        metadata={
            "description": "While the request is completed (as are hours_spent, documents_cited, "
            "rating and outcome_summary); null otherwise, a reopened request's earlier result too."
        },
    )
    # A JSON number, as documented (the database keeps two decimal places; a float holds them).
    hours_spent = fields.Float(
        allow_none=True,
        metadata={"description": "The centre's hours on the result; null for its inventor."},
    )
    documents_cited = fields.Integer(allow_none=True)
    rating = fields.Integer(allow_none=True)
    requester_category = fields.String(allow_none=True, validate=validate.OneOf(CATEGORIES))
    awaiting_inventor = fields.Boolean(
        required=True, metadata={"description": "The centre asked a question; the clock waits."}
    )
    question_open = fields.Boolean(
        required=True, metadata={"description": "The inventor asked about the result."}
    )
    turnaround_days = fields.Integer(allow_none=True, metadata={"description": "Working days"})
    # Content: the inventor and the centre's staff only.
    title = fields.String()
    description = fields.String()
    technical_field = fields.String()
    keywords = fields.String()
    ipc_classes = fields.List(fields.String())
    assignee = fields.Nested(Assignee, allow_none=True)
    inventor = fields.Nested(Person)
    outcome_summary = fields.String(allow_none=True)
    rating_comment = fields.String(allow_none=True)
    duplicate_of = fields.String(allow_none=True, metadata={"description": "A reference"})
    filings = fields.List(fields.Nested(lambda: FilingInfo()))
    duplicate_flags = fields.List(
        fields.Nested(lambda: DuplicateFlag()),
        metadata={"description": "Possible duplicates (the centre's staff)"},
    )
    actions = fields.List(
        fields.String(validate=validate.OneOf(ACTIONS)),
        metadata={
            "description": "What the token's owner may do with it now, as its page offers "
            "it: link_duplicate and dismiss_duplicate only while duplicate_flags holds a flag; "
            "none for the national office, which acts on no request here."
        },
    )


class FilingInfo(Schema):
    ip_right = fields.String(required=True, validate=validate.OneOf(IP_RIGHTS))
    office = fields.String(required=True, validate=validate.OneOf(OFFICES))
    application_number = fields.String(required=True)
    filed_on = fields.Date(required=True)


class DuplicateFlag(Schema):
    id = fields.Integer(required=True, metadata={"description": "Send it as `flag`."})
    other_reference = fields.String(
        allow_none=True, metadata={"description": "Hidden when it is not yours to see."}
    )
    same_centre = fields.Boolean(required=True)


class RequestQuery(Strict):
    """The list's parameters. ``q``, ``after`` and ``limit`` are everyone's; each filter is
    for the roles its description names, and refused (400, naming it) for the others."""

    status = fields.String(
        validate=validate.OneOf(["open", "all", "questions", *STATUSES]),
        metadata={
            "description": "Staff and the national office (default: open for staff, all for "
            "the office); not inventors, who get all their requests."
        },
    )
    service = fields.String(
        validate=validate.OneOf(SERVICES),
        metadata={"description": "Staff and the national office."},
    )
    assignee = fields.String(
        validate=validate.OneOf(["any", "me", "unassigned"]),
        metadata={"description": "Staff only."},
    )
    centre = fields.String(
        validate=validate.Length(max=64),
        metadata={"description": "The national office only: a centre's slug (unknown: 400)."},
    )
    region = fields.String(
        validate=validate.Length(max=16),
        metadata={"description": "The national office only: a region code (unknown: 400)."},
    )
    overdue = fields.Boolean(
        metadata={"description": "Staff and the national office: true lists overdue ones only."}
    )
    q = fields.String(
        validate=validate.Length(max=200),
        metadata={
            "description": "Search, as on the pages: a reference (any role), or words of the "
            "title, keywords, field and IPC classes (staff and inventors; staff also the "
            "inventor's name and address). Words of one letter are left out; a text left "
            "with nothing to look for (`0`, `1 2`, punctuation) finds nothing."
        },
    )
    sort = fields.String(
        validate=validate.OneOf(["due", "age"]),
        metadata={"description": "Staff only: by due date (the default) or age."},
    )
    after = fields.String(validate=validate.Length(max=48), metadata={"description": "Cursor"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))


class FileInfo(Schema):
    id = fields.Integer(required=True)
    filename = fields.String(required=True)
    size = fields.Integer(required=True)
    url = fields.String(required=True)


class MovedDueDate(Schema):
    before = fields.AwareDateTime(required=True)
    after = fields.AwareDateTime(required=True)


class Event(Schema):
    action = fields.String(required=True)
    at = fields.AwareDateTime(required=True)
    from_status = fields.String(allow_none=True)
    to_status = fields.String(required=True)
    from_centre = fields.Nested(CentreSummary, allow_none=True)
    to_centre = fields.Nested(CentreSummary, allow_none=True)
    # Content: the inventor and the centre's staff only (internal notes: staff only).
    actor = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)
    text = fields.String()
    internal = fields.Boolean()
    files = fields.List(fields.Nested(FileInfo))
    due_at_moved = fields.Nested(
        MovedDueDate,
        metadata={"description": "A moved due date (move_due_date): the moments before and after."},
    )


class Submission(Strict):
    service = fields.String(required=True, validate=validate.OneOf(SERVICES))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    technical_field = fields.String(load_default="", validate=validate.Length(max=200))
    keywords = fields.String(load_default="", validate=validate.Length(max=500))
    ipc_classes = fields.String(load_default="", validate=validate.Length(max=500))
    region_code = fields.String(required=True, validate=validate.Length(max=16))
    preferred_language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    preferred_centre = fields.String(
        validate=validate.Length(max=64), metadata={"description": "A centre's slug."}
    )
    confidentiality_ack = fields.Boolean(required=True)
    requester_category = fields.String(
        validate=validate.OneOf(CATEGORIES),
        metadata={"description": "Needed once: on an inventor's first request."},
    )
    send_anyway = fields.Boolean(
        load_default=False,
        metadata={"description": "Submit even though a similar request of yours is open."},
    )
    files = Attachments()

    # What only the whole submission shows (:mod:`tisc.api.drafts`): refused when its
    # fields are all well formed, and named beside their problems when some are not
    # (handle_error also sees the first kind, and finds every problem named already).
    @ma.validates_schema
    def _as_a_whole(self, data, **kwargs):
        _refuse(drafts.submission_problems(data, set()), {})

    def handle_error(self, error: ma.ValidationError, data, **kwargs):
        messages = error.normalized_messages()
        _refuse(drafts.submission_problems(error.valid_data or {}, set(messages)), messages)


def _refuse(problems: list, messages: dict) -> None:
    """Raise the fields' ``messages`` with the ``problems`` added, if there are any of those."""
    if not problems:
        return
    merged = dict(messages)  # none of them a problem's field: those were left out
    for problem in problems:
        merged.setdefault(problem.field, []).append(explain(problem))
    raise ma.ValidationError(merged)


class ActionInput(Strict):
    text = fields.String(load_default="", validate=validate.Length(max=10000))
    assignee = fields.Integer(
        validate=validate.Range(min=1, max=LARGEST_ID),
        metadata={"description": "assign: a colleague's account id (GET /api/v1/me lists them)"},
    )
    centre = fields.String(
        validate=validate.Length(max=64), metadata={"description": "transfer: a centre's slug"}
    )
    outcome = fields.String(validate=validate.OneOf(OUTCOMES))
    summary = fields.String(load_default="", validate=validate.Length(max=10000))
    hours_spent = fields.Decimal(
        places=2,
        # The bounds are checked by the domain (workflow.MIN_HOURS, MAX_HOURS); documented
        # here by hand because apispec prints a Decimal range as strings.
        metadata={"minimum": float(MIN_HOURS), "maximum": float(MAX_HOURS)},
    )
    documents_cited = fields.Integer(validate=validate.Range(min=0, max=10000))
    ip_right = fields.String(
        validate=validate.OneOf(IP_RIGHTS), metadata={"description": "record_filing"}
    )
    office = fields.String(
        validate=validate.OneOf(OFFICES), metadata={"description": "record_filing"}
    )
    application_number = fields.String(load_default="", validate=validate.Length(max=40))
    filed_on = fields.Date(metadata={"description": "record_filing"})
    rating = fields.Integer(validate=validate.Range(min=1, max=5))
    flag = fields.Integer(
        validate=validate.Range(min=1, max=LARGEST_ID),
        metadata={"description": "link_duplicate, dismiss_duplicate"},
    )
    files = Attachments()


# --- the network and its figures --------------------------------------------------------------


class Region(Schema):
    code = fields.String(required=True)
    names = Trilingual(required=True)
    population = fields.Integer(required=True)
    admin_centre = fields.Nested(Location, required=True)


class StatusCount(Schema):
    status = fields.String(required=True)
    count = fields.Integer(required=True)


class Statistics(Schema):
    statuses = fields.List(fields.Nested(StatusCount), required=True)
    overdue = fields.Integer(required=True)
    overdue_more = fields.Boolean(required=True, metadata={"description": "Counted up to 999"})


class CoverageQuery(Strict):
    radius = fields.Integer(load_default=150, validate=validate.Range(min=10, max=1000))
    proposals = fields.Integer(load_default=3, validate=validate.Range(min=0, max=20))


class RegionCoverage(Schema):
    region = fields.String(required=True)
    nearest_centre = fields.String(allow_none=True)
    distance_km = fields.Float(allow_none=True)
    covered = fields.Boolean(required=True)
    requests_last_year = fields.Integer(
        required=True,
        metadata={"description": "Received in the dashboards' last 12 months: whole months "
                  "in the network's time zone, this one included."},
    )  # fmt: skip
    requests_per_100k = fields.Float(allow_none=True)
    centres = fields.Integer(required=True)
    open_per_centre = fields.Float(allow_none=True)


class Proposal(Schema):
    city = Trilingual(required=True)
    region = Trilingual(required=True)
    location = fields.Nested(Location, required=True)
    added_population = fields.Integer(required=True)
    share_after = fields.Float(required=True)


class Coverage(Schema):
    radius_km = fields.Integer(required=True)
    population = fields.Integer(required=True)
    covered_share = fields.Float(required=True)
    regions = fields.List(fields.Nested(RegionCoverage), required=True)
    proposals = fields.List(fields.Nested(Proposal), required=True)


class ServiceInfo(Schema):
    code = fields.String(required=True, validate=validate.OneOf(SERVICES))
    names = Trilingual(required=True, metadata={"description": "As the pages name it"})


def _names_of(codes: list[str], what: str):
    return fields.Dict(
        keys=fields.String(validate=validate.OneOf(codes)), values=Trilingual(), required=True,
        metadata={"description": f"Each {what} code, as the pages name it in kk, ru and en"},
    )  # fmt: skip


class Labels(Schema):
    """The names of the codes the API uses, so that a client need not copy them from pages."""

    services = _names_of(SERVICES, "service")
    statuses = _names_of(STATUSES, "status")
    outcomes = _names_of(OUTCOMES, "outcome")
    actions = _names_of([action.value for action in SPECS], "action (the timeline's included)")


class LanguageInfo(Schema):
    code = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    name = fields.String(required=True)


class FiguresQuery(Strict):
    period = fields.String(
        validate=validate.OneOf(list(PERIOD_KINDS)),
        metadata={"description": "this_year unless first or last is given: then custom"},
    )
    first = fields.String(
        validate=validate.Length(max=7), metadata={"description": "custom: YYYY-MM"}
    )
    last = fields.String(
        validate=validate.Length(max=7), metadata={"description": "custom: YYYY-MM"}
    )
    centre = fields.String(
        validate=validate.Length(max=64),
        metadata={"description": "A centre's slug (the national office; staff see their own)."},
    )
    service = fields.String(validate=validate.OneOf(SERVICES))
    region = fields.String(validate=validate.Length(max=16))
    category = fields.String(validate=validate.OneOf([*CATEGORIES, UNKNOWN_CATEGORY]))


class YearFigures(Schema):
    """What happened in a slice of the network over a period (WIPO's report: a year)."""

    received = fields.Integer(required=True)
    completed = fields.Integer(required=True, metadata={"description": "WIPO's served"})
    declined = fields.Integer(required=True)
    withdrawn = fields.Integer(required=True)
    no_answer = fields.Integer(required=True)
    duplicate = fields.Integer(required=True)
    on_time = fields.Integer(required=True)
    on_time_rate = fields.Float(allow_none=True)
    median_days = fields.Float(allow_none=True, metadata={"description": "Working days"})
    p90_days = fields.Integer(allow_none=True)
    rated = fields.Integer(required=True)
    mean_rating = fields.Float(allow_none=True)
    turnarounds = fields.Dict(
        keys=fields.String(), values=fields.Integer(),
        metadata={"description": "Working days → completed requests"},
    )  # fmt: skip
    outcomes = fields.Dict(keys=fields.String(), values=fields.Integer())
    filings = fields.Dict(keys=fields.String(), values=fields.Integer())


class Figures(YearFigures):
    """The figures of a slice of the network over a period (the dashboards'), and what of
    it stands open now."""

    open_now = fields.Integer(required=True, metadata={"description": "Now, whatever the period"})


class EventFigures(Schema):
    events = fields.Integer(required=True)
    participants = fields.Integer(required=True)
    staff_trained = fields.Integer(required=True)


class PeriodInfo(Schema):
    first = fields.String(required=True, metadata={"description": "YYYY-MM"})
    last = fields.String(required=True, metadata={"description": "YYYY-MM"})


class Breakdown(Schema):
    key = fields.String(required=True, metadata={"description": "A centre's slug, a code"})
    figures = fields.Nested(Figures, required=True)
    events = fields.Nested(
        EventFigures, metadata={"description": "A centre's training events; only centres hold them"}
    )
    overdue = fields.Integer(allow_none=True)


class MonthBreakdown(Schema):
    key = fields.String(required=True, metadata={"description": "YYYY-MM"})
    figures = fields.Nested(YearFigures, required=True)


class Dashboard(Schema):
    period = fields.Nested(PeriodInfo, required=True)
    previous = fields.Nested(PeriodInfo, required=True)
    total = fields.Nested(Figures, required=True)
    before = fields.Nested(Figures, required=True, metadata={"description": "The period before"})
    events = fields.Nested(EventFigures, required=True)
    events_before = fields.Nested(EventFigures, required=True)
    overdue = fields.Integer(required=True)
    overdue_more = fields.Boolean(required=True, metadata={"description": "Counted up to a cap"})
    centres = fields.List(fields.Nested(Breakdown), required=True)
    services = fields.List(fields.Nested(Breakdown), required=True)
    regions = fields.List(fields.Nested(Breakdown), required=True)
    months = fields.List(fields.Nested(MonthBreakdown), required=True)


class ReportQuery(Strict):
    # The report checks the years itself (figures.check_year); the document says its bounds,
    # the last one when the app starts (document_report_years).
    year = fields.Integer(
        required=True, validate=validate.Range(min=1, max=9999),
        metadata={"minimum": EARLIEST_YEAR, "description": f"From {EARLIEST_YEAR} to this year."},
    )  # fmt: skip


def document_report_years(last: int) -> None:
    """Say in the OpenAPI document that ``last`` (this year) is the last year of a report."""
    ReportQuery._declared_fields["year"].metadata["maximum"] = last


class YearBreakdown(Schema):
    key = fields.String(required=True, metadata={"description": "A service, category or region"})
    figures = fields.Nested(YearFigures, required=True)


class WipoReport(Schema):
    """The figures WIPO's annual TISC questionnaire asks of a national network."""

    year = fields.Integer(required=True)
    centres_active = fields.Integer(required=True, metadata={"description": (
        "TISCs active at the end of the year (for this year: now) that had joined by then: "
        "each centre's status then is read from its recorded changes of status, and a centre "
        "with no join date recorded counts from the day it was added to the app"
    )})  # fmt: skip
    centres_planned = fields.Integer(required=True, metadata={"description": (
        "TISCs planned at the end of the year (for this year: now) and on record by then"
    )})  # fmt: skip
    centres_without_join_date = fields.List(fields.String(), required=True, metadata={
        "description": "The TISCs, planned ones aside (their slugs), with no join date "
                       "recorded: each counts from the day it was added to the app, so a year "
                       "before that does not count it. Record their join dates to count them "
                       "where they belong."
    })  # fmt: skip
    total = fields.Nested(YearFigures, required=True)
    services = fields.List(fields.Nested(YearBreakdown), required=True)
    categories = fields.List(fields.Nested(YearBreakdown), required=True)
    regions = fields.List(fields.Nested(YearBreakdown), required=True)
    outcomes = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    filings = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    events = fields.Nested(EventFigures, required=True)
