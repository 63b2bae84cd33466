"""The vocabulary of the network: roles, services, outcomes, languages.

Labels are marked with ``N_`` so that Babel extracts them; the web layer
translates them when it shows them.
"""

from enum import StrEnum


def N_(text: str) -> str:
    """Mark a string for extraction without translating it here."""
    return text


def NP_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural pair for extraction; translated with ``ngettext`` later."""
    return singular, plural


class Role(StrEnum):
    INVENTOR = "inventor"
    STAFF = "staff"
    COORDINATOR = "coordinator"


ROLE_LABELS: dict[Role, str] = {
    Role.INVENTOR: N_("Inventor"),
    Role.STAFF: N_("Centre staff"),
    Role.COORDINATOR: N_("Coordinator"),
}


class Service(StrEnum):
    """The WIPO TISC service catalogue."""

    DATABASE_ACCESS = "database_access"
    PRIOR_ART_SEARCH = "prior_art_search"
    PATENTABILITY = "patentability"
    FREEDOM_TO_OPERATE = "freedom_to_operate"
    PATENT_LANDSCAPE = "patent_landscape"
    TECHNOLOGY_WATCH = "technology_watch"
    IP_CONSULTATION = "ip_consultation"
    TECHNOLOGY_TRANSFER = "technology_transfer"
    TRAINING = "training"


SERVICE_LABELS: dict[Service, str] = {
    Service.DATABASE_ACCESS: N_("Access to patent databases"),
    Service.PRIOR_ART_SEARCH: N_("Prior-art search"),
    Service.PATENTABILITY: N_("Patentability assessment"),
    Service.FREEDOM_TO_OPERATE: N_("Freedom-to-operate search"),
    Service.PATENT_LANDSCAPE: N_("Patent landscape report"),
    Service.TECHNOLOGY_WATCH: N_("Technology watch"),
    Service.IP_CONSULTATION: N_("IP consultation"),
    Service.TECHNOLOGY_TRANSFER: N_("Technology transfer and licensing"),
    Service.TRAINING: N_("Patent search and IP training"),
}

SERVICE_DESCRIPTIONS: dict[Service, str] = {
    Service.DATABASE_ACCESS: N_("Help using patent and non-patent literature databases."),
    Service.PRIOR_ART_SEARCH: N_("A novelty and state-of-the-art search for your invention."),
    Service.PATENTABILITY: N_("Support in judging whether an invention can be patented."),
    Service.FREEDOM_TO_OPERATE: N_("A search for patents your product might infringe."),
    Service.PATENT_LANDSCAPE: N_("A report on the patents of a whole technology field."),
    Service.TECHNOLOGY_WATCH: N_("Monitoring of new technologies and competitors."),
    Service.IP_CONSULTATION: N_("Basic IP law, filing procedures and IP strategy."),
    Service.TECHNOLOGY_TRANSFER: N_("Licensing, commercialisation and valuation."),
    Service.TRAINING: N_("Training in database searching and intellectual property."),
}

# Target turnaround in working days; configuration may override any of them.
DEFAULT_TARGET_DAYS: dict[Service, int] = {
    Service.DATABASE_ACCESS: 5,
    Service.PRIOR_ART_SEARCH: 15,
    Service.PATENTABILITY: 20,
    Service.FREEDOM_TO_OPERATE: 30,
    Service.PATENT_LANDSCAPE: 45,
    Service.TECHNOLOGY_WATCH: 20,
    Service.IP_CONSULTATION: 5,
    Service.TECHNOLOGY_TRANSFER: 20,
    Service.TRAINING: 10,
}


class Outcome(StrEnum):
    """Outcome codes: they feed the figures WIPO asks of every TISC network."""

    REPORT_DELIVERED = "report_delivered"
    PRIOR_ART_FOUND = "prior_art_found"
    NO_RELEVANT_ART = "no_relevant_art"
    ADVICE_GIVEN = "advice_given"
    REFERRED_TO_ATTORNEY = "referred_to_attorney"
    APPLICATION_FILED = "application_filed"
    TRAINING_DELIVERED = "training_delivered"


OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.REPORT_DELIVERED: N_("Report delivered"),
    Outcome.PRIOR_ART_FOUND: N_("Relevant prior art found"),
    Outcome.NO_RELEVANT_ART: N_("No relevant prior art found"),
    Outcome.ADVICE_GIVEN: N_("Advice given"),
    Outcome.REFERRED_TO_ATTORNEY: N_("Referred to a patent attorney"),
    Outcome.APPLICATION_FILED: N_("Patent application filed"),
    Outcome.TRAINING_DELIVERED: N_("Training delivered"),
}


class Language(StrEnum):
    KAZAKH = "kk"
    RUSSIAN = "ru"
    ENGLISH = "en"


# Each language named in the reader's language, inside a sentence.
LANGUAGE_LABELS: dict[Language, str] = {
    Language.KAZAKH: N_("Kazakh"),
    Language.RUSSIAN: N_("Russian"),
    Language.ENGLISH: N_("English"),
}

# Each language named in itself, as a language switcher shows it.
LANGUAGE_NAMES: dict[Language, str] = {
    Language.KAZAKH: "Қазақша",
    Language.RUSSIAN: "Русский",
    Language.ENGLISH: "English",
}


class CentreKind(StrEnum):
    TISC = "tisc"
    COORDINATOR = "coordinator"


class CentreStatus(StrEnum):
    ACTIVE = "active"
    PLANNED = "planned"
    SUSPENDED = "suspended"


CENTRE_STATUS_LABELS: dict[CentreStatus, str] = {
    CentreStatus.ACTIVE: N_("Active"),
    CentreStatus.PLANNED: N_("Planned"),
    CentreStatus.SUSPENDED: N_("Suspended"),
}


def is_active_tisc(kind: CentreKind, status: CentreStatus) -> bool:
    """An active centre of the network: it takes requests (the coordinating office does not)."""
    return kind is CentreKind.TISC and status is CentreStatus.ACTIVE


def is_listed_tisc(kind: CentreKind, status: CentreStatus) -> bool:
    """A centre the public sees: active, or planned; never a suspended one."""
    return kind is CentreKind.TISC and status in (CentreStatus.ACTIVE, CentreStatus.PLANNED)


def is_always_active(kind: CentreKind) -> bool:
    """The coordinating office is never planned or suspended: it takes no requests, and its
    people's access does not hang on its status, so either would only mislead."""
    return kind is CentreKind.COORDINATOR


def admits_staff(kind: CentreKind, status: CentreStatus) -> bool:
    """A centre new staff may join: an active TISC, or a planned one, whose staff set up its
    profile before it opens; never a suspended one (nothing is routed to it), nor the
    coordinating office (its people are coordinators). The same centres the public sees,
    today; two names, as the two rules need not stay the same."""
    return is_listed_tisc(kind, status)


class RequesterCategory(StrEnum):
    """Who asks: asked at registration, kept on each request as it was when submitted."""

    INDIVIDUAL_INVENTOR = "individual_inventor"
    STARTUP_SME = "startup_sme"
    LARGE_COMPANY = "large_company"
    UNIVERSITY = "university"
    STUDENT = "student"
    PUBLIC_BODY = "public_body"
    OTHER = "other"


REQUESTER_CATEGORY_LABELS: dict[RequesterCategory, str] = {
    RequesterCategory.INDIVIDUAL_INVENTOR: N_("Individual inventor"),
    RequesterCategory.STARTUP_SME: N_("Start-up or SME"),
    RequesterCategory.LARGE_COMPANY: N_("Large company"),
    RequesterCategory.UNIVERSITY: N_("University or research institute"),
    RequesterCategory.STUDENT: N_("Student"),
    RequesterCategory.PUBLIC_BODY: N_("Public body"),
    RequesterCategory.OTHER: N_("Other"),
}


class IpRight(StrEnum):
    PATENT = "patent"
    UTILITY_MODEL = "utility_model"
    INDUSTRIAL_DESIGN = "industrial_design"
    TRADEMARK = "trademark"


IP_RIGHT_LABELS: dict[IpRight, str] = {
    IpRight.PATENT: N_("Patent"),
    IpRight.UTILITY_MODEL: N_("Utility model"),
    IpRight.INDUSTRIAL_DESIGN: N_("Industrial design"),
    IpRight.TRADEMARK: N_("Trademark"),
}


class PatentOffice(StrEnum):
    KAZPATENT = "kazpatent"
    EAPO = "eapo"
    PCT = "pct"
    OTHER = "other"


PATENT_OFFICE_LABELS: dict[PatentOffice, str] = {
    PatentOffice.KAZPATENT: N_("Kazakhstan (NIIP)"),  # the national office, once Kazpatent
    PatentOffice.EAPO: N_("Eurasian Patent Office (EAPO)"),
    PatentOffice.PCT: N_("International application (PCT)"),
    PatentOffice.OTHER: N_("Another office"),
}


class EventFormat(StrEnum):
    SEMINAR = "seminar"
    WORKSHOP = "workshop"
    WEBINAR = "webinar"
    CONSULTATION_DAY = "consultation_day"


EVENT_FORMAT_LABELS: dict[EventFormat, str] = {
    EventFormat.SEMINAR: N_("Seminar"),
    EventFormat.WORKSHOP: N_("Workshop"),
    EventFormat.WEBINAR: N_("Webinar"),
    EventFormat.CONSULTATION_DAY: N_("Consultation day"),
}


class EventAudience(StrEnum):
    PUBLIC = "public"
    BUSINESSES = "businesses"
    RESEARCHERS = "researchers"
    STUDENTS = "students"
    TISC_STAFF = "tisc_staff"  # their participants count as "staff trained" for WIPO


EVENT_AUDIENCE_LABELS: dict[EventAudience, str] = {
    EventAudience.PUBLIC: N_("Inventors and the public"),
    EventAudience.BUSINESSES: N_("Businesses and start-ups"),
    EventAudience.RESEARCHERS: N_("Researchers and academics"),
    EventAudience.STUDENTS: N_("Students"),
    EventAudience.TISC_STAFF: N_("TISC staff"),
}
