"""Untrusted files are parsed in a child process with CPU, memory and wall-clock limits.

A malicious PDF (decompression bomb, endless object graph) can then only kill its
own child, never the server or its event loop.
"""
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ecabinet.documents.pdf import PdfRejected

OFFICE_EXTENSIONS = {".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".doc", ".xls", ".ppt"}


def _limits(memory_mb, cpu_seconds):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024 * 1024, memory_mb * 1024 * 1024))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.setsid()

    return apply


def inspect_untrusted(path, *, max_pages, timeout=20, memory_mb=768):
    """{"pages", "title"} of a PDF checked in a limited child process; PdfRejected otherwise."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONDONTWRITEBYTECODE": "1",
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-c",
             "import sys; sys.path.insert(0, sys.argv.pop(1)); from ecabinet.documents.pdf import main; "
             "sys.exit(main(sys.argv))", env["PYTHONPATH"], str(path), str(max_pages)],
            capture_output=True, timeout=timeout, env=env, preexec_fn=_limits(memory_mb, timeout),
            close_fds=True, check=False)
    except subprocess.TimeoutExpired:
        raise PdfRejected("parse_timeout") from None
    if done.returncode != 0:
        # Killed by a limit (SIGXCPU, SIGKILL, MemoryError in the interpreter itself).
        raise PdfRejected("too_complex")
    try:
        result = json.loads(done.stdout.decode().strip().splitlines()[-1])
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
            capture_output=True, timeout=timeout, check=False, preexec_fn=_limits(2048, timeout))
    except subprocess.TimeoutExpired:
        raise PdfRejected("conversion_failed") from None
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    produced = list(Path(outdir).glob("*.pdf"))
    if not produced:
        shutil.rmtree(outdir, ignore_errors=True)
        raise PdfRejected("conversion_failed")
    return produced[0]
