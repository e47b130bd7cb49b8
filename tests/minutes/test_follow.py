"""The `minutes` push: every reader's open pages hear that the minutes were finalised, signed or given
a signing order, once it is committed; nobody else hears it, and a refused change says nothing. The
pages carry what they show, to compare with what they hear."""
import pytest

from ecabinet.extensions import db
from ecabinet.meetings.models import MeetingStatus
from ecabinet.minutes import access
from tests.factories import create_meeting, create_secretariat, create_user
from tests.live.conftest import received, sockets  # noqa: F401  (in-process Socket.IO clients)
from tests.minutes.test_access import ROLES, Scene
from tests.minutes.test_pdf import session_  # noqa: F401  (an ended session with a closed ballot)
from tests.minutes.test_signing import final  # noqa: F401  (its minutes finalised, two certificates)
from tests.signing.conftest import PIN, _no_stray_fetching, internal_ca  # noqa: F401


def test_the_readers_pushed_to_are_those_the_rule_lets_read(app):
    """access.minutes_reader_ids (SQL, for the pushes) agrees with can_read_minutes on every role, in
    an ended session and in a draft one, and a deactivated reader drops out of both."""
    scene = Scene()
    cast = scene.cast
    people = [cast.user(role) for role in ROLES if role != "anonymous"]
    meeting = cast.meeting
    assert access.minutes_reader_ids(meeting) == sorted(u.id for u in people if access.can_read_minutes(u, meeting))
    assert {cast.member.id, cast.stand_in.id, cast.secretary.id, cast.secretariat.id} <= set(
        access.minutes_reader_ids(meeting))

    office = create_secretariat(full_name="Văn Phòng Khác")
    chair, member = create_user(full_name="Chủ Tọa Dự Kiến"), create_user(full_name="Thành Viên Dự Kiến")
    draft = create_meeting("Phiên họp đang soạn", status=MeetingStatus.DRAFT, actor=office, chair=chair,
                           members=[member])
    db.session.commit()
    everyone = people + [office, chair, member]
    assert access.minutes_reader_ids(draft) == sorted(u.id for u in everyone if access.can_read_minutes(u, draft))
    assert member.id not in access.minutes_reader_ids(draft) and chair.id in access.minutes_reader_ids(draft)

    cast.secretary.active = False
    db.session.commit()
    assert cast.secretary.id not in access.minutes_reader_ids(meeting)
    assert not access.can_read_minutes(cast.secretary, meeting)


def test_each_signature_reaches_every_reader_once_and_nobody_else(final, sockets):  # noqa: F811
    s = final
    stranger = create_user(full_name="Người Ngoài Phiên Họp")
    chair, guest, stand_in, office, outsider = (sockets(u) for u in (s.chair, s.guest, s.stand_in, s.office, stranger))

    wrong = s.sign(s.secretary, pin="000000")
    assert wrong.status_code == 403
    early = s.sign(s.chair)
    assert early.status_code == 409
    assert all(received(client, "minutes") == [] for client in (chair, guest, stand_in, office, outsider))

    assert s.sign(s.secretary).status_code == 201
    heard = received(chair, "minutes")
    assert len(heard) == 1
    first = heard[0]
    assert first["meeting_id"] == s.meeting.id and first["status"] == "final"
    assert (first["signed"], first["required"], first["complete"]) == (1, 2, False)
    assert first["turn_user_id"] == s.chair.id
    assert all(received(client, "minutes") == [first] for client in (guest, stand_in, office))
    assert received(outsider, "minutes") == []

    assert s.sign(s.chair).status_code == 201
    last = received(guest, "minutes")
    assert len(last) == 1 and last[0]["complete"] is True and last[0]["turn_user_id"] is None
    assert last[0]["signers_version"] > first["signers_version"]
    signers = s.get(s.guest, "/signers").get_json()
    assert signers["signers_version"] == last[0]["signers_version"]


def test_finalising_and_setting_the_order_are_heard(session_, sockets):  # noqa: F811
    s = session_
    chair = sockets(s.chair)
    assert s.put(s.secretary, json={"base_revision": 0, "content": {"summary": "Phiên họp"}}).status_code == 200
    assert received(chair, "minutes") == []  # saving a draft revision is not news for the signers
    order = s.put(s.secretary, "/signers", json={"signers": [{"role": "chair"}, {"role": "secretary"}]})
    assert order.status_code == 200
    (ordered,) = received(chair, "minutes")
    assert ordered["status"] == "draft" and ordered["turn_user_id"] is None
    stale = s.put(s.secretary, "/finalise", method="POST", json={"base_revision": 0})
    assert stale.status_code == 409 and received(chair, "minutes") == []
    assert s.put(s.secretary, "/finalise", method="POST", json={"base_revision": 1}).status_code == 200
    (finalised,) = received(chair, "minutes")
    assert finalised["status"] == "final" and finalised["turn_user_id"] == s.chair.id


@pytest.mark.parametrize("signed", [0, 2])
def test_the_minutes_page_carries_what_it_shows_until_everyone_has_signed(final, login, signed):  # noqa: F811
    s = final
    for user in (s.secretary, s.chair)[:signed]:
        assert s.sign(user).status_code == 201
    page = login(s.guest).get(f"/meetings/{s.meeting.id}/minutes").get_data(as_text=True)
    if signed:
        assert 'id="minutes-follow"' not in page and "follow.js" not in page  # nothing more can change
    else:
        assert 'id="minutes-follow"' in page and 'data-status="final"' in page and 'data-signed="0"' in page
        assert "js/minutes/follow.js" in page and "Đã đến lượt bạn ký biên bản." in page


def test_the_notice_page_follows_the_minutes_for_whoever_issues_it(final, login):  # noqa: F811
    s = final
    page = login(s.secretary).get(f"/meetings/{s.meeting.id}/notice").get_data(as_text=True)
    assert 'id="minutes-follow"' in page and 'data-status="final"' in page


def test_the_home_page_tells_each_signer_when_their_turn_has_come(final, login):  # noqa: F811
    s = final

    def notice(user):
        page = login(user).get("/meetings").get_data(as_text=True)
        return "biên bản đang chờ đồng chí ký số" in page, f"/meetings/{s.meeting.id}/minutes#signing" in page

    assert notice(s.secretary) == (True, True)  # the first in the signing order
    assert notice(s.chair) == notice(s.guest) == notice(s.office) == (False, False)
    assert s.sign(s.secretary).status_code == 201
    assert notice(s.secretary) == (False, False) and notice(s.chair) == (True, True)
    assert s.sign(s.chair).status_code == 201
    assert notice(s.chair) == (False, False)


def test_draft_minutes_ask_nobody_to_sign(session_, login):  # noqa: F811
    s = session_
    assert s.put(s.secretary, json={"base_revision": 0, "content": {"summary": "Phiên họp"}}).status_code == 200
    assert "đang chờ đồng chí ký số" not in login(s.secretary).get("/meetings").get_data(as_text=True)
