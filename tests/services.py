"""Which databases and services the suite runs against, and what to do when one is missing.

On CI (CI=true) a missing service is a failure, never a skip.
"""
import os
import socket

POSTGRES_URL = os.environ.get("ECABINET_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/ecabinet_test")
REDIS_URL = os.environ.get("ECABINET_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CHROMIUM = os.environ.get("ECABINET_CHROMIUM", "/usr/bin/chromium")
ON_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def postgres_url_for_worker():
    """The suite's PostgreSQL database; under pytest-xdist (`make test` runs several workers) each
    worker gets a database of its own, named after it, so workers never reset each other's schema."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"{POSTGRES_URL}_{worker}" if worker else POSTGRES_URL


def port_open(host, port, timeout=0.5):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require_service(available, reason):
    """Skip with the reason, or fail on CI where every service must be there."""
    import pytest

    if available:
        return
    if ON_CI:
        pytest.fail(f"{reason} (CI must not skip this)")
    pytest.skip(reason)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
