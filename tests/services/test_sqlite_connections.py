"""How every SQLite connection of the app is set up (tisc.database): WAL, a busy timeout,
foreign keys, and a page cache of SQLITE_CACHE_KIB, which each worker keeps filled."""

from tisc.database import SQLITE_BUSY_TIMEOUT_MS, SQLITE_CACHE_KIB
from tisc.extensions import db


def test_a_connection_is_set_up_for_several_processes_and_a_small_page_cache(clean):
    with clean.app_context():
        if db.engine.dialect.name != "sqlite":
            return  # PostgreSQL keeps its pages in the server
        with db.engine.connect() as connection:

            def pragma(name):
                return connection.exec_driver_sql(f"PRAGMA {name}").scalar()

            assert pragma("journal_mode") == "wal"
            assert pragma("busy_timeout") == SQLITE_BUSY_TIMEOUT_MS
            assert pragma("foreign_keys") == 1
            assert pragma("cache_size") == -SQLITE_CACHE_KIB  # negative: KiB, not pages
