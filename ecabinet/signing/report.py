"""The verifier's report for people and clients: reasons in plain words, times in ISO 8601."""
from flask_babel import lazy_gettext as _l

from ecabinet.core.api import iso

REASON_TEXT = {
    "unreadable": _l("The file or the signature cannot be read."),
    "not_intact": _l("The signed content was changed after signing (the bytes no longer match the signature)."),
    "bad_signature": _l("The signature does not match the signer's certificate."),
    "untrusted": _l("The signer's certificate does not come from a trusted certification authority."),
    "revoked": _l("The signer's certificate was revoked."),
    "expired": _l("The signer's certificate was not valid at the time of checking."),
    "key_usage": _l("The signer's certificate may not be used to sign documents."),
    "modified_after": _l("The document was changed after this signature (content, annotations or form "
                         "fields), which a signed document does not allow."),
    "partial_coverage": _l("The signature does not cover the whole document."),
    "timestamp_invalid": _l("The signature's timestamp is not valid or not trusted."),
    "no_signature": _l("The document has no digital signature."),
    "incomplete": _l("Not every signature has been given: at least one signature field is still empty "
                     "(a signature is missing or was removed)."),
    "byte_range_gaps": _l("A signature leaves parts of the file unsigned (its byte range has more than "
                          "one gap)."),
    "duplicated": _l("The same signature appears more than once in the document (a copied signature)."),
    "wrapped": _l("The file holds a revision that is not part of the document shown (a signed revision "
                  "wrapped into another)."),
    "too_complex": _l("The file is too large or too complex to be checked here."),
}


def reason_texts(codes):
    return [{"code": code, "message": str(REASON_TEXT.get(code, code))} for code in codes]


def _timestamp_json(timestamp, when):
    if timestamp is None:
        return None
    return {**timestamp, "time": when(timestamp["time"])}


def report_json(report, *, page=False):
    """The protocol's shape: per signature signer, time, subject, issuer, intact, trusted, valid,
    modified_after (plus reasons), and the overall `valid`. For a page, times stay datetimes."""
    when = (lambda value: value) if page else iso
    return {
        "valid": report["valid"],
        "dss": report["dss"],
        "unsigned_fields": report["unsigned_fields"],
        "reasons": reason_texts(report["reasons"]),
        "signatures": [{
            "field": s["field"], "signer": s["signer"], "signing_time": when(s["signing_time"]),
            "timestamp": _timestamp_json(s["timestamp"], when), "subject": s["subject"], "issuer": s["issuer"],
            "serial": s["serial"], "certified": s["certified"], "intact": s["intact"], "trusted": s["trusted"],
            "revoked": s["revoked"], "modified_after": s["modified_after"], "valid": s["valid"],
            "reasons": reason_texts(s["reasons"]),
        } for s in report["signatures"]],
    }
