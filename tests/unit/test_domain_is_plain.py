"""tisc/domain imports neither Flask nor SQLAlchemy nor the models."""

import ast
from pathlib import Path

import pytest

import tisc.domain

FORBIDDEN = ("flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug", "tisc.models",
             "tisc.services", "tisc.web", "tisc.extensions")  # fmt: skip
MODULES = sorted(Path(tisc.domain.__path__[0]).glob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_domain_module_imports_nothing_of_the_framework(path):
    tree = ast.parse(path.read_text())
    imported = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ] + [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module]
    bad = [
        name for name in imported if name.split(".")[0] in FORBIDDEN or name.startswith(FORBIDDEN)
    ]
    assert not bad, f"{path.name} imports {bad}"
