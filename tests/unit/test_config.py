import re
from pathlib import Path

import pytest

from tisc.config import DEFAULTS, _from_environment, database_url, parse_target_days


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
    monkeypatch.setenv("TISC_MAIL_KEEP_DAYS", "90")
    app = Flask(__name__)
    config.load(app, {"SECRET_KEY": "x" * 32})
    policy = Policy.from_config(app.config)
    assert (
        policy.remind_after_days, policy.close_after_days, policy.reopen_window_days,
        policy.keep_sent_mail_days,
    ) == (3, 7, 14, 90)  # fmt: skip


@pytest.mark.parametrize("name", ["TISC_CLOSE_AFTER_DAYS", "TISC_MAIL_KEEP_DAYS"])
@pytest.mark.parametrize("text", ["0", "-1", "five", ""])
def test_a_bad_delay_stops_start_up(monkeypatch, name, text):
    from flask import Flask

    from tisc import config

    monkeypatch.setenv(name, text)
    with pytest.raises(ValueError, match=name):
        config.load(Flask(__name__), {"SECRET_KEY": "x" * 32})


def test_the_mail_server_timeout_comes_from_the_environment(monkeypatch):
    from flask import Flask

    from tisc import config

    app = Flask(__name__)
    config.load(app, {"SECRET_KEY": "x" * 32})
    assert app.config["TISC_MAIL_TIMEOUT"] == 30
    monkeypatch.setenv("TISC_MAIL_TIMEOUT", "2.5")
    config.load(app, {"SECRET_KEY": "x" * 32})
    assert app.config["TISC_MAIL_TIMEOUT"] == 2.5


@pytest.mark.parametrize("text", ["0", "-1", "thirty", "", "nan", "inf"])
def test_a_bad_mail_server_timeout_stops_start_up(monkeypatch, text):
    from flask import Flask

    from tisc import config

    monkeypatch.setenv("TISC_MAIL_TIMEOUT", text)
    with pytest.raises(ValueError, match="TISC_MAIL_TIMEOUT"):
        config.load(Flask(__name__), {"SECRET_KEY": "x" * 32})


def test_starters_racing_for_a_new_key_file_agree_and_never_read_it_empty(tmp_path, monkeypatch):
    """The first starter is held just after it made its key; the second goes through."""
    import secrets
    import threading

    from tisc import config

    made, second_done = threading.Event(), threading.Event()
    real = secrets.token_hex

    def token_hex(size):
        key = real(size)
        if not made.is_set():
            made.set()
            second_done.wait(timeout=10)
        return key

    monkeypatch.setattr(secrets, "token_hex", token_hex)
    keys = {}
    first = threading.Thread(target=lambda: keys.update(first=config.instance_secret_key(tmp_path)))
    first.start()
    made.wait(timeout=10)
    keys["second"] = config.instance_secret_key(tmp_path)
    second_done.set()
    first.join(timeout=10)
    assert keys["first"] == keys["second"] and len(keys["first"]) == 64
    assert (tmp_path / "secret_key").read_text().strip() == keys["first"]
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary files left


def _app(tmp_path):
    from flask import Flask

    return Flask("probe", instance_path=str(tmp_path), instance_relative_config=True)


@pytest.mark.parametrize("key", ["short", "x" * 31])
def test_a_short_secret_key_is_refused(tmp_path, monkeypatch, key):
    from tisc import config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        config.load(_app(tmp_path), {"SECRET_KEY": key})


def test_a_short_key_file_is_refused(tmp_path, monkeypatch):
    from tisc import config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    (tmp_path / "secret_key").write_text("\n")
    with pytest.raises(RuntimeError, match="secret_key"):
        config.load(_app(tmp_path), {"TESTING": True})


def test_without_a_configured_key_outside_testing_start_up_says_so_loudly(
    tmp_path, monkeypatch, caplog
):
    from tisc import config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    config.load(_app(tmp_path), {})
    assert any("SECRET_KEY is not set" in r.getMessage() for r in caplog.records)
    caplog.clear()
    config.load(_app(tmp_path), {"TESTING": True})
    assert not caplog.records


def test_without_the_site_s_address_outside_testing_start_up_says_where_links_lead(
    tmp_path, monkeypatch, caplog
):
    """Links in e-mails (a confirmation link above all) go where TISC_BASE_URL says."""
    from tisc import config

    monkeypatch.delenv("TISC_BASE_URL", raising=False)
    key = {"SECRET_KEY": "k" * 32}
    app = _app(tmp_path)
    config.load(app, key)
    assert app.config["TISC_BASE_URL"] == "http://127.0.0.1:5000"
    assert any("TISC_BASE_URL is not set" in r.getMessage() for r in caplog.records)
    caplog.clear()
    monkeypatch.setenv("TISC_BASE_URL", "https://tisc.example.kz")
    app = _app(tmp_path)
    config.load(app, key)
    assert app.config["TISC_BASE_URL"] == "https://tisc.example.kz" and not caplog.records
    monkeypatch.delenv("TISC_BASE_URL")
    config.load(_app(tmp_path), key | {"TESTING": True})
    assert not caplog.records


def test_the_slow_request_threshold_comes_from_the_environment(monkeypatch):
    from flask import Flask

    from tisc import config

    app = Flask(__name__)
    monkeypatch.delenv("TISC_SLOW_REQUEST_MS", raising=False)
    config.load(app, {"SECRET_KEY": "x" * 32})
    assert app.config["TISC_SLOW_REQUEST_MS"] == 1000
    for text, value in (("250", 250), ("0", 0), ("0.5", 0.5)):
        monkeypatch.setenv("TISC_SLOW_REQUEST_MS", text)
        config.load(app, {"SECRET_KEY": "x" * 32})
        assert app.config["TISC_SLOW_REQUEST_MS"] == value


@pytest.mark.parametrize("text", ["-1", "slow", "", "nan", "inf"])
def test_a_bad_slow_request_threshold_stops_start_up(monkeypatch, text):
    from flask import Flask

    from tisc import config

    monkeypatch.setenv("TISC_SLOW_REQUEST_MS", text)
    with pytest.raises(ValueError, match="TISC_SLOW_REQUEST_MS"):
        config.load(Flask(__name__), {"SECRET_KEY": "x" * 32})


def _documented_settings() -> list[str]:
    """The variables README's configuration table names."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("\n## Configuration", 1)[1].split("\n## ", 1)[0]
    first_cells = re.findall(r"^\|([^|]*)\|", table, flags=re.MULTILINE)
    return [name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)]


SAMPLES = {bool: "true", int: "3", float: "7", list: "2026-03-09", dict: "training=3"}
# Settings read under another name than their variable's.
READ_AS = {"DATABASE_URL": "SQLALCHEMY_DATABASE_URI", "TISC_DEFAULT_LOCALE": "BABEL_DEFAULT_LOCALE"}


def test_the_readme_s_configuration_table_is_found():
    assert {"DATABASE_URL", "MAIL_PORT", "TISC_TILES_ATTRIBUTION"} <= set(_documented_settings())


@pytest.mark.parametrize("name", _documented_settings())
def test_every_setting_the_readme_documents_is_read_from_the_environment(name):
    """TISC_SUBMIT_FORM_LIMIT was documented and never read: only instance/config.py set it."""
    value = SAMPLES.get(type(DEFAULTS.get(name)), "sqlite:///x.db" if "URL" in name else "x" * 40)
    assert READ_AS.get(name, name) in _from_environment({name: value})
