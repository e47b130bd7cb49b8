"""Locale and time zone selection, and the template helpers for Vietnamese dates."""
from flask import current_app, request, session
from flask_login import current_user

from ecabinet.core import formats
from ecabinet.core.api import is_api_request


def select_locale():
    """The language chosen in the switch, else the user's, else vi (the API honours Accept-Language)."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    if is_api_request():
        return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone():
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def register_template_helpers(app):
    """The one way templates write dates, times and numbers (ecabinet/core/formats.py): dd/mm/yyyy,
    24-hour clock, local time, whatever the browser's locale. The filters take no pattern, so no
    page can drift to another format."""
    filters = app.jinja_env.filters
    filters["date"] = formats.format_date              # 01/12/2026
    filters["time"] = formats.format_time              # 08:30
    filters["datetime"] = formats.format_datetime      # 01/12/2026 08:30
    filters["weekday"] = formats.weekday_name          # Thứ Ba
    filters["long_date"] = formats.long_date           # Thứ Ba, 01/12/2026
    filters["official_date"] = formats.official_date   # ngày 01 tháng 12 năm 2026
    filters["month_label"] = formats.month_label       # Tháng 12
    filters["number"] = formats.format_number          # 1.234,5
