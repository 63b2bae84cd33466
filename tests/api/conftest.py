import pytest

from tests.web.conftest import World
from tisc.extensions import db
from tisc.models import User
from tisc.services import tokens


class ApiWorld(World):
    """The pages' world, each person with a read-and-write token and a read-only one."""

    def __init__(self, make):
        super().__init__(make)
        with make.app.app_context():
            self.file_id = db.session.scalar(db.text("SELECT min(id) FROM request_files"))
            self.tokens, self.readers = {}, {}
            for who, person in self.people.items():
                if person is None:
                    continue
                user = db.session.get(User, person.id)
                self.tokens[who] = tokens.create(user, f"{who} write", "write", 30)[1]
                self.readers[who] = tokens.create(user, f"{who} read", "read", 30)[1]


@pytest.fixture
def bearer(make):
    """``bearer(person)``: headers carrying a new token of ``person`` (read and write)."""

    def headers(person, scope="write") -> dict:
        with make.app.app_context():
            secret = tokens.create(db.session.get(User, person.id), "t", scope, 30)[1]
        return {"Authorization": f"Bearer {secret}"}

    return headers


@pytest.fixture
def api_world(make):
    return ApiWorld(make)


@pytest.fixture
def call(client, api_world):
    """``call("staff", "GET", "/api/v1/…", **kwargs)``: a request with that person's token."""

    def send(who: str, method: str, path: str, *, read_only: bool = False, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if who != "anonymous":
            secret = (api_world.readers if read_only else api_world.tokens)[who]
            headers["Authorization"] = f"Bearer {secret}"
        return client.open(path, method=method, headers=headers, **kwargs)

    return send
