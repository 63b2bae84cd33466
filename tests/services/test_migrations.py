"""The migrations build exactly the schema the models declare: every schema change has one."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tisc.database import managed_by_models
from tisc.extensions import db
from tisc.models import Base


def test_migrations_build_the_schema_the_models_declare(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": managed_by_models}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
