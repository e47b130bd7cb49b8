"""The poll pages: the reminder in the app (home page notice), and in the browser a member answers a
poll on a tablet (portrait) and a phone, with big choices and a confirmation; screenshots to look at."""
import pytest

from ecabinet.extensions import db
from ecabinet.polls.models import PollAnswer
from tests.conftest import TABLET_PORTRAIT, browser_login, screenshot
from tests.factories import PASSWORD
from tests.polls.helpers import Cast, answer, create_poll

PHONE = {"width": 390, "height": 844}


def test_the_home_page_reminds_a_member_of_a_poll_waiting_for_the_answer(app, login, in_request):
    cast = Cast()
    poll = create_poll(cast, send=True, title="Dự thảo Kế hoạch chuyển đổi số")
    member = login(cast.member)
    page = member.get("/meetings").get_data(as_text=True)
    assert "đang chờ đồng chí trả lời" in page and "Dự thảo Kế hoạch chuyển đổi số" in page
    assert "Dự thảo Kế hoạch chuyển đổi số" not in login(cast.secretariat).get("/meetings").get_data(as_text=True)
    answer(poll, cast.member, "yes")
    assert "đang chờ đồng chí trả lời" not in member.get("/meetings").get_data(as_text=True)
    listing = member.get("/polls").get_data(as_text=True)
    assert "Đã trả lời" in listing


def test_the_results_page_shows_no_reply_apart_from_agree(app, login, in_request):
    from ecabinet.polls import operations

    cast = Cast(silence="yes")
    poll = create_poll(cast, send=True)
    answer(poll, cast.chair, "yes")
    operations.close_poll(poll, actor=cast.chair)
    db.session.commit()
    page = login(cast.member).get(f"/polls/{poll.id}").get_data(as_text=True)
    assert "Không trả lời" in page and "Thông qua" in page
    assert "4 thành viên không trả lời được tính là tán thành" in page


@pytest.mark.browser
@pytest.mark.server
def test_a_member_answers_on_a_tablet_and_a_phone(live_server, new_page):
    with live_server.app.app_context(), live_server.app.test_request_context():
        cast = Cast()
        cast.member.username  # noqa: B018 (load before the session ends)
        poll = create_poll(cast, send=True, title="Dự thảo Quyết định ban hành Kế hoạch cải cách hành chính năm 2027",
                           questions=("Thống nhất ban hành Kế hoạch cải cách hành chính năm 2027?",
                                      "Giao Sở Nội vụ chủ trì theo dõi, đôn đốc thực hiện?"),
                           description="Văn phòng UBND tỉnh xin ý kiến các thành viên UBND tỉnh về dự thảo.")
        poll_id, username, phone_user = poll.id, cast.member.username, cast.members[1].username
        question_ids = [q.id for q in poll.questions]
        db.session.remove()

    for viewport, user, name in [(TABLET_PORTRAIT, username, "poll-answer-800x1280"), (PHONE, phone_user,
                                                                                        "poll-answer-390x844")]:
        page = new_page(viewport)
        browser_login(page, live_server.url, user, PASSWORD)
        assert "đang chờ đồng chí trả lời" in page.content()
        page.goto(f"{live_server.url}/polls/{poll_id}")
        choice = page.locator(f"label.poll-choice--yes:has(input[name=choice-{question_ids[0]}])")
        box = choice.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
        choice.click()
        page.locator(f"label.poll-choice--no:has(input[name=choice-{question_ids[1]}])").click()
        page.fill(f"textarea[name=comment-{question_ids[1]}]", "Đề nghị giao Văn phòng UBND tỉnh chủ trì.")
        screenshot(page, name)
        page.once("dialog", lambda dialog: dialog.accept())
        with page.expect_navigation():
            page.click("form button.btn--large")
        assert "Đã ghi nhận ý kiến" in page.content()
        screenshot(page, name + "-done")

    with live_server.app.app_context():
        rows = db.session.query(PollAnswer).filter_by(poll_id=poll_id).all()
        assert sorted((r.question_id, r.choice.value) for r in rows) == sorted(
            [(question_ids[0], "yes"), (question_ids[1], "no")] * 2)
        db.session.remove()
