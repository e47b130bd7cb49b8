"""The polls' schedule on real processes: the deadline closes a poll by itself, once, however many
processes race for it; it survives a restart (the schedule is rows); the reminder e-mail reaches a real
SMTP server once; two tablets answering at once leave one answer, and nothing answers a 500."""
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from ecabinet.audit.models import AuditEntry
from ecabinet.core.db import utcnow
from ecabinet.extensions import db
from ecabinet.polls.models import Poll, PollAnswer, PollStatus
from tests.conftest import ROOT
from tests.factories import PASSWORD
from tests.polls.helpers import Cast, answer, create_poll
from tests.polls.smtp_sink import SmtpSink


def wait_for(predicate, timeout=20.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


@pytest.fixture
def sink(monkeypatch):
    """An SMTP sink, and every server the test starts sends its e-mail there; ticks every second."""
    with SmtpSink() as server:
        monkeypatch.setenv("ECABINET_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("ECABINET_SMTP_PORT", str(server.port))
        monkeypatch.setenv("ECABINET_POLL_TICK_SECONDS", "1")
        yield server


def _in(app, function):
    with app.app_context():
        try:
            return function()
        finally:
            db.session.remove()


def _closed_entries(poll_id):
    return db.session.execute(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "poll.closed", AuditEntry.object_id == poll_id)).scalar()


def _tick_process(live_server):
    env = live_server.env()
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.Popen([sys.executable, "-m", "ecabinet", "polls", "tick"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_processes_racing_for_due_polls_close_each_exactly_once(sink, live_server):
    """Four `ecabinet polls tick` processes and the server's own background tick, all at once."""
    app = live_server.app

    def seed():
        with app.test_request_context():
            cast = Cast()
            polls = [create_poll(cast, send=True, title=f"Phiếu số {n}") for n in range(12)]
            for poll in polls:
                answer(poll, cast.chair, "yes")
                answer(poll, cast.member, "yes", "Nhất trí")
                answer(poll, cast.members[1], "no")
                poll.deadline = utcnow() - timedelta(seconds=1)
            db.session.commit()
            return [p.id for p in polls]

    ids = _in(app, seed)
    racers = [_tick_process(live_server) for _ in range(4)]
    outputs = [r.communicate(timeout=120) for r in racers]
    assert all(r.returncode == 0 for r in racers), [o[1].decode()[-2000:] for o in outputs]
    by_cli = sum(int(out.decode().split()[1]) for out, _err in outputs)
    assert by_cli <= len(ids)

    def all_closed():
        db.session.expire_all()
        return all(db.session.get(Poll, i).status == PollStatus.CLOSED for i in ids)

    assert _in(app, lambda: wait_for(all_closed))

    def check():
        for poll_id in ids:
            poll = db.session.get(Poll, poll_id)
            assert _closed_entries(poll_id) == 1
            question = poll.questions[0]
            assert (question.count_yes, question.count_no, question.count_no_reply, question.result) == \
                (2, 1, 2, "failed")
    _in(app, check)


def test_the_deadline_closes_the_poll_after_a_restart_and_the_reminder_goes_once(sink, live_server):
    app = live_server.app

    def seed():
        with app.test_request_context():
            cast = Cast()
            poll = create_poll(cast, send=True)
            answer(poll, cast.member, "yes")  # answered: no reminder for this member
            poll.remind_at = utcnow() - timedelta(minutes=1)
            db.session.commit()
            return poll.id, sorted(u.email for u in cast.voters if u.id != cast.member.id)

    poll_id, expected = _in(app, seed)
    assert wait_for(lambda: len(sink.received()) >= len(expected)), "the reminder e-mails never came"
    time.sleep(3)  # three more ticks of the server
    received = sink.received()
    assert sorted(r for m in received for r in m["to"]) == expected
    message = received[0]["message"]
    assert "Dự thảo Kế hoạch cải cách hành chính 2027" in message["Subject"]
    assert message["Subject"].startswith("Nhắc trả lời phiếu lấy ý kiến")  # Vietnamese, the members' language
    assert "Kính gửi đồng chí" in message.get_content() and "17:00" in message.get_content()

    # The server goes down; the deadline passes meanwhile; the restarted server closes the poll.
    live_server.stop()

    def expire():
        poll = db.session.get(Poll, poll_id)
        poll.deadline = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert poll.status == PollStatus.OPEN
    _in(app, expire)
    live_server.start()

    def closed():
        db.session.expire_all()
        poll = db.session.get(Poll, poll_id)
        return poll.status == PollStatus.CLOSED and poll

    assert _in(app, lambda: wait_for(closed) is not None and _closed_entries(poll_id) == 1)
    stored = _in(app, lambda: (lambda p: (p.close_reason.value, p.questions[0].count_yes,
                                          p.questions[0].count_no_reply))(db.session.get(Poll, poll_id)))
    assert stored == ("deadline", 1, 4)
    time.sleep(2)
    assert len(sink.received()) == len(expected)  # the restart did not send the reminder again


def _token(base_url, username):
    response = requests.post(f"{base_url}/api/v1/session", json={"username": username, "password": PASSWORD},
                             timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["token"]


def test_answers_sent_at_once_from_two_tablets_leave_one_answer_each(live_server):
    app = live_server.app

    def seed():
        with app.test_request_context():
            cast = Cast()
            poll = create_poll(cast, send=True, questions=("Một", "Hai"))
            return poll.id, [q.id for q in poll.questions], [u.username for u in cast.voters]

    poll_id, questions, usernames = _in(app, seed)
    tokens = {name: _token(live_server.url, name) for name in usernames}
    statuses, barrier = [], threading.Barrier(len(usernames) * 4)
    lock = threading.Lock()

    def tablet(name, choice):
        barrier.wait()
        response = requests.post(f"{live_server.url}/api/v1/polls/{poll_id}/answers", timeout=60,
                                 headers={"Authorization": f"Bearer {tokens[name]}"},
                                 json={"answers": [{"question_id": q, "choice": choice} for q in questions]})
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=tablet, args=(name, choice)) for name in usernames
               for choice in ("yes", "no", "abstain", "yes")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses and set(statuses) == {201}, statuses

    def rows():
        return db.session.execute(select(PollAnswer.question_id, PollAnswer.user_id, func.count())
                                  .where(PollAnswer.poll_id == poll_id)
                                  .group_by(PollAnswer.question_id, PollAnswer.user_id)).all()
    grouped = _in(app, rows)
    assert len(grouped) == len(usernames) * len(questions) and {count for *_key, count in grouped} == {1}
