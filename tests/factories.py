"""Making users, centres and requests through the real use cases.

Everything returns plain values (ids, e-mails, references), never ORM
objects, so that tests never lean on a session the app has closed.
"""

import itertools
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from tisc.domain.catalogue import RequesterCategory, Role
from tisc.domain.policy import Policy
from tisc.domain.workflow import Action
from tisc.extensions import db
from tisc.models import Centre, ServiceRequest, User
from tisc.services import accounts, requests
from tisc.services.files import Upload


def today_in_kazakhstan() -> date:
    """The day people there are living: the dates they type (a filing, an event) are days
    in the network's zone, which from midnight in Almaty until 05:00 UTC is UTC's tomorrow."""
    return datetime.now(Policy().calendar.tz).date()


PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)

# Minimal valid files of each accepted type.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17


@dataclass(frozen=True)
class Person:
    id: int
    email: str
    role: Role
    centre_id: int | None
    name: str
    password: str = PASSWORD


class Factory:
    def __init__(self, app):
        self.app = app

    @property
    def policy(self):
        return self.app.extensions["tisc.policy"]

    def centre_id(self, slug: str) -> int:
        with self.app.app_context():
            return db.session.scalar(sa.select(Centre.id).where(Centre.slug == slug))

    def user(self, role: str = "inventor", centre: str | None = None, name: str | None = None,
             email: str | None = None, locale: str | None = None,
             category: str | None = "individual_inventor") -> Person:  # fmt: skip
        role = Role(role)
        if role is Role.STAFF and centre is None:
            centre = "kbtu"
        number = next(_numbers)
        with self.app.app_context():
            user = accounts.create_user(
                name or f"{role.value.title()} {number}",
                email or f"{role.value}{number}@tisc-test.kz",
                role,
                self.policy.password_hash_method,
                centre_slug=centre,
                password=PASSWORD,
                locale=locale,
            )
            if role is Role.INVENTOR and category:
                user.requester_category = RequesterCategory(category)
                db.session.commit()
            return self._person(user)

    def centre(self, slug: str, *, name: str | None = None, city: str = "Almaty",
               status: str = "active", services=("prior_art_search",), languages=("kk", "ru"),
               lat: float | None = None, lon: float | None = None, joined_on=None,
               **names) -> int:  # fmt: skip
        """A TISC in ``city`` (at the city's point unless given); its id."""
        from tisc.models import City
        from tisc.services import centres

        with self.app.app_context():
            where = db.session.scalar(sa.select(City).where(City.name_en == city))
            details = centres.CentreDetails(
                slug=slug,
                name_kk=names.get("name_kk", name or slug),
                name_ru=names.get("name_ru", name or slug),
                name_en=names.get("name_en", name or slug),
                city_id=where.id,
                lat=where.lat if lat is None else lat,
                lon=where.lon if lon is None else lon,
                status=status,
                services=list(services),
                languages=list(languages),
                host_institution_en=names.get("host_institution", ""),
                joined_on=joined_on,
            )
            return centres.create_centre(details).id

    def person(self, user_id: int) -> Person:
        with self.app.app_context():
            return self._person(db.session.get(User, user_id))

    def _person(self, user: User) -> Person:
        return Person(user.id, user.email, user.role, user.centre_id, user.name)

    def request(self, inventor: Person, service: str = "prior_art_search",
                region: str = "KZ-75", centre: str | None = None, title: str | None = None,
                description: str = "A confidential invention: a self-heating brick.",
                files: list[Upload] | None = None, **fields) -> str:  # fmt: skip
        """Submit a request; the reference. KZ-75 (Almaty) routes to KBTU."""
        with self.app.app_context():
            draft = requests.Draft(
                service=service,
                title=title or f"Request {next(_numbers)}",
                description=description,
                region_code=region,
                preferred_language="kk",
                confidentiality_ack=True,
                preferred_centre_id=self.centre_id(centre) if centre else None,
                files=files or [],
                **{"send_anyway": True} | fields,  # like ones are flagged, as the tests make them
            )
            return requests.submit(self._user(inventor), draft, self.policy).reference

    def act(self, person: Person, reference: str, action: str, **given) -> None:
        with self.app.app_context():
            requests.perform(
                self._user(person), reference, Action(action),
                requests.ActionInput(**given), self.policy,
            )  # fmt: skip

    def request_in(self, status: str, inventor: Person, staff: Person, **submit) -> str:
        """A request brought to ``status`` the way people would."""
        reference = self.request(inventor, **submit)
        paths = {
            "submitted": [],
            "assigned": [("assign", staff, {"assignee_id": staff.id})],
            "in_progress": [("assign", staff, {"assignee_id": staff.id}), ("start", staff, {})],
        }
        paths["awaiting_inventor"] = paths["in_progress"] + [
            ("ask", staff, {"text": "Which markets?"})
        ]
        paths["completed"] = paths["in_progress"] + [("complete", staff, COMPLETION)]
        paths["declined"] = [("decline", staff, {"text": "Out of scope."})]
        paths["withdrawn"] = [("withdraw", inventor, {})]
        for action, person, given in paths[status]:
            self.act(person, reference, action, **given)
        return reference

    def row(self, reference: str) -> dict:
        """The request's columns, read fresh."""
        with self.app.app_context():
            service_request = db.session.scalar(
                sa.select(ServiceRequest).where(ServiceRequest.reference == reference)
            )
            return {
                c.key: getattr(service_request, c.key) for c in sa.inspect(ServiceRequest).columns
            }

    def _user(self, person: Person) -> User:
        return db.session.get(User, person.id)


COMPLETION = {
    "outcome": "prior_art_found",
    "summary": "Three relevant patents found; see the report.",
    "hours_spent": "6.5",
    "documents_cited": 3,
}


def login(client, person: Person) -> None:
    """Sign ``person`` in on the test client: a session of its own, as signing in makes."""
    from tisc.services import sessions

    with client.application.app_context():
        token = sessions.start(db.session.get(User, person.id), remember=False)
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
