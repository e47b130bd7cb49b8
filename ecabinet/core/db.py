"""Declarative base with a naming convention so Alembic names constraints stably."""
import enum
from contextlib import contextmanager
from datetime import datetime, timezone

from sqlalchemy import DateTime, Enum, MetaData, TypeDecorator
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow():
    """Aware UTC now; every timestamp is stored in UTC."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC and always returns them aware (SQLite forgets zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def enum_column(enum_cls, **kwargs):
    """Store an Enum by value as a plain string column with a CHECK, portable and readable."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda cls: [member.value for member in cls],
        name=kwargs.pop("name", enum_cls.__name__.lower()),
        **kwargs,
    )


class StrEnum(str, enum.Enum):
    def __str__(self):
        return self.value


def insert_unless_exists(session, model, **values):
    """INSERT … ON CONFLICT DO NOTHING (PostgreSQL and SQLite): a get-or-create that two requests
    may run at once without either failing on the unique constraint."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(model).values(**values).on_conflict_do_nothing())


@contextmanager
def unique_or(session, conflict):
    """Flush what the block adds in a savepoint: a unique constraint that a parallel request won
    raises `conflict()` (a 409) instead of a 500, and the rest of the transaction goes on."""
    try:
        with session.begin_nested():
            yield
            session.flush()
    except IntegrityError:
        raise conflict() from None
