"""Templates compiled once are kept on disk: a process that starts loads them instead of
compiling them (compiling costs a worker memory it keeps), and a disk that cannot keep
them only means compiling again."""

import pytest
from jinja2 import Environment

from tisc.web.templating import CompiledTemplates


@pytest.fixture
def compiling(app, monkeypatch):
    """The app's templates kept in a directory of the test's, none loaded yet; yields the
    names of the templates compiled from source."""
    compiled: list[str] = []
    original = Environment.compile

    def counted(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(Environment, "compile", counted)
    kept = app.jinja_env.bytecode_cache
    app.jinja_env.cache.clear()
    yield compiled
    app.jinja_env.bytecode_cache = kept
    app.jinja_env.cache.clear()


def test_a_page_s_templates_are_compiled_once_and_loaded_after(app, client, compiling, tmp_path):
    assert isinstance(app.jinja_env.bytecode_cache, CompiledTemplates)  # as the app is made
    app.jinja_env.bytecode_cache = CompiledTemplates(str(tmp_path))
    assert client.get("/login").status_code == 200
    assert "auth/login.html" in compiling and "base.html" in compiling
    assert any(tmp_path.iterdir())

    compiling.clear()
    app.jinja_env.cache.clear()  # as in a process that has just started
    page = client.get("/login")
    assert page.status_code == 200 and 'name="password"' in page.text
    assert compiling == []


def test_a_disk_that_cannot_keep_them_only_means_compiling_again(app, client, compiling, tmp_path):
    app.jinja_env.bytecode_cache = CompiledTemplates(str(tmp_path / "missing"))
    assert client.get("/login").status_code == 200
    assert "auth/login.html" in compiling

    compiling.clear()
    app.jinja_env.cache.clear()
    assert client.get("/login").status_code == 200
    assert "auth/login.html" in compiling
