"""The pages of issue 14: the warning before sending a similar request, duplicate flags, the
transfer told on the request, saved replies, questions after completion, a centre's own page
and its suspension."""

import re

import sqlalchemy as sa

from tests.factories import COMPLETION
from tests.sql import statements
from tisc import formatting
from tisc.extensions import db
from tisc.models import Centre, DuplicateFlag, SavedReply, ServiceRequest

AGAIN = "Кірпіштің жылу сақтауы"  # like the world's "Жылу сақтайтын кірпіш"


def submission(**changes) -> dict:
    return {
        "service": "prior_art_search", "title": AGAIN, "description": "Тағы да сол кірпіш.",
        "region_code": "KZ-75", "preferred_language": "kk", "confidentiality_ack": "y",
    } | changes  # fmt: skip


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def post_action(client, make, reference, action, **fields):
    version = make.row(reference)["version"]
    data = {f"{action}-{k}": v for k, v in ({"version": version} | fields).items()}
    return client.post(f"/requests/{reference}/{action}", data=data)


# --- the same invention twice ----------------------------------------------------------------


def test_the_inventor_is_warned_of_a_similar_open_request_before_sending(world, as_, make):
    client = as_("inventor")
    response = client.post("/requests/new", data=submission())
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="similar-warning"' in page
    assert f'href="/requests/{world.reference}"' in page
    assert count(make.app, ServiceRequest) == 1  # nothing sent yet
    response = client.post("/requests/new", data=submission(send_anyway="y"))
    assert response.status_code == 302
    assert count(make.app, ServiceRequest) == 2 and count(make.app, DuplicateFlag) == 1


def test_the_similar_warning_takes_the_focus_and_holds_its_confirmation(world, as_):
    """Review 10, finding 6: the focus stayed on the page, the box to tick was three screens
    further down, and the warning spoke of "two centres" when both went to the same one."""
    page = as_("inventor").post("/requests/new", data=submission()).get_data(as_text=True)
    opening = page[page.rindex("<div", 0, page.index('id="similar-warning"')) :]
    opening = opening[: opening.index(">")]
    assert "data-form-problems" in opening and 'tabindex="-1"' in opening
    # The confirmation comes inside the warning, before the form's first field.
    assert (
        page.index('id="similar-warning"')
        < page.index('id="send_anyway"')
        < page.index('id="service"')
    )
    assert "two centres" not in page


def test_the_problems_name_the_confidentiality_box_by_a_short_name(world, as_, make):
    """Its label is the whole statement: the list of problems at the top repeated it."""
    client = as_("inventor")
    client.post("/locale", data={"locale": "ru", "next": "/"})
    response = client.post("/requests/new", data=submission(confidentiality_ack=""))
    page = response.get_data(as_text=True)
    summary = page.split("data-form-problems", 1)[1].split("</div>", 1)[0]
    assert response.status_code == 400 and count(make.app, ServiceRequest) == 1
    assert '<a href="#confidentiality_ack" class="alert-link">Конфиденциальность</a>:' in summary
    assert "не хочу" not in summary  # the statement itself stays beside its box
    assert "не хочу" in page


def test_a_different_request_is_sent_without_a_warning(world, as_, make):
    response = as_("inventor").post("/requests/new", data=submission(title="Су тазарту сүзгісі"))
    assert response.status_code == 302 and count(make.app, DuplicateFlag) == 0


def test_staff_see_the_flag_with_the_reference_only_when_they_see_both(world, as_, make):
    inventor = world.people["inventor"]
    same_centre = make.request(inventor, title=AGAIN)
    elsewhere = make.request(inventor, title=AGAIN, centre="atyrau-university")
    page = as_("staff").get(f"/requests/{world.reference}").get_data(as_text=True)
    assert "Possibly the same as" in page
    assert f'href="/requests/{same_centre}"' in page
    assert elsewhere not in page
    assert "at another centre (Kh. Dosmukhamedov Atyrau University)" in page
    other = as_("other_staff").get(f"/requests/{elsewhere}").get_data(as_text=True)
    assert world.reference not in other and same_centre not in other
    assert "at another centre (Kazakh-British Technical University)" in other
    inventor_page = as_("inventor").get(f"/requests/{world.reference}").get_data(as_text=True)
    assert "Possibly the same as" not in inventor_page
    office = as_("coordinator").get(f"/office/requests/{elsewhere}").get_data(as_text=True)
    assert "Linked to another request of the same inventor" in office
    assert world.reference not in office and same_centre not in office


def test_staff_link_a_duplicate_from_the_page(world, as_, make):
    again = make.request(world.people["inventor"], title=AGAIN)
    client = as_("staff")
    page = client.get(f"/requests/{again}").get_data(as_text=True)
    flag = re.search(r'name="link_duplicate-flag" value="(\d+)"', page)[1]
    response = post_action(
        client, make, again, "link_duplicate", flag=flag, text="Сол өтінім.", confirmed="y"
    )
    assert response.status_code == 302
    assert make.row(again)["status"] == "duplicate"
    page = as_("inventor").get(f"/requests/{again}").get_data(as_text=True)
    assert "Duplicate of" in page and f'href="/requests/{world.reference}"' in page


def test_a_stale_flag_is_explained_above_the_page(world, as_, make):
    again = make.request(world.people["inventor"], title=AGAIN)
    make.act(world.people["inventor"], world.reference, "withdraw")
    with make.app.app_context():
        flag = db.session.scalar(sa.select(DuplicateFlag.id))
    response = post_action(as_("staff"), make, again, "link_duplicate", flag=flag)
    assert response.status_code == 400
    assert "The other request is closed already" in response.get_data(as_text=True)
    assert make.row(again)["status"] == "submitted"


def test_a_flag_decided_in_another_tab_is_said_to_be_decided_already(world, as_, make):
    again = make.request(world.people["inventor"], title=AGAIN)
    client = as_("staff")
    page = client.get(f"/requests/{world.reference}").get_data(as_text=True)
    flag = re.search(r'name="link_duplicate-flag" value="(\d+)"', page)[1]
    assert post_action(client, make, again, "link_duplicate", flag=flag,
                       confirmed="y").status_code == 302  # fmt: skip
    response = post_action(client, make, world.reference, "link_duplicate", flag=flag)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "This possible duplicate has already been decided" in page
    assert "Choose a possible duplicate" not in page
    assert make.row(world.reference)["status"] == "submitted"


# --- routing told the truth -------------------------------------------------------------------


def test_after_a_transfer_the_request_says_by_whom_and_why(world, as_, make):
    staff = world.people["staff"]
    nu = make.centre_id("nazarbayev-university")
    make.act(staff, world.reference, "transfer", centre_id=nu, text="Мамандар <b>сонда</b>.")
    page = as_("inventor").get(f"/requests/{world.reference}").get_data(as_text=True)
    handled = page.split("Handled by", 1)[1].split("</dd>", 1)[0]
    assert "Transferred from Kazakh-British Technical University by Staff" in handled
    assert "Мамандар &lt;b&gt;сонда&lt;/b&gt;." in handled
    # The original routing reason stays on the timeline, under the submission.
    timeline = page.split('id="conversation-heading"', 1)[1]
    assert "A centre in your region offering “Prior-art search”." in timeline


def test_the_routing_reason_says_whether_the_centre_speaks_the_language(world, as_, make):
    client = as_("inventor")
    response = client.post("/requests/new", data=submission(title="Су сүзгісі",
                                                            preferred_language="en"))  # fmt: skip
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "It works in your language (English)." in page


def test_the_office_reads_the_routing_reason_about_the_inventor(world, as_, make):
    inventor = as_("inventor")
    response = inventor.post("/requests/new", data=submission(title="Су сүзгісі",
                                                              preferred_language="en"))  # fmt: skip
    reference = response.headers["Location"].rsplit("/", 1)[1]
    page = as_("coordinator").get(f"/office/requests/{reference}").get_data(as_text=True)
    routing = page.split(">Routing<", 1)[1].split("</dd>", 1)[0]
    assert "A centre in the inventor&#39;s region offering “Prior-art search”." in routing
    assert "It works in the inventor&#39;s language (English)." in routing
    assert "your" not in routing.lower()


# --- questions after completion ----------------------------------------------------------


def test_a_question_after_completion_reaches_the_desk_without_reopening(world, as_, make):
    staff, inventor = world.people["staff"], world.people["inventor"]
    reference = make.request_in("completed", inventor, staff)
    closed_at = make.row(reference)["closed_at"]
    assert post_action(as_("inventor"), make, reference, "follow_up",
                       text="Бірінші патент туралы?").status_code == 302  # fmt: skip
    assert (make.row(reference)["status"], make.row(reference)["closed_at"]) == (
        "completed", closed_at,
    )  # fmt: skip
    desk = as_("staff").get("/desk?status=questions").get_data(as_text=True)
    assert reference in desk and world.reference not in desk
    desk = as_("staff").get("/desk").get_data(as_text=True)
    tab = desk.split('href="/desk?status=questions"', 1)[1].split("</a>", 1)[0]
    assert "Questions after completion" in tab and ">1</span>" in tab
    page = as_("staff").get(f"/requests/{reference}").get_data(as_text=True)
    assert "The inventor asked about the result" in page and 'id="action-answer"' in page
    assert post_action(as_("staff"), make, reference, "answer", text="Мынау.").status_code == 302
    assert reference not in as_("staff").get("/desk?status=questions").get_data(as_text=True)


def test_the_inventor_marks_the_result_resolved(world, as_, make):
    reference = make.request_in("completed", world.people["inventor"], world.people["staff"])
    assert post_action(as_("inventor"), make, reference, "resolve").status_code == 302
    page = as_("staff").get(f"/requests/{reference}").get_data(as_text=True)
    assert "Marked as resolved by the inventor on" in page


def test_a_request_closed_unanswered_tells_the_inventor_how_to_reopen(world, as_, make):
    staff, inventor = world.people["staff"], world.people["inventor"]
    reference = make.request_in("awaiting_inventor", inventor, staff)
    assert post_action(as_("staff"), make, reference, "close_no_answer", confirmed="y",
                       text="Телефонға жауап жоқ.").status_code == 302  # fmt: skip
    page = as_("inventor").get(f"/requests/{reference}").get_data(as_text=True)
    assert "Answer the question below by" in page and 'id="action-resume"' in page
    assert post_action(as_("inventor"), make, reference, "resume",
                       text="Кешіріңіз: Қазақстан.").status_code == 302  # fmt: skip
    assert make.row(reference)["status"] == "in_progress"


# --- saved replies -----------------------------------------------------------------------------


def test_a_saved_reply_is_filled_in_the_inventor_s_language_without_javascript(world, as_):
    client = as_("staff")
    page = client.get(f"/requests/{world.reference}").get_data(as_text=True)
    assert 'class="saved-reply-picker' in page and "js/replies.js" in page
    assert 'data-text="Құрметті Әлия Нұрланқызы!"' in page  # the request's language: Kazakh
    filled = client.get(
        f"/requests/{world.reference}?reply={world.reply_id}&into=message"
    ).get_data(as_text=True)
    textarea = filled.split('id="message-text"', 1)[1].split("</textarea>", 1)[0]
    assert textarea.endswith(">Құрметті Әлия Нұрланқызы!")
    assert "saved-reply-picker" not in as_("inventor").get(f"/requests/{world.reference}").get_data(
        as_text=True
    )


def test_inserting_a_saved_reply_without_javascript_reads_the_replies_once(world, as_, make):
    """The inserted text and the page's picker come from one reading of the centre's saved
    replies, each filled in once."""
    client = as_("staff")
    with make.app.app_context():
        engine = db.engine
    with statements(engine) as sent:
        page = client.get(f"/requests/{world.reference}?reply={world.reply_id}&into=message")
    assert page.status_code == 200
    assert "Құрметті Әлия Нұрланқызы!</textarea>" in page.get_data(as_text=True)
    assert len([s for s in sent if "FROM saved_replies" in s]) == 1


def test_a_centre_without_saved_replies_reads_no_calendar_of_the_inventor_s_language(
    world, as_, make, monkeypatch
):
    """A saved reply's due date is written in the inventor's language, which reads that
    language's calendar data (about 1.3 MB a worker); a centre with no saved replies has
    nothing to fill in, and its staff's request pages write no date in that language."""
    from flask_babel import get_locale

    from tisc.web import requests as request_pages

    written_in = []

    def due(moment):
        written_in.append(str(get_locale()))
        return formatting.due(moment)

    monkeypatch.setattr(request_pages, "due", due)
    client = as_("staff")  # in English; the request is in Kazakh
    page = f"/requests/{world.reference}"
    assert client.get(page).status_code == 200
    assert "kk" in written_in  # the centre's saved reply, filled in Kazakh
    with make.app.app_context():
        db.session.execute(sa.delete(SavedReply))
        db.session.commit()
    written_in.clear()
    assert client.get(page).status_code == 200
    assert written_in and "kk" not in written_in  # the page's own dates, in English


def test_saved_replies_are_written_edited_and_deleted_and_escaped(world, as_, make):
    client = as_("staff")
    hostile = '<script>alert("x")</script>'
    response = client.post(
        "/desk/replies/new", data={"title": hostile, "text_ru": hostile + "{reference}"}
    )
    assert response.status_code == 302
    listing = client.get("/desk/replies").get_data(as_text=True)
    assert hostile not in listing and "&lt;script&gt;" in listing
    page = client.get(f"/requests/{world.reference}").get_data(as_text=True)
    assert hostile not in page
    assert f"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;{world.reference}" in page
    assert client.post("/desk/replies/new", data={"title": "", "text_kk": ""}).status_code == 400
    slip = client.post("/desk/replies/new", data={"title": "Hello", "text_ru": "Dear {nmae},"})
    assert slip.status_code == 400
    assert "{nmae} is not a placeholder: use {name}, {reference}, {due}." in slip.get_data(True)
    assert "Dear {nmae}," in slip.get_data(as_text=True)  # what was typed stays
    edit = client.post(f"/desk/replies/{world.reply_id}/edit",
                       data={"title": "Жаңа", "text_kk": "Сәлем, {name}"})  # fmt: skip
    assert edit.status_code == 302 and "Жаңа" in client.get("/desk/replies").get_data(True)
    asked = client.post(f"/desk/replies/{world.reply_id}/delete")  # the centre's: asked first
    assert asked.status_code == 200
    assert "Delete the saved reply “Жаңа”?" in asked.get_data(True)
    assert 'name="confirmed" value="y"' in asked.get_data(True)
    assert "Жаңа" in client.get("/desk/replies").get_data(as_text=True)
    deleted = client.post(f"/desk/replies/{world.reply_id}/delete", data={"confirmed": "y"})
    assert deleted.status_code == 302
    assert "Жаңа" not in client.get("/desk/replies").get_data(as_text=True)


# --- a centre's own page and its suspension --------------------------------------------------


def profile_form(**changes) -> dict:
    return {
        "description_kk": "Патенттік іздеу орталығы.", "address_kk": "Төле би көшесі, 59",
        "opening_hours_kk": "Дс–Жм 10:00–17:00", "opening_hours_en": "Mon–Fri 10:00–17:00",
        "services": ["prior_art_search", "training"], "languages": ["kk", "ru"],
    } | changes  # fmt: skip


def test_staff_keep_their_centre_s_page_and_the_coordinator_sees_the_change(world, as_, make):
    client = as_("staff")
    assert client.post("/desk/centre", data=profile_form()).status_code == 302
    public = make.app.test_client()
    public.post("/locale", data={"locale": "kk", "next": "/"})
    page = public.get("/centres/kbtu").get_data(as_text=True)
    assert "Дс–Жм 10:00–17:00" in page and "Төле би көшесі, 59" in page
    history = as_("coordinator").get("/office/centres/kbtu/edit").get_data(as_text=True)
    section = history.split('id="history-heading"', 1)[1]
    assert "Page edited by the centre's staff" in section and "Staff" in section
    assert "Дс–Жм 09:00–18:00" in section and "Дс–Жм 10:00–17:00" in section


def test_bad_input_on_the_centre_s_page_is_shown_and_changes_nothing(world, as_, make):
    response = as_("staff").post("/desk/centre", data=profile_form(website="javascript:alert(1)"))
    assert response.status_code == 400 and 'id="website-error"' in response.get_data(True)
    with make.app.app_context():
        assert db.session.scalar(
            sa.select(Centre.opening_hours_kk).where(Centre.slug == "kbtu")
        ) == ("Дс–Жм 09:00–18:00")


def test_a_checkbox_group_s_error_is_told_on_each_box_and_linked_from_the_summary(world, as_):
    page = as_("staff").post("/desk/centre", data=profile_form(services=[])).get_data(True)
    boxes = re.findall(r'<input type="checkbox"[^>]*name="services"[^>]*>', page)
    assert boxes and all('aria-invalid="true" aria-describedby="services-error"' in box
                         for box in boxes)  # fmt: skip
    assert 'id="services-error"' in page
    assert '<a href="#services-0" class="alert-link">' in page and 'id="services-0"' in page


def test_a_centre_without_phone_or_e_mail_says_so(client, world):
    page = client.get("/centres/kbtu").get_data(as_text=True)
    assert "No phone number listed" in page
    assert "No e-mail address listed" in page


def test_suspending_asks_where_the_open_requests_go_and_moves_them(world, as_, make):
    client = as_("coordinator")
    refused = client.post("/office/centres/kbtu/status", data={"status": "suspended"})
    assert refused.headers["Location"].endswith("/office/centres/kbtu/suspend")
    plan = client.get("/office/centres/kbtu/suspend").get_data(as_text=True)
    assert world.reference in plan and "Karaganda Buketov University" in plan
    missing_reason = client.post("/office/centres/kbtu/suspend", data={"mode": "route", "text": ""})
    assert missing_reason.status_code == 400
    assert "Tell the inventors why their requests move." in missing_reason.get_data(as_text=True)
    # Marked required, as every field that is: it was the one without its asterisk.
    reason = re.search(r'for="text">[^<]*</label>(.{0,80})', plan, re.S)[1]
    assert 'class="text-danger"' in reason
    assert make.row(world.reference)["centre_id"] == make.centre_id("kbtu")
    chosen = make.centre_id("nazarbayev-university")
    form = {"mode": "centre", "centre": chosen, "text": "Жөндеу."}
    response = client.post("/office/centres/kbtu/suspend", data=form)
    assert response.status_code == 302
    assert make.row(world.reference)["centre_id"] == chosen
    assert client.get("/centres/kbtu").status_code == 404
    inventor_page = as_("inventor").get(f"/requests/{world.reference}").get_data(as_text=True)
    assert "Transferred from Kazakh-British Technical University by Coordinator" in inventor_page
    # The national office moved it, and says so: not "(centre)", as if it were the centre's.
    assert re.search(r"<bdi>Coordinator[^<]*</bdi></strong>\s*<span[^>]*>\(national office\)<",
                     inventor_page)  # fmt: skip


def test_the_suspension_page_lists_the_oldest_and_counts_the_rest(world, as_, make, monkeypatch):
    from tisc.web import office

    monkeypatch.setattr(office, "PLAN_SHOWN", 1)
    newer = make.request_in("submitted", world.people["inventor"], world.people["staff"])
    page = as_("coordinator").get("/office/centres/kbtu/suspend").get_data(as_text=True)
    assert "It holds 2 open requests." in page
    assert world.reference in page and newer not in page and "And 1 more." in page


def test_a_suspension_too_big_for_one_request_finishes_after_the_response(
    world, as_, make, monkeypatch
):
    """Without a worker (``make run``) the web process moves the rest once the office's
    response has gone out; the suspension page says how far it is."""
    from tisc.services import suspension

    monkeypatch.setattr(suspension, "MOVED_IN_REQUEST", 1)
    monkeypatch.setattr(suspension, "BATCH", 1)
    inventor, staff = world.people["inventor"], world.people["staff"]
    others = [make.request_in("submitted", inventor, staff) for _ in range(2)]
    client = as_("coordinator")
    response = client.post(
        "/office/centres/kbtu/suspend", data={"mode": "route", "text": "Жөндеу."}
    )
    assert response.headers["Location"].endswith("/office/centres/kbtu/suspend")
    kbtu = make.centre_id("kbtu")
    assert sum(make.row(r)["centre_id"] == kbtu for r in [world.reference, *others]) == 2
    page = client.get("/office/centres/kbtu/suspend").get_data(as_text=True)
    assert "2 more are moving in the background" in page
    assert "1 moved, 2 still here" in page
    response.close()  # the rest move now
    assert all(make.row(r)["centre_id"] != kbtu for r in [world.reference, *others])
    page = client.get("/office/centres/kbtu/suspend").get_data(as_text=True)
    assert "This centre is already suspended." in page and "still here" not in page


def test_without_a_worker_looking_at_the_suspension_again_moves_more(world, as_, make, monkeypatch):
    """A web process stopped before it moved the rest (its response's work never ran):
    the page, which asks to be reloaded, moves more after its own response."""
    from tisc.services import suspension

    monkeypatch.setattr(suspension, "MOVED_IN_REQUEST", 0)
    client = as_("coordinator")
    client.post("/office/centres/kbtu/suspend", data={"mode": "route", "text": "x"})  # not closed
    assert make.row(world.reference)["centre_id"] == make.centre_id("kbtu")
    page = client.get("/office/centres/kbtu/suspend")
    assert "0 moved, 1 still here" in page.get_data(as_text=True)
    page.close()
    assert make.row(world.reference)["centre_id"] != make.centre_id("kbtu")


def test_the_suspension_page_names_the_requests_that_stayed(world, as_, make, monkeypatch):
    from tisc.services import centres, suspension

    monkeypatch.setattr(suspension, "MOVED_IN_REQUEST", 0)
    client = as_("coordinator")
    response = client.post("/office/centres/kbtu/suspend", data={"mode": "route", "text": "x"})
    monkeypatch.setattr(centres, "routing_candidates", lambda service: [])  # nowhere, now
    response.close()
    page = client.get("/office/centres/kbtu/suspend").get_data(as_text=True)
    assert "1 open request stayed here" in page
    assert make.row(world.reference)["centre_id"] == make.centre_id("kbtu")


def test_the_suspension_preview_follows_the_chosen_centre(world, as_, make):
    atyrau = make.centre_id("atyrau-university")
    page = (
        as_("coordinator")
        .get(f"/office/centres/kbtu/suspend?mode=centre&centre={atyrau}")
        .get_data(as_text=True)
    )
    row = page.split(world.reference, 2)[2].split("</tr>", 1)[0]
    assert "Kh. Dosmukhamedov Atyrau University" in row and "(chosen)" in row


def test_the_suspension_page_counts_the_requests_with_nowhere_to_go(world, as_, make, monkeypatch):
    from tisc.services import centres

    make.request_in("submitted", world.people["inventor"], world.people["staff"])
    monkeypatch.setattr(centres, "routing_candidates", lambda service: [])  # no other centre
    page = as_("coordinator").get("/office/centres/kbtu/suspend").get_data(as_text=True)
    assert "2 requests have nowhere to go" in page


def test_completed_requests_only_are_unaffected_by_questions_counts(world, as_, make):
    """A desk's figures are the ones it always had for requests that never ask."""
    reference = make.request_in("completed", world.people["inventor"], world.people["staff"])
    make.act(world.people["inventor"], reference, "rate", rating=5)
    desk = as_("staff").get("/desk").get_data(as_text=True)
    tab = desk.split('href="/desk?status=questions"', 1)[1].split("</a>", 1)[0]
    assert ">0</span>" in tab
    assert reference in as_("staff").get("/desk?status=completed").get_data(as_text=True)
    assert COMPLETION["summary"] in as_("inventor").get(f"/requests/{reference}").get_data(True)


def test_a_bad_chosen_centre_is_a_form_error_never_a_crash(world, as_, make):
    client = as_("coordinator")
    assert client.get("/office/centres/kbtu/suspend?mode=centre&centre=abc").status_code == 200
    form = {"mode": "centre", "centre": "abc", "text": "x"}
    response = client.post("/office/centres/kbtu/suspend", data=form)
    assert response.status_code == 400 and 'id="centre-error"' in response.get_data(True)
    assert make.row(world.reference)["centre_id"] == make.centre_id("kbtu")


def test_choosing_a_centre_without_naming_one_suspends_nothing(world, as_, make):
    """The coordinator asked for a centre of their choice: routing is not chosen for them."""
    response = as_("coordinator").post(
        "/office/centres/kbtu/suspend", data={"mode": "centre", "centre": "", "text": "x"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="centre-error"' in page
    assert "Choose the centre, or let routing choose for each." in page
    assert make.row(world.reference)["centre_id"] == make.centre_id("kbtu")
    with make.app.app_context():
        assert db.session.scalar(sa.select(Centre.status).where(Centre.slug == "kbtu")) == "active"


def test_the_coordinator_s_form_does_not_stop_a_centre_holding_requests(world, as_, make):
    from tests.web.test_office_management import centre_form, city_id

    form = centre_form(make.app, slug="kbtu", status="planned", city_id=city_id(make.app, "Almaty"))
    response = as_("coordinator").post("/office/centres/kbtu/edit", data=form)
    assert response.status_code == 400
    assert "still holds 1 open request" in response.get_data(as_text=True)
    with make.app.app_context():
        assert db.session.scalar(sa.select(Centre.status).where(Centre.slug == "kbtu")) == "active"


def test_the_office_reads_a_moved_requests_routing_as_the_first_centres(world, as_, make):
    """Beside the centre that holds it now, the routing reason ("…69 km away") read as if
    it were why that centre had it."""
    office = as_("coordinator")
    page = office.get(f"/office/requests/{world.reference}").get_data(as_text=True)
    assert "At submission:" not in page
    nu = make.centre_id("nazarbayev-university")
    make.act(world.people["staff"], world.reference, "transfer", centre_id=nu, text="Elsewhere.")
    page = office.get(f"/office/requests/{world.reference}").get_data(as_text=True)
    assert "At submission:" in page and "Transferred since, last from" in page
    ru = as_("coordinator")
    ru.post("/locale", data={"locale": "ru", "next": "/"})
    said = ru.get(f"/office/requests/{world.reference}").get_data(as_text=True)
    assert "При подаче:" in said and "г.." not in said  # "2026 г." ends the sentence once
