"""The staff desk and the office overview: filters, counts, overdue, pagination."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tisc.extensions import db
from tisc.models import ServiceRequest

REFERENCE = re.compile(r">(TISC-\d{4}-\d{5})<")


def references(page: str) -> list[str]:
    return REFERENCE.findall(page)


def make_overdue(app, reference: str) -> None:
    with app.app_context():
        db.session.execute(
            sa.update(ServiceRequest)
            .where(ServiceRequest.reference == reference)
            .values(due_at=datetime.now(UTC) - timedelta(days=3))
        )
        db.session.commit()


def test_the_desk_lists_its_centres_open_requests_by_due_date(world, as_, make):
    inventor, staff = world.people["inventor"], world.people["staff"]
    late = make.request(inventor, service="patent_landscape")  # 45 days
    early = make.request(inventor, service="ip_consultation")  # 5 days
    elsewhere = make.request(inventor, region="KZ-23", service="ip_consultation")  # Atyrau
    done = make.request_in("completed", inventor, staff)
    page = as_("staff").get("/desk").get_data(as_text=True)
    listed = references(page)
    assert listed[0] == early and listed[-1] == late
    assert elsewhere not in listed and done not in listed
    assert ">Submitted (3)</option>" in page
    assert ">Completed (1)</option>" in page


def test_a_list_offers_its_downloads_only_when_it_has_rows(world, as_, make):
    """A file of headers only is no download: filters that match nothing offer none."""
    make.request(world.people["inventor"], title="Solar dryer")
    for who, path in (("staff", "/desk"), ("coordinator", "/office")):
        client = as_(who)
        assert "Download CSV" in client.get(path).get_data(as_text=True), who
        empty = client.get(f"{path}?q=TISC-2020-99999").get_data(as_text=True)
        assert "Download CSV" not in empty and "Download XLSX" not in empty, who


def test_desk_filters(world, as_, make):
    inventor, staff = world.people["inventor"], world.people["staff"]
    mine = make.request_in("assigned", inventor, staff, service="training")
    overdue = make.request(inventor, service="ip_consultation")
    make_overdue(make.app, overdue)
    done = make.request_in("completed", inventor, staff)
    client = as_("staff")

    def listed(query):
        response = client.get("/desk?" + query)
        assert response.status_code == 200, query
        return set(references(response.get_data(as_text=True)))

    assert listed("assignee=me") == {mine}
    assert listed("assignee=unassigned") == {world.reference, overdue}
    assert listed("service=training") == {mine}
    assert listed("overdue=y") == {overdue}
    assert listed("status=completed") == {done}
    assert listed("status=all") == {mine, overdue, done, world.reference}
    desk = client.get("/desk").get_data(as_text=True)
    overdue_tab = desk.split('href="/desk?overdue=y"', 1)[1].split("</a>", 1)[0]
    assert "Overdue" in overdue_tab and ">1</span>" in overdue_tab
    mine_tab = desk.split('href="/desk?assignee=me"', 1)[1].split("</a>", 1)[0]
    assert ">1</span>" in mine_tab
    unassigned_tab = desk.split('href="/desk?assignee=unassigned"', 1)[1].split("</a>", 1)[0]
    assert "Unassigned" in unassigned_tab and ">2</span>" in unassigned_tab


def _status_option(page: str, status: str) -> str:
    return re.search(rf'<option value="{status}"[^>]*>([^<]*)</option>', page)[1]


def test_the_desks_kept_filter_form_follows_each_centres_counts_and_query(world, as_, make):
    """The filter form is kept rendered (tisc.web.templating.kept) under the query and
    the centre's counts: a new request shows at once, another centre sees its own counts."""
    from tests.factories import login

    inventor = world.people["inventor"]
    kbtu = as_("staff")
    assert _status_option(kbtu.get("/desk").get_data(True), "submitted") == "Submitted (1)"
    make.request(inventor)
    assert _status_option(kbtu.get("/desk").get_data(True), "submitted") == "Submitted (2)"
    atyrau = make.app.test_client()
    login(atyrau, world.people["other_staff"])
    assert _status_option(atyrau.get("/desk").get_data(True), "submitted") == "Submitted (0)"
    # The query is part of what is kept: each search shows its own text, escaped.
    for text in ("<b>кірпіш</b>", "батарея"):
        page = kbtu.get("/desk", query_string={"q": text, "status": "all"}).get_data(True)
        field = re.search(r'<input type="search"[^>]*>', page)[0]
        assert f'value="{text.replace("<", "&lt;").replace(">", "&gt;")}"' in field
        assert "<b>кірпіш" not in page
        assert 'value="all" selected' in page


def test_the_desk_tabs_count_up_to_their_cap_and_then_say_more(world, as_, make, monkeypatch):
    """A badge stops at :data:`queues.TAB_CAP` ("99+"); here the cap is 1 to keep it short."""
    from tisc.services import queues

    monkeypatch.setattr(queues, "TAB_CAP", 1)
    inventor, staff = world.people["inventor"], world.people["staff"]
    for _ in range(2):
        make.request_in("assigned", inventor, staff)
        make_overdue(make.app, make.request(inventor))
    desk = as_("staff").get("/desk").get_data(as_text=True)
    for link in ('href="/desk?overdue=y"', 'href="/desk?assignee=me"',
                 'href="/desk?assignee=unassigned"'):  # fmt: skip
        tab = desk.split(link, 1)[1].split("</a>", 1)[0]
        assert ">1+</span>" in tab, tab


def test_the_desk_tabs_keep_the_search_and_mark_the_current_one(world, as_, make):
    client = as_("staff")
    page = client.get("/desk?q=%D0%BA%D1%96%D1%80%D0%BF%D1%96%D1%88&assignee=me").get_data(True)
    assert (
        'href="/desk?q=%D0%BA%D1%96%D1%80%D0%BF%D1%96%D1%88&amp;assignee=me"'
        ' aria-current="page"' in page.replace('class="nav-link active" ', "")
    )
    # Awaiting the inventor, with the search kept.
    assert (
        'href="/desk?q=%D0%BA%D1%96%D1%80%D0%BF%D1%96%D1%88&amp;status=awaiting_inventor"' in page
    )


def test_the_desk_asks_the_database_five_times(world, as_, make, monkeypatch):
    """The person, the status counts, the page, its rows' marks, and the badges with the
    header's count; the centre's name comes from the network's version read at most a
    second ago, not read again (each round trip costs a database server's time)."""
    from tests.sql import statements
    from tisc.services import network

    clock = [1000.0]
    monkeypatch.setattr(network.time, "monotonic", lambda: clock[0])
    network._forget_recent()
    inventor, staff = world.people["inventor"], world.people["staff"]
    make.request_in("assigned", inventor, staff)
    client = as_("staff")
    client.get("/desk")
    with make.app.app_context():
        engine = db.engine
    with statements(engine) as seen:
        assert client.get("/desk").status_code == 200
    asked = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    assert len(asked) == 5, asked
    assert not [s for s in asked if "network_version" in s]
    with make.app.app_context():
        db.session.execute(sa.text("UPDATE network_version SET version = version + 1"))
        db.session.execute(sa.text("UPDATE centres SET name_en = 'Renamed Elsewhere'"))
        db.session.commit()
    assert "Renamed Elsewhere" not in client.get("/desk").get_data(as_text=True)
    clock[0] += network.RECENT_SECONDS
    assert "Renamed Elsewhere" in client.get("/desk").get_data(as_text=True)


def test_bad_filters_are_a_clear_400_not_a_crash(world, as_):
    client = as_("staff")
    for query in ("status=nonsense", "sort=sideways", "assignee=everyone", "service=x",
                  "after=not-a-cursor", "before=99999999999999999999999.1",
                  "overdue=maybe"):  # fmt: skip
        response = client.get("/desk?" + query)
        assert response.status_code == 400, query
        assert "Desk" in response.get_data(as_text=True)


@pytest.mark.parametrize(("who", "path"), [("staff", "/desk"), ("coordinator", "/office")])
def test_overdue_only_is_on_or_off_as_a_link_may_write_it(world, as_, make, who, path):
    """ "overdue=no" once meant overdue only, in the lists and their exports."""
    overdue = make.request(world.people["inventor"], service="ip_consultation")
    make_overdue(make.app, overdue)
    client = as_(who)

    def exported(value: str) -> set[str]:
        response = client.get(f"{path}/export.csv?status=all&overdue={value}")
        assert response.status_code == 200, value
        return set(re.findall(r"TISC-\d{4}-\d{5}", response.get_data(as_text=True)))

    everything = exported("")
    assert overdue in everything and len(everything) > 1
    for on in ("y", "1", "true", "on", "Yes"):
        assert exported(on) == {overdue}, on
    for off in ("no", "0", "false", "off", "n"):
        assert exported(off) == everything, off
    refused = client.get(f"{path}/export.csv?overdue=maybe")
    assert refused.status_code == 400 and "overdue" in refused.get_data(as_text=True)
    # On the list it is still a checkbox, ticked as the query says.
    for query, ticked in (("", False), ("?overdue=y", True), ("?overdue=no", False)):
        box = re.search(r'<input[^>]*name="overdue"[^>]*>', client.get(path + query).text)[0]
        assert 'type="checkbox"' in box and ("checked" in box) is ticked, (query, box)


def test_pagination_walks_forwards_and_back_without_repeats(world, as_, make):
    inventor = world.people["inventor"]
    made = [world.reference] + [make.request(inventor) for _ in range(29)]
    client = as_("staff")
    first = client.get("/desk?sort=age").get_data(as_text=True)
    first_refs = references(first)
    assert len(first_refs) == 25
    next_link = re.search(r'href="([^"]+)" rel="next"|rel="next" href="([^"]+)"', first)
    next_url = (next_link[1] or next_link[2]).replace("&amp;", "&")
    second = client.get(next_url).get_data(as_text=True)
    second_refs = references(second)
    assert len(second_refs) == 5
    assert set(first_refs) | set(second_refs) == set(made)
    assert not set(first_refs) & set(second_refs)
    assert 'rel="next"' not in second
    previous = re.search(r'href="([^"]+)" rel="prev"|rel="prev" href="([^"]+)"', second)
    back = client.get((previous[1] or previous[2]).replace("&amp;", "&")).get_data(as_text=True)
    assert references(back) == first_refs


def test_the_office_filters_the_whole_network(world, as_, make):
    inventor = world.people["inventor"]
    atyrau = make.request(inventor, region="KZ-23", service="ip_consultation")
    fto = make.request(inventor, service="freedom_to_operate", region="KZ-71")
    client = as_("coordinator")

    def listed(query):
        response = client.get("/office?" + query)
        assert response.status_code == 200, query
        return set(references(response.get_data(as_text=True)))

    assert listed("") == {world.reference, atyrau, fto}
    assert listed(f"centre={make.centre_id('atyrau-university')}") == {atyrau}
    assert listed("region=KZ-71") == {fto}
    assert listed("service=freedom_to_operate") == {fto}
    assert listed("status=submitted") == {world.reference, atyrau, fto}
    make_overdue(make.app, atyrau)
    assert listed("overdue=y") == {atyrau}
    assert client.get("/office?region=nowhere").status_code == 400


def test_the_offices_kept_filter_form_lists_a_centre_added_since(world, as_, make):
    """The office's filters (every centre) are kept per network version: a new centre is in
    the list, and can be chosen, on the next page."""
    client = as_("coordinator")
    assert "Жаңа орталық" not in client.get("/office").get_data(True)
    centre_id = make.centre("new-tisc", name="Жаңа орталық <i>")
    page = client.get("/office").get_data(True)
    assert f'<option value="{centre_id}">Жаңа орталық &lt;i&gt;</option>' in page
    assert client.get(f"/office?centre={centre_id}").status_code == 200
    assert client.get(f"/office?centre={centre_id + 1}").status_code == 400


def test_filter_forms_are_kept_per_filters_but_not_per_search(world, as_, app):
    """A filter view's form is rendered once and reused; a typed search is rendered each
    time rather than pushing the common views out of the (small) store."""
    client = as_("staff")
    forms = app.extensions["tisc.kept_parts"]["filters"]
    forms.clear()  # the same view may be kept from another test
    before = forms.builds
    for _ in range(2):
        assert client.get("/desk?status=all&service=training&sort=age").status_code == 200
    assert forms.builds == before + 1
    for _ in range(2):
        assert client.get("/desk", query_string={"q": "кірпіш"}).status_code == 200
    assert forms.builds == before + 1


def test_an_inventors_list_names_each_centre_whole(world, as_):
    """Not cut to two lines with an ellipsis: an inventor writes to a handful of centres."""
    page = as_("inventor").get("/requests", headers={"Accept-Language": "ru"}).get_data(True)
    cells = re.findall(r'<td class="([^"]*)" data-label="Центр">(.*?)</td>', page, re.S)
    assert cells, page
    for classes, cell in cells:
        assert "clip" not in classes and 'class="clip"' not in cell
    assert any("Казахстанско-Британский технический университет" in cell for _, cell in cells)
