"""Every copy altered after signing must be reported not valid (the strict verifier)."""

import pytest

from ecabinet.signing import operations
from tests.factories import create_user
from tests.signing.conftest import CHAIR_BOX, PIN, SECRETARY_BOX
from tests.signing import tampering
from tests.signing.pki import minutes_like_pdf


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


_SIGNED = {}


@pytest.fixture
def signed(internal_ca):
    """Minutes signed by a secretary then a chair (made once: the CA lives for the whole run, and
    the PDF's validity depends on nothing the rolled-back rows held)."""
    if "pdfs" not in _SIGNED:
        secretary = create_user(full_name="Trần Thị Thư Ký", title="Chuyên viên")
        chair = create_user(full_name="Nguyễn Văn Chủ Tọa", title="Chủ tịch UBND tỉnh")
        for user in (secretary, chair):
            operations.issue_certificate(user, PIN)
        first = operations.sign(minutes_like_pdf(), secretary, PIN, SECRETARY_BOX, other_boxes=[CHAIR_BOX])
        _SIGNED["pdfs"] = (first, operations.sign(first, chair, PIN, CHAIR_BOX))
    first, both = _SIGNED["pdfs"]
    assert operations.verify(both)["valid"] is True
    return first, both


def assert_refused(pdf, reason):
    report = operations.verify(pdf)
    assert report["valid"] is False
    assert any(reason in s["reasons"] for s in report["signatures"]), [s["reasons"] for s in report["signatures"]]
    return report


def test_a_changed_byte_inside_the_signed_range(signed):
    _first, both = signed
    tampered = bytearray(both)
    at = both.index(b"stream", both.index(b"/Contents")) + 40  # inside the page's content stream
    tampered[at] ^= 0x01
    report = assert_refused(bytes(tampered), "not_intact")
    assert not any(s["intact"] for s in report["signatures"])


def test_an_incremental_update_that_replaces_the_page_text(signed):
    report = assert_refused(tampering.text_edited(*signed), "modified_after")
    assert all(s["intact"] for s in report["signatures"])  # the signed bytes are untouched: the update is the attack
    assert all(s["modified_after"] for s in report["signatures"])


def test_content_replaced_in_place_through_an_incremental_update_shadow(signed):
    """The content stream object itself is redefined in a new revision (a 'replace' shadow attack)."""
    assert_refused(tampering.shadow_replace(*signed), "modified_after")


def test_content_hidden_by_an_overlay_added_after_signing(signed):
    """A white box drawn over the text in an added content stream (a 'hide' shadow attack)."""
    assert_refused(tampering.shadow_hide(*signed), "modified_after")


def test_an_annotation_added_after_signing(signed):
    assert_refused(tampering.annotation_added(*signed), "modified_after")


def test_a_form_field_added_after_signing(signed):
    assert_refused(tampering.form_field_added(*signed), "modified_after")


def test_a_new_page_appended_after_signing(signed):
    from pyhanko.pdf_utils import generic

    _first, both = signed

    def change(writer, page_ref):
        pages = writer.root["/Pages"]
        new_page = writer.add_object(generic.DictionaryObject({
            generic.NameObject("/Type"): generic.NameObject("/Page"),
            generic.NameObject("/Parent"): writer.root.raw_get("/Pages"),
            generic.NameObject("/MediaBox"): generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 595, 842)]),
            generic.NameObject("/Contents"): writer.add_object(generic.StreamObject(stream_data=b"")),
        }))
        pages["/Kids"] = generic.ArrayObject(list(pages["/Kids"]) + [new_page])
        pages["/Count"] = generic.NumberObject(int(pages["/Count"]) + 1)
        writer.update_container(pages)

    assert_refused(tampering.incremental(both, change), "modified_after")


def test_a_removed_signature_leaves_its_field_unsigned(signed):
    """Cutting the last revision off gives back the earlier file: its report shows the missing signer."""
    first, both = signed
    cut = both[:len(first)]
    report = operations.verify(cut)
    assert report["unsigned_fields"] == ["chair"]
    assert [s["field"] for s in report["signatures"]] == ["secretary"]


def test_bytes_appended_after_the_last_signature(signed):
    _first, both = signed
    tampered = both + b"\n1000 0 obj\n(injected) \nendobj\n"
    assert_refused(tampered, "partial_coverage")


def test_a_byte_range_that_leaves_a_gap_is_refused(signed):
    """The last signature's /ByteRange widened so that it no longer matches the signed bytes."""
    import re

    _first, both = signed
    matches = list(re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", both))
    last = matches[-1]
    a, b, c, d = (int(x) for x in last.groups())
    replacement = f"/ByteRange [{a} {b - 10} {c} {d}]".encode()
    replacement = replacement.ljust(len(last.group(0)), b" ")
    tampered = both[:last.start()] + replacement + both[last.end():]
    report = operations.verify(tampered)
    assert report["valid"] is False
    assert report["signatures"][-1]["valid"] is False


def test_an_unsigned_pdf_is_not_valid(app):
    report = operations.verify(minutes_like_pdf())
    assert report["valid"] is False and report["reasons"] == ["no_signature"]


def test_garbage_is_not_valid(app):
    report = operations.verify(b"%PDF-1.7\nnot really a pdf")
    assert report["valid"] is False
