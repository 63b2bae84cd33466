"""The names of the API's codes in the three languages, as the pages give them, so that a
client need not copy them out of the pages."""

import pytest
from babel.support import Translations
from flask_babel import get_domain

from tisc.domain.catalogue import OUTCOME_LABELS, SERVICE_LABELS, Language, Service
from tisc.domain.workflow import SPECS, STATUS_LABELS
from tisc.formatting import labels_apart

TRANSLATIONS = "tisc/translations"
TABLES = {
    "services": SERVICE_LABELS,
    "statuses": STATUS_LABELS,
    "outcomes": OUTCOME_LABELS,
    "actions": {action: spec.label for action, spec in SPECS.items()},
}


def in_language(language: str, english: str) -> str:
    return Translations.load(TRANSLATIONS, [language]).gettext(english)


@pytest.mark.parametrize("kind", list(TABLES))
def test_every_code_is_named_as_the_pages_name_it(client, kind):
    named = client.get("/api/v1/labels").get_json()[kind]
    table = TABLES[kind]
    assert set(named) == {code.value for code in table}
    for code, english in table.items():
        assert named[code.value] == {
            lang.value: in_language(lang.value, english) for lang in Language
        }
        assert named[code.value]["kk"] != english  # translated, whatever the reader's language


def test_a_service_carries_its_names(client):
    services = client.get("/api/v1/services", headers={"Accept-Language": "ru"}).get_json()
    assert [s["code"] for s in services] == [code.value for code in SERVICE_LABELS]
    training = next(s for s in services if s["code"] == "training")
    assert training["names"]["en"] == SERVICE_LABELS[Service.TRAINING]
    assert training["names"]["kk"] == in_language("kk", training["names"]["en"])


def test_the_document_describes_the_labels(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/labels" in document["paths"]
    labels = document["components"]["schemas"]["Labels"]
    assert set(labels["required"]) == set(TABLES)
    assert "names" in document["components"]["schemas"]["ServiceInfo"]["required"]


def test_naming_every_code_keeps_no_catalogue_of_another_language(client):
    """The names in kk, ru and en are read once per process from the catalogues, which a
    worker then does not keep (0.5-0.7 MB each) unless its pages are in that language."""
    labels_apart.cache_clear()
    with client.application.test_request_context():
        get_domain().cache.clear()
    for path in ("/api/v1/labels", "/api/v1/services"):
        answer = client.get(path, headers={"Accept-Language": "ru"})
        assert answer.status_code == 200
    assert client.get("/api/v1/labels").get_json()["services"]["training"]["kk"] == in_language(
        "kk", SERVICE_LABELS[Service.TRAINING]
    )
    with client.application.test_request_context():
        assert {language for language, _domain in get_domain().cache} <= {"ru"}
