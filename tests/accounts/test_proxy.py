"""Behind nginx (ECABINET_PROXY_COUNT=1) the tablet's own address counts; without it, headers are not trusted."""
import pytest
from sqlalchemy import select

from ecabinet.accounts.models import LoginFailure
from ecabinet.extensions import db
from tests.factories import create_user


@pytest.fixture
def app_behind_proxy(app):
    from ecabinet import create_app

    return create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                       "STORAGE_DIR": app.config["STORAGE_DIR"], "SECRET_KEY": "test", "PROXY_COUNT": 1})


def _failed_login_from(test_app, forwarded_for):
    test_app.test_client().post("/api/v1/session", json={"username": "lan", "password": "wrong-password"},
                                headers={"X-Forwarded-For": forwarded_for})
    return db.session.execute(select(LoginFailure.address).order_by(LoginFailure.id.desc())).scalar()


def test_the_forwarded_address_counts_behind_a_proxy(app_behind_proxy):
    create_user("lan")
    assert _failed_login_from(app_behind_proxy, "203.0.113.7") == "203.0.113.7"


def test_forwarded_headers_are_ignored_without_a_proxy(app):
    create_user("lan")
    assert _failed_login_from(app, "203.0.113.7") == "127.0.0.1"
