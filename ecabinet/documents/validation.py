"""Uploaded files are converted and checked in limited child processes (core.sandbox): a
malicious PDF or office file can only kill its own child, never the server or its event loop."""
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from ecabinet.core.sandbox import LimitReached, limits, run_limited
from ecabinet.documents.pdf import PdfRejected

OFFICE_EXTENSIONS = {".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".doc", ".xls", ".ppt"}


def inspect_untrusted(path, *, max_pages, timeout=20, memory_mb=768):
    """{"pages", "title"} of a PDF checked in a limited child process; PdfRejected otherwise."""
    try:
        output = run_limited("ecabinet.documents.pdf", (path, max_pages), timeout=timeout, memory_mb=memory_mb)
    except LimitReached as reached:
        raise PdfRejected("parse_timeout" if reached.reason == "timeout" else "too_complex") from None
    try:
        result = json.loads(output.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise PdfRejected("too_complex") from None
    if not result.get("ok"):
        raise PdfRejected(result.get("code", "corrupt"), **(result.get("params") or {}))
    return {"pages": int(result["pages"]), "title": result.get("title")}


def soffice_path():
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_office(path, workdir, *, timeout=120):
    """Convert an office file to PDF with LibreOffice headless; the PDF's path, or PdfRejected."""
    binary = soffice_path()
    if binary is None:
        raise PdfRejected("office_unavailable")
    profile = tempfile.mkdtemp(prefix="lo-profile-", dir=workdir)
    outdir = tempfile.mkdtemp(prefix="lo-out-", dir=workdir)
    try:
        subprocess.run(
            [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", outdir, str(path)],
            capture_output=True, timeout=timeout, check=False, preexec_fn=limits(2048, timeout))
    except subprocess.TimeoutExpired:
        raise PdfRejected("conversion_failed") from None
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    produced = list(Path(outdir).glob("*.pdf"))
    if not produced:
        shutil.rmtree(outdir, ignore_errors=True)
        raise PdfRejected("conversion_failed")
    return produced[0]
