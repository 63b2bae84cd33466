"""Plain domain logic: no Flask, no SQLAlchemy, tested on its own."""
