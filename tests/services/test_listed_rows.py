"""The desk, the inventor's list and the office's list read their rows as the pages show
them (``listed``): the same requests, in the same order and pages, as whole requests
would be, with the assignee's name (desk) or the metadata the office may see."""

import pytest

from tests.services.test_list_marks import OTHER_TITLES, user
from tisc.services import network, oversight, queues


@pytest.fixture
def people(make):
    return {
        "inventor": make.user("inventor"),
        "kbtu": make.user("staff", centre="kbtu", name="Айгерім Сейтқали"),
        "office": make.user("coordinator"),
    }


def pages(read, size):
    """Every page of a list, forwards, then the first again from the second, backwards."""
    found = [read(size=size)]
    while found[-1].next_cursor:
        found.append(read(size=size, after=found[-1].next_cursor))
    back = read(size=size, before=found[1].previous_cursor)
    return found, back


def test_listed_rows_are_the_requests_the_pages_would_show(make, ctx, people):
    inventor, staff = people["inventor"], people["kbtu"]
    references = [make.request(inventor, title=title) for title in OTHER_TITLES]
    make.act(staff, references[2], "assign", assignee_id=staff.id)

    def desk(listed):
        def read(**kwargs):
            return queues.desk_page(user(staff), queues.Filters(sort="age"), listed=listed,
                                    **kwargs)  # fmt: skip

        return read

    def mine(listed):
        def read(**kwargs):
            return queues.inventor_page(user(inventor), listed=listed, **kwargs)

        return read

    for read in (desk, mine):
        whole, whole_back = pages(read(False), size=3)
        listed, listed_back = pages(read(True), size=3)
        assert [[r.id for r in p.rows] for p in listed] == [[r.id for r in p.rows] for p in whole]
        assert [len(p.rows) for p in listed] == [3, 3, 1]
        assert [r.id for r in listed_back.rows] == [r.id for r in whole_back.rows]
        by_id = {r.id: r for p in whole for r in p.rows}
        for row in (r for p in listed for r in p.rows):
            request = by_id[row.id]
            for name in ("reference", "title", "service", "status", "centre_id", "created_at",
                         "due_at", "closed_at", "question_since"):  # fmt: skip
                assert getattr(row, name) == getattr(request, name), name
            assert row.assignee_name == (request.assignee.name if request.assignee else None)

    def office(listed):
        def read(**kwargs):
            return queues.office_page(user(people["office"]), queues.Filters(), listed=listed,
                                      **kwargs)  # fmt: skip

        return read

    whole, whole_back = pages(office(False), size=3)
    listed, listed_back = pages(office(True), size=3)
    cards, regions = network.cards_by_id(), network.regions_by_code()

    def shown(page):
        return [oversight.metadata_of(row, cards, regions) for row in page.rows]

    assert [shown(p) for p in listed] == [shown(p) for p in whole]
    assert [len(p.rows) for p in listed] == [3, 3, 1]
    assert shown(listed_back) == shown(whole_back)
    assert sum(m.assigned for p in listed for m in shown(p)) == 1

    assigned = [r for p in pages(desk(True), size=3)[0] for r in p.rows if r.assignee_name]
    assert [r.reference for r in assigned] == [references[2]]
    assert assigned[0].assignee_name == "Айгерім Сейтқали"
