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


@pytest.mark.browser
@pytest.mark.server
def test_the_secretariat_prepares_and_sends_a_poll_and_the_chair_closes_it(live_server, new_page, tmp_path):
    from tests.conftest import TABLET_LANDSCAPE
    from tests.documents.pdfs import make_pdf

    with live_server.app.app_context(), live_server.app.test_request_context():
        cast = Cast()
        names = {"secretariat": cast.secretariat.username, "chair": cast.chair.username,
                 "member": cast.member.username}
        body_id = cast.body.id
        db.session.remove()
    pdf = tmp_path / "du-thao-ke-hoach.pdf"
    pdf.write_bytes(make_pdf(2, "Dự thảo Kế hoạch"))

    office = new_page(TABLET_LANDSCAPE)
    browser_login(office, live_server.url, names["secretariat"], PASSWORD)
    office.goto(f"{live_server.url}/polls")
    with office.expect_navigation():
        office.click(f"a[href='/bodies/{body_id}/polls/new']")
    office.fill("#title", "Dự thảo Kế hoạch chuyển đổi số năm 2027")
    office.fill("#questions", "Thống nhất ban hành Kế hoạch?\nGiao Sở Khoa học và Công nghệ chủ trì?")
    with office.expect_navigation():
        office.click("form.card button[type=submit]")
    assert "Đã lưu bản nháp" in office.content()
    office.set_input_files("input[type=file]", str(pdf))
    office.fill("#documents input[name=title]", "Dự thảo Kế hoạch")
    with office.expect_navigation():
        office.click("#documents button[type=submit]")
    assert "Đã đính kèm tài liệu" in office.content()
    screenshot(office, "poll-draft-1280x800")
    office.once("dialog", lambda dialog: dialog.accept())
    with office.expect_navigation():
        office.click("form[action$='/send'] button")
    assert "Đã gửi phiếu lấy ý kiến" in office.content()
    poll_url = office.url

    member = new_page(TABLET_LANDSCAPE)
    browser_login(member, live_server.url, names["member"], PASSWORD)
    member.goto(poll_url)
    member.click("label.poll-choice--yes >> nth=0")
    member.fill("textarea >> nth=0", "Nhất trí, đề nghị bổ sung lộ trình.")
    member.once("dialog", lambda dialog: dialog.accept())
    with member.expect_navigation():
        member.click("form button.btn--large")

    chair = new_page(TABLET_LANDSCAPE)
    browser_login(chair, live_server.url, names["chair"], PASSWORD)
    chair.goto(poll_url)
    chair.once("dialog", lambda dialog: dialog.accept())
    with chair.expect_navigation():
        chair.click("form[action$='/close'] button")
    assert "Đã kết thúc lấy ý kiến" in chair.content()
    office.goto(poll_url)
    content = office.content()
    assert "Không thông qua" in content and "Nhất trí, đề nghị bổ sung lộ trình." in content
    screenshot(office, "poll-results-1280x800")
    report = office.request.get(f"{poll_url}/report.pdf".replace("/polls/", "/api/v1/polls/"))
    assert report.status == 200 and report.body().startswith(b"%PDF")
