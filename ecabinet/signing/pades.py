"""PAdES signing with pyHanko: pure functions on PDF bytes (no Flask, no database).

Every signature is an incremental update, so earlier signatures stay intact. The first one
certifies the document (DocMDP level 2: only form filling, i.e. the remaining signature fields,
plus timestamps and validation data are allowed afterwards). Signature fields are created before
the certification, in the certified revision, so later signers only fill them.
"""
import io
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from ecabinet.core.formats import format_datetime
from ecabinet.core.timeutil import LOCAL_TZ

DEFAULT_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@dataclass(frozen=True)
class SignatureBox:
    """Where one signer's visible stamp goes.

    page: 1-based page number, or -1 for the last page. rect: (x1, y1, x2, y2) in PDF points from
    the bottom-left corner. name: the signature field's name (one per signer's slot, e.g.
    "secretary", "chair"). title: the role the signer signs in (e.g. "Chủ tọa"), written as
    the signature's reason.
    """

    page: int
    rect: tuple
    name: str
    title: str | None = None

    @property
    def page_index(self):
        return -1 if self.page == -1 else self.page - 1


class PadesError(Exception):
    """The PDF cannot be signed as asked; `code` says why."""

    def __init__(self, code, detail=""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def nfc(text):
    return unicodedata.normalize("NFC", text or "")


def stamp_time(moment):
    """dd/mm/yyyy HH:MM in Vietnam time, as the stamp shows it."""
    return format_datetime(moment)


def stamp_font(source, cache_dir):
    """The TTF at `source`, rescaled to 1000 units per em and cached in `cache_dir`; its path.

    pyHanko writes a font's glyph widths in font units, which PDF readers take as thousandths of
    an em: with DejaVu's 2048 units every letter would stand twice its width apart.
    """
    import logging
    import os
    from pathlib import Path

    source = Path(source)
    stat = source.stat()
    target = Path(cache_dir) / f"{source.stem}-{int(stat.st_mtime)}-{stat.st_size}-1000.ttf"
    if target.exists():
        return str(target)
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    font = TTFont(str(source))
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.with_suffix(f".{os.getpid()}.tmp")
    font.save(str(scratch))
    os.replace(scratch, target)  # two processes may build it at once: the last rename wins, both good
    return str(target)


def _stamp_style(font_path):
    import logging

    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    return TextStampStyle(
        stamp_text="%(signer_name)s\n%(signer_title)s\n%(signed_label)s %(signed_at)s",
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(font_path), font_size=9, leading=12),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(6)),
        border_width=1,
        background=None,
    )


def _open_writer(pdf_bytes):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfReadError

    try:
        return IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError) as error:
        raise PadesError("corrupt", str(error)) from None


def signature_fields(pdf_bytes):
    """{field name: filled?} of the PDF's signature fields."""
    from pyhanko.sign.fields import enumerate_sig_fields

    writer = _open_writer(pdf_bytes)
    return {name: value is not None for name, value, _ref in enumerate_sig_fields(writer.prev)}


def signature_count(pdf_bytes):
    return sum(signature_fields(pdf_bytes).values())


def sign_pdf(pdf_bytes, signer, box, *, signer_name, signer_title=None, signed_at=None, certify=None,
             other_boxes=(), timestamper=None, validation_context=None, embed_validation_info=False,
             location=None, font_path, signed_label="Ký ngày:"):
    """The PDF with one more PAdES signature by `signer` (a pyHanko signer) in `box`; bytes.

    certify=None certifies when the PDF has no signature yet. `other_boxes` are the fields of the
    later signers, created (empty) in the certified revision. With `timestamper` the signature
    carries an RFC 3161 timestamp; with `embed_validation_info` (and a `validation_context`) the
    chain and revocation information go into the document's DSS (PAdES B-LT). `font_path`: a
    Unicode TTF with 1000 units per em (see stamp_font).
    """
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter

    existing = signature_fields(pdf_bytes)
    if existing.get(box.name):
        raise PadesError("already_signed", box.name)
    if certify is None:
        certify = not any(existing.values())
    if certify and any(existing.values()):
        raise PadesError("already_certified")
    writer = _open_writer(pdf_bytes)
    wanted = [box] + [b for b in other_boxes if b.name != box.name] if certify else [box]
    for each in wanted:
        if each.name not in existing:
            fields.append_signature_field(writer, fields.SigFieldSpec(
                sig_field_name=each.name, on_page=each.page_index, box=tuple(int(v) for v in each.rect)))
    meta = signers.PdfSignatureMetadata(
        field_name=box.name, certify=certify, docmdp_permissions=MDPPerm.FILL_FORMS,
        subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=nfc(box.title) or None, name=nfc(signer_name), location=nfc(location) or None,
        embed_validation_info=embed_validation_info and validation_context is not None,
        validation_context=validation_context,
        signer_key_usage={"non_repudiation"},
    )
    pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=timestamper,
                                   stamp_style=_stamp_style(font_path))
    output = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=output, existing_fields_only=True, appearance_text_params={
        "signer_name": nfc(signer_name), "signer_title": nfc(signer_title or ""),
        "signed_label": nfc(signed_label), "signed_at": stamp_time(signed_at or datetime.now(LOCAL_TZ)),
    })
    return output.getvalue()
