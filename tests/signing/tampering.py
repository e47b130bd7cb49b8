"""Tampered copies of a PDF signed by a secretary then a chair, built the way an attacker would: each
function takes (the copy after the first signature, the copy after both) and returns the forged bytes.
Shared by the signing domain's verifier tests and the signed minutes' tests (CASES)."""
import io
import re


def incremental(pdf, change):
    """An incremental update made with pyHanko's writer: change(writer, first page's reference)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    change(writer, writer.root["/Pages"].raw_get("/Kids")[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def changed_byte(first, both):
    data = bytearray(both)
    data[data.index(b"stream", data.index(b"/Contents")) + 40] ^= 0x01  # inside page 1's content stream
    return bytes(data)


def text_edited(first, both):
    from pyhanko.pdf_utils import generic

    def change(writer, page_ref):
        page = page_ref.get_object()
        page["/Contents"] = writer.add_object(generic.StreamObject(
            stream_data=b"BT /F1 24 Tf 72 700 Td (KET QUA: THONG QUA) Tj ET"))
        writer.update_container(page)
    return incremental(both, change)


def annotation_added(first, both):
    from pyhanko.pdf_utils import generic

    def change(writer, page_ref):
        page = page_ref.get_object()
        note = writer.add_object(generic.DictionaryObject({
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/FreeText"),
            generic.NameObject("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (72, 600, 400, 650)]),
            generic.NameObject("/Contents"): generic.TextStringObject("Kết quả: THÔNG QUA"),
            generic.NameObject("/DA"): generic.pdf_string("/Helv 18 Tf 0 g"),
        }))
        page["/Annots"] = generic.ArrayObject(list(page.get("/Annots") or []) + [note])
        writer.update_container(page)
    return incremental(both, change)


def form_field_added(first, both):
    from pyhanko.pdf_utils import generic

    def change(writer, page_ref):
        page = page_ref.get_object()
        field = writer.add_object(generic.DictionaryObject({
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/Widget"),
            generic.NameObject("/FT"): generic.NameObject("/Tx"),
            generic.NameObject("/T"): generic.TextStringObject("ghi_chu"),
            generic.NameObject("/V"): generic.TextStringObject("Đã sửa kết quả biểu quyết"),
            generic.NameObject("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (72, 500, 400, 530)]),
            generic.NameObject("/P"): page_ref,
        }))
        form = writer.root["/AcroForm"]
        form["/Fields"] = generic.ArrayObject(list(form["/Fields"]) + [field])
        writer.update_container(form)
        page["/Annots"] = generic.ArrayObject(list(page.get("/Annots") or []) + [field])
        writer.update_container(page)
    return incremental(both, change)


def shadow_hide(first, both):
    """A white box drawn over the text in a content stream added after signing ("hide")."""
    from pyhanko.pdf_utils import generic

    def change(writer, page_ref):
        page = page_ref.get_object()
        old = page.raw_get("/Contents")
        parts = list(old) if isinstance(old, generic.ArrayObject) else [old]
        cover = writer.add_object(generic.StreamObject(stream_data=b"q 1 1 1 rg 0 300 600 300 re f Q"))
        page["/Contents"] = generic.ArrayObject(parts + [cover])
        writer.update_container(page)
    return incremental(both, change)


def shadow_replace(first, both):
    """The page's content stream object redefined under the same number in a new revision ("replace")."""
    from pyhanko.pdf_utils import generic

    def change(writer, page_ref):
        contents = page_ref.get_object().raw_get("/Contents")
        ref = contents[0] if isinstance(contents, generic.ArrayObject) else contents
        writer.objects[(ref.generation, ref.idnum)] = generic.StreamObject(
            stream_data=b"BT /F1 24 Tf 72 700 Td (KET QUA: 12/12 TAN THANH) Tj ET")
    return incremental(both, change)


def _byte_ranges(pdf):
    return list(re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf))


def bytes_after_the_range(first, both):
    """The last /ByteRange stops short of the end of the file: content appended without a revision."""
    return both + b"\n99 0 obj\n(KET QUA: THONG QUA)\nendobj\n"


def range_shortened(first, both):
    """The last /ByteRange rewritten to leave the last bytes of the file out of the signature."""
    last = _byte_ranges(both)[-1]
    a, b, c, d = (int(x) for x in last.groups())
    forged = f"/ByteRange [{a} {b} {c} {d - 200}]".encode().ljust(len(last.group(0)))
    return both[:last.start()] + forged + both[last.end():]


def range_with_two_gaps(first, both):
    """The last /ByteRange split into three ranges (two gaps), one of them hiding edited bytes."""
    last = _byte_ranges(both)[-1]
    a, b, c, d = (int(x) for x in last.groups())
    hole = b // 2
    forged = f"/ByteRange [{a} {hole} {hole + 10} {b - hole - 10} {c} {d}]".encode()
    padding = len(both[last.end():]) - len(both[last.end():].lstrip(b" "))
    assert len(forged) <= len(last.group(0)) + padding  # pyHanko leaves room after the array
    spare = len(last.group(0)) + padding - len(forged)
    return both[:last.start()] + forged + b" " * spare + both[last.end() + padding:]


def signature_removed(first, both):
    """The chair's signature cut off: the copy as it was before the chair signed, passed off as final."""
    return both[:len(first)]


def signature_unset(first, both):
    """The chair's signature taken out of its field by an incremental update."""

    def change(writer, page_ref):
        for ref in writer.root["/AcroForm"]["/Fields"]:
            field = ref.get_object()
            if field.get("/T") == "chair":
                del field["/V"]
                writer.update_container(field)
    return incremental(both, change)


def signature_duplicated(first, both):
    """The secretary's signature value put in the chair's field too (one signature shown twice)."""
    from pyhanko.pdf_utils import generic

    def change(writer, page_ref):
        fields = {ref.get_object().get("/T"): ref.get_object() for ref in writer.root["/AcroForm"]["/Fields"]}
        fields["chair"][generic.NameObject("/V")] = fields["secretary"].raw_get("/V")
        writer.update_container(fields["chair"])
    return incremental(first, change)


def signature_wrapped(first, both):
    """The secretary's signed revision wrapped into a new revision that does not chain to it (no /Prev):
    a reader sees only the new revision's objects, laid over the signed bytes."""
    from pyhanko.pdf_utils import generic

    def change(writer, page_ref):
        page = page_ref.get_object()
        page["/Contents"] = writer.add_object(generic.StreamObject(
            stream_data=b"BT /F1 24 Tf 72 700 Td (BIEN BAN KHAC) Tj ET"))
        writer.update_container(page)
    updated = incremental(first, change)
    tail = updated[len(first):]
    unchained = re.sub(rb"/Prev\s+\d+", lambda m: b" " * len(m.group(0)), tail)
    assert unchained != tail
    return first + unchained


CASES = {
    "a changed byte": changed_byte,
    "an incremental update that edits the text": text_edited,
    "an annotation added after signing": annotation_added,
    "a form field added after signing": form_field_added,
    "content hidden by an incremental update (shadow: hide)": shadow_hide,
    "content replaced by an incremental update (shadow: replace)": shadow_replace,
    "a /ByteRange that leaves the end of the file out (appended bytes)": bytes_after_the_range,
    "a /ByteRange shortened by the attacker": range_shortened,
    "a /ByteRange with more than one gap": range_with_two_gaps,
    "a removed signature (the last revision cut off)": signature_removed,
    "a removed signature (its field emptied by an update)": signature_unset,
    "a duplicated signature": signature_duplicated,
    "a signature wrapped into another revision": signature_wrapped,
}
