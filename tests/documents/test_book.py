"""The meeting book: cover, contents, agenda order, bookmarks, only what the reader may see."""
import io

import pytest
from pypdf import PdfReader

from ecabinet.core.formats import format_time, long_date
from ecabinet.meetings.models import MeetingStatus
from tests.documents import pdfs
from tests.documents.helpers import upload
from tests.factories import Cast


@pytest.fixture
def session_with_documents(app, client, bearer):
    cast = Cast(status=MeetingStatus.PUBLISHED)
    from ecabinet.meetings import operations
    from ecabinet.extensions import db
    second = operations.add_agenda_item(cast.meeting, "Dự thảo Nghị quyết về giá đất", actor=cast.secretariat)
    db.session.commit()
    first_item, second_id = cast.meeting.agenda_items[0].id, second.id
    headers = {name: bearer(getattr(cast, name)) for name in ("secretariat", "member", "guest", "stranger")}
    s = headers["secretariat"]
    upload(client, cast.meeting, pdfs.make_pdf(2), headers=s, title="Dự thảo nghị quyết", agenda_item_id=second_id)
    upload(client, cast.meeting, pdfs.make_pdf(3), headers=s, title="Tờ trình đầu tư", agenda_item_id=first_item)
    upload(client, cast.meeting, pdfs.make_pdf(1, title="Phụ lục mật"), headers=s, title="Phụ lục mật",
           agenda_item_id=first_item, classification="confidential")
    upload(client, cast.meeting, pdfs.make_pdf(1), headers=s, title="Lịch công tác")
    return cast, headers


def _outline(reader):
    def walk(items, depth=0):
        for item in items:
            if isinstance(item, list):
                yield from walk(item, depth + 1)
            else:
                yield depth, item.title, reader.get_destination_page_number(item)
    return list(walk(reader.outline))


def test_member_book_has_everything_in_agenda_order(client, session_with_documents):
    cast, headers = session_with_documents
    response = client.get(f"/api/v1/meetings/{cast.meeting.id}/book.pdf", headers=headers["member"])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1 + 1 + 3 + 1 + 2 + 1  # cover, contents, documents
    outline = _outline(reader)
    titles = [title for _depth, title, _page in outline]
    assert titles[1].startswith("Nội dung 1.") or titles[1].startswith("Item 1.") or "1." in titles[1]
    assert [t.split(": ", 1)[-1] for d, t, p in outline if d == 1] == \
        ["Tờ trình đầu tư", "Phụ lục mật", "Dự thảo nghị quyết", "Lịch công tác"]
    pages = {t.split(": ", 1)[-1]: p for d, t, p in outline if d == 1}
    assert pages["Tờ trình đầu tư"] == 2 and pages["Phụ lục mật"] == 5 and pages["Dự thảo nghị quyết"] == 6
    cover = reader.pages[0].extract_text()
    assert cast.meeting.title in cover
    # The session's date the Vietnamese way, in Vietnam time: "Thứ Ba, 01/12/2026, 08:00".
    assert f"{long_date(cast.meeting.starts_at, 'vi')}, {format_time(cast.meeting.starts_at)}" in cover, cover
    contents = reader.pages[1].extract_text()
    assert "Tờ trình đầu tư" in contents
    # The confidential part carries the member's watermark; the others do not.
    assert cast.member.full_name in reader.pages[5].extract_text()
    assert cast.member.full_name not in reader.pages[2].extract_text()


def test_guest_book_leaves_out_confidential_documents(client, session_with_documents):
    cast, headers = session_with_documents
    reader = PdfReader(io.BytesIO(client.get(f"/api/v1/meetings/{cast.meeting.id}/book.pdf",
                                             headers=headers["guest"]).data))
    titles = [t for _d, t, _p in _outline(reader)]
    assert not any("Phụ lục mật" in t for t in titles)
    assert len(reader.pages) == 2 + 3 + 2 + 1


def test_stranger_gets_no_book(client, session_with_documents):
    cast, headers = session_with_documents
    assert client.get(f"/api/v1/meetings/{cast.meeting.id}/book.pdf", headers=headers["stranger"]).status_code == 404


def test_book_is_cached_until_documents_change(client, session_with_documents):
    cast, headers = session_with_documents
    url = f"/api/v1/meetings/{cast.meeting.id}/book.pdf"
    first = client.get(url, headers=headers["guest"])
    assert client.get(url, headers=headers["guest"]).headers["ETag"] == first.headers["ETag"]
    upload(client, cast.meeting, pdfs.make_pdf(1), headers=headers["secretariat"], title="Bổ sung")
    assert client.get(url, headers=headers["guest"]).headers["ETag"] != first.headers["ETag"]


def test_contents_rows_are_links_to_their_pages(client, session_with_documents):
    cast, headers = session_with_documents
    reader = PdfReader(io.BytesIO(
        client.get(f"/api/v1/meetings/{cast.meeting.id}/book.pdf", headers=headers["member"]).data))
    contents = reader.pages[1]
    targets = []
    for annotation in contents.get("/Annots", []):
        annotation = annotation.get_object()
        assert annotation["/Subtype"] == "/Link"
        targets.append(reader.get_page_number(annotation["/Dest"][0].get_object()))
    outline_pages = [page for _depth, _title, page in _outline(reader)[1:]]  # all but the contents entry
    assert targets == outline_pages


LONG_ITEM = ("Tờ trình về việc phê duyệt điều chỉnh quy hoạch chung xây dựng đô thị trung tâm tỉnh đến năm 2045, "
             "tầm nhìn đến năm 2060, và kế hoạch thực hiện giai đoạn 2026–2030")


def test_contents_name_each_item_once_and_never_cut_a_title_short(app, client, bearer):
    """An item's own document (same title) is the item's row; a report titled "Báo cáo …" is not
    "Báo cáo: Báo cáo …"; a submission not saying so gets its kind; long titles wrap, whole."""
    from ecabinet.extensions import db
    from ecabinet.meetings import operations

    cast = Cast(status=MeetingStatus.PUBLISHED)
    long_item = operations.add_agenda_item(cast.meeting, LONG_ITEM, actor=cast.secretariat)
    db.session.commit()
    first = cast.meeting.agenda_items[0]
    s = bearer(cast.secretariat)
    upload(client, cast.meeting, pdfs.make_pdf(2), headers=s, title=first.title, kind="submission",
           agenda_item_id=first.id)
    upload(client, cast.meeting, pdfs.make_pdf(1), headers=s, title="Báo cáo thẩm định của Sở Tư pháp",
           kind="report", agenda_item_id=first.id)
    upload(client, cast.meeting, pdfs.make_pdf(1), headers=s, title="Phương án bố trí vốn", kind="submission",
           agenda_item_id=first.id)
    upload(client, cast.meeting, pdfs.make_pdf(3), headers=s, title=LONG_ITEM, kind="submission",
           agenda_item_id=long_item.id)

    reader = PdfReader(io.BytesIO(client.get(f"/api/v1/meetings/{cast.meeting.id}/book.pdf",
                                             headers=bearer(cast.member)).data))
    outline = _outline(reader)
    assert [(depth, title) for depth, title, _page in outline[1:]] == [
        (0, f"Nội dung 1. {first.title}"),
        (1, "Báo cáo thẩm định của Sở Tư pháp"),
        (1, "Tờ trình: Phương án bố trí vốn"),
        (0, f"Nội dung 2. {LONG_ITEM}"),
    ]
    contents = " ".join(reader.pages[1].extract_text().split())
    assert "…" not in contents and "Báo cáo: Báo cáo" not in contents
    assert contents.count(first.title) == 1
    # The long title is all there, over several lines (the words of its end too).
    assert "tầm nhìn đến năm 2060, và kế hoạch thực hiện giai đoạn 2026–2030" in contents
    assert [p for _d, _t, p in outline[1:]] == [2, 4, 5, 6]


def test_contents_flow_over_several_pages_when_the_agenda_is_long(app, client, bearer):
    from ecabinet.documents.pdf import toc_page_count

    rows = [(0, f"Nội dung {n}. {LONG_ITEM}", n) for n in range(1, 16)]
    assert toc_page_count(rows) == 2
    assert toc_page_count(rows[:3]) == 1
