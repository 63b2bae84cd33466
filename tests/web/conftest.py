import pytest

from tests.factories import PDF, Person, login
from tisc.services.files import Upload


class World:
    """Every kind of person, and a request of the inventor's at KBTU with a file."""

    def __init__(self, make):
        self.make = make
        self.people: dict[str, Person | None] = {
            "anonymous": None,
            "inventor": make.user("inventor", name="Әлия Нұрланқызы"),
            "other_inventor": make.user("inventor"),
            "staff": make.user("staff", centre="kbtu"),
            "other_staff": make.user("staff", centre="atyrau-university"),
            "coordinator": make.user("coordinator"),
        }
        self.reference = make.request(
            self.people["inventor"], title="Жылу сақтайтын кірпіш",
            description="SECRET-DESCRIPTION ә ғ қ ң ө ұ ү һ і",
            files=[Upload("сызба.pdf", PDF)],
        )  # fmt: skip
        self.file_id = 1
        with make.app.app_context():
            from tisc.extensions import db
            from tisc.models import User
            from tisc.services import replies

            staff = db.session.get(User, self.people["staff"].id)
            draft = replies.ReplyDraft(
                "Сұрақ туралы", text_kk="Құрметті {name}!", text_ru="Уважаемый {name}!"
            )
            self.reply_id = replies.create(staff, draft).id


@pytest.fixture
def world(make):
    world = World(make)
    with make.app.app_context():
        from tisc.extensions import db

        world.file_id = db.session.scalar(db.text("SELECT min(id) FROM request_files"))
    return world


@pytest.fixture
def as_(client, world):
    """``as_("staff")``: the test client signed in as that person (or anonymous)."""

    def sign_in(who: str):
        person = world.people[who]
        if person is not None:
            login(client, person)
        return client

    return sign_in
