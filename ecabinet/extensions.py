"""Unbound extensions; create_app binds them."""
import flask_login
from flask import session
from flask_babel import Babel
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from ecabinet.core.db import Base


class LoginManager(flask_login.LoginManager):
    """Flask-Login's, with "strong" session protection guarding only a session someone signed in to.

    Flask-Login also checks an anonymous session that holds anything (the login form's CSRF token):
    it finds no browser fingerprint there, empties it and so sends the cookie again with every
    anonymous answer. Such an answer arriving after the login (the service worker's script, fetched
    as the login page loads) put the anonymous cookie back and signed the user out again."""

    def _session_protection_failed(self):
        if "_user_id" not in session:
            return False
        return super()._session_protection_failed()


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
socketio = SocketIO()
