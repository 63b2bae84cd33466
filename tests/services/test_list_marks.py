"""The lists' marks, read in one statement over a page's rows: which requests changed
since the reader last opened them (desk and inventor's list), which carry an open
duplicate flag (desk)."""

import pytest
import sqlalchemy as sa

from tisc.extensions import db
from tisc.models import ServiceRequest, User
from tisc.services import duplicates, queues, reads

FIRST = "Жылу сақтайтын кірпіш"
AGAIN = "Кірпіштің жылу сақтауы"  # the same invention, worded again (flagged)


@pytest.fixture
def people(make):
    return {
        "inventor": make.user("inventor"),
        "other_inventor": make.user("inventor"),
        "kbtu": make.user("staff", centre="kbtu"),
        "colleague": make.user("staff", centre="kbtu"),
    }


def user(person) -> User:
    db.session.rollback()  # end this session's read, to see what the use cases committed
    return db.session.get(User, person.id)


def id_of(reference: str) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(ServiceRequest.id).filter_by(reference=reference))


def desk(person, **kwargs) -> queues.Page:
    return queues.desk_page(user(person), queues.Filters(sort="age"), marked=True, **kwargs)


def test_the_desk_marks_both_sides_of_an_open_flag_until_it_is_decided(make, ctx, people):
    first = make.request(people["inventor"], title=FIRST)
    again = make.request(people["inventor"], title=AGAIN)
    make.request(people["other_inventor"], title="Тамшылатып суару жүйесі")
    page = desk(people["kbtu"])
    assert len(page.rows) == 3
    assert page.flagged == {id_of(first), id_of(again)}
    (flag,) = duplicates.flags_for(user(people["kbtu"]).actor, db.session.get(
        ServiceRequest, id_of(first)))  # fmt: skip
    make.act(people["kbtu"], first, "dismiss_duplicate", flag_id=flag.id, text="Other alloy.")
    assert desk(people["kbtu"]).flagged == set()


def test_a_flag_whose_other_request_closed_marks_nothing_as_its_page_shows_none(make, ctx, people):
    """The page offers no decision on a flag with a closed request, so the desk's badge
    would stay for good."""
    first = make.request(people["inventor"], title=FIRST)
    again = make.request(people["inventor"], title=AGAIN)
    assert desk(people["kbtu"]).flagged == {id_of(first), id_of(again)}
    make.act(people["kbtu"], first, "decline", text="Out of scope.")
    assert desk(people["kbtu"]).flagged == set()
    everything = queues.desk_page(user(people["kbtu"]), queues.Filters(sort="age", status="all"),
                                  marked=True)  # fmt: skip
    assert {row.id for row in everything.rows} >= {id_of(first), id_of(again)}
    assert everything.flagged == set()  # the declined one too: its page shows no flag
    kbtu = user(people["kbtu"]).actor
    assert duplicates.flags_for(kbtu, db.session.get(ServiceRequest, id_of(again))) == []
    make.act(people["kbtu"], first, "reopen", text="Declined by mistake.")
    assert desk(people["kbtu"]).flagged == {id_of(first), id_of(again)}  # open again: asked again


def test_the_desk_marks_what_changed_for_its_reader_only(make, ctx, people):
    staff, inventor = people["kbtu"], people["inventor"]
    reference = make.request(inventor)
    quiet = make.request(inventor, title="Тамшылатып суару жүйесі")
    make.act(staff, reference, "assign", assignee_id=staff.id)
    make.act(staff, quiet, "assign", assignee_id=staff.id)
    reads.mark_seen(staff.id, id_of(reference))
    reads.mark_seen(staff.id, id_of(quiet))
    assert desk(staff).changed == set()
    make.act(inventor, reference, "message", text="A question")
    assert desk(staff).changed == {id_of(reference)}
    assert desk(people["colleague"]).changed == set()  # not the colleague's to follow
    reads.mark_seen(staff.id, id_of(reference))
    assert desk(staff).changed == set()


def test_marks_are_read_only_when_asked_for(make, ctx, people):
    make.request(people["inventor"], title=FIRST)
    make.request(people["inventor"], title=AGAIN)
    page = queues.desk_page(user(people["kbtu"]), queues.Filters())
    assert len(page.rows) == 2 and page.flagged == set() == page.changed


OTHER_TITLES = ["Тамшылатып суару жүйесі", "Күн панелінің тазалағышы", "Сүт сепараторы",
                "Жел турбинасының қалағы", "Астық кептіргіш", "Су сүзгісінің картриджі",
                "Балалар орындығы"]  # fmt: skip


def test_marks_follow_their_rows_from_page_to_page(make, ctx, people):
    inventor = people["inventor"]
    for title in OTHER_TITLES[:3]:
        make.request(inventor, title=title)
    flagged = {id_of(make.request(inventor, title=title)) for title in (FIRST, AGAIN)}
    for title in OTHER_TITLES[3:]:
        make.request(inventor, title=title)
    pages = [desk(people["kbtu"], size=4)]
    while pages[-1].next_cursor:
        pages.append(desk(people["kbtu"], size=4, after=pages[-1].next_cursor))
    assert [len(page.rows) for page in pages] == [4, 4, 1]
    for page in pages:
        assert page.flagged == flagged & {row.id for row in page.rows}
    assert pages[0].flagged and pages[1].flagged  # the pair is cut across two pages
    back = desk(people["kbtu"], size=4, before=pages[1].previous_cursor)
    assert [row.id for row in back.rows] == [row.id for row in pages[0].rows]
    assert back.flagged == pages[0].flagged


def test_the_inventors_list_marks_what_changed_since_they_looked(make, ctx, people):
    inventor, staff = people["inventor"], people["kbtu"]
    reference = make.request(inventor)
    make.request(inventor, title="Тамшылатып суару жүйесі")
    reads.mark_seen(inventor.id, id_of(reference))
    make.act(staff, reference, "message", text="News")
    page = queues.inventor_page(user(inventor), marked=True)
    assert len(page.rows) == 2 and page.changed == {id_of(reference)}
    assert page.flagged == set()  # the inventor's list never reads flags
