"""Imports every domain's models, so metadata is complete for Alembic and create_all."""
from ecabinet.accounts.models import ApiToken, LoginFailure, Unit, User  # noqa: F401
from ecabinet.audit.models import AuditEntry  # noqa: F401
from ecabinet.meetings.models import AgendaItem, Meeting, Participant  # noqa: F401
