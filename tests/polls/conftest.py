"""Fixtures of the poll tests."""
import pytest


@pytest.fixture
def in_request(app):
    """Operations word their errors in the caller's language: they run inside a request, as in the app."""
    with app.test_request_context():
        yield
