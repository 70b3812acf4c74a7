"""Plain SQL for the hot paths of repeat-call analysis (the check at every registration, the ranking).

Building an ORM query costs more than running these indexed lookups; the statements here are portable between
SQLite and PostgreSQL (`ON CONFLICT … DO NOTHING`, `CASE` instead of MIN/LEAST).
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection


def rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def execute(sql: str, params: Sequence[Any]) -> int:
    """Run a write; how many rows it changed."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def placeholders(values: Sequence[object]) -> str:
    return ", ".join(["%s"] * len(values))


def insert_ignoring(table: str, columns: Sequence[str], values: Sequence[Sequence[Any]], unique: Sequence[str]) -> int:
    """One INSERT of many rows that skips the rows already there (by the `unique` columns); how many were added."""
    if not values:
        return 0
    row = f"({placeholders(columns)})"
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row] * len(values))}"
        f" ON CONFLICT ({', '.join(unique)}) DO NOTHING"
    )
    return execute(sql, [value for one in values for value in one])


def db_datetime(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def from_db_datetime(value: object) -> dt.datetime:
    """Raw SQLite hands datetimes back as UTC text; PostgreSQL as aware datetimes."""
    parsed = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
