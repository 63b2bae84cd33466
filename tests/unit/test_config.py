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
