import pytest

from tests.conftest import settings_for
from tisc import create_app
from tisc.extensions import db


@pytest.fixture
def worker_app(clean, database):
    """The app as deployed with a worker: web processes leave the mail to it."""
    app = create_app(
        settings_for(database) | {"TISC_WORKER": True, "MAIL_SERVER": "smtp.tisc-test.kz"}
    )
    yield app
    with app.app_context():
        db.engine.dispose()
