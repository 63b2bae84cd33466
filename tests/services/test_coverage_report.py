"""The coverage report's requests per region: the dashboards' "last 12 months", to the request."""

from datetime import UTC, datetime

import sqlalchemy as sa

from tisc.domain.figures import Period, choose_period
from tisc.extensions import db
from tisc.models import ServiceRequest
from tisc.services import coverage, dashboards, figures
from tisc.services.figures import Scope

NOW = datetime(2026, 12, 5, 10, tzinfo=UTC)  # 15:00 in Almaty


def test_requests_are_counted_in_the_dashboards_last_12_months(make):
    inventor = make.user("inventor")
    submitted = {
        datetime(2025, 12, 20, 10, tzinfo=UTC): False,  # within 365 days, but December 2025
        datetime(2025, 12, 31, 20, tzinfo=UTC): True,  # 1 January 2026, 01:00 in Almaty
        datetime(2026, 12, 4, 10, tzinfo=UTC): True,
    }
    for moment in submitted:
        reference = make.request(inventor, region="KZ-75")
        with make.app.app_context():
            db.session.execute(
                sa.update(ServiceRequest)
                .where(ServiceRequest.reference == reference)
                .values(created_at=moment)
            )
            db.session.commit()
    with make.app.app_context():
        figures.rebuild(make.policy)
        tz = make.policy.calendar.tz
        report = coverage.report(150, 0, tz, now=NOW)
        assert report.period == Period(202601, 202612)
        counted = {row.region.code: row.requests_last_year for row in report.rows}
        assert counted["KZ-75"] == 2
        period = choose_period("last_12_months", NOW.astimezone(tz).date())
        on_dashboard = dashboards.region_figures(Scope(), period, make.policy)
        assert on_dashboard["KZ-75"].received == counted["KZ-75"]
        assert coverage.from_data(coverage.to_data(report)).period == report.period
