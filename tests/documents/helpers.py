"""Shared steps of the documents tests."""
import io

from tests.documents.pdfs import make_pdf


def upload(client, meeting, data=None, filename="to-trinh.pdf", headers=None, **fields):
    """POST a file to the documents API (bearer headers or a cookie client with CSRF)."""
    form = {key: str(value) for key, value in fields.items()}
    form["file"] = (io.BytesIO(make_pdf() if data is None else data), filename)
    return client.post(f"/api/v1/meetings/{meeting.id}/documents", data=form, headers=headers or {},
                       content_type="multipart/form-data")


def storage_state(app):
    """(blobs, scratch files) in the storage folder, to prove nothing was left behind."""
    from pathlib import Path

    root = Path(app.config["STORAGE_DIR"])
    blobs = sorted(p.name for p in (root / "blobs").rglob("*") if p.is_file())
    scratch = sorted(p.name for p in (root / "tmp").rglob("*"))
    return blobs, scratch
