"""Every figure on a small hand-made network, against numbers worked out by hand.

Times are in Almaty (UTC+5). The calendar is Kazakhstan's: 21–23 March and
16 December are holidays. "This year" is January–April 2026 (today is
15 April 2026); its previous period is September–December 2025.

    A  KBTU, prior-art search, start-up. Thu 19 Mar 10:00 → asked Fri 20 Mar 10:00,
       answered Tue 24 Mar 10:00 → completed Wed 25 Mar 16:00, rated 5.
       Working time Thu 14 h + Fri 24 h + Tue 24 h + Wed 16 h = 78 h; paused Fri 14 h +
       Tue 10 h = 24 h (Sat, Sun and Mon 23 Mar, a holiday, are not working days):
       54 h = 2.25 working days → 3. On time. A patent filed on 2 April.
    B  submitted to KBTU Mon 2 Mar 10:00 (database access, 5 days, university, Astana
       region), transferred to Nazarbayev University, completed Tue 10 Mar 10:00:
       Mon 14 h + 4 × 24 h + Mon 9 Mar 24 h + Tue 10 h = 144 h → 6 days; due Mon 9 Mar
       10:00, so late; never rated. Counted once, for Nazarbayev University.
    C  KBTU, declined.  D  KBTU, IP consultation, withdrawn.
    E  KBTU, closed: no answer.  F  KBTU, closed as a duplicate.
    G  KBTU, 5 January, in progress and overdue.
    H  KBTU, Mon 15 Dec 2025 10:00 → completed Wed 17 Dec 10:00: Mon 14 h + (Tue is a
       holiday) + Wed 10 h = 24 h → 1 day. The previous period.
Events: KBTU seminar 10 Mar (20 people), NU webinar for TISC staff 15 Mar (12), KBTU
20 Nov 2025 (15, previous period), KBTU workshop 20 May (upcoming: not counted).
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from tests.factories import COMPLETION
from tisc.domain import figures as defs
from tisc.domain.catalogue import Service
from tisc.domain.disclosure import Hidden
from tisc.domain.figures import Period, choose_period
from tisc.domain.workflow import Action, Status
from tisc.extensions import db
from tisc.models import FigureCount, ServiceRequest, User
from tisc.services import dashboards, events, figures, requests
from tisc.services.figures import Scope

ALMATY = ZoneInfo("Asia/Almaty")
TODAY = datetime(2026, 4, 15, 12, 0, tzinfo=ALMATY)


def local(*parts) -> datetime:
    return datetime(*parts, tzinfo=ALMATY)


class Network:
    def __init__(self, make):
        self.make, self.app = make, make.app
        self.kbtu, self.nu = make.centre_id("kbtu"), make.centre_id("nazarbayev-university")
        self.sme = make.user("inventor", category="startup_sme")
        self.uni = make.user("inventor", category="university")
        self.staff = make.user("staff", centre="kbtu", name="Айгерім")
        self.nu_staff = make.user("staff", centre="nazarbayev-university", name="Дәурен")
        self.references = {}

    def submit(self, name, who, when, service="prior_art_search", region="KZ-75", **draft):
        with self.app.app_context():
            user = db.session.get(User, who.id)
            made = requests.submit(user, requests.Draft(
                service=service, title=f"Request {name}", description="Secret.",
                region_code=region, preferred_language="kk", confidentiality_ack=True,
                **{"send_anyway": True} | draft,
            ), self.make.policy, now=when)  # fmt: skip
            self.references[name] = made.reference

    def act(self, name, who, action, when, **given):
        with self.app.app_context():
            requests.perform(
                db.session.get(User, who.id), self.references[name], Action(action),
                requests.ActionInput(**given), self.make.policy, now=when,
            )  # fmt: skip

    def close_as(self, name, status, when):
        """no_answer / duplicate have no workflow action yet (issue 14): change the row the
        way an action would, figures included."""
        with self.app.app_context():
            row = db.session.scalar(
                sa.select(ServiceRequest).where(ServiceRequest.reference == self.references[name])
            )
            before = figures.facts_of(row)
            row.status, row.closed_at = status, when
            figures.record_change(before, figures.facts_of(row), ALMATY)
            db.session.commit()


@pytest.fixture
def network(make):
    n = Network(make)
    s, nu = n.staff, n.nu_staff
    n.submit("A", n.sme, local(2026, 3, 19, 10))
    n.act("A", s, "assign", local(2026, 3, 19, 11), assignee_id=s.id)
    n.act("A", s, "start", local(2026, 3, 19, 11))
    n.act("A", s, "ask", local(2026, 3, 20, 10), text="Which markets?")
    # Nauryz, 21-23 March, and its two days in lieu, 24-25 March, are no working days
    n.act("A", n.sme, "reply", local(2026, 3, 26, 10), text="Europe.")
    n.act("A", s, "complete", local(2026, 3, 27, 16), **COMPLETION)
    n.act("A", n.sme, "rate", local(2026, 3, 30, 9), rating=5)
    n.act(
        "A",
        n.sme,
        "record_filing",
        local(2026, 4, 3, 9),
        ip_right="patent",
        office="kazpatent",
        application_number="2026/0101.1",
        filed_on=date(2026, 4, 2),
    )
    n.submit(
        "B",
        n.uni,
        local(2026, 3, 2, 10),
        service="database_access",
        region="KZ-71",
        preferred_centre_id=n.kbtu,
    )
    n.act("B", s, "transfer", local(2026, 3, 2, 12), centre_id=n.nu, text="Closer to Astana.")
    n.act("B", nu, "assign", local(2026, 3, 3, 9), assignee_id=nu.id)
    n.act("B", nu, "start", local(2026, 3, 3, 9))
    n.act(
        "B", nu, "complete", local(2026, 3, 11, 10), **COMPLETION | {"outcome": "report_delivered"}
    )
    n.submit("C", n.sme, local(2026, 3, 4, 10))
    n.act("C", s, "decline", local(2026, 3, 5, 10), text="Out of scope.")
    n.submit("D", n.uni, local(2026, 3, 16, 10), service="ip_consultation")
    n.act("D", n.uni, "withdraw", local(2026, 3, 17, 10))
    n.submit("E", n.sme, local(2026, 3, 10, 10))
    n.close_as("E", Status.NO_ANSWER, local(2026, 3, 31, 10))
    n.submit("F", n.sme, local(2026, 3, 11, 10))
    n.close_as("F", Status.DUPLICATE, local(2026, 3, 12, 10))
    n.submit("G", n.uni, local(2026, 1, 5, 10))
    n.act("G", s, "assign", local(2026, 1, 5, 11), assignee_id=s.id)
    n.act("G", s, "start", local(2026, 1, 5, 11))
    n.submit("H", n.sme, local(2025, 12, 15, 10))
    n.act("H", s, "assign", local(2025, 12, 15, 11), assignee_id=s.id)
    n.act("H", s, "start", local(2025, 12, 15, 11))
    n.act("H", s, "complete", local(2025, 12, 17, 10), **COMPLETION)
    with n.app.app_context():
        for who, day, audience, people, title in [
            (s, date(2026, 3, 10), "public", 20, "Seminar"),
            (nu, date(2026, 3, 15), "tisc_staff", 12, "Webinar"),
            (s, date(2025, 11, 20), "students", 15, "Old"),
            (s, date(2026, 5, 20), "public", None, "Upcoming"),
        ]:  # fmt: skip
            events.create_event(
                db.session.get(User, who.id),
                events.EventDetails(title, day, "seminar", "kk", audience, people),
                TODAY.date(),
            )
    return n


def board(app, scope=None, period=None):
    scope = scope or Scope()
    with app.app_context():
        period = period or choose_period("this_year", TODAY.date())
        return dashboards.dashboard(scope, period, app.extensions["tisc.policy"], TODAY)


def test_the_network_totals(network):
    d = board(network.app)
    t = d.total
    assert (d.period, d.previous) == (Period(202601, 202604), Period(202509, 202512))
    assert (t.received, t.completed, t.declined, t.withdrawn, t.no_answer, t.duplicate) == (
        7, 2, 1, 1, 1, 1
    )  # fmt: skip
    assert (t.open_now, d.overdue.value) == (1, 1)
    assert (t.on_time, t.on_time_rate) == (1, 0.5)
    assert dict(t.turnarounds) == {3: 1, 6: 1}
    assert (t.median_days, t.p90_days) == (4.5, 6)
    assert (t.mean_rating, t.rated_share) == (5.0, 0.5)
    assert (t.filings_total, dict(t.filings)) == (1, {"patent": 1})
    assert dict(t.outcomes) == {"prior_art_found": 1, "report_delivered": 1}
    assert (d.events.events, d.events.participants, d.events.staff_trained) == (2, 32, 12)
    # The previous period: only H, completed within a working day across a holiday.
    assert (d.before.received, d.before.completed, d.before.median_days) == (1, 1, 1)
    assert (d.events_before.events, d.events_before.participants) == (1, 15)


def test_the_breakdowns(network):
    d = board(network.app)
    by_centre = {s.key.slug: s for s in d.centres}
    kbtu, nu = by_centre["kbtu"], by_centre["nazarbayev-university"]
    assert (kbtu.figures.received, kbtu.figures.completed, kbtu.figures.closed_unserved) == (
        6,
        1,
        4,
    )
    assert (kbtu.figures.open_now, kbtu.overdue.value, kbtu.figures.median_days) == (1, 1, 3)
    assert (kbtu.events.events, kbtu.events.participants, kbtu.figures.filings_total) == (1, 20, 1)
    # The transferred request counts once, for the centre that completed it.
    assert (nu.figures.received, nu.figures.completed, nu.figures.on_time_rate) == (1, 1, 0.0)
    assert (nu.figures.mean_rating, nu.figures.rated_share, nu.figures.median_days) == (None, 0, 6)
    services = {s.key.value: s.figures for s in d.services}
    assert (services["prior_art_search"].received, services["prior_art_search"].completed) == (5, 1)
    assert (services["database_access"].received, services["database_access"].completed) == (1, 1)
    assert (services["ip_consultation"].received, services["ip_consultation"].withdrawn) == (1, 1)
    regions = {s.key.code: s.figures.received for s in d.regions}
    assert regions == {"KZ-75": 6, "KZ-71": 1}
    months = {s.key: (s.figures.received, s.figures.completed) for s in d.months}
    assert months == {202601: (1, 0), 202602: (0, 0), 202603: (6, 2), 202604: (0, 0)}
    assert d.received_by_centre_month == {network.kbtu: {202601: 1, 202603: 5},
                                          network.nu: {202603: 1}}  # fmt: skip


def test_one_filter_reads_the_sums_and_two_recompute_from_the_requests(network):
    by_category = board(network.app, Scope(category="university"))
    assert not by_category.recomputed
    assert (by_category.total.received, by_category.total.completed) == (3, 1)
    both = board(network.app, Scope(centre_id=network.kbtu, service="prior_art_search"))
    assert both.recomputed
    t = both.total
    assert (t.received, t.completed, t.declined, t.no_answer, t.duplicate, t.open_now) == (
        5, 1, 1, 1, 1, 1
    )  # fmt: skip
    assert (t.median_days, both.overdue.value, both.before.received) == (3, 1, 1)
    assert {s.key: s.figures.received for s in both.months} == {
        202601: 1, 202602: 0, 202603: 4, 202604: 0
    }  # fmt: skip


@pytest.mark.parametrize("filtered", ["centre", "service", "region", "category"])
def test_a_breakdown_by_what_is_filtered_holds_the_filtered_value_only(network, filtered):
    """Read from the sums (one filter) as recomputed from the requests (two): the figures
    per service with one service chosen once showed the whole network's for every other."""
    scope = {
        "centre": Scope(centre_id=network.kbtu), "service": Scope(service="database_access"),
        "region": Scope(region_code="KZ-75"), "category": Scope(category="university"),
    }[filtered]  # fmt: skip
    first, last = 202601, 202604
    with network.app.app_context():
        tz = network.make.policy.calendar.tz
        read, recomputed = (
            figures.source_for(scope, first, tz),
            figures.RequestSource(scope, first, tz),
        )
        assert isinstance(read, figures.RollupSource)
        for by in (defs.CENTRE, defs.SERVICE, defs.REGION, defs.CATEGORY):
            sums, again = (
                {key: +c for key, c in source.sums(by, first, last, with_now=True).items() if +c}
                for source in (read, recomputed)
            )
            assert sums == again, by
    services = board(network.app, scope).services
    if filtered == "service":
        assert [s.key for s in services if s.figures.received] == [Service.DATABASE_ACCESS]


def test_the_kept_sums_equal_a_rebuild_from_the_requests(network):
    def everything():
        with network.app.app_context():
            return sorted(
                tuple(row)
                for row in db.session.execute(
                    sa.select(FigureCount.__table__).where(FigureCount.value != 0)
                )
            )

    kept = everything()
    with network.app.app_context():
        db.session.execute(sa.update(ServiceRequest).values(turnaround_days=None))
        db.session.commit()
        figures.rebuild(network.make.policy)
    assert everything() == kept


def test_a_dashboard_is_built_again_when_its_figures_change_replacing_the_old(network):
    """Kept per scope and period: a new version replaces the old at once (left to age out,
    every change of the figures kept one more dashboard until 128 were held)."""
    before = board(network.app)
    kept = len(dashboards._kept)
    for name in ("I", "J"):
        network.submit(name, network.uni, local(2026, 4, 1, 10))
        assert board(network.app).total.received == before.total.received + 1 + (name == "J")
    assert len(dashboards._kept) == kept


def test_colleagues_load_and_turnaround(network):
    with network.app.app_context():
        people = dashboards.colleagues(
            network.kbtu, Period(202601, 202604), ZoneInfo("Asia/Almaty")
        )
    assert [(p.name, p.open_assigned, p.completed, p.median_days) for p in people] == [
        ("Айгерім", 1, 1, 3)
    ]


def test_the_wipo_report(network):
    with network.app.app_context():
        report = dashboards.wipo_report(2026, network.make.policy, TODAY)
    # The partner centres have no join date: they count from the day they were added to the
    # app, after this TODAY (tests/web/test_figures_pages.py counts centres of a year).
    assert (report.centres_active, report.centres_planned) == (0, 0)
    services = {s.key.value: (s.figures.received, s.figures.served) for s in report.services}
    assert services["prior_art_search"] == (5, 1) and services["database_access"] == (1, 1)
    categories = {s.key: (s.figures.received, s.figures.served) for s in report.categories}
    assert categories["startup_sme"] == (4, 1) and categories["university"] == (3, 1)
    assert dict(report.outcomes)["prior_art_found"] == 1
    assert dict(report.filings) == {"patent": 1, "utility_model": 0, "industrial_design": 0,
                                    "trademark": 0}  # fmt: skip
    assert (report.events.events, report.events.participants, report.events.staff_trained) == (
        2, 32, 12
    )  # fmt: skip
    assert report.total.mean_rating == 5.0


def test_public_statistics_hide_small_counts(network):
    with network.app.app_context():
        stats = dashboards.public_statistics(network.make.policy, TODAY)
    served = dict(stats.services)
    small = Hidden.SMALL
    assert served["prior_art_search"] == [0, small, small]  # 2024: 0; 2025: 1; 2026: 1
    assert stats.years == [2024, 2025, 2026]
    # The last 12 months: KBTU 2 (A, H), Nazarbayev University 1 (B); no median or rating.
    network = stats.network
    assert (network.completed, network.median_days, network.mean_rating) == (small, None, None)


def test_reopening_takes_a_completion_back_and_the_closed_time_does_not_count(network):
    n = network
    n.act("H", n.staff, "reopen", local(2026, 4, 13, 10), text="One more search.")
    n.act("H", n.staff, "start", local(2026, 4, 13, 10))
    n.act("H", n.staff, "complete", local(2026, 4, 14, 10), **COMPLETION)
    with n.app.app_context():
        row = db.session.scalar(
            sa.select(ServiceRequest).where(ServiceRequest.reference == n.references["H"])
        )
        # 1 day before closing, and Mon 13 Apr 10:00 → Tue 14 Apr 10:00 after reopening.
        assert row.turnaround_days == 2
    d = board(n.app)
    assert (d.before.completed, d.total.completed) == (0, 3)
    assert defs.median_of(d.total.turnarounds) == 3


def reopen_b_and_complete_again(n):
    """B took 6 working days against a target of 5: late. Reopened on Mon 13 Apr and
    completed an hour later, it is still late (a fresh due date made it "on time")."""
    n.act("B", n.nu_staff, "reopen", local(2026, 4, 13, 10), text="One more database.")
    n.act("B", n.nu_staff, "start", local(2026, 4, 13, 10))
    n.act("B", n.nu_staff, "complete", local(2026, 4, 13, 11), **COMPLETION)


def test_a_late_request_reopened_and_completed_again_stays_late(network):
    n = network
    assert (board(n.app).total.completed, board(n.app).total.on_time) == (2, 1)
    reopen_b_and_complete_again(n)
    d = board(n.app)
    assert (d.total.completed, d.total.on_time) == (2, 1)  # A on time, B late
    with n.app.app_context():
        row = db.session.scalar(
            sa.select(ServiceRequest).where(ServiceRequest.reference == n.references["B"])
        )
        assert row.turnaround_days == 7 and row.closed_at > row.due_at


def test_a_rating_of_the_previous_result_does_not_count_for_the_next(network):
    n = network
    assert (board(n.app).total.rated, board(n.app).total.mean_rating) == (1, 5.0)  # A
    n.act("A", n.staff, "reopen", local(2026, 4, 13, 10), text="One more search.")
    n.act("A", n.staff, "start", local(2026, 4, 13, 10))
    n.act("A", n.staff, "complete", local(2026, 4, 14, 10), **COMPLETION)
    assert (board(n.app).total.rated, board(n.app).total.mean_rating) == (0, None)
    n.act("A", n.sme, "rate", local(2026, 4, 15, 9), rating=2)
    assert (board(n.app).total.rated, board(n.app).total.mean_rating) == (1, 2.0)
    kept = nonzero_sums(n.app)
    with n.app.app_context():
        figures.rebuild(n.make.policy)
    assert nonzero_sums(n.app) == kept  # the sums kept as it went equal the rows'


def nonzero_sums(app) -> list[tuple]:
    with app.app_context():
        query = sa.select(FigureCount.__table__).where(FigureCount.value != 0)
        return sorted(tuple(row) for row in db.session.execute(query))


def test_the_migration_gives_reopened_requests_their_due_date_and_corrects_the_sums(network):
    from flask_migrate import downgrade, upgrade

    n = network
    reopen_b_and_complete_again(n)
    with n.app.app_context():
        row = db.session.scalar(
            sa.select(ServiceRequest).where(ServiceRequest.reference == n.references["B"])
        )
        kept_due = row.due_at
        # As a reopening did before: a fresh due date, and the sums counted on it.
        row.due_at = n.make.policy.due_at(row.service, local(2026, 4, 13, 10))
        db.session.commit()
        figures.rebuild(n.make.policy)
    dashboards.forget()
    assert board(n.app).total.on_time == 2
    with n.app.app_context():
        downgrade(revision="4c8e1f7a2b95")
        upgrade()
        assert (
            db.session.scalar(
                sa.select(ServiceRequest.due_at).where(
                    ServiceRequest.reference == n.references["B"]
                )
            )
            == kept_due
        )
        corrected = sorted(tuple(r) for r in db.session.execute(sa.select(FigureCount.__table__)))
        figures.rebuild(n.make.policy)
        rebuilt = sorted(tuple(r) for r in db.session.execute(sa.select(FigureCount.__table__)))
    assert [r for r in corrected if r[-1]] == [r for r in rebuilt if r[-1]]
    dashboards.forget()
    assert board(n.app).total.on_time == 1


def test_the_migration_clears_a_previous_results_rating_and_corrects_the_sums(network):
    """Stored before a completion cleared them: A, rated 5, reopened and completed again
    with its rating kept (and resolved); B, rated once of its one result, keeps it."""
    from flask_migrate import downgrade, upgrade

    n = network
    n.act("B", n.uni, "rate", local(2026, 3, 12, 9), rating=3)
    n.act("A", n.sme, "resolve", local(2026, 3, 31, 9))
    n.act("A", n.staff, "reopen", local(2026, 4, 13, 10), text="One more search.")
    n.act("A", n.staff, "start", local(2026, 4, 13, 10))
    n.act("A", n.staff, "complete", local(2026, 4, 14, 10), **COMPLETION)
    with n.app.app_context():
        kept = nonzero_sums(n.app)
        a = db.session.scalar(
            sa.select(ServiceRequest).where(ServiceRequest.reference == n.references["A"])
        )
        a.rating, a.rating_comment, a.resolved_at = 5, "Useful", local(2026, 3, 31, 9)
        db.session.commit()
        figures.rebuild(n.make.policy)  # the sums as they were counted with it
    dashboards.forget()
    assert board(n.app).total.rated == 2
    with n.app.app_context():
        downgrade(revision="a4c8e1f07b3d")
        upgrade()
        a = db.session.scalar(
            sa.select(ServiceRequest).where(ServiceRequest.reference == n.references["A"])
        )
        assert (a.rating, a.rating_comment, a.resolved_at) == (None, "", None)
        b = db.session.scalar(
            sa.select(ServiceRequest).where(ServiceRequest.reference == n.references["B"])
        )
        assert b.rating == 3
    assert nonzero_sums(n.app) == kept  # as if the completion had cleared them
    dashboards.forget()
    assert (board(n.app).total.rated, board(n.app).total.mean_rating) == (1, 3.0)  # B


def test_the_network_totals_and_colleagues_follow_the_filters(network):
    n, period = network, Period(202601, 202604)
    with n.app.app_context():
        policy = n.make.policy
        assert dashboards.network_totals(period, policy).completed == 2  # A and B
        access = dashboards.network_totals(period, policy, scope=Scope(service="database_access"))
        assert (access.received, access.completed, access.on_time) == (1, 1, 0)  # B, late
        # A centre in the scope is left out: the whole network's figures.
        kbtu_scope = Scope(n.kbtu, "prior_art_search", "KZ-75")
        both = dashboards.network_totals(period, policy, scope=kbtu_scope)
        assert (both.completed, both.on_time) == (1, 1)  # A
        people = dashboards.colleagues(
            n.kbtu, period, ALMATY, scope=Scope(service="ip_consultation")
        )
        assert [(p.name, p.open_assigned, p.completed) for p in people] == [("Айгерім", 0, 0)]
        people = dashboards.colleagues(n.kbtu, period, ALMATY, scope=Scope(region_code="KZ-75"))
        assert [(p.name, p.open_assigned, p.completed) for p in people] == [("Айгерім", 1, 1)]


def test_overdue_requests_are_counted_up_to_the_cap_for_any_number_of_centres(make, monkeypatch):
    """One statement however many centres a dashboard shows: the count was once a union of
    one SELECT per centre, which SQLite refuses past 500 (an office dashboard of a large
    network failed) and PostgreSQL took seconds over at 2,000."""
    monkeypatch.setattr(figures, "OVERDUE_CAP", 2)
    inventor = make.user()
    kbtu, nu = make.centre_id("kbtu"), make.centre_id("nazarbayev-university")
    for _ in range(3):
        make.request(inventor)  # KZ-75: KBTU
    make.request(inventor, service="ip_consultation")
    make.request(inventor, centre="nazarbayev-university")
    later = datetime.now(UTC) + timedelta(days=400)  # every one of them overdue by then
    unknown = range(10**6, 10**6 + 600)  # not centres: none of their requests is overdue
    with make.app.app_context():
        counted = figures.overdue_now(Scope(), [kbtu, nu, *unknown], later)
        assert counted[kbtu] == figures.Capped(2, more=True)
        assert counted[nu] == figures.Capped(1, more=False)
        assert counted[10**6] == figures.Capped(0, more=False) and len(counted) == 602
        one_service = figures.overdue_now(Scope(service="ip_consultation"), [kbtu, nu], later)
        assert one_service == {kbtu: figures.Capped(1, False), nu: figures.Capped(0, False)}
        assert figures.overdue_now(Scope(), [kbtu, nu], datetime.now(UTC)) == {
            kbtu: figures.Capped(0, False),
            nu: figures.Capped(0, False),
        }
