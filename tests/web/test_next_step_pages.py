"""The request page around the next step, the header's go-to-reference and the lists'
search, as each person sees them."""

import re

from tests.factories import COMPLETION, PDF, today_in_kazakhstan
from tisc.services.files import Upload


def page_of(client, reference: str, query: str = "") -> str:
    return client.get(f"/requests/{reference}{query}").get_data(as_text=True)


def banner(page: str) -> str:
    return page.split('class="next-step', 1)[1].split("</section>", 1)[0]


def post(client, make, reference, action, **fields):
    version = make.row(reference)["version"]
    data = {f"{action}-{k}": v for k, v in ({"version": version} | fields).items()}
    return client.post(f"/requests/{reference}/{action}", data=data)


def test_assigning_to_a_colleague_offers_the_others_only(world, as_, make):
    staff = world.people["staff"]
    post(as_("staff"), make, world.reference, "assign", assignee=staff.id)
    panel = lambda: page_of(as_("staff"), world.reference, "?do=assign")  # noqa: E731
    alone = panel().split('id="panel"', 1)[1].split("</section>", 1)[0]
    assert "Nobody else works at this centre." in alone
    assert "<form" not in alone and "<select" not in alone  # a sentence, not an empty list
    colleague = make.user("staff", centre="kbtu", name="Әсел Қанатқызы")
    select = re.search(r'<select[^>]*name="assign-assignee"[^>]*>(.*?)</select>', panel(), re.S)
    assert re.findall(r'<option value="(\d+)"', select[1]) == [str(colleague.id)]
    assert "Nobody else works at this centre." not in panel()
    version = make.row(world.reference)["version"]
    again = post(as_("staff"), make, world.reference, "assign", assignee=staff.id)
    assert again.status_code == 400
    assert "The request is assigned to this person already." in again.get_data(as_text=True)
    assert make.row(world.reference)["version"] == version


def test_transferring_with_nowhere_to_go_says_so_instead_of_an_empty_list(
    world, as_, make, monkeypatch
):
    from tisc.services import directory

    page = lambda: page_of(as_("staff"), world.reference, "?do=transfer")  # noqa: E731
    panel = lambda: page().split('id="panel"', 1)[1].split("</section>", 1)[0]  # noqa: E731
    assert 'id="transfer-centre"' in panel()
    assert "No other active centre offers this service." not in panel()
    monkeypatch.setattr(directory, "transfer_targets", lambda service, centre_id: [])
    nowhere = panel()
    assert "No other active centre offers this service." in nowhere
    assert "<form" not in nowhere and "<select" not in nowhere


def test_a_colleague_s_name_in_the_banner_is_escaped_once(world, as_, make, client):
    """Staff read their own assignment as theirs; a colleague's by name, escaped once."""
    from tests.factories import login

    colleague = make.user("staff", centre="kbtu", name="O'Brien & <b>Co</b>")
    post(as_("staff"), make, world.reference, "assign", assignee=colleague.id)
    shown = banner(page_of(as_("staff"), world.reference))
    assert "Assigned to O&#39;Brien &amp; &lt;b&gt;Co&lt;/b&gt;, due" in shown
    assert "&amp;amp;" not in shown and "&amp;#39;" not in shown
    client.post("/logout")
    login(client, colleague)
    assert "Assigned to you, due" in banner(page_of(client, world.reference))


def test_staff_take_a_new_request_in_one_click_and_see_the_next_step(world, as_, make):
    staff = world.people["staff"]
    page = page_of(as_("staff"), world.reference)
    assert "nobody at your centre has taken it yet" in banner(page)
    assert "Take it" in banner(page) and f'name="assign-assignee" value="{staff.id}"' in page
    # No list of colleagues unless asked for: "or assign to a colleague" opens it.
    assert 'id="assign-assignee"' not in page
    assert 'id="assign-assignee"' in page_of(as_("staff"), world.reference, "?do=assign")
    response = post(as_("staff"), make, world.reference, "assign", assignee=staff.id)
    assert response.status_code == 302
    assert make.row(world.reference)["assignee_id"] == staff.id
    page = page_of(as_("staff"), world.reference)
    assert "Start work" in banner(page) and "Take it" not in page
    post(as_("staff"), make, world.reference, "start")
    page = page_of(as_("staff"), world.reference)
    # Complete is the main action, with room to write: not in the side column.
    assert 'id="action-complete"' in banner(page) and 'id="complete-summary"' in banner(page)
    assert "<aside" not in page.split('id="action-complete"', 1)[0].split("next-step", 1)[1]


def test_the_staff_message_box_says_the_inventor_will_read_it_and_notes_stand_apart(
    world, as_, make
):
    make.act(world.people["staff"], world.reference, "note", text="Ішкі: NOTE-TEXT")
    page = page_of(as_("staff"), world.reference)
    box = page.split('id="message-heading"', 1)[1].split("</form>", 1)[0]
    assert "The inventor will read this message" in box
    note = page.split('class="entry note"', 1)[1].split("</li>", 1)[0]
    assert "Internal note — the inventor never sees it" in note and "NOTE-TEXT" in note
    assert "NOTE-TEXT" not in page_of(as_("inventor"), world.reference)


def test_the_inventor_is_asked_for_an_answer_with_the_box_right_there(world, as_, make):
    reference = make.request_in("awaiting_inventor", world.people["inventor"],
                                world.people["staff"])  # fmt: skip
    page = page_of(as_("inventor"), reference)
    top = banner(page)
    assert re.search(r"The centre is waiting for your answer — reply by \d{1,2} \w+ \d{4}", top)
    assert "Which markets?" in top and 'id="reply-text"' in top
    assert not re.search(r"\.\.(<|\s)", top)  # one full stop after the date
    assert 'id="message-text"' not in page  # the reply is the way to answer


def test_a_status_about_the_inventor_is_said_to_them_as_you(world, as_, make):
    inventor, staff = world.people["inventor"], world.people["staff"]
    waiting = make.request_in("awaiting_inventor", inventor, staff)
    badge = 'class="badge status-awaiting_inventor">'
    assert f"{badge}Awaiting your answer<" in page_of(as_("inventor"), waiting)
    assert f"{badge}Awaiting your answer<" in as_("inventor").get("/requests").get_data(True)
    assert f"{badge}Awaiting inventor<" in page_of(as_("staff"), waiting)
    assert "(paused while you answer)" in page_of(as_("inventor"), waiting)
    assert "(paused while the inventor answers)" in page_of(as_("staff"), waiting)
    make.act(staff, waiting, "close_no_answer", text="Жауап болмады.")
    closed = page_of(as_("inventor"), waiting)
    assert "Closed: no answer from you<" in closed  # the badge
    timeline = closed.split('id="conversation-heading"', 1)[1]
    assert "· Closed: no answer from you" in timeline  # the step, as its status
    assert "Awaiting your answer → Closed: no answer from you" not in timeline  # said once
    assert "the inventor" not in closed.split("<main", 1)[1].split("</main>", 1)[0]
    staff_page = page_of(as_("staff"), waiting)
    assert "Closed: no answer from the inventor<" in staff_page
    done = make.request_in("completed", inventor, staff)
    make.act(inventor, done, "resolve")
    assert "✓ You marked it as resolved on" in page_of(as_("inventor"), done)
    assert "✓ Marked as resolved by the inventor on" in page_of(as_("staff"), done)


def test_after_completion_the_inventor_sees_what_to_do_next(world, as_, make):
    inventor, staff = world.people["inventor"], world.people["staff"]
    reference = make.request_in("in_progress", inventor, staff)
    make.act(staff, reference, "complete", **COMPLETION, files=[Upload("есеп.pdf", PDF)])
    top = banner(page_of(as_("inventor"), reference))
    assert "What you can do next" in top
    assert "Download the report: есеп.pdf" in top
    for panel in ("Ask a question about the result", "Rate the service",
                  "Report a patent application you filed", "Resolved for me"):  # fmt: skip
        assert panel in top, panel
    # The rating says what each value means.
    assert "5 — Excellent: it answered everything I needed" in top
    assert "1 — Very poor: it did not help" in top
    response = post(
        as_("inventor"),
        make,
        reference,
        "record_filing",
        ip_right="patent",
        office="kazpatent",
        filed_on=today_in_kazakhstan().isoformat(),
        application_number="2026/0042.1",
    )
    assert response.status_code == 302
    filings = page_of(as_("inventor"), reference).split('id="filings"', 1)[1].split("</ul>")[0]
    assert "2026/0042.1" in filings


def test_after_a_decline_the_inventor_sees_the_reason_and_where_else_to_turn(world, as_, make):
    make.act(world.people["staff"], world.reference, "decline", text="Бейініміз <b>емес</b>.")
    top = banner(page_of(as_("inventor"), world.reference))
    assert "declined your request" in top and "Бейініміз &lt;b&gt;емес&lt;/b&gt;." in top
    assert "Where else to turn" in top
    assert 'href="/centres?service=prior_art_search"' in top
    assert 'href="/requests/new?service=prior_art_search"' in top


def test_staff_read_the_inventors_question_about_the_result_in_the_banner(world, as_, make):
    """Above the answer box, not a long timeline below it."""
    inventor, staff = world.people["inventor"], world.people["staff"]
    reference = make.request_in("completed", inventor, staff)
    make.act(inventor, reference, "follow_up", text="Why is <i>KZ 12345</i> left out?")
    make.act(inventor, reference, "follow_up", text="And KZ 67890?")  # before an answer
    top = banner(page_of(as_("staff"), reference))
    assert "The inventor asked about the result on" in top
    assert "Why is &lt;i&gt;KZ 12345&lt;/i&gt; left out?" in top and "And KZ 67890?" in top
    make.act(staff, reference, "answer", text="It lapsed in 2019.")
    assert "left out?" not in banner(page_of(as_("staff"), reference))  # answered
    make.act(inventor, reference, "follow_up", text="Is KZ 11111 in force?")
    top = banner(page_of(as_("staff"), reference))
    assert "Is KZ 11111 in force?" in top and "KZ 67890" not in top  # the waiting one only


def test_after_a_transfer_the_inventor_is_told_the_truth(world, as_, make):
    inventor, staff = world.people["inventor"], world.people["staff"]
    chosen = make.request(inventor, centre="kbtu", title="Менің таңдауым")
    make.act(staff, chosen, "transfer", centre_id=make.centre_id("nazarbayev-university"),
             text="Мамандар сонда.")  # fmt: skip
    page = page_of(as_("inventor"), chosen)
    handled = page.split("Handled by", 1)[1].split("</dd>", 1)[0]
    assert "Nazarbayev University" in handled
    assert "Transferred from Kazakh-British Technical University" in handled
    assert "The centre you chose" not in handled
    # "The centre you chose" is said of the first centre only, under the submission.
    submitted = page.split('id="conversation-heading"', 1)[1].split("</li>", 1)[0]
    assert "Kazakh-British Technical University · The centre you chose." in submitted
    assert "Nazarbayev University is working" not in page  # not taken yet there
    assert "Your request is with Nazarbayev University" in banner(page)


def test_an_action_s_panel_closes_after_it_is_taken(world, as_, make):
    client = as_("staff")
    assert 'id="panel"' in page_of(client, world.reference, "?do=note")
    response = post(client, make, world.reference, "note", text="Есте сақтау.")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/requests/{world.reference}"
    assert 'id="panel"' not in page_of(client, world.reference)


def test_a_refused_confirmation_changes_nothing(world, as_, make):
    before = make.row(world.reference)
    response = post(as_("staff"), make, world.reference, "decline", text="")
    assert response.status_code == 400 and make.row(world.reference) == before
    response = post(as_("staff"), make, world.reference, "decline", text="Себеп.")
    assert response.status_code == 200 and "What will happen" in response.get_data(True)
    assert make.row(world.reference) == before


def test_go_to_reference_opens_the_request_for_who_may_see_it(world, as_, make):
    short = world.reference.removeprefix("TISC-")
    response = as_("staff").get(f"/desk/go?ref={short}")
    assert response.headers["Location"] == f"/requests/{world.reference}"
    other = as_("other_staff")
    response = other.get(f"/desk/go?ref={world.reference}")  # another centre's request
    assert response.headers["Location"] == "/desk"
    said = f"No request you can open is numbered “{world.reference}”."
    assert said in other.get("/desk").get_data(True)  # the message, where the focus goes
    missing = world.reference[:-5] + "99999"
    response = other.get(f"/desk/go?ref={missing}", follow_redirects=True)
    assert said.replace(world.reference, missing) in response.get_data(True)  # the same
    assert other.get("/desk/go?ref=кірпіш").headers["Location"].startswith("/desk?q=")
    response = as_("coordinator").get(f"/office/go?ref={world.reference.lower()}")
    assert response.headers["Location"] == f"/office/requests/{world.reference}"
    assert as_("coordinator").get("/office/go?ref=").headers["Location"] == "/office"


def test_a_search_that_considered_only_its_newest_matches_says_so(world, as_, make, monkeypatch):
    """On SQLite (and PostgreSQL, for a rare word) a search considers its newest matches
    only: the desk and My requests say how many, above the list and its downloads."""
    from tisc.services import search

    monkeypatch.setattr(search, "NEWEST", 2)
    monkeypatch.setattr(search, "_common_elements", dict)  # every word rare (PostgreSQL)
    for word in ("бірінші", "екінші"):
        make.request(world.people["inventor"], title=f"Кірпіш {word}")
    notice = "Only the 2 newest requests matching your search are listed (and downloaded)."
    for who, path in [("staff", "/desk"), ("inventor", "/requests")]:
        capped = as_(who).get(path + "?q=%D0%BA%D1%96%D1%80%D0%BF%D1%96%D1%88").get_data(True)
        assert notice in capped, who
        whole = as_(who).get(path + "?q=кірпіш+екінші").get_data(True)
        assert notice not in whole and "Only the" not in whole, who


def test_the_lists_search_and_say_when_nothing_matches(world, as_, make):
    page = as_("staff").get("/desk?q=%D0%BA%D1%96%D1%80%D0%BF%D1%96%D1%88").get_data(True)
    assert world.reference in page
    page = as_("staff").get("/desk?q=zzzz").get_data(True)
    assert "Nothing matches “zzzz” with these filters." in page
    page = as_("coordinator").get("/office?q=%D0%BA%D1%96%D1%80%D0%BF%D1%96%D1%88").get_data(True)
    assert world.reference not in page and "by reference only" in page
    assert world.reference in as_("coordinator").get(f"/office?q={world.reference}").get_data(True)
    page = as_("inventor").get("/requests?q=%D0%BA%D1%96%D1%80%D0%BF%D1%96%D1%88").get_data(True)
    assert world.reference in page
    page = as_("other_inventor").get(f"/requests?q={world.reference}").get_data(True)
    assert f'href="/requests/{world.reference}"' not in page
    # User text is escaped where it is said back.
    page = as_("staff").get("/desk?q=%3Cb%3Ex%3C%2Fb%3E").get_data(True)
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
