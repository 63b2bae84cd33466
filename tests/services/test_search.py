"""Finding requests: by reference, words and people, within what each person may see,
with the database's own full-text index kept in step with every change."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tisc.extensions import db
from tisc.models import User
from tisc.services import accounts, queues, search

NOW = datetime.now(UTC)


@pytest.fixture
def people(make):
    return {
        "inventor": make.user("inventor", name="Әлия Нұрланқызы", email="aliya.n@tisc-test.kz"),
        "other_inventor": make.user("inventor", name="Бауыржан Серікұлы"),
        "staff": make.user("staff", centre="kbtu"),
        "other_staff": make.user("staff", centre="atyrau-university"),
        "coordinator": make.user("coordinator"),
    }


def found(app, who, text: str, status: str = "all") -> list[str]:
    """What ``who`` finds on their own list (desk, office or their requests)."""
    with app.app_context():
        user = db.session.get(User, who.id)
        filters = queues.Filters(status=status, text=text)
        if user.role == "staff":
            page = queues.desk_page(user, filters)
        elif user.role == "coordinator":
            page = queues.office_page(user, filters)
        else:
            page = queues.inventor_page(user, text=text)
        return sorted(row.reference for row in page.rows)


@pytest.fixture
def brick(make, people):
    return make.request(
        people["inventor"], title="Жылу сақтайтын кірпіш", keywords="керамика, thermal mass",
        technical_field="Құрылыс материалдары", ipc_classes="E04B 1/76; C04B 33/00",
        description="SECRET-WORDS of the invention: жасырын құрам",
    )  # fmt: skip


@pytest.fixture
def dryer(make, people):
    return make.request(people["other_inventor"], title="Солнечная сушилка для абрикосов")


@pytest.mark.parametrize(
    "text",
    ["кірпіш", "КІРПІШ", "кірп", "Жылу кірпіш", "керамика", "thermal", "Thermal MASS",
     "құрылыс", "E04B", "e04b 1/76", "C04B"],
)  # fmt: skip
def test_staff_find_by_words_of_the_title_keywords_field_and_ipc(ctx, people, brick, dryer, text):
    assert found(ctx, people["staff"], text) == [brick]


def test_staff_find_by_the_inventor_s_name_or_address(ctx, people, brick, dryer):
    assert found(ctx, people["staff"], "Нұрланқызы") == [brick]
    assert found(ctx, people["staff"], "әлия") == [brick]
    assert found(ctx, people["staff"], "aliya.n@tisc-test.kz") == [brick]
    assert found(ctx, people["staff"], "aliya") == [brick]
    assert found(ctx, people["staff"], "Серікұлы") == [dryer]


@pytest.mark.parametrize(
    ("title", "text"),
    [("Қарағанды көмірі", "Караганды комир"), ("Караганды комир", "ҚАРАҒАНДЫ КӨМІР"),
     ("Ёлочная гирлянда", "елочная"), ("Елочная гирлянда", "ЁЛОЧ"),
     ("ӘҒҚҢӨҰҮҺІЁ әғқңөұүһіё", "агкноуухие"), ("агкноуухие", "әғқңөұүһіё")],
)  # fmt: skip
def test_kazakh_letters_and_yo_are_found_as_people_type_them(ctx, make, people, title, text):
    """ё is found as е, and a Kazakh letter as the Russian one a Russian keyboard has."""
    reference = make.request(people["inventor"], title=title)
    assert found(ctx, people["staff"], text) == [reference]
    assert found(ctx, people["inventor"], text) == [reference]


def test_an_inventor_s_name_is_found_folded_too(ctx, people, brick):
    assert found(ctx, people["staff"], "Алия Нурланкызы") == [brick]


def test_words_must_all_match(ctx, people, brick, dryer):
    assert found(ctx, people["staff"], "кірпіш сушилка") == []
    assert found(ctx, people["staff"], "сушилка абрикос") == [dryer]


def test_descriptions_are_never_searched(ctx, people, brick):
    assert found(ctx, people["staff"], "SECRET-WORDS") == []
    assert found(ctx, people["staff"], "жасырын") == []


def test_a_reference_is_found_exactly_with_or_without_its_prefix(ctx, people, brick, dryer):
    year, number = brick.split("-")[1], int(brick.split("-")[2])
    for text in (brick, brick.lower(), f"{year}-{number}", f"{year}-{number:05d}", str(number)):
        assert found(ctx, people["staff"], text) == [brick], text


def test_staff_find_only_their_centre_s_requests(ctx, make, people, brick):
    assert found(ctx, people["other_staff"], "кірпіш") == []
    assert found(ctx, people["other_staff"], brick) == []
    # A transfer moves the request into the other centre's search, out of the first's.
    make.act(people["staff"], brick, "transfer",
             centre_id=make.centre_id("atyrau-university"), text="Мамандар сонда.")  # fmt: skip
    assert found(ctx, people["other_staff"], "кірпіш") == [brick]
    assert found(ctx, people["staff"], "кірпіш") == []


def test_an_inventor_finds_their_own_requests_by_words_not_by_people(ctx, people, brick, dryer):
    assert found(ctx, people["inventor"], "кірпіш") == [brick]
    assert found(ctx, people["inventor"], brick) == [brick]
    assert found(ctx, people["inventor"], "сушилка") == []  # someone else's
    assert found(ctx, people["inventor"], dryer) == []
    assert found(ctx, people["inventor"], "Нұрланқызы") == []  # people: staff only


def test_the_national_office_finds_by_reference_only(ctx, people, brick, dryer):
    assert found(ctx, people["coordinator"], brick) == [brick]
    assert found(ctx, people["coordinator"], "кірпіш") == []
    assert found(ctx, people["coordinator"], "E04B") == []  # IPC tells what it is about
    assert found(ctx, people["coordinator"], "Нұрланқызы") == []


def test_the_search_keeps_the_list_s_filters(ctx, make, people, brick):
    make.act(people["staff"], brick, "decline", text="Біздің бейін емес.")
    assert found(ctx, people["staff"], "кірпіш", status="open") == []
    assert found(ctx, people["staff"], "кірпіш", status="declined") == [brick]


def test_a_new_name_or_address_is_searchable_at_once(ctx, make, people, brick):
    with ctx.app_context():
        user = db.session.get(User, people["inventor"].id)
        accounts.update_profile(user, "Әлия Жаңаева", None)
    assert found(ctx, people["staff"], "Жаңаева") == [brick]
    assert found(ctx, people["staff"], "Нұрланқызы") == []


def test_nothing_typed_as_search_syntax_breaks_the_search(ctx, people, brick):
    for text in ['"', "кірпіш*", "NEAR(a b)", "a OR b", "'; DROP TABLE x; --", "col:x", "(", "^"]:
        found(ctx, people["staff"], text)  # no error
    assert found(ctx, people["staff"], "кірпіш)") == [brick]


def test_an_empty_search_is_no_filter(ctx, people, brick, dryer):
    assert found(ctx, people["staff"], "") == [brick, dryer]
    assert found(ctx, people["staff"], "   ") == [brick, dryer]
    assert found(ctx, people["staff"], "\u200b\u2060") == [brick, dryer]  # invisible only


@pytest.mark.parametrize("text", ["—", "0", "1 2", "к", "TISC-2026-0", "１"])
def test_a_search_for_nothing_it_can_find_finds_nothing(ctx, people, brick, dryer, text):
    """Not the whole list, shown as if it matched: one letter, a lone 0 or punctuation."""
    assert found(ctx, people["staff"], text) == []


def test_the_header_s_reference_finds_what_each_person_may_open(ctx, people, brick):
    with ctx.app_context():
        for who, expected in [("staff", [brick]), ("other_staff", []), ("coordinator", [brick]),
                              ("inventor", [brick]), ("other_inventor", [])]:  # fmt: skip
            user = db.session.get(User, people[who].id)
            assert search.references_found(user, brick, NOW) == expected, who
            assert search.references_found(user, "кірпіш", NOW) == [], who


def test_a_search_considers_the_newest_matches_of_a_rare_word_and_says_so(
    ctx, make, people, monkeypatch
):
    """SQLite always reads the newest matches; PostgreSQL does for a rare word (one its
    statistics do not list as common; the shared test database's may, so none are read)."""
    monkeypatch.setattr(search, "NEWEST", 2)
    monkeypatch.setattr(search, "_common_elements", dict)
    references = [make.request(people["inventor"], title=f"Кірпіш {n}") for n in range(3)]
    with ctx.app_context():
        staff = db.session.get(User, people["staff"].id)
        page = queues.desk_page(staff, queues.Filters(status="all", text="кірпіш"))
        assert page.capped
        assert sorted(row.reference for row in page.rows) == references[1:]


def test_common_words_are_named_to_postgresql_s_planner(ctx, make, people, monkeypatch):
    """With statistics that call a word common, the same requests are found (the query
    names the word's common completions beside its prefix) and none is left out."""
    references = [make.request(people["inventor"], title=f"Кірпіштер {n}") for n in range(3)]
    monkeypatch.setattr(search, "_common_elements", lambda: {"кірпіштер": 0.5})
    with ctx.app_context():
        staff = db.session.get(User, people["staff"].id)
        page = queues.desk_page(staff, queues.Filters(status="all", text="кірпіш"))
        assert not page.capped or db.engine.dialect.name == "sqlite"
        assert sorted(row.reference for row in page.rows) == references


def test_existing_requests_are_folded_by_the_migration(ctx, people, brick):
    """Downgrading writes the documents unfolded again; upgrading folds them."""
    from flask_migrate import downgrade, upgrade

    with ctx.app_context():
        downgrade(revision="4c8e1f7a2b95-1")
        try:
            assert found(ctx, people["staff"], "кирпиш") == []
            assert found(ctx, people["staff"], "нурланкызы") == []
        finally:
            upgrade()
    assert found(ctx, people["staff"], "кирпиш") == [brick]
    assert found(ctx, people["staff"], "кірпіш") == [brick]
    assert found(ctx, people["staff"], "нурланкызы") == [brick]


def test_existing_requests_are_indexed_by_the_migration(ctx, people, brick):
    """Downgrading drops the index; upgrading builds it again from the rows there."""
    from flask_migrate import downgrade, upgrade

    with ctx.app_context():
        downgrade(revision="b7d2c4e91a0f-1")  # just before the search migration
        try:
            tables = sa.inspect(db.engine).get_table_names()
            assert "request_search" not in tables
        finally:
            upgrade()
    assert found(ctx, people["staff"], "кірпіш") == [brick]
