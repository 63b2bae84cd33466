"""Submitting, following and acting on a request through the pages."""

import io
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.factories import COMPLETION, PDF, login, today_in_kazakhstan
from tisc.extensions import db
from tisc.models import ServiceRequest
from tisc.services.files import Upload


def submission(**changes) -> dict:
    return {
        "service": "prior_art_search",
        "title": "Көмір шаңын басатын көбік",
        "description": "Құпия сипаттама: ә ғ қ ң ө ұ ү һ і",
        "technical_field": "Тау-кен ісі",
        "keywords": "көбік, шаң",
        "ipc_classes": "a62d 1/00; B01F17/00",
        "region_code": "KZ-35",
        "preferred_language": "kk",
        "preferred_centre": "",
        "confidentiality_ack": "y",
    } | changes


def request_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(ServiceRequest))


def test_the_form_offers_services_regions_and_centres(world, as_):
    page = as_("inventor").get("/requests/new?service=training&centre=kbtu").get_data(True)
    assert 'value="prior_art_search"' in page
    assert 'value="KZ-35"' in page
    assert re.search(r'<option selected value="training">|<option value="training" selected', page)
    kbtu = world.make.centre_id("kbtu")
    assert re.search(rf'<option selected value="{kbtu}">|<option value="{kbtu}" selected', page)
    for label in ("Title", "Your region", "Attachments", "Preferred centre"):
        assert f">{label}</label>" in page


def test_submitting_routes_and_shows_the_reference_and_reason(world, as_):
    client = as_("inventor")
    response = client.post("/requests/new", data=submission(), follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    reference = re.search(r"TISC-\d{4}-\d{5}", page)[0]
    assert "Karaganda Buketov University" in page
    assert "A centre in your region offering “Prior-art search”." in page
    assert "Құпия сипаттама: ә ғ қ ң ө ұ ү һ і" in page
    staff = world.make.app.test_client()
    login(staff, world.make.user("staff", centre="karaganda-buketov"))
    theirs = staff.get(f"/requests/{reference}").get_data(as_text=True)
    assert "A centre in the inventor&#39;s region offering “Prior-art search”." in theirs
    assert "your region" not in theirs  # said of the inventor, not to them
    row = world.make.row(reference)
    assert row["ipc_classes"] == "A62D 1/00; B01F 17/00"
    assert row["technical_field"] == "Тау-кен ісі"


def test_files_are_uploaded_with_the_request_and_downloadable(world, as_):
    client = as_("inventor")
    data = submission(files=[(io.BytesIO(PDF), "Сызба №1.pdf")])
    response = client.post("/requests/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    link = re.search(r'href="(/requests/TISC-[^"]+/files/\d+)"', page)[1]
    download = client.get(link)
    assert download.data == PDF
    assert download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    assert "%D0%A1%D1%8B%D0%B7%D0%B1%D0%B0" in download.headers["Content-Disposition"]


def test_a_file_downloads_with_the_extension_of_its_detected_type(world, as_):
    client = as_("inventor")
    data = submission(files=[(io.BytesIO(PDF), "x.html")])
    response = client.post("/requests/new", data=data, content_type="multipart/form-data")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    link = re.search(r'href="(/requests/TISC-[^"]+/files/\d+)"', page)[1]
    disposition = client.get(link).headers["Content-Disposition"]
    assert "filename=x.pdf" in disposition and "html" not in disposition


def test_a_disguised_file_is_refused_and_nothing_is_created(world, as_):
    before = request_count(world.make.app)
    data = submission(files=[(io.BytesIO(b"<html><script>alert(1)</script>"), "report.pdf")])
    response = as_("inventor").post("/requests/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "is not a PDF, DOCX, PNG or JPEG file" in response.get_data(as_text=True)
    assert request_count(world.make.app) == before


CHOOSE_AGAIN = "The files you chose were not kept: choose them again before sending."


def file_box(page: str, name: str) -> str:
    """The file field's block: its input and what is said under it."""
    return page.split(f'name="{name}"', 1)[1].split('<div class="mb-3', 1)[0]


def test_a_form_sent_back_with_an_error_says_to_choose_the_files_again(world, as_):
    client = as_("inventor")
    data = submission(confidentiality_ack="", files=[(io.BytesIO(PDF), "сызба.pdf")])
    response = client.post("/requests/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert CHOOSE_AGAIN in file_box(page, "files")
    assert re.search(r'name="files"[^>]*aria-describedby="[^"]*files-again', page)
    # Nothing chosen, nothing to say.
    response = client.post("/requests/new", data=submission(confidentiality_ack=""))
    assert response.status_code == 400 and CHOOSE_AGAIN not in response.get_data(as_text=True)


def test_a_message_sent_back_says_to_choose_its_files_again(world, as_, make):
    client = as_("staff")
    stale = make.row(world.reference)["version"]
    make.act(world.people["inventor"], world.reference, "message", text="Сұрақ")
    data = {"message-version": stale, "message-text": "Есеп қоса берілді",
            "message-files": [(io.BytesIO(PDF), "есеп.pdf")]}  # fmt: skip
    response = client.post(f"/requests/{world.reference}/message", data=data,
                           content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 409
    assert CHOOSE_AGAIN in file_box(response.get_data(as_text=True), "message-files")
    data = {"message-version": make.row(world.reference)["version"], "message-text": " ",
            "message-files": [(io.BytesIO(PDF), "есеп.pdf")]}  # fmt: skip
    response = client.post(f"/requests/{world.reference}/message", data=data,
                           content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 400
    assert CHOOSE_AGAIN in file_box(response.get_data(as_text=True), "message-files")


def test_a_message_names_every_file_it_refuses_at_once(world, as_, make):
    """QA of the twenty-third session: a message's files were refused one a round (the
    first bad one named), where the new-request form names them all."""
    before = make.row(world.reference)
    data = {"message-version": before["version"], "message-text": "Есеп қоса берілді",
            "message-files": [(io.BytesIO(b"MZ\x90\x00"), "setup.pdf"), (io.BytesIO(PDF), "ok.pdf"),
                              (io.BytesIO(b"<html>"), "x.html")]}  # fmt: skip
    response = as_("staff").post(f"/requests/{world.reference}/message", data=data,
                                 content_type="multipart/form-data")  # fmt: skip
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "“setup.pdf” is not a PDF" in page and "“x.html” is not a PDF" in page
    assert "“ok.pdf” is not" not in page
    assert make.row(world.reference) == before


def test_a_right_to_left_name_is_isolated_from_the_words_after_it(make, client):
    """A name in Arabic letters (or one kept from before bidirectional controls were
    refused) is a <bdi> in the timeline: "(inventor) · Submitted" after it keeps its order."""
    inventor = make.user("inventor", name="عربي Әлі")
    staff = make.user("staff", centre="kbtu", name="<b>داود</b> Сәрсенов")
    reference = make.request_in("in_progress", inventor, staff)
    login(client, inventor)
    page = client.get(f"/requests/{reference}").get_data(as_text=True)
    assert "<strong><bdi>عربي Әлі</bdi></strong>" in page
    named = "<bdi>&lt;b&gt;داود&lt;/b&gt; Сәрсенов</bdi>"  # escaped inside its <bdi>
    assert f"assigned to {named}" in page and f"— {named}" in page


def test_bad_input_is_shown_on_the_field_and_changes_nothing(world, as_):
    before = request_count(world.make.app)
    client = as_("inventor")
    cases = {
        "confidentiality_ack": ("", "Please confirm that you have read this."),
        "ipc_classes": ("A61K 31/00; banana", "“banana” is not an IPC class"),
        "title": ("", "This field is required."),
        "region_code": ("KZ-XX", "Not a valid choice."),
        "service": ("astrology", "Not a valid choice."),
    }
    for field, (value, message) in cases.items():
        response = client.post("/requests/new", data=submission(**{field: value}))
        page = response.get_data(as_text=True)
        assert response.status_code == 400, field
        assert message in page, field
        assert f'id="{field}-error"' in page, field
    assert request_count(world.make.app) == before


def test_one_refused_round_names_every_problem(world, as_):
    """Review 10, finding 3: the fields' errors hid the IPC classes', which hid the files'
    (three rounds, the files chosen again each time); only the first bad class was named."""
    before = request_count(world.make.app)
    data = submission(title="", region_code="", ipc_classes="a61k31/00, G06F16; XYZ 1/2") | {
        "files": [(io.BytesIO(b"plain text"), "notes.txt"), (io.BytesIO(PDF), "ok.pdf"),
                  (io.BytesIO(b"<html>"), "fake.pdf")],
    }  # fmt: skip
    response = as_("inventor").post("/requests/new", data=data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for field in ("title", "region_code", "ipc_classes", "files"):
        assert f'id="{field}-error"' in page, field
    assert "These are not IPC classes: G06F16, XYZ 1/2." in page
    assert "“notes.txt” is not a PDF" in page and "“fake.pdf” is not a PDF" in page
    assert "ok.pdf" not in page
    assert request_count(world.make.app) == before


def test_ipc_classes_typed_on_a_cyrillic_keyboard_are_taken(world, as_):
    """Review 10, finding 2: А61К 31/00 with Cyrillic А and К was refused."""
    response = as_("inventor").post(
        "/requests/new", data=submission(ipc_classes="А61К 31/00; н01l 31/042")
    )
    assert response.status_code == 302
    reference = response.headers["Location"].rsplit("/", 1)[-1]
    with world.make.app.app_context():
        stored = db.session.scalar(
            sa.select(ServiceRequest.ipc_classes).where(ServiceRequest.reference == reference)
        )
    assert stored == "A61K 31/00; H01L 31/042"


def test_the_form_starts_with_the_region_of_the_previous_request(world, client, make):
    """Review 10, finding 14: the region was asked again for every request."""
    login(client, make.user())
    assert re.search(r'<option selected value="">|<option value="" selected',
                     client.get("/requests/new").get_data(True))  # fmt: skip
    assert client.post("/requests/new", data=submission(region_code="KZ-43")).status_code == 302
    page = client.get("/requests/new").get_data(as_text=True)
    assert re.search(r'<option selected value="KZ-43">|<option value="KZ-43" selected', page)


def test_a_long_title_is_refused_with_its_length_not_cut(world, as_):
    """Review 10, finding 7: maxlength=200 cut a pasted 339-character title without a word."""
    client = as_("inventor")
    form = client.get("/requests/new").get_data(as_text=True)
    title_input = re.search(r'<input[^>]*id="title"[^>]*>', form).group(0)
    assert "maxlength" not in title_input
    assert "At most 200 characters." in form
    response = client.post("/requests/new", data=submission(title="Қ" * 339))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "At most 200 characters; this one has 339. Please shorten it." in page
    assert "Қ" * 339 in page  # kept whole, to shorten
    assert client.post("/requests/new", data=submission(title="Қ" * 200)).status_code == 302


def test_the_inventor_list_shows_their_requests_only(world, as_, make):
    make.request(world.people["other_inventor"], title="Someone else's")
    page = as_("inventor").get("/requests").get_data(as_text=True)
    assert world.reference in page
    assert "Someone else&#39;s" not in page and "Someone else's" not in page


def test_staff_see_notes_and_the_inventor_does_not(world, as_, make):
    make.act(world.people["staff"], world.reference, "note", text="Ішкі ескертпе: NOTE-TEXT")
    assert "NOTE-TEXT" in as_("staff").get(f"/requests/{world.reference}").get_data(True)
    as_("inventor")
    assert "NOTE-TEXT" not in as_("inventor").get(f"/requests/{world.reference}").get_data(True)


def test_the_page_offers_exactly_the_allowed_actions(world, as_):
    page = as_("staff").get(f"/requests/{world.reference}").get_data(as_text=True)
    # Forms for the main action ("Take it") and the message box; the rest in the menu,
    # each form built only when its panel is opened.
    offered = set(re.findall(r'/requests/TISC-[\d-]+/([a-z]+)"', page))
    assert offered == {"assign", "message"}
    in_menu = set(re.findall(r"\?do=([a-z_]+)", page))
    assert in_menu == {"assign", "transfer", "note", "decline"}
    for action in in_menu:
        opened = as_("staff").get(f"/requests/{world.reference}?do={action}").get_data(True)
        assert f'/requests/{world.reference}/{action}"' in opened
    # An action not allowed now opens nothing.
    page = as_("staff").get(f"/requests/{world.reference}?do=complete").get_data(True)
    assert f"/requests/{world.reference}/complete" not in page


def test_staff_work_a_request_through_the_pages(world, as_, make):
    client = as_("staff")
    staff = world.people["staff"]

    def post(action, **fields):
        version = make.row(world.reference)["version"]
        data = {f"{action}-{k}": v for k, v in ({"version": version} | fields).items()}
        return client.post(f"/requests/{world.reference}/{action}", data=data)

    assert post("assign", assignee=staff.id).status_code == 302
    assert post("start").status_code == 302
    assert post("ask", text="Қай елдерде?").status_code == 302
    assert make.row(world.reference)["status"] == "awaiting_inventor"
    make.act(world.people["inventor"], world.reference, "reply", text="Қазақстан")
    data = {k: v for k, v in COMPLETION.items()}
    response = post("complete", **data)
    assert response.status_code == 302
    page = client.get(f"/requests/{world.reference}").get_data(as_text=True)
    assert "Relevant prior art found" in page
    assert "3 documents cited" in page and "Hours spent: 6.5" in page
    # The inventor reads the result and what it cites, not the centre's hours on it.
    page = as_("inventor").get(f"/requests/{world.reference}").get_data(as_text=True)
    assert "Relevant prior art found" in page and "3 documents cited" in page
    assert "Hours spent" not in page


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_hours_are_taken_with_a_decimal_comma_in_every_language(world, as_, make, language):
    staff = world.people["staff"]
    reference = make.request_in("in_progress", world.people["inventor"], staff)
    client = as_("staff")
    client.post("/locale", data={"locale": language, "next": "/"})
    page = client.get(f"/requests/{reference}").get_data(as_text=True)
    hours = re.search(r'<input[^>]*name="complete-hours_spent"[^>]*>', page)[0]
    assert 'inputmode="decimal"' in hours and 'type="text"' in hours
    data = {f"complete-{k}": v for k, v in COMPLETION.items()}
    data |= {"complete-version": make.row(reference)["version"], "complete-hours_spent": "1,5"}
    assert client.post(f"/requests/{reference}/complete", data=data).status_code == 302
    assert make.row(reference)["hours_spent"] == Decimal("1.5")


# Hours are kept to the hundredth, rounded before they are checked - as the API rounds them
# (tests/api/test_protocol.py has the same table): a value either door takes, both take.
HOURS_ROUNDED = [("0,249", Decimal("0.25")), ("0.244", None), ("1000.004", Decimal("1000.00")),
                 ("1000,006", None), ("2.345", Decimal("2.34"))]  # fmt: skip


@pytest.mark.parametrize(("given", "kept"), HOURS_ROUNDED)
def test_hours_are_rounded_to_the_hundredth_before_they_are_checked(world, as_, make, given, kept):
    reference = make.request_in("in_progress", world.people["inventor"], world.people["staff"])
    before = make.row(reference)
    data = {f"complete-{k}": v for k, v in COMPLETION.items()}
    data |= {"complete-version": before["version"], "complete-hours_spent": given}
    response = as_("staff").post(f"/requests/{reference}/complete", data=data)
    if kept is None:
        assert response.status_code == 400
        assert "Give the hours spent, from 0.25 to 1,000." in response.get_data(as_text=True)
        assert make.row(reference) == before
    else:
        assert response.status_code == 302
        assert make.row(reference)["hours_spent"] == kept


@pytest.mark.parametrize(
    ("language", "says"),
    [("ru", "Укажите число, например 6,5."), ("kk", "Санды жазыңыз, мысалы 6,5."),
     ("en", "Give a number, e.g. 6.5.")],
)  # fmt: skip
def test_what_is_not_a_number_is_told_so_with_an_example_as_the_reader_writes_it(
    world, as_, make, language, says
):
    reference = make.request_in("in_progress", world.people["inventor"], world.people["staff"])
    before = make.row(reference)
    client = as_("staff")
    client.post("/locale", data={"locale": language, "next": "/"})
    for given in ("abc", "NaN", "1,2,3"):
        data = {f"complete-{k}": v for k, v in COMPLETION.items()}
        data |= {"complete-version": before["version"], "complete-hours_spent": given}
        response = client.post(f"/requests/{reference}/complete", data=data)
        assert response.status_code == 400, given
        assert says in response.get_data(as_text=True), given
    assert make.row(reference) == before


@pytest.mark.parametrize(
    ("language", "bounds"), [("ru", "от 0,25 до 1\u00a0000"), ("en", "0.25 to 1,000")]
)
def test_the_hours_bounds_are_written_as_the_reader_writes_numbers(
    world, as_, make, language, bounds
):
    staff = world.people["staff"]
    reference = make.request_in("in_progress", world.people["inventor"], staff)
    client = as_("staff")
    client.post("/locale", data={"locale": language, "next": "/"})
    data = {f"complete-{k}": v for k, v in COMPLETION.items()}
    data |= {"complete-version": make.row(reference)["version"], "complete-hours_spent": "0,1"}
    response = client.post(f"/requests/{reference}/complete", data=data)
    assert response.status_code == 400
    assert bounds in response.get_data(as_text=True)


def test_hours_that_are_not_a_number_are_still_refused(world, as_, make):
    staff = world.people["staff"]
    reference = make.request_in("in_progress", world.people["inventor"], staff)
    data = {f"complete-{k}": v for k, v in COMPLETION.items()}
    for typed in ("1,5,0", "1.5,0", ","):
        data |= {"complete-version": make.row(reference)["version"],
                 "complete-hours_spent": typed}  # fmt: skip
        response = as_("staff").post(f"/requests/{reference}/complete", data=data)
        assert response.status_code == 400, typed
        assert f'value="{typed}"' in response.get_data(as_text=True)  # kept as typed
    assert make.row(reference)["status"] == "in_progress"


def test_a_stale_form_is_refused_with_a_clear_message(world, as_, make):
    client = as_("staff")
    stale = make.row(world.reference)["version"]
    make.act(world.people["staff"], world.reference, "assign", assignee_id=world.people["staff"].id)
    response = client.post(
        f"/requests/{world.reference}/decline", data={"decline-version": stale, "decline-text": "x"}
    )
    assert response.status_code == 409
    assert "changed this request while you were looking at it" in response.get_data(as_text=True)
    assert make.row(world.reference)["status"] == "assigned"


def test_an_empty_form_for_an_action_no_longer_offered_is_told_why(world, as_, make):
    """A tab left open: the action went away, and nothing typed is there to give back."""
    staff = world.people["staff"]
    reference = make.request_in("in_progress", world.people["inventor"], staff)
    version = make.row(reference)["version"]
    make.act(world.people["inventor"], reference, "withdraw")
    response = as_("staff").post(
        f"/requests/{reference}/complete", data={"complete-version": version}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "That can no longer be done: the request has changed since you opened it." in page
    assert "What you wrote was not sent" not in page
    assert make.row(reference)["status"] == "withdrawn"


def test_a_message_typed_while_the_request_changed_is_kept_to_send_again(world, as_, make):
    client = as_("staff")
    stale = make.row(world.reference)["version"]
    make.act(world.people["inventor"], world.reference, "message", text="Тағы бір сұрақ")
    typed = "Ұзын хабар: <b>сынақ</b> нәтижелері"
    response = client.post(f"/requests/{world.reference}/message",
                           data={"message-version": stale, "message-text": typed})  # fmt: skip
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "changed this request while you were looking at it" in page
    box = re.search(r'<textarea[^>]*name="message-text"[^>]*>([^<]*)</textarea>', page)
    assert box[1] == "Ұзын хабар: &lt;b&gt;сынақ&lt;/b&gt; нәтижелері"
    # The form now carries the version the page shows: pressing Send again sends it.
    version = re.search(r'name="message-version" value="(\d+)"', page)[1]
    assert version == str(make.row(world.reference)["version"])
    again = client.post(f"/requests/{world.reference}/message",
                        data={"message-version": version, "message-text": typed})  # fmt: skip
    assert again.status_code == 302
    assert typed in client.get(f"/requests/{world.reference}").get_data(as_text=True).replace(
        "&lt;", "<").replace("&gt;", ">")  # fmt: skip


def test_a_completion_refused_meanwhile_shows_what_was_written_to_copy(world, as_, make):
    staff = world.people["staff"]
    reference = make.request_in("in_progress", world.people["inventor"], staff)
    version = make.row(reference)["version"]
    make.act(world.people["inventor"], reference, "withdraw")
    data = {f"complete-{k}": v for k, v in COMPLETION.items()}
    data |= {"complete-version": version, "complete-summary": "Үш құжат табылды, толығы…"}
    response = as_("staff").post(f"/requests/{reference}/complete", data=data)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "What you wrote was not sent" in page
    assert "Үш құжат табылды, толығы…" in page
    assert make.row(reference)["status"] == "withdrawn"


def test_a_wrong_form_for_an_action_no_longer_offered_still_shows_what_was_written(
    world, as_, make
):
    """Refused by the form's own check (no hours) after the inventor withdrew: the page has
    no completion form to show it in, so it says why and shows the text to copy."""
    staff = world.people["staff"]
    reference = make.request_in("in_progress", world.people["inventor"], staff)
    version = make.row(reference)["version"]
    make.act(world.people["inventor"], reference, "withdraw")
    data = {f"complete-{k}": v for k, v in COMPLETION.items()} | {"complete-hours_spent": ""}
    data |= {"complete-version": version, "complete-summary": "Үш құжат табылды, толығы…"}
    response = as_("staff").post(f"/requests/{reference}/complete", data=data)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "That can no longer be done: the request has changed since you opened it." in page
    assert "What you wrote was not sent" in page and "Үш құжат табылды, толығы…" in page


def test_a_stale_far_reaching_form_is_kept_and_asks_for_confirmation_again(world, as_, make):
    client = as_("staff")
    stale = make.row(world.reference)["version"]
    staff = world.people["staff"]
    make.act(staff, world.reference, "assign", assignee_id=staff.id)
    response = client.post(f"/requests/{world.reference}/decline", data={
        "decline-version": stale, "decline-text": "Біздің бейін емес", "decline-confirmed": "y",
    })  # fmt: skip
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert re.search(r'name="decline-text"[^>]*>Біздің бейін емес</textarea>', page)
    assert 'name="decline-confirmed" value=""' in page
    assert make.row(world.reference)["status"] == "assigned"


def test_a_missing_reason_is_shown_on_the_form(world, as_, make):
    version = make.row(world.reference)["version"]
    response = as_("staff").post(
        f"/requests/{world.reference}/decline",
        data={"decline-version": version, "decline-text": ""},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="decline-text-error"' in page
    assert make.row(world.reference)["status"] == "submitted"


def test_an_actions_address_opened_later_is_the_request_page_with_its_panel(world, as_, make):
    """A form sent back with errors leaves /requests/REF/decline in the address bar; a
    restored tab or the history opens it with GET, which once answered 405."""
    client = as_("staff")
    version = make.row(world.reference)["version"]
    sent = client.post(f"/requests/{world.reference}/decline",
                       data={"decline-version": version, "decline-text": ""})  # fmt: skip
    assert sent.status_code == 400
    later = client.get(f"/requests/{world.reference.lower()}/decline")
    assert later.status_code == 302
    assert later.headers["Location"] == f"/requests/{world.reference}?do=decline#panel"
    page = client.get(later.headers["Location"]).get_data(as_text=True)
    assert 'name="decline-text"' in page  # the panel is open, empty
    assert make.row(world.reference)["status"] == "submitted"
    assert client.get(f"/requests/{world.reference}/no-such-action").status_code == 404
    assert client.get(f"/requests/{world.reference}/version").status_code == 404


def test_transferring_asks_first_then_takes_the_request_off_the_desk(world, as_, make):
    before = make.row(world.reference)
    nu = make.centre_id("nazarbayev-university")
    data = {"transfer-version": before["version"], "transfer-centre": nu,
            "transfer-text": "Мамандар <b>сонда</b>"}  # fmt: skip
    asked = as_("staff").post(f"/requests/{world.reference}/transfer", data=data)
    page = asked.get_data(as_text=True)
    # The confirmation says what will happen, names the centre, and changed nothing yet.
    assert asked.status_code == 200 and "What will happen" in page
    assert "The request goes to Nazarbayev University" in page
    assert "Мамандар &lt;b&gt;сонда&lt;/b&gt;" in page
    assert 'name="transfer-confirmed" value="y"' in page
    assert make.row(world.reference) == before
    hidden = r"<input type=\"hidden\" name=\"(transfer-[a-z_]+)\" value=\"([^\"]*)\""
    replayed = dict(re.findall(hidden, page))
    assert replayed["transfer-centre"] == str(nu)
    response = as_("staff").post(f"/requests/{world.reference}/transfer", data=data | {
        "transfer-confirmed": "y"})  # fmt: skip
    assert response.status_code == 302 and response.headers["Location"].endswith("/desk")
    client = as_("staff")
    assert client.get(f"/requests/{world.reference}").status_code == 404
    inventor_page = as_("inventor").get(f"/requests/{world.reference}").get_data(as_text=True)
    assert "Nazarbayev University" in inventor_page
    assert "Мамандар" in inventor_page


def test_the_inventor_rates_a_completed_request_once(world, as_, make):
    staff = world.people["staff"]
    reference = make.request_in("completed", world.people["inventor"], staff)
    client = as_("inventor")
    version = make.row(reference)["version"]
    rate = {"rate-version": version, "rate-rating": "4", "rate-text": "Жақсы"}
    assert client.post(f"/requests/{reference}/rate", data=rate).status_code == 302
    rate["rate-version"] = make.row(reference)["version"]
    assert client.post(f"/requests/{reference}/rate", data=rate).status_code == 409
    assert make.row(reference)["rating"] == 4


@pytest.mark.parametrize("rating", ["abc", "9", "0", ""])
def test_a_rating_that_is_none_of_the_stars_is_asked_for_again(world, as_, make, rating):
    reference = make.request_in("completed", world.people["inventor"], world.people["staff"])
    rate = {"rate-version": make.row(reference)["version"], "rate-rating": rating}
    response = as_("inventor").post(f"/requests/{reference}/rate", data=rate)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose a rating from 1 to 5." in page and "coerce" not in page
    assert make.row(reference)["rating"] is None


def test_coordinator_sees_metadata_and_never_content(world, as_, make):
    make.act(world.people["staff"], world.reference, "note", text="NOTE-TEXT")
    make.act(world.people["staff"], world.reference, "message", text="MESSAGE-TEXT")
    client = as_("coordinator")
    for url in ("/office", f"/office/requests/{world.reference}"):
        page = client.get(url).get_data(as_text=True)
        assert world.reference in page
        for secret in ("SECRET-DESCRIPTION", "Жылу сақтайтын кірпіш", "NOTE-TEXT",
                       "MESSAGE-TEXT", "сызба.pdf", world.people["inventor"].email):  # fmt: skip
            assert secret not in page, (url, secret)
    assert "Kazakh-British Technical University" in client.get("/office").get_data(True)


def test_the_coordinator_s_history_has_every_status_change_and_none_of_the_talk(world, as_, make):
    staff, inventor, reference = world.people["staff"], world.people["inventor"], world.reference
    make.act(staff, reference, "assign", assignee_id=staff.id)
    make.act(staff, reference, "start")
    make.act(staff, reference, "ask", text="QUESTION-TEXT")
    make.act(inventor, reference, "reply", text="REPLY-TEXT")
    make.act(staff, reference, "message", text="MESSAGE-TEXT")
    make.act(staff, reference, "note", text="NOTE-TEXT")
    make.act(staff, reference, "ask", text="SECOND-QUESTION")
    make.act(staff, reference, "close_no_answer", text="CLOSING-REASON")
    make.act(inventor, reference, "resume", text="RESUME-TEXT")
    page = as_("coordinator").get(f"/office/requests/{reference}").get_data(as_text=True)
    history = re.sub(r"\s+", " ", page.split('<ol class="list-group')[-1])
    steps = re.findall(r"<strong>([^<]+)</strong>", history)
    assert steps == ["Submitted", "Assigned", "Work started", "Question to the inventor",
                     "Inventor&#39;s reply", "Question to the inventor",
                     "Closed: no answer from the inventor", "Reopened by the inventor"]  # fmt: skip
    assert "In progress → Awaiting inventor" in history
    assert "Awaiting inventor → In progress" in history
    assert "Closed: no answer from the inventor → In progress" in history  # resumed
    for secret in ("QUESTION-TEXT", "REPLY-TEXT", "MESSAGE-TEXT", "NOTE-TEXT", "SECOND-QUESTION",
                   "CLOSING-REASON", "RESUME-TEXT", "SECRET-DESCRIPTION", "сызба.pdf"):  # fmt: skip
        assert secret not in page, secret


def test_login_required_pages_remember_where_to_return(client, world):
    response = client.get(f"/requests/{world.reference}")
    assert response.status_code == 302
    assert "next=" in response.headers["Location"]
    login_page = client.get(response.headers["Location"])
    assert login_page.status_code == 200


def test_signed_out_visitors_are_sent_back_after_signing_in(client, world):
    person = world.people["inventor"]
    response = client.post(
        f"/login?next=/requests/{world.reference}",
        data={"email": person.email, "password": person.password},
    )
    assert response.headers["Location"] == f"/requests/{world.reference}"
    login(client, person)


def test_filings_are_records_of_their_own_and_keep_the_outcome(world, as_, make):
    staff = world.people["staff"]
    reference = make.request_in("completed", world.people["inventor"], staff)

    def record(who, number, **changes):
        version = make.row(reference)["version"]
        form = {
            "version": version,
            "ip_right": "patent",
            "office": "kazpatent",
            "application_number": number,
            "filed_on": today_in_kazakhstan().isoformat(),
        } | changes
        return as_(who).post(f"/requests/{reference}/record_filing",
                             data={f"record_filing-{k}": v for k, v in form.items()})  # fmt: skip

    assert record("staff", "not a number!").status_code == 400
    assert record("staff", "2026/0123.1", filed_on="2999-01-01").status_code == 400
    assert record("staff", "2026/0123.1").status_code == 302
    assert record("inventor", "2026/0123.1").status_code == 400  # already recorded
    assert (
        record("inventor", "EA202600042", office="eapo", ip_right="utility_model").status_code
        == 302
    )
    assert make.row(reference)["outcome"] == "prior_art_found"
    page = as_("inventor").get(f"/requests/{reference}").get_data(as_text=True)
    assert "2026/0123.1" in page and "EA202600042" in page and "Utility model" in page
    with make.app.app_context():
        from tisc.models import Filing

        filings = db.session.scalars(sa.select(Filing).order_by(Filing.id)).all()
        assert [(f.ip_right, f.office, f.application_number) for f in filings] == [
            ("patent", "kazpatent", "2026/0123.1"),
            ("utility_model", "eapo", "EA202600042"),
        ]


FILED_ON_THE_TIMELINE = {
    "kk": "Пайдалы модель · Еуразиялық патенттік ведомство (ЕАПВ) · ",
    "ru": "Полезная модель · Евразийское патентное ведомство (ЕАПВ) · ",
    "en": "Utility model · Eurasian Patent Office (EAPO) · ",
}


@pytest.mark.parametrize("language", FILED_ON_THE_TIMELINE)
def test_a_filing_is_told_on_the_timeline_in_the_readers_language(world, as_, make, language):
    staff, inventor = world.people["staff"], world.people["inventor"]
    reference = make.request_in("completed", inventor, staff)
    # Stored as codes (as every filing recorded so far is): the page says them in words.
    make.act(inventor, reference, "record_filing", ip_right="utility_model", office="eapo",
             application_number="2026/0123.1", filed_on=today_in_kazakhstan())  # fmt: skip
    for who in ("inventor", "staff"):
        client = as_(who)
        client.post("/locale", data={"locale": language, "next": "/"})
        page = client.get(f"/requests/{reference}").get_data(as_text=True)
        conversation = page.split('id="conversation-heading"', 1)[1].split("<aside", 1)[0]
        assert "utility_model" not in conversation and "eapo" not in conversation, who
        told = re.sub(r"<[^>]+>", "", conversation)
        assert FILED_ON_THE_TIMELINE[language] + "2026/0123.1" in told, who


def test_submitting_the_same_form_twice_creates_one_request(world, as_):
    client = as_("inventor")
    page = client.get("/requests/new").get_data(as_text=True)
    token = re.search(r'name="once" type="hidden" value="([^"]+)"', page)[1]
    assert token not in client.get("/requests/new").get_data(as_text=True)  # one per form
    before = request_count(world.make.app)
    first = client.post("/requests/new", data=submission(once=token))
    second = client.post("/requests/new", data=submission(once=token))  # double click, resend
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert request_count(world.make.app) == before + 1
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "already" in page
    # Another form with the same text is a new request (once the inventor confirms it is
    # not the one they already have).
    third = client.post(
        "/requests/new", data=submission(once="another-form") | {"send_anyway": "y"}
    )
    assert third.headers["Location"] != first.headers["Location"]
    assert request_count(world.make.app) == before + 2


def test_a_form_sent_again_after_a_change_says_so_and_sends_it_only_when_asked(world, as_):
    """Back to the form, changed and sent again: the first request stays as it was and the
    inventor is told; the form shown then is a new one, so sending it makes a new request."""
    client = as_("inventor")
    first = client.post("/requests/new", data=submission(once="form-1"))
    assert first.status_code == 302
    before = request_count(world.make.app)
    reference = first.headers["Location"].rsplit("/", 1)[1]
    changed = submission(once="form-1", title="Көмір шаңын басатын су тұманы")
    again = client.post("/requests/new", data=changed)
    assert again.status_code == 400  # the form again, with the message above it
    page = again.get_data(as_text=True)
    assert f"You had already sent this form: {reference}. Your changes since were not" in page
    assert "Көмір шаңын басатын су тұманы" in page  # what was typed is kept
    token = re.search(r'name="once" type="hidden" value="([^"]+)"', page)[1]
    assert token != "form-1"
    assert request_count(world.make.app) == before
    assert world.make.row(reference)["title"] == "Көмір шаңын басатын көбік"
    anew = client.post("/requests/new", data=changed | {"once": token, "send_anyway": "y"})
    assert anew.status_code == 302 and anew.headers["Location"] != first.headers["Location"]
    assert request_count(world.make.app) == before + 1


def test_another_inventors_form_token_is_theirs_alone(world, as_):
    first = as_("inventor").post("/requests/new", data=submission(once="shared-token"))
    other = as_("other_inventor").post("/requests/new", data=submission(once="shared-token"))
    assert other.status_code == 302 and other.headers["Location"] != first.headers["Location"]


def test_a_submission_costs_at_most_fifteen_statements(world, as_):
    """Issue 13's bound on the one thing every inventor does: everything a first submission
    writes (request, event, counters, figures, e-mail to the outbox) in at most 15 SQL
    statements; one more to flag similar requests, however many there are. (With a worker
    nothing follows the answer: tests/services/test_worker.py.)"""
    from tests.sql import statements

    client = as_("inventor")
    with world.make.app.app_context():
        engine = db.engine
    client.post("/requests/new", data=submission(title="Жылу сақтайтын кірпіш"))  # caches warm
    with statements(engine) as seen:
        response = client.post("/requests/new", data=submission(title="Көмір шаңын басатын көбік"))
    assert response.status_code == 302
    assert len(seen) <= 15, "\n".join(s[:90] for s in seen)
    assert not any("duplicate_flags" in s for s in seen)

    for _ in range(2):  # two more like it, sent anyway: the last resembles both before it
        with statements(engine) as seen:
            client.post("/requests/new", data=submission() | {"send_anyway": "y"})
    flags = [s for s in seen if s.lstrip().upper().startswith("INSERT INTO DUPLICATE_FLAGS")]
    assert len(flags) == 1 and len(seen) <= 16, seen
    with world.make.app.app_context():
        newest = db.session.scalar(sa.select(sa.func.max(ServiceRequest.id)))
        flagged = db.session.scalars(
            sa.text("SELECT other_id FROM duplicate_flags WHERE request_id = :id"), {"id": newest}
        ).all()
    assert len(flagged) == 2


def test_the_request_page_reads_its_inventor_and_assignee_with_the_request(world, as_):
    """Not one statement each after it (round trips, on PostgreSQL): the page names both."""
    from tests.sql import statements

    make = world.make
    colleague = make.user("staff", centre="kbtu", name="Дәулет Серікұлы")
    make.act(world.people["staff"], world.reference, "assign", assignee_id=colleague.id)
    client = as_("staff")
    page = f"/requests/{world.reference}"
    client.get(page)  # marks it seen; caches warm
    with world.make.app.app_context():
        engine = db.engine
    with statements(engine) as seen:
        text = client.get(page).get_data(as_text=True)
    assert "Дәулет Серікұлы" in text and "Әлия Нұрланқызы" in text
    one_user = re.compile(r"FROM users WHERE users\.id = (\?|%\(\w+\)s)$")
    assert not [s for s in seen if one_user.search(" ".join(s.split()))], seen


def test_opening_a_changed_request_reads_whether_it_changed_with_the_request(world, as_):
    """The "changed since you looked" mark of the reader comes with the request itself (no
    lookup of its own); a changed request is marked seen, an unchanged one is not written."""
    from tests.sql import statements

    make, staff = world.make, world.people["staff"]
    make.act(staff, world.reference, "assign", assignee_id=staff.id)
    client = as_("staff")
    page = f"/requests/{world.reference}"
    client.get(page)
    with make.app.app_context():
        engine = db.engine
    make.act(world.people["inventor"], world.reference, "message", text="Тағы бір сұрақ")
    with statements(engine) as changed:
        client.get(page)
    with statements(engine) as unchanged:
        client.get(page)
    lookup = re.compile(r"^SELECT request_reads\.")
    for seen in (changed, unchanged):
        assert not [s for s in seen if lookup.search(" ".join(s.split()))], seen
    writes = [s for s in changed if "INSERT INTO request_reads" in s]
    assert len(writes) == 1  # marked seen
    assert not [s for s in unchanged if "request_reads" in s and not s.startswith("SELECT")]
    badge = re.compile(r"(\d+) requests? changed since you last looked")
    assert not badge.search(client.get("/desk").get_data(as_text=True))


def test_a_longer_timeline_with_more_files_costs_no_more_statements(world, as_):
    """The request page reads its timeline, files included, in one query: ten more
    messages with a file each add rows, not statements."""
    from tests.sql import statements

    client = as_("staff")
    page = f"/requests/{world.reference}"
    with world.make.app.app_context():
        engine = db.engine
    client.get(page)  # marks it seen; caches warm
    with statements(engine) as short:
        client.get(page)
    make, staff, inventor = world.make, world.people["staff"], world.people["inventor"]
    make.act(staff, world.reference, "assign", assignee_id=staff.id)
    names = [f"{who}-{number}.pdf" for number in range(5) for who in ("staff", "inventor")]
    for name in names:
        person = staff if name.startswith("staff") else inventor
        make.act(person, world.reference, "message", text=name, files=[Upload(name, PDF)])
    client.get(page)
    with statements(engine) as long:
        response = client.get(page)
    text = response.get_data(as_text=True)
    assert all(name in text for name in names)
    assert "сызба.pdf" in text
    assert len(long) == len(short), "\n".join(s[:90] for s in long)
