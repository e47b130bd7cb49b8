"""Locale and time zone selection, and the template helpers for Vietnamese dates."""
from flask import current_app, request, session
from flask_babel import format_date, format_datetime, format_time
from flask_login import current_user

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
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt) if value else ""
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""
    app.jinja_env.filters["time"] = lambda value, fmt="HH:mm": format_time(value, fmt) if value else ""
