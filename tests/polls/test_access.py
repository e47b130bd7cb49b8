"""Every polls page and API route × every kind of caller: the body's secretariat, its chair, a member
of this body, a member of another body, a stranger, no login, and an administrator.

Seen from outside: no login → the login page (pages) or 401 (API); a poll (or body) you may not see →
404; one you see but may not act on → 403. A draft is seen by the secretariat and the chair only; a
sent poll by the body's roster; administrators are not privileged here. Refused calls change nothing.
"""
import io
import tempfile
from pathlib import Path

import pytest

from ecabinet.documents.operations import PreparedFile
from ecabinet.documents.storage import get_storage
from ecabinet.extensions import db
from ecabinet.polls import operations
from ecabinet.polls.models import Poll, PollAnswer, PollDocument, PollStatus
from tests.documents.pdfs import make_pdf
from tests.polls.helpers import Cast, answer, create_poll
from tests.sweep import blueprint_endpoints, case_id, run_case

ROLES = ("anonymous", "stranger", "other_body_member", "member", "chair", "secretariat", "admin")
ON_BODY = {"member", "chair", "secretariat", "admin"}  # admin sees the body (bodies.access), not its polls
SENT = {"member", "chair", "secretariat"}
DRAFT = {"chair", "secretariat"}
# rule -> (who may, who sees the object and so gets 403 rather than 404)
RULES = {
    "any": (set(ROLES) - {"anonymous"}, set(ROLES)),
    "body_view": (ON_BODY, ON_BODY),
    "create": ({"secretariat"}, ON_BODY),
    "view_sent": (SENT, SENT),
    "view_draft": (DRAFT, DRAFT),
    "edit": ({"secretariat"}, DRAFT),
    "close": ({"chair"}, SENT),
    "answer": ({"member", "chair"}, SENT),
}


def expected(rule, role, success, *, api):
    allowed, visible = RULES[rule]
    if role in allowed:
        return success
    if role == "anonymous":
        return 401 if api else "login"
    return 403 if role in visible else 404


def _stored_pdf():
    data = make_pdf(1, "Dự thảo")
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False, dir=get_storage().scratch_dir()) as handle:
        handle.write(data)
    sha = get_storage().put(Path(handle.name))
    Path(handle.name).unlink(missing_ok=True)
    return PreparedFile(sha, len(data), 1, "du-thao.pdf")


class Scene:
    def __init__(self):
        self.cast = cast = Cast()
        self.draft = create_poll(cast, title="Bản nháp")
        self.draft_doc = operations.add_document(self.draft, _stored_pdf(), actor=cast.secretariat)
        self.open = create_poll(cast, title="Đang lấy ý kiến")
        self.open_doc = operations.add_document(self.open, _stored_pdf(), actor=cast.secretariat)
        operations.send_poll(self.open, actor=cast.secretariat)
        self.closed = create_poll(cast, title="Đã kết thúc", send=True)
        answer(self.closed, cast.member, "yes")
        operations.close_poll(self.closed, actor=cast.chair)
        db.session.commit()
        self.ids = {"body": cast.body.id, "draft": self.draft.id, "open": self.open.id, "closed": self.closed.id,
                    "draft_doc": self.draft_doc.id, "open_doc": self.open_doc.id,
                    "question": self.open.questions[0].id}

    def poll(self, key):
        db.session.expire_all()
        return db.session.get(Poll, self.ids[key])

    def polls(self):
        db.session.expire_all()
        return db.session.query(Poll).count()

    def answers(self):
        db.session.expire_all()
        return db.session.query(PollAnswer).filter_by(poll_id=self.ids["open"]).count()

    def draft_docs(self):
        db.session.expire_all()
        return db.session.query(PollDocument).filter_by(poll_id=self.ids["draft"]).count()


POLL_JSON = {"title": "Lấy ý kiến mới", "questions": [{"text": "Tán thành?"}]}
POLL_FORM = {"title": "Lấy ý kiến mới (sửa)", "questions": "Tán thành?\nGiao Sở Nội vụ?", "description": "",
             "deadline": "", "silence_counts_as": ""}

API = [
    ("polls_api.list_polls", "GET", "/api/v1/bodies/{body}/polls", None, "body_view", 200, None),
    ("polls_api.create_poll", "POST", "/api/v1/bodies/{body}/polls", POLL_JSON, "create", 201,
     lambda s: s.polls() == 4),
    ("polls_api.get_poll", "GET", "/api/v1/polls/{open}", None, "view_sent", 200, None),
    ("polls_api.get_poll", "GET", "/api/v1/polls/{draft}", None, "view_draft", 200, None),
    ("polls_api.update_poll", "PATCH", "/api/v1/polls/{draft}", {"title": "Bản nháp (sửa)"}, "edit", 200,
     lambda s: s.poll("draft").title == "Bản nháp (sửa)"),
    ("polls_api.send_poll", "POST", "/api/v1/polls/{draft}/send", None, "edit", 200,
     lambda s: s.poll("draft").status == PollStatus.OPEN),
    ("polls_api.close_poll", "POST", "/api/v1/polls/{open}/close", None, "close", 200,
     lambda s: s.poll("open").status == PollStatus.CLOSED),
    ("polls_api.answer_poll", "POST", "/api/v1/polls/{open}/answers",
     lambda i: {"answers": [{"question_id": i["question"], "choice": "yes", "comment": "Đồng ý"}]}, "answer", 201,
     lambda s: s.answers() == 1),
    ("polls_api.upload_document", "POST", "/api/v1/polls/{draft}/documents",
     lambda i: {"file": (io.BytesIO(make_pdf(1, "Phụ lục")), "phu-luc.pdf")}, "edit", 201,
     lambda s: s.draft_docs() == 2),
    ("polls_api.delete_document", "DELETE", "/api/v1/polls/{draft}/documents/{draft_doc}", None, "edit", 204,
     lambda s: s.draft_docs() == 0),
    ("polls_api.document_file", "GET", "/api/v1/polls/{open}/documents/{open_doc}/file", None, "view_sent", 200,
     None),
    ("polls_api.report", "GET", "/api/v1/polls/{closed}/report.pdf", None, "view_sent", 200, None),
]

PAGES = [
    ("polls.index", "GET", "/polls", None, "any", 200, None),
    ("polls.new_poll", "GET", "/bodies/{body}/polls/new", None, "create", 200, None),
    ("polls.new_poll", "POST", "/bodies/{body}/polls/new", POLL_FORM, "create", "ok-redirect",
     lambda s: s.polls() == 4),
    ("polls.edit", "GET", "/polls/{draft}/edit", None, "edit", 200, None),
    ("polls.edit", "POST", "/polls/{draft}/edit", POLL_FORM, "edit", "ok-redirect",
     lambda s: s.poll("draft").title == "Lấy ý kiến mới (sửa)"),
    ("polls.upload_document", "POST", "/polls/{draft}/documents/upload",
     lambda i: {"file": (io.BytesIO(make_pdf(1, "Phụ lục")), "phu-luc.pdf"), "title": "Phụ lục"}, "edit",
     "ok-redirect", lambda s: s.draft_docs() == 2),
    ("polls.delete_document", "POST", "/polls/{draft}/documents/{draft_doc}/delete", {}, "edit", "ok-redirect",
     lambda s: s.draft_docs() == 0),
    ("polls.send", "POST", "/polls/{draft}/send", {}, "edit", "ok-redirect",
     lambda s: s.poll("draft").status == PollStatus.OPEN),
    ("polls.close", "POST", "/polls/{open}/close", {}, "close", "ok-redirect",
     lambda s: s.poll("open").status == PollStatus.CLOSED),
    ("polls.show", "GET", "/polls/{open}", None, "view_sent", 200, None),
    ("polls.show", "GET", "/polls/{draft}", None, "view_draft", 200, None),
    ("polls.show", "GET", "/polls/{closed}", None, "view_sent", 200, None),
    ("polls.answer", "POST", "/polls/{open}/answer",
     lambda i: {f"choice-{i['question']}": "no", f"comment-{i['question']}": "Chưa đồng ý"}, "answer",
     "ok-redirect", lambda s: s.answers() == 1),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", API, ids=case_id)
def test_api(app, bearer, route, role):
    run_case(app, Scene(), route, role, expected, api=True, bearer=bearer)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", PAGES, ids=case_id)
def test_pages(app, route, role):
    run_case(app, Scene(), route, role, expected, api=False)


def test_the_sweep_covers_every_polls_route(app):
    swept = {(endpoint, method) for endpoint, method, *_rest in PAGES + API}
    assert blueprint_endpoints(app, "polls", "polls_api") == swept
