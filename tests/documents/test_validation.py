"""Every bad file is refused with a clear reason and leaves no file and no row behind."""
import pytest
from sqlalchemy import func, select

from ecabinet.documents.models import Document, DocumentVersion
from ecabinet.documents.pdf import PdfRejected
from ecabinet.documents.validation import inspect_untrusted, soffice_path
from ecabinet.extensions import db
from ecabinet.meetings.models import MeetingStatus
from tests.documents import pdfs
from tests.documents.helpers import storage_state, upload
from tests.factories import create_meeting, create_secretariat

BAD_FILES = [
    # (case, bytes, filename, status, reason)
    ("truncated", pdfs.truncated_pdf, "to-trinh.pdf", 422, "corrupt"),
    ("not a pdf", pdfs.not_a_pdf, "bao-cao.pdf", 415, "not_pdf"),
    ("encrypted", pdfs.encrypted_pdf, "mat.pdf", 422, "encrypted"),
    ("zero pages", pdfs.zero_pages_pdf, "rong.pdf", 422, "no_pages"),
    ("huge page count", pdfs.huge_page_count_pdf, "ty-trang.pdf", 422, "too_many_pages"),
    ("deeply nested", pdfs.deeply_nested_pdf, "long-nhau.pdf", 422, {"too_complex", "corrupt"}),
    ("decompression bomb", pdfs.decompression_bomb_pdf, "bom.pdf", 422, "decompression_bomb"),
    ("wrong extension", lambda: pdfs.make_pdf(1), "to-trinh.exe", 415, "not_pdf"),
    ("html named .pdf", pdfs.html_pdf, "trang-web.pdf", 415, "not_pdf"),
]


@pytest.fixture
def prepared(app, bearer):
    secretariat = create_secretariat()
    meeting = create_meeting(actor=secretariat, status=MeetingStatus.PUBLISHED)
    return meeting, bearer(secretariat)


def _rows():
    return (db.session.execute(select(func.count()).select_from(Document)).scalar(),
            db.session.execute(select(func.count()).select_from(DocumentVersion)).scalar())


@pytest.mark.parametrize("case, make, filename, status, reason", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_file_is_refused_cleanly(app, client, prepared, case, make, filename, status, reason):
    meeting, headers = prepared
    before_files, before_rows = storage_state(app), _rows()
    response = upload(client, meeting, make(), filename, headers={**headers, "Accept-Language": "en"})
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["details"]["reason"] in (reason if isinstance(reason, set) else {reason})
    assert error["message"] and "Traceback" not in error["message"]
    assert storage_state(app) == before_files
    assert _rows() == before_rows


def test_refusal_reason_is_in_vietnamese_by_default(client, prepared):
    meeting, headers = prepared
    response = upload(client, meeting, pdfs.encrypted_pdf(), headers={**headers, "Accept-Language": "vi"})
    assert response.status_code == 422
    assert "mật khẩu" in response.get_json()["error"]["message"]


def test_too_many_real_pages_against_the_configured_limit(app, client, prepared, monkeypatch):
    meeting, headers = prepared
    monkeypatch.setitem(app.config, "MAX_DOCUMENT_PAGES", 5)
    assert upload(client, meeting, pdfs.make_pdf(5), headers=headers).status_code == 201
    response = upload(client, meeting, pdfs.make_pdf(6), headers={**headers, "Accept-Language": "en"})
    assert response.status_code == 422
    assert response.get_json()["error"]["message"] == "The PDF has 6 pages; the limit is 5."


def test_file_over_the_size_limit_is_413_and_leaves_nothing(app, client, prepared, monkeypatch):
    meeting, headers = prepared
    monkeypatch.setitem(app.config, "MAX_UPLOAD_MB", 1)
    before = storage_state(app), _rows()
    response = upload(client, meeting, pdfs.make_pdf(1, filler=1300), headers=headers)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "file_too_large"
    assert (storage_state(app), _rows()) == before


def test_office_file_without_libreoffice_says_so(app, client, prepared, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # a server where LibreOffice is not installed
    assert soffice_path() is None
    meeting, headers = prepared
    before = storage_state(app), _rows()
    response = upload(client, meeting, pdfs.docx_like(), "du-thao.docx", headers={**headers, "Accept-Language": "en"})
    assert response.status_code == 415
    assert "LibreOffice is not installed" in response.get_json()["error"]["message"]
    assert (storage_state(app), _rows()) == before


@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed on this machine")
def test_office_file_is_converted_with_libreoffice(tmp_path, client, prepared):
    from fpdf import FPDF  # noqa: F401 - only to show the PDF side is real too
    meeting, headers = prepared
    odt = tmp_path / "source.fodt"
    odt.write_text('<?xml version="1.0"?><office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
                   'office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:mimetype='
                   '"application/vnd.oasis.opendocument.text"><office:body><office:text><text:p>Dự thảo'
                   '</text:p></office:text></office:body></office:document>')
    import subprocess
    subprocess.run([soffice_path(), "--headless", "--convert-to", "odt", "--outdir", str(tmp_path), str(odt)],
                   check=True, capture_output=True, timeout=120)
    response = upload(client, meeting, (tmp_path / "source.odt").read_bytes(), "du-thao.odt", headers=headers)
    assert response.status_code == 201
    assert response.get_json()["versions"][0]["converted_from"] == "du-thao.odt"


def test_child_process_limits_stop_a_parse_that_runs_too_long(tmp_path):
    path = tmp_path / "bom.pdf"
    path.write_bytes(pdfs.decompression_bomb_pdf(300))
    with pytest.raises(PdfRejected) as rejected:
        inspect_untrusted(path, max_pages=100, timeout=20, memory_mb=96)
    assert rejected.value.code in {"decompression_bomb", "too_complex"}


def test_good_pdf_passes_the_child_process(tmp_path):
    path = tmp_path / "ok.pdf"
    path.write_bytes(pdfs.make_pdf(3))
    assert inspect_untrusted(path, max_pages=10)["pages"] == 3
