"""Declarative base with a naming convention so Alembic names constraints stably."""
import enum
from contextlib import contextmanager
from datetime import datetime, timezone

from sqlalchemy import DateTime, Engine, Enum, MetaData, TypeDecorator, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

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


def can_commit_alone(session):
    """Whether first_row_committed_alone would run its statement in autocommit (see there)."""
    session = session() if callable(session) else session
    return _alone_possible(session)


def _alone_possible(session):
    """Whether a statement may run in autocommit on the session's connection: PostgreSQL, the session
    bound to the Engine (a server's request or socket event) and no transaction begun."""
    bind = session.get_bind()
    return not session.in_transaction() and isinstance(bind, Engine) and bind.dialect.name == "postgresql"


def first_row_committed_alone(session, statement, params):
    """The first row of one statement that is its own transaction: on PostgreSQL, when `session` has
    not begun and is bound to the engine (a server's request or socket event), it runs in autocommit
    on the session's connection, without the BEGIN and COMMIT round trips, and the session ends with
    it; otherwise (SQLite, a transaction already under way, the tests' rolled-back sessions) it runs
    in the session's transaction, committed with the rest."""
    return rows_committed_alone(session, statement, params, first=True)


def rows_committed_alone(session, statement, params, *, first=False):
    """All rows (or the first) of one statement that is its own transaction: first_row_committed_alone."""
    session = session() if callable(session) else session  # the scoped session's own for this context
    if not _alone_possible(session):
        result = session.execute(statement, params)
        return result.first() if first else result.all()
    connection = session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    try:
        result = connection.execute(statement, params)
        return result.first() if first else result.all()
    finally:
        session.close()  # back to the pool; the next statement begins an ordinary transaction


def rows_read_alone(session, statement, params):
    """All rows of a read that opens a request (the bearer token's lookup): on PostgreSQL, when the
    session has not begun, read in autocommit, without the BEGIN and the closing ROLLBACK or COMMIT
    round trips; the objects it loaded stay in the session as read, and the next statement begins an
    ordinary transaction (so a vote after it can still commit alone). Otherwise an ordinary read in
    the session's transaction. A read of one statement sees the same committed rows either way."""
    session = session() if callable(session) else session
    if not _alone_possible(session):
        return session.execute(statement, params).all()
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    rows = session.execute(statement, params).all()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()  # nothing to send in autocommit: the connection goes back to the pool
    finally:
        session.expire_on_commit = expire
    return rows


def column_labels(model, prefix):
    """The model's mapped columns labelled prefix + attribute key: a Core read whose rows
    as_loaded() turns back into objects (a batched read serving several requests)."""
    return [prop.columns[0].label(prefix + prop.key) for prop in inspect(model).column_attrs]


def as_loaded(session, model, row, prefix):
    """An object of `model` in `session` as if its row had been read there (no query, no pending
    change), from a row of column_labels(model, prefix); None when the session already holds that
    row's object (the caller then reads it the ordinary way)."""
    mapper = inspect(model)
    values = row._mapping
    key = mapper.identity_key_from_primary_key([values[prefix + mapper.get_property_by_column(c).key]
                                                for c in mapper.primary_key])
    if key in session.identity_map:
        return None
    instance = mapper.class_manager.new_instance()
    for prop in mapper.column_attrs:
        set_committed_value(instance, prop.key, values[prefix + prop.key])
    make_transient_to_detached(instance)
    return instance


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
