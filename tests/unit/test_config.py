import pytest

from tisc.config import database_url, parse_target_days


def test_postgres_urls_use_psycopg_3():
    assert database_url("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert database_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_target_days_override_the_defaults():
    days = parse_target_days("prior_art_search=10, freedom_to_operate=25")
    assert days["prior_art_search"] == 10
    assert days["freedom_to_operate"] == 25
    assert days["patent_landscape"] == 45


@pytest.mark.parametrize("text", ["prior_art=10", "prior_art_search=ten", "prior_art_search"])
def test_a_typo_in_target_days_stops_start_up(text):
    with pytest.raises(ValueError):
        parse_target_days(text)


def test_the_delays_for_unanswered_requests_come_from_the_environment(monkeypatch):
    from flask import Flask

    from tisc import config
    from tisc.domain.policy import Policy

    monkeypatch.setenv("TISC_REMIND_AFTER_DAYS", "3")
    monkeypatch.setenv("TISC_CLOSE_AFTER_DAYS", "7")
    monkeypatch.setenv("TISC_REOPEN_WINDOW_DAYS", "14")
    app = Flask(__name__)
    config.load(app, {"SECRET_KEY": "x"})
    policy = Policy.from_config(app.config)
    assert (policy.remind_after_days, policy.close_after_days, policy.reopen_window_days) == (
        3, 7, 14,
    )  # fmt: skip


@pytest.mark.parametrize("text", ["0", "-1", "five", ""])
def test_a_bad_delay_stops_start_up(monkeypatch, text):
    from flask import Flask

    from tisc import config

    monkeypatch.setenv("TISC_CLOSE_AFTER_DAYS", text)
    with pytest.raises(ValueError, match="TISC_CLOSE_AFTER_DAYS"):
        config.load(Flask(__name__), {"SECRET_KEY": "x"})
