"""Wires the documents domain into the app: storage, settings, blueprints, session-page hooks."""
import mimetypes
import os


def _env_int(name, default):
    value = os.environ.get(f"ECABINET_{name}")
    return int(value) if value not in (None, "") else default


def init_app(app):
    from ecabinet.documents import api, views
    from ecabinet.documents.storage import LocalStorage
    from ecabinet.meetings import api as meetings_api
    from ecabinet.meetings import views as meetings_views

    # pdf.js ships ES modules; browsers refuse them unless served as JavaScript.
    mimetypes.add_type("text/javascript", ".mjs")
    mimetypes.add_type("application/wasm", ".wasm")

    app.config.setdefault("PDF_PARSE_TIMEOUT", _env_int("PDF_PARSE_TIMEOUT", 20))
    app.config.setdefault("PDF_PARSE_MEMORY_MB", _env_int("PDF_PARSE_MEMORY_MB", 768))
    # Behind nginx: an `internal` location aliased to STORAGE_DIR, e.g. /_protected/ (docs/operations.md).
    app.config.setdefault("DOCUMENTS_X_ACCEL_PREFIX", os.environ.get("ECABINET_X_ACCEL_PREFIX"))
    app.config.setdefault("ORGANISATION_NAME", os.environ.get("ECABINET_ORGANISATION_NAME"))
    app.extensions["ecabinet_storage"] = LocalStorage(app.config["STORAGE_DIR"])

    meetings_api.detail_section(api.detail_section)
    meetings_views.agenda_part(views.documents_agenda_part)
    return [views.bp, api.bp]
