"""Time zone helpers: stored in UTC, shown in Vietnam time."""
from datetime import timezone
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def to_local(value):
    return value.astimezone(LOCAL_TZ) if value else None


def to_utc(value):
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(timezone.utc)
