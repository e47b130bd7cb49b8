"""Test PKI: a TSA and a CRL server on 127.0.0.1 (real HTTP), an external CA, PDFs to sign."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import serialization

from ecabinet.signing import ca
from ecabinet.signing.signers import asn1_certificate


def asn1_key(key):
    from asn1crypto import keys

    return keys.PrivateKeyInfo.load(key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                                      serialization.NoEncryption()))


class _Server:
    """A ThreadingHTTPServer on a free port of 127.0.0.1, run in a daemon thread."""

    def __init__(self, handler):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.owner = self
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class _TsaHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's naming
        from asn1crypto import tsp

        owner = self.server.owner
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        owner.requests += 1
        owner.arrived.set()
        owner.release.wait(60)
        response = owner.stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(response)))
        self.end_headers()
        self.wfile.write(response)

    def log_message(self, *args):
        pass


class TsaServer(_Server):
    """An RFC 3161 time-stamping service (pyHanko's DummyTimeStamper behind real HTTP).

    `root` (a ca.Authority) issued its certificate: trust it for the timestamps to verify. Clear
    `release` to hold every answer until the test sets it (`arrived` tells a request came in).
    """

    def __init__(self):
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        self.root = ca.create_root("TSA Root thử nghiệm", organisation="Test", key=ca.new_key(2048))
        key = ca.new_key(2048)
        certificate = ca.issue_timestamping_certificate(self.root, key.public_key(), "Máy chủ TSA thử nghiệm")
        self.stamper = DummyTimeStamper(tsa_cert=asn1_certificate(certificate), tsa_key=asn1_key(key),
                                        certs_to_embed=[asn1_certificate(self.root.certificate)])
        self.requests = 0
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.release.set()
        super().__init__(_TsaHandler)


class _FileHandler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        owner = self.server.owner
        body = owner.files.get(self.path)
        owner.fetched.append(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/pkix-crl")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class CrlServer(_Server):
    """Serves CRLs (path -> DER bytes) and remembers what was fetched."""

    def __init__(self):
        self.files = {}
        self.fetched = []
        super().__init__(_FileHandler)


def external_user_p12(authority, full_name, password, *, crl_url):
    """A PKCS#12 as a real CA hands it out (its own password), with the issuing chain."""
    key = ca.new_key(2048)
    certificate = ca.issue_signing_certificate(authority, key.public_key(), ca.name(full_name), crl_url=crl_url)
    return ca.pkcs12_under_pin(key, certificate, [authority.certificate], password, full_name, rounds=1000), certificate


def minutes_like_pdf(text="BIÊN BẢN PHIÊN HỌP UBND TỈNH"):
    """A one-page A4 PDF with Vietnamese text, standing in for the minutes."""
    from fpdf import FPDF

    from ecabinet.documents.pdf import DEFAULT_FONT, nfc

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.add_font("dejavu", "", DEFAULT_FONT)
    pdf.set_font("dejavu", size=14)
    pdf.multi_cell(0, 10, nfc(f"{text}\nNội dung: Thông qua kế hoạch đầu tư công năm 2027.\nKết quả: 9/12 tán thành."))
    return bytes(pdf.output())
