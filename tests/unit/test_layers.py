"""Imports flow one way (STYLE.md): web, api and cli → services → domain.

Each module's imports are read with ``ast`` and checked against its layer's
rule, so a shortcut across layers fails here rather than in review.
"""

import ast
from pathlib import Path

import pytest

import tisc

PACKAGE = Path(tisc.__path__[0])
FLASK = ("flask", "flask_babel", "flask_login", "flask_wtf", "flask_limiter")


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def named(paths):
    return pytest.mark.parametrize("path", paths, ids=lambda p: str(p.relative_to(PACKAGE)))


def starts(name: str, prefixes) -> bool:
    return any(name == p.rstrip(".") or name.startswith(p.rstrip(".") + ".") for p in prefixes)


@named(modules("domain"))
def test_domain_imports_nothing_of_the_framework_or_the_layers_above(path):
    bad = [
        name
        for name in imports_of(path)
        if starts(name, ("sqlalchemy", "flask_sqlalchemy", "werkzeug", *FLASK))
        or (name.startswith("tisc") and not starts(name, ("tisc.domain",)))
    ]
    assert not bad, f"{path.name} imports {bad}"


@named(modules("services"))
def test_services_import_no_flask_and_nothing_of_the_web(path):
    bad = [
        name
        for name in imports_of(path)
        if starts(name, FLASK)
        or starts(name, ("tisc.web", "tisc.forms", "tisc.mail", "tisc.formatting", "tisc.api"))
    ]
    assert not bad, f"{path.name} imports {bad}"


@named(modules("models"))
def test_models_import_only_the_domain(path):
    bad = [
        name
        for name in imports_of(path)
        if starts(name, FLASK)
        or (name.startswith("tisc") and not starts(name, ("tisc.domain", "tisc.models")))
    ]
    assert not bad, f"{path.name} imports {bad}"


OUTSIDE_WEB = [
    path
    for path in sorted(PACKAGE.rglob("*.py"))
    if path.parent != PACKAGE / "web" and path != PACKAGE / "__init__.py"
]


@named(OUTSIDE_WEB)
def test_only_the_factory_imports_the_web(path):
    bad = [name for name in imports_of(path) if starts(name, ("tisc.web",))]
    assert not bad, f"{path.name} imports {bad}"
