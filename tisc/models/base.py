"""The declarative base: constraint names for migrations, UTC timestamps, enum columns."""

from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# The largest id an INTEGER primary key holds on both databases (PostgreSQL's is 4 bytes):
# input naming a larger one names nothing, rather than failing in the database.
LARGEST_ID = 2**31 - 1


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(sa.TypeDecorator):
    """A timezone-aware UTC timestamp on every database, SQLite included."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_type(enum: type[StrEnum]) -> sa.Enum:
    """A portable VARCHAR column holding a StrEnum's values."""
    return sa.Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
    )


def partial_index(
    name: str, *columns: str, where: str, sqlite_where: str | None = None
) -> sa.Index:
    """An index of the rows for which ``where`` (SQL) holds, on SQLite and PostgreSQL;
    ``sqlite_where`` if SQLite's queries write it otherwise.

    A database uses a partial index only for queries whose conditions include the
    index's own, and SQLAlchemy writes a Boolean column ``unread`` as ``unread = 1`` on
    SQLite. PostgreSQL's condition is added by :func:`partial_indexes_on_postgresql` where
    migrations are made or run (``extensions.bind_migrations``): declaring
    ``postgresql_where`` here would make SQLAlchemy load its whole PostgreSQL dialect to
    check the argument, some 3 MB more in every web worker on SQLite, which never writes
    DDL."""
    return sa.Index(
        name, *columns, sqlite_where=sa.text(sqlite_where or where), info={"where": where}
    )


def partial_indexes_on_postgresql() -> None:
    """Give each :func:`partial_index` its condition on PostgreSQL too (the second time,
    the same again)."""
    for table in Base.metadata.tables.values():
        for index in table.indexes:
            if "where" in index.info:
                index.dialect_options["postgresql"]["where"] = sa.text(index.info["where"])


def utcnow() -> datetime:
    return datetime.now(UTC)
