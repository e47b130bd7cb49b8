"""Written polls from draft to result: deadlines in working days, frozen rules, silence both ways,
"no reply" apart from "agree", answers changed until the deadline and refused after it, a final result."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from ecabinet.bodies import operations as bodies
from ecabinet.core.db import utcnow
from ecabinet.core.errors import InvalidState, InvalidValue, NotAllowed
from ecabinet.extensions import db
from ecabinet.polls import operations
from ecabinet.polls.models import PollAnswer, PollStatus
from tests.polls.helpers import Cast, answer, create_poll, local, past

pytestmark = pytest.mark.usefixtures("in_request")


def test_the_default_deadline_counts_working_days_and_skips_the_holidays():
    """Sent Tuesday 28 April 2026: 30/4 and 1/5 are holidays, the weekend too; the 5th working day
    after it is Thursday 7 May, and the deadline is the end of that working day."""
    cast = Cast()
    sent = local(2026, 4, 28, 10, 0)
    poll = create_poll(cast, send=True, now=sent)
    assert poll.deadline == local(2026, 5, 7, 17, 0)
    assert poll.remind_at == local(2026, 5, 6, 17, 0)


def test_an_administrators_day_off_moves_the_deadline():
    cast = Cast()
    bodies.set_calendar_day(local(2026, 5, 5).date(), working=False, note="Nghỉ bù")
    cast.body.poll_days = 3
    db.session.commit()
    poll = create_poll(cast, send=True, now=local(2026, 4, 28, 10, 0))
    # 29/4 (1), 30/4-3/5 off, 4/5 (2), 5/5 off (override), 6/5 (3)
    assert poll.deadline == local(2026, 5, 6, 17, 0)


def test_sending_freezes_the_rules_the_members_and_the_member_total():
    cast = Cast(silence="none")
    poll = create_poll(cast, send=True)
    assert poll.status == PollStatus.OPEN and poll.member_total == 5
    assert poll.silence_counts_as.value == "none" and poll.decision_rule.value == "majority_of_members"
    # The roster and the rules change after sending: the poll keeps what it was sent with.
    cast.body.poll_silence_counts_as = "yes"
    bodies.set_roster_place(cast.body, cast.stranger, role="member")
    db.session.commit()
    assert poll.silence_counts_as.value == "none" and len(poll.recipients) == 5
    with pytest.raises(NotAllowed):
        operations.answer_poll(poll, cast.stranger, [(poll.questions[0].id, "yes", None)])


def test_recipients_are_the_chair_and_members_in_protocol_order_not_the_secretariat():
    cast = Cast()
    poll = create_poll(cast, send=True)
    names = [r.user.full_name for r in operations.recipients_in_order(poll)]
    # chair first; members by rank (all equal here but rank increments) then by Vietnamese order
    assert names[0] == "Giàng Seo Chủ"
    assert "Trần Thị Thư Ký" not in names and len(names) == 5


def test_members_listed_by_vietnamese_collation_when_ranks_are_equal():
    cast = Cast()
    for place in cast.body.roster:
        if place.role.value == "member":
            place.rank = 50
    db.session.commit()
    poll = create_poll(cast, send=True)
    names = [r.user.full_name for r in operations.recipients_in_order(poll)][1:]
    # by given name: Anh < Ánh < Bình < Đào
    assert names == ["Lê Văn Anh", "Đỗ Thị Ánh", "Nguyễn Văn Bình", "Trần Thị Đào"]


@pytest.mark.parametrize("silence, passed", [("none", False), ("yes", True)])
def test_silence_counts_as_agreement_only_when_the_body_says_so_and_no_reply_stays_apart(silence, passed):
    cast = Cast(silence=silence)
    poll = create_poll(cast, send=True)
    answer(poll, cast.chair, "yes")
    answer(poll, cast.members[0], "yes")
    answer(poll, cast.members[1], "no", "Đề nghị bổ sung kinh phí")
    operations.close_poll(poll, actor=cast.chair)
    db.session.commit()
    question = poll.questions[0]
    assert (question.count_yes, question.count_no, question.count_abstain, question.count_no_reply) == (2, 1, 0, 2)
    assert question.result == ("passed" if passed else "failed")


def test_a_member_changes_the_answer_until_the_deadline_one_row_each():
    cast = Cast()
    poll = create_poll(cast, send=True, questions=("Câu 1", "Câu 2"))
    answer(poll, cast.member, "no", "Chưa đồng ý")
    answer(poll, cast.member, "yes", "Đã đồng ý")
    rows = db.session.execute(select(PollAnswer).where(PollAnswer.user_id == cast.member.id)).scalars().all()
    assert [(r.choice.value, r.comment) for r in rows] == [("yes", "Đã đồng ý")]
    assert [r.user_id for r in operations.not_answered(poll)] == [cast.chair.id] + [m.id for m in cast.members]


def test_an_answer_after_the_deadline_is_refused_even_before_the_job_closed_the_poll():
    cast = Cast()
    poll = create_poll(cast, send=True)
    past(poll)
    assert poll.status == PollStatus.OPEN
    with pytest.raises(InvalidState) as refused:
        answer(poll, cast.member, "yes")
    assert refused.value.code == "poll_closed" and refused.value.status == 409


def test_a_closed_poll_is_final_and_never_recomputed():
    cast = Cast()
    poll = create_poll(cast, send=True)
    answer(poll, cast.chair, "yes")
    answer(poll, cast.member, "yes")
    operations.close_poll(poll, actor=cast.chair)
    db.session.commit()
    with pytest.raises(InvalidState):
        answer(poll, cast.members[1], "yes")
    with pytest.raises(InvalidState):
        operations.close_poll(poll, actor=cast.chair)
    # Even if the rows changed behind its back, the stored counts stay.
    db.session.execute(update(PollAnswer).values(choice="no"))
    db.session.commit()
    assert (poll.questions[0].count_yes, poll.questions[0].count_no) == (2, 0)


def test_the_job_closes_only_polls_past_their_deadline():
    from ecabinet.polls.jobs import close_due

    cast = Cast()
    due = create_poll(cast, send=True)
    later = create_poll(cast, send=True)
    past(due)
    assert close_due() == [due.id]
    assert close_due() == []
    assert due.status == PollStatus.CLOSED and due.close_reason.value == "deadline"
    assert later.status == PollStatus.OPEN


def test_a_draft_needs_questions_members_and_a_deadline_in_the_future():
    cast = Cast()
    with pytest.raises(InvalidValue):
        create_poll(cast, questions=("  ",))
    with pytest.raises(InvalidValue):
        create_poll(cast, deadline=utcnow() - timedelta(minutes=1))
    empty = bodies.create_body("Ban chỉ đạo trống")
    bodies.set_roster_place(empty, cast.secretariat, role="secretariat")
    poll = operations.create_poll(empty, title="Không ai", questions=["Câu"], actor=cast.secretariat)
    with pytest.raises(InvalidState) as refused:
        operations.send_poll(poll, actor=cast.secretariat)
    assert refused.value.code == "no_members"


def test_a_sent_poll_cannot_be_edited():
    cast = Cast()
    poll = create_poll(cast, send=True)
    with pytest.raises(InvalidState):
        operations.update_poll(poll, title="Khác", questions=["Khác"], actor=cast.secretariat)


def test_text_is_stored_in_nfc():
    import unicodedata

    cast = Cast()
    poll = create_poll(cast, title=unicodedata.normalize("NFD", "Kế hoạch cải cách"))
    assert poll.title == unicodedata.normalize("NFC", "Kế hoạch cải cách")


def test_pending_polls_are_those_not_fully_answered():
    cast = Cast()
    poll = create_poll(cast, send=True, questions=("Một", "Hai"))
    assert operations.pending_for(cast.member) == [poll]
    answer(poll, cast.member, "yes", question=0)
    assert operations.pending_for(cast.member) == [poll]
    answer(poll, cast.member, "yes", question=1)
    assert operations.pending_for(cast.member) == []
    assert db.session.execute(select(func.count()).select_from(PollAnswer)).scalar() == 2


def test_the_database_refuses_a_second_answer_row_for_a_member_and_question():
    from sqlalchemy.exc import IntegrityError

    cast = Cast()
    poll = create_poll(cast, send=True)
    answer(poll, cast.member, "yes")
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(PollAnswer(poll_id=poll.id, question_id=poll.questions[0].id, user_id=cast.member.id,
                                      choice="no"))
            db.session.flush()
