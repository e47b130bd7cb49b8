"""Entry point of the `ecabinet` console script.

Kept free of imports: `ecabinet run` must let eventlet patch the standard library
before Flask, the database driver or anything else is loaded.
"""
import sys


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "run":
        from ecabinet.server import patch

        patch()
    from ecabinet import create_app
    from ecabinet.core.cli import console

    console(create_app)(prog_name="ecabinet")
