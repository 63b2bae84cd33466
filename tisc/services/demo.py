"""Demo content: accounts for every role and requests in every state.

Everything goes through the same use cases as the pages, so the demo's
requests have real routing, references, due dates and timelines. Running it
again changes nothing. The demo password exists only here and is printed by
``flask --app wsgi tisc demo``.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from tisc.domain.catalogue import Role
from tisc.domain.policy import Policy
from tisc.domain.workflow import Action
from tisc.extensions import db
from tisc.models import ServiceRequest, User
from tisc.services import accounts, replies, requests

DEMO_PASSWORD = "tisc-demo-2026"

# (e-mail, name, role, centre slug, locale)
ACCOUNTS = [
    ("coordinator@tisc-demo.kz", "Гүлнар Әбдірахманова", Role.COORDINATOR, None, "kk"),
    ("staff.karaganda@tisc-demo.kz", "Айгерім Сейітқызы", Role.STAFF, "karaganda-buketov", "kk"),
    ("staff.kbtu@tisc-demo.kz", "Дмитрий Ковалёв", Role.STAFF, "kbtu", "ru"),
    ("staff.atyrau@tisc-demo.kz", "Нұрлан Ермекұлы", Role.STAFF, "atyrau-university", "kk"),
    ("staff.nu@tisc-demo.kz", "Sarah Mitchell", Role.STAFF, "nazarbayev-university", "en"),
    ("inventor@tisc-demo.kz", "Әлия Нұрланқызы", Role.INVENTOR, None, "kk"),
]


EMAILS = tuple(email for email, *_ in ACCOUNTS)


def present() -> bool:
    """Whether demo accounts (with their published password) can sign in here."""
    return accounts.any_active(EMAILS)


@dataclass(frozen=True)
class DemoRequest:
    service: str
    title: str
    description: str
    region: str
    language: str
    days_ago: int
    # (action, who acts: "inventor" or "staff" of the centre it was routed to, inputs);
    # {"assignee": True} assigns the acting staff member.
    steps: tuple = ()


REQUESTS = [
    DemoRequest(
        "prior_art_search",
        "Көмір шаңын басатын биоыдырайтын көбік",
        "Шахталарда көмір шаңын басуға арналған өсімдік негізіндегі көбік. Құрамы: "
        "крахмал, сапонин, су. Бұрын жарияланған ба — тексеру керек.",
        "KZ-35",
        "kk",
        2,
    ),
    DemoRequest(
        "freedom_to_operate",
        "Солнечный осушитель для абрикосов",
        "Сушильная камера с пассивной вентиляцией и солнечным коллектором. Планируем "
        "производство в Алматинской области: нужен анализ свободы действий.",
        "KZ-19",
        "ru",
        9,
        (
            (Action.ASSIGN, "staff", {"assignee": True}),
            (Action.START, "staff", {}),
        ),
    ),
    DemoRequest(
        "patent_landscape",
        "Landscape: hydrogen storage in metal hydrides",
        "We want an overview of patents on magnesium-based hydride storage since 2015, "
        "main applicants and trends.",
        "KZ-71",
        "en",
        20,
        (
            (Action.ASSIGN, "staff", {"assignee": True}),
            (Action.START, "staff", {}),
            (
                Action.ASK,
                "staff",
                {"text": "Should the landscape include Russian and Chinese patent documents?"},
            ),
        ),
    ),
    DemoRequest(
        "ip_consultation",
        "Тұзды топыраққа арналған тамшылатып суару",
        "Атырау облысындағы фермерлерге арналған тамшылатып суару жүйесі. Патент алу "
        "тәртібі туралы кеңес қажет.",
        "KZ-23",
        "kk",
        30,
        (
            (Action.ASSIGN, "staff", {"assignee": True}),
            (Action.START, "staff", {}),
            (Action.NOTE, "staff", {"text": "Өтініш берушімен телефон арқылы сөйлестім."}),
            (
                Action.COMPLETE,
                "staff",
                {
                    "outcome": "advice_given",
                    "summary": "Пайдалы модельге өтінім беру тәртібі түсіндірілді; "
                    "Ұлттық институтқа өтінім үлгісі берілді.",
                    "hours_spent": "3.5",
                    "documents_cited": 2,
                },
            ),
            (Action.RATE, "inventor", {"rating": 5, "text": "Өте пайдалы кеңес, рақмет!"}),
            (
                Action.FOLLOW_UP,
                "inventor",
                {"text": "Пайдалы модельге өтінімді электронды түрде беруге бола ма?"},
            ),
        ),
    ),
    DemoRequest(
        "prior_art_search",
        "Дорожное покрытие из переработанного пластика",
        "Асфальтобетонная смесь с добавкой 8 % измельчённого ПЭТ. Нужен поиск аналогов.",
        "KZ-47",
        "ru",
        40,
        (
            (
                Action.DECLINE,
                "staff",
                {
                    "text": "Запрос совпадает с поиском, выполненным для вас в прошлом месяце; "
                    "мы можем обновить тот отчёт."
                },
            ),
        ),
    ),
    DemoRequest(
        "patentability",
        "Wheat variety screening with hyperspectral imaging",
        "A camera-based method for early detection of rust in wheat seedlings.",
        "KZ-39",
        "en",
        35,
        (
            (Action.ASSIGN, "staff", {"assignee": True}),
            (Action.START, "staff", {}),
        ),
    ),
    DemoRequest(
        "training",
        "Патенттік дерекқорлармен жұмыс: студенттерге семинар",
        "Қарағанды университетінің 20 студентіне Espacenet және PATENTSCOPE бойынша семинар.",
        "KZ-35",
        "kk",
        12,
        ((Action.WITHDRAW, "inventor", {"text": "Семинар кейінге қалдырылды."}),),
    ),
    # The first request again, sent from Astana: flagged as a possible duplicate for the
    # staff of Nazarbayev University and of Karaganda.
    DemoRequest(
        "prior_art_search",
        "Шахтадағы көмір шаңын басатын көбік",
        "Көмір шаңын басуға арналған крахмал мен сапонин негізіндегі көбік.",
        "KZ-71",
        "kk",
        1,
    ),
]

# Each demo centre's first saved reply: (title, {language: text}).
SAVED_REPLY = (
    "Қосымша мәлімет / Уточнение / More details",
    {
        "kk": "Құрметті {name}! {reference} сұрауыңыз бойынша іздеуді нақтылау үшін "
        "өнертабыстың негізгі белгілерін және бәсекелестерді атап беріңізші.",
        "ru": "Уважаемый(ая) {name}! Чтобы уточнить поиск по запросу {reference}, назовите, "
        "пожалуйста, существенные признаки изобретения и известных вам конкурентов.",
        "en": "Dear {name}, to focus the search for {reference}, please name the essential "
        "features of the invention and the competitors you know of.",
    },
)


@dataclass
class DemoReport:
    accounts_created: int = 0
    requests_created: int = 0


def load_demo(policy: Policy, now: datetime | None = None) -> DemoReport:
    """Create the demo accounts, saved replies and requests that are missing."""
    now = now or datetime.now(UTC)
    report = DemoReport()
    for email, name, role, centre, locale in ACCOUNTS:
        if accounts.find_by_email(email) is None:
            accounts.create_user(
                name, email, role, policy.password_hash_method,
                centre_slug=centre, password=DEMO_PASSWORD, locale=locale,
            )  # fmt: skip
            report.accounts_created += 1
    for email, _name, role, _centre, _locale in ACCOUNTS:
        staff = accounts.find_by_email(email)
        if role is Role.STAFF and not replies.for_centre(staff):
            title, texts = SAVED_REPLY
            replies.create(
                staff, replies.ReplyDraft(title, **{f"text_{k}": v for k, v in texts.items()})
            )
    inventor = accounts.find_by_email("inventor@tisc-demo.kz")
    if db.session.scalar(
        sa.select(sa.func.count()).where(ServiceRequest.inventor_id == inventor.id)
    ):
        return report
    for demo in REQUESTS:
        _create(demo, inventor, policy, now)
        report.requests_created += 1
    return report


def _create(demo: DemoRequest, inventor: User, policy: Policy, now: datetime) -> None:
    moment = now - timedelta(days=demo.days_ago)
    draft = requests.Draft(
        service=demo.service, title=demo.title, description=demo.description,
        region_code=demo.region, preferred_language=demo.language, confidentiality_ack=True,
        requester_category="startup_sme", send_anyway=True,
    )  # fmt: skip
    service_request = requests.submit(inventor, draft, policy, now=moment)
    reference = service_request.reference
    staff = accounts.staff_of(service_request.centre_id)[0]
    for action, who, fields in demo.steps:
        moment += timedelta(days=1, hours=2)
        actor = inventor if who == "inventor" else staff
        given = dict(fields)
        if given.pop("assignee", False):
            given["assignee_id"] = actor.id
        requests.perform(
            actor, reference, action, requests.ActionInput(**given), policy, now=moment
        )
