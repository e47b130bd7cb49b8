"""Server entry point: `python wsgi.py` or `ecabinet run` serve with eventlet."""
import os

if os.environ.get("ECABINET_NO_EVENTLET") != "1":
    from ecabinet.server import patch

    patch()

from ecabinet import create_app  # noqa: E402

app = create_app()

if __name__ == "__main__":
    from ecabinet.server import serve

    serve(app, os.environ.get("ECABINET_HOST", "127.0.0.1"), int(os.environ.get("ECABINET_PORT", "5000")))
