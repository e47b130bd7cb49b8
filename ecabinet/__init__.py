"""E-Cabinet: the paperless meeting room for provincial People's Committees.

This module stays import-light: the server must patch the standard library for
eventlet before Flask or psycopg are imported (see ecabinet.server).
"""
import os

# Must be set before psycopg is imported, or every PostgreSQL query blocks the
# whole eventlet loop (see docs/operations.md).
os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")


def create_app(config=None):
    """Build the application; `config` is a dict of settings that override the environment."""
    from ecabinet.app import build_app

    return build_app(config)
