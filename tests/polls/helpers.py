"""A province with its roster (chair, members, secretariat), a commune, and polls on them."""
from datetime import datetime, timedelta

from ecabinet.bodies import operations as bodies
from ecabinet.bodies.models import BodyKind
from ecabinet.core.timeutil import LOCAL_TZ
from ecabinet.extensions import db
from ecabinet.polls import operations
from tests.factories import create_admin, create_user

MEMBER_NAMES = ("Nguyễn Văn Bình", "Trần Thị Đào", "Lê Văn Anh", "Đỗ Thị Ánh")


class Cast:
    """The province's secretariat, chair and four members; a commune's member; a stranger; an admin."""

    def __init__(self, members=MEMBER_NAMES, silence="none"):
        self.admin = create_admin(full_name="Quản Trị Viên")
        self.secretariat = create_user(full_name="Trần Thị Thư Ký", email="thuky@example.vn")
        self.chair = create_user(full_name="Giàng Seo Chủ", email="chutich@example.vn")
        self.members = [create_user(full_name=name, email=f"member{i}@example.vn") for i, name in enumerate(members)]
        self.member = self.members[0]
        self.other_body_member = create_user(full_name="Lò Văn Páo")
        self.stranger = create_user(full_name="Người Ngoài")
        self.body = bodies.create_body("Ủy ban nhân dân tỉnh Lai Châu", parent_name=None, place_name="Lai Châu")
        self.commune = bodies.create_body("Ủy ban nhân dân xã Tân Uyên", kind=BodyKind.COMMUNE,
                                          parent_name="UBND tỉnh Lai Châu", place_name="Tân Uyên")
        self.body.poll_silence_counts_as = silence
        bodies.set_roster_place(self.body, self.secretariat, role="secretariat")
        bodies.set_roster_place(self.body, self.chair, role="chair", position="Chủ tịch", rank=1)
        for rank, member in enumerate(self.members, start=10):
            bodies.set_roster_place(self.body, member, role="member", position="Ủy viên", rank=rank)
        bodies.set_roster_place(self.commune, self.other_body_member, role="chair", position="Chủ tịch")
        db.session.commit()

    def user(self, name):
        return None if name == "anonymous" else getattr(self, name)

    @property
    def voters(self):
        return [self.chair, *self.members]


def local(*args):
    return datetime(*args, tzinfo=LOCAL_TZ)


def create_poll(cast, *, questions=("Tán thành dự thảo Quyết định?",), send=False, now=None, **kwargs):
    poll = operations.create_poll(cast.body, title=kwargs.pop("title", "Dự thảo Kế hoạch cải cách hành chính 2027"),
                                  questions=list(questions), actor=cast.secretariat, now=now, **kwargs)
    if send:
        operations.send_poll(poll, actor=cast.secretariat, now=now)
    db.session.commit()
    return poll


def answer(poll, user, choice, comment=None, question=0, now=None):
    operations.answer_poll(poll, user, [(poll.questions[question].id, choice, comment)], now=now)
    db.session.commit()


def past(poll, hours=1):
    """Move the deadline of a sent poll into the past (time passing, without waiting)."""
    from ecabinet.core.db import utcnow

    poll.deadline = utcnow() - timedelta(hours=hours)
    db.session.commit()
