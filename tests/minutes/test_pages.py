"""The minutes page: the editor for the secretary, a read-only view for participants, the chair's form."""
import re

from ecabinet.extensions import db
from ecabinet.minutes import operations
from tests.minutes.scene import build_session


def test_the_secretary_gets_the_editor_prefilled(login):
    s = build_session()
    html = login(s.secretary).get(f"/meetings/{s.meeting.id}/minutes").get_data(as_text=True)
    assert 'data-editable="true"' in html
    assert f'data-item-id="{s.items[0].id}"' in html and 'data-item="discussion"' in html
    assert "Đi công tác tại Hà Nội" in html and "Bùi Văn Giang" in html
    assert "Tờ trình số 123/TTr-SKHĐT" in html and "phiên bản 2" in html
    assert "Lê Văn An (2 lần)" in html
    assert 'id="finalise-dialog"' in html
    assert not re.search(r"<script(?![^>]*(src=|type=\"application/json\"))", html)  # no inline script
    assert " style=" not in html and " onclick=" not in html


def test_participants_read_without_fields_and_the_chair_comments_from_the_page(login):
    s = build_session()
    operations.save_revision(s.meeting, {"items": [{"agenda_item_id": s.items[0].id, "discussion": "Đã thảo luận kỹ.",
                                                    "conclusion": "Thông qua tờ trình."}]},
                             base_revision=0, actor=s.secretary)
    db.session.commit()
    html = login(s.present).get(f"/meetings/{s.meeting.id}/minutes").get_data(as_text=True)
    assert 'data-editable="false"' in html and "<textarea" not in html
    assert f'href="/api/v1/meetings/{s.meeting.id}/minutes.pdf"' in html
    assert "Thông qua tờ trình." in html and 'id="comments"' not in html

    chair = login(s.chair)
    page = chair.get(f"/meetings/{s.meeting.id}/minutes").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    sent = chair.post(f"/meetings/{s.meeting.id}/minutes/comments",
                      data={"csrf_token": token, "text": "Đề nghị ghi rõ ý kiến của Sở Tài chính."})
    assert sent.status_code == 302
    html = login(s.secretary).get(f"/meetings/{s.meeting.id}/minutes").get_data(as_text=True)
    assert "Đề nghị ghi rõ ý kiến của Sở Tài chính." in html


def test_the_final_minutes_show_the_signing_panel_and_only_the_signer_in_turn_gets_the_button(login):
    s = build_session()
    operations.save_revision(s.meeting, {}, base_revision=0, actor=s.secretary)
    # While drafting, only whoever writes the minutes sees (and may change) the signing order.
    assert 'id="order-open"' in login(s.secretary).get(f"/meetings/{s.meeting.id}/minutes").get_data(as_text=True)
    assert 'id="signing"' not in login(s.present).get(f"/meetings/{s.meeting.id}/minutes").get_data(as_text=True)
    operations.finalise(s.meeting, actor=s.secretary)
    db.session.commit()
    pages = {name: login(getattr(s, name)).get(f"/meetings/{s.meeting.id}/minutes").get_data(as_text=True)
             for name in ("secretary", "chair", "present", "office")}
    for name, html in pages.items():
        assert 'id="signing"' in html and "Nguyễn Thị Thư" in html and "Sẵn sàng ký" in html
        assert ('id="sign-open"' in html) == (name == "secretary"), name
        assert ('id="sign-dialog"' in html) == (name == "secretary"), name
        assert ('id="order-open"' in html) == (name in ("secretary", "office")), name
        assert 'id="verification"' not in html  # nothing to verify before the first signature
        assert not re.search(r"<script(?![^>]*(src=|type=\"application/json\"))", html)
        assert " style=" not in html and " onclick=" not in html
    assert 'type="password" id="sign-pin" autocomplete="off"' in pages["secretary"]
