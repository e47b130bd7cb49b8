"""A strict verifier of PDF signatures: pure functions on PDF bytes (no Flask, no database).

Stricter than pyHanko's default policy: after a signature, the only changes accepted are filling
the signature fields that already existed, invisible timestamp fields, and validation data
(DSS, metadata). Anything else, such as an edited page, a new annotation or form field, or a
changed field value, counts as modified after that signature, and the signature is not valid.
The report carries reason codes; the caller words them for people.
"""
import io
import re
from datetime import datetime, timezone

_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[([^\]]*)\]")

# What a reason code means (the adapter translates these).
REASONS = (
    "unreadable",           # the PDF or the signature could not be parsed
    "not_intact",           # the signed bytes were changed (digest mismatch)
    "bad_signature",        # the cryptographic signature does not verify
    "untrusted",            # the certificate does not chain to a configured trust root
    "revoked",              # the certificate was revoked
    "expired",              # the certificate was not valid at the signing or validation time
    "key_usage",            # the certificate may not sign documents
    "modified_after",       # the document was changed after this signature in a way not allowed
    "partial_coverage",     # the signature covers neither its whole revision nor the file
    "timestamp_invalid",    # the signature's timestamp does not verify or is not trusted
    "no_signature",         # there is no signature in the document
    "incomplete",           # a signature field is still empty (a signature missing, or cut off)
    "byte_range_gaps",      # a /ByteRange leaves more than one gap (bytes no signature covers)
    "duplicated",           # one signature value appears in more than one field
    "wrapped",              # a revision does not chain to the earlier ones (a signed revision wrapped in another)
    "too_complex",          # the file could not be checked within the limits (a file from outside)
)


def strict_diff_policy():
    """After a signature: only the existing signature fields filled, invisible timestamp fields,
    DSS and metadata; no other field, annotation or page content may change."""
    from pyhanko.sign.diff_analysis import ModificationLevel, StandardDiffPolicy
    from pyhanko.sign.diff_analysis.form_rules_api import FormUpdatingRule
    from pyhanko.sign.diff_analysis.rules.file_structure_rules import (
        CatalogModificationRule, ObjectStreamRule, XrefStreamRule)
    from pyhanko.sign.diff_analysis.rules.form_field_rules import (
        DSSCompareRule, SigFieldCreationRule, SigFieldModificationRule)
    from pyhanko.sign.diff_analysis.rules.metadata_rules import DocInfoRule, MetadataUpdateRule

    lta = ModificationLevel.LTA_UPDATES
    return StandardDiffPolicy(
        global_rules=[
            CatalogModificationRule(),
            DocInfoRule().as_qualified(lta),
            XrefStreamRule().as_qualified(lta),
            ObjectStreamRule().as_qualified(lta),
            DSSCompareRule().as_qualified(lta),
            MetadataUpdateRule().as_qualified(lta),
        ],
        form_rule=FormUpdatingRule(field_rules=[
            SigFieldCreationRule(allow_new_visible_after_certify=False),
            SigFieldModificationRule(),
        ]),
    )


def _validation_context(trust_roots, dss_context, moment, crls, other_certs):
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(
        trust_roots=list(trust_roots), other_certs=list(other_certs) + dss_context["certs"],
        crls=list(crls) + dss_context["crls"], ocsps=dss_context["ocsps"], allow_fetching=False,
        revocation_mode="soft-fail", moment=moment)


def _read_dss(reader):
    from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError

    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return {"present": False, "certs": [], "crls": [], "ocsps": []}
    return _dss_lists(dss)


def _dss_lists(dss):
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp
    from pyhanko.pdf_utils.generic import DecodePurpose

    crls = [asn1_crl.CertificateList.load(ref.get_object().read_data(DecodePurpose.CRL)) for ref in dss.crls]
    ocsps = [asn1_ocsp.OCSPResponse.load(ref.get_object().read_data(DecodePurpose.OCSP_RESPONSE))
             for ref in dss.ocsps]
    return {"present": True, "certs": list(dss.load_certs()), "crls": crls, "ocsps": ocsps}


# The parts of a certificate's name a reader recognises, most telling first (no English labels such
# as "Common Name:": the values speak for themselves in any language).
_NAME_ORDER = ("common_name", "title", "organizational_unit_name", "organization_name", "locality_name",
               "state_or_province_name", "country_name")


def _name(asn1_name):
    try:
        native = asn1_name.native or {}
        keys = [k for k in _NAME_ORDER if k in native] + [k for k in native if k not in _NAME_ORDER]
        values = [", ".join(map(str, v)) if isinstance(v, list) else str(v) for v in (native[k] for k in keys)]
        return ", ".join(v for v in values if v) or asn1_name.human_friendly
    except Exception:  # noqa: BLE001 - an odd name is shown as best we can
        return str(asn1_name.native)


def _common_name(asn1_name):
    native = asn1_name.native or {}
    return native.get("common_name") or _name(asn1_name)


def _trust_reasons(status):
    """Why a signature is not trusted, as reason codes."""
    indication = status.trust_problem_indic
    name = getattr(indication, "name", None)
    if indication is None:
        return [] if status.validation_path is not None else ["untrusted"]
    if name in ("REVOKED", "REVOKED_NO_POE", "REVOKED_CA_NO_POE"):
        return ["revoked"]
    if name in ("EXPIRED", "NOT_YET_VALID", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED"):
        return ["expired"]
    if name == "SIG_CONSTRAINTS_FAILURE":
        return ["key_usage"]
    return ["untrusted"]


def _modified_after(status):
    from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return False
    if isinstance(status.diff_result, SuspiciousModification) or status.diff_result is None:
        return True
    if status.docmdp_ok is False:
        return True
    return status.modification_level > ModificationLevel.FORM_FILLING


def _timestamp_report(ts_status):
    if ts_status is None:
        return None
    return {"time": ts_status.timestamp, "intact": bool(ts_status.intact), "valid": bool(ts_status.valid),
            "trusted": bool(ts_status.trusted), "tsa": _name(ts_status.signing_cert.subject)}


def _validate(embedded, trust_roots, dss_context, moment, crls, other_certs):
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints

    def context():
        return _validation_context(trust_roots, dss_context, moment, crls, other_certs)

    return validate_pdf_signature(
        embedded, signer_validation_context=context(), ts_validation_context=context(),
        diff_policy=strict_diff_policy(),
        key_usage_settings=KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"},
                                               match_all_key_usages=False))


def _one_gap(embedded):
    """The /ByteRange starts at the first byte and leaves one gap (the signature value itself)."""
    byte_range = list(embedded.byte_range)
    return len(byte_range) == 4 and byte_range[0] == 0


def _trailing_bytes(pdf_bytes):
    """Bytes after the final %%EOF that no revision explains (and no signature covers)."""
    end = pdf_bytes.rfind(b"%%EOF")
    return end < 0 or bool(pdf_bytes[end + 5:].strip(b"\r\n\t \x00"))


def _signature_report(embedded, trust_roots, dss_context, crls, other_certs, now, last_signature, pdf_bytes):
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    status = _validate(embedded, trust_roots, dss_context, now, crls, other_certs)
    ts = status.timestamp_validity
    if not status.trusted and ts is not None and ts.intact and ts.valid and ts.trusted:
        # A timestamp proves the signature existed then: judge the certificate at that time,
        # with the revocation information of then (embedded in the DSS at signing).
        status = _validate(embedded, trust_roots, dss_context, ts.timestamp, crls, other_certs)
        ts = status.timestamp_validity
    reasons = []
    if not status.intact:
        reasons.append("not_intact")
    elif not status.valid:
        reasons.append("bad_signature")
    trusted = bool(status.trusted)
    if status.intact and status.valid and not trusted:
        reasons.extend(_trust_reasons(status))
    modified = _modified_after(status)
    if modified:
        reasons.append("modified_after")
    if status.coverage is None or status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        reasons.append("partial_coverage")
    elif not _one_gap(embedded) or (last_signature and _trailing_bytes(pdf_bytes)):
        reasons.append("partial_coverage")
    timestamp = _timestamp_report(ts)
    if timestamp is not None and not (timestamp["intact"] and timestamp["valid"] and timestamp["trusted"]):
        reasons.append("timestamp_invalid")
    cert = status.signing_cert
    return {
        "field": embedded.field_name,
        "signer": _common_name(cert.subject),
        "signing_time": status.signer_reported_dt,
        "timestamp": timestamp,
        "subject": _name(cert.subject),
        "issuer": _name(cert.issuer),
        "serial": format(cert.serial_number, "x"),
        "certified": embedded.sig_object_type == "/Sig" and _is_certification(embedded),
        "intact": bool(status.intact),
        "cryptographically_valid": bool(status.valid),
        "trusted": trusted,
        "revoked": "revoked" in reasons,
        "modified_after": modified,
        "valid": not reasons,
        "reasons": list(dict.fromkeys(reasons)),
    }


def _is_certification(embedded):
    try:
        return embedded.docmdp_level is not None
    except Exception:  # noqa: BLE001
        return False


def _unreadable(field, error):
    return {"field": field, "signer": None, "signing_time": None, "timestamp": None, "subject": None,
            "issuer": None, "serial": None, "certified": False, "intact": False,
            "cryptographically_valid": False, "trusted": False, "revoked": False, "modified_after": True,
            "valid": False, "reasons": ["unreadable"], "error": str(error)[:300]}


def _structural_reasons(pdf_bytes):
    """Faults seen in the bytes before any parsing: a /ByteRange with other than two ranges."""
    for match in _BYTE_RANGE.finditer(pdf_bytes):
        if len(match.group(1).split()) != 4:
            return ["byte_range_gaps"]
    return []


def _unchained_revisions(reader, pdf_bytes):
    """More revisions in the file (each ends with startxref) than the /Prev chain reaches from the
    last one: some bytes, a signed revision perhaps, sit outside the document that readers show."""
    return len(re.findall(rb"startxref\s+\d+", pdf_bytes)) > reader.xrefs.total_revisions


def _mark_duplicates(embedded_list, reports):
    """One signature value in several fields: every such signature is reported not valid."""
    seen = {}
    for embedded, report in zip(embedded_list, reports):
        try:
            value = bytes(embedded.sig_object.raw_get("/Contents"))
        except Exception:  # noqa: BLE001 - an unreadable one is reported as such already
            continue
        seen.setdefault(value, []).append(report)
    for same in seen.values():
        if len(same) > 1:
            for report in same:
                report["valid"] = False
                report["reasons"] = list(dict.fromkeys(report["reasons"] + ["duplicated"]))


def verify_pdf(pdf_bytes, *, trust_roots, crls=(), other_certs=(), now=None):
    """A report of every signature in the PDF, judged strictly (see the module's docstring).

    trust_roots: asn1crypto certificates; crls: extra CRLs (asn1crypto or DER) known to the server.
    {"valid", "signatures": [...], "unsigned_fields": [...], "dss": bool, "reasons": [...]}
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    now = now or datetime.now(timezone.utc)
    structural = _structural_reasons(pdf_bytes)
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        if _unchained_revisions(reader, pdf_bytes):
            structural.append("wrapped")
        embedded_all = list(reader.embedded_signatures)
        dss_context = _read_dss(reader)
        unsigned = [name for name, value, _ref in enumerate_sig_fields(reader) if value is None]
    except Exception as error:  # noqa: BLE001 - any parse failure of an untrusted file is "unreadable"
        return {"valid": False, "signatures": [], "unsigned_fields": [], "dss": False,
                "reasons": structural or ["unreadable"], "error": str(error)[:300]}
    signatures = []
    # Document timestamps (PAdES LTA) only add time; the signatures are judged.
    regular = [e for e in embedded_all if e.sig_object_type != "/DocTimeStamp"]
    for embedded in regular:
        try:
            last_signature = embedded is regular[-1]
            signatures.append(_signature_report(embedded, trust_roots, dss_context, crls, other_certs, now,
                                                last_signature, pdf_bytes))
        except Exception as error:  # noqa: BLE001 - a malformed signature is reported, not raised
            signatures.append(_unreadable(getattr(embedded, "field_name", None), error))
    _mark_duplicates(regular, signatures)
    reasons = list(structural) + ([] if signatures else ["no_signature"])
    if signatures and unsigned:
        reasons.append("incomplete")
    return {
        "valid": bool(signatures) and not reasons and all(s["valid"] for s in signatures),
        "signatures": signatures,
        "unsigned_fields": unsigned,
        "dss": dss_context["present"],
        "reasons": reasons,
    }


# -- for a file from outside: in a limited child process (core.sandbox) --------------------------

_TIMES = ("signing_time",)


def report_to_json(report):
    """The report as JSON text: its times as ISO 8601 strings (report_from_json turns them back)."""
    import json

    return json.dumps(report, default=lambda value: value.isoformat() if isinstance(value, datetime) else str(value))


def report_from_json(text):
    """A report read back from report_to_json, its times datetimes again. The text comes from a child
    that parsed an untrusted file: only JSON is read, never anything that could run code."""
    import json

    def when(value):
        return datetime.fromisoformat(value) if isinstance(value, str) else None

    report = json.loads(text)
    for signature in report.get("signatures", []):
        for key in _TIMES:
            signature[key] = when(signature.get(key))
        if isinstance(signature.get("timestamp"), dict):
            signature["timestamp"]["time"] = when(signature["timestamp"].get("time"))
    return report


def main(argv):
    """The child's entry: on standard input {"pdf", "trust_roots", "crls"} (base64 of the bytes and
    of each DER), on standard output the report (report_to_json)."""
    import base64
    import json
    import sys

    from asn1crypto import x509

    request = json.loads(sys.stdin.buffer.read())

    def decoded(name):
        return [base64.b64decode(item) for item in request[name]]

    report = verify_pdf(base64.b64decode(request["pdf"]),
                        trust_roots=[x509.Certificate.load(der) for der in decoded("trust_roots")],
                        crls=decoded("crls"))
    sys.stdout.write(report_to_json(report))
    return 0
