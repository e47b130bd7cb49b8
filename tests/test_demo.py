"""`ecabinet seed-demo`: a realistic province, its session, and documents to read."""
from sqlalchemy import func, select

from ecabinet.bodies.models import Body, BodyKind
from ecabinet.demo import AGENDA, COMMITTEE, COMMUNE_ROSTER, seed_demo
from ecabinet.documents.models import Classification, Document
from ecabinet.extensions import db
from ecabinet.meetings.models import Meeting, MeetingStatus, Role


def test_demo_session_has_members_agenda_and_readable_documents(client):
    logins = seed_demo()
    province = db.session.execute(select(Body).where(Body.kind == BodyKind.PROVINCIAL)).scalar_one()
    meeting = db.session.execute(
        select(Meeting).where(Meeting.status == MeetingStatus.PUBLISHED, Meeting.body_id == province.id)).scalar_one()
    roles = [p.role for p in meeting.participants]
    assert roles.count(Role.CHAIR) == 1 and roles.count(Role.SECRETARY) == 1
    assert roles.count(Role.CHAIR) + roles.count(Role.MEMBER) >= 20 and len(meeting.participants) == len(COMMITTEE) + 1
    assert [item.title for item in meeting.agenda_items] == [row[0] for row in AGENDA]

    documents = db.session.execute(select(Document).where(Document.meeting_id == meeting.id)).scalars().all()
    assert len(documents) == len(AGENDA)
    assert {d.agenda_item_id for d in documents} == {item.id for item in meeting.agenda_items}
    assert sum(d.classification == Classification.CONFIDENTIAL for d in documents) == 1
    assert all(d.current.page_count >= 4 for d in documents)

    token = client.post("/api/v1/session", json={"username": "gd.taichinh", "password": logins["password"]})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    pdf = client.get(f"/api/v1/documents/{documents[0].id}/file", headers=headers)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_seeding_twice_changes_nothing(app):
    seed_demo()
    counts = [db.session.execute(select(func.count()).select_from(model)).scalar() for model in (Meeting, Document)]
    seed_demo()
    assert [db.session.execute(select(func.count()).select_from(model)).scalar()
            for model in (Meeting, Document)] == counts


def test_demo_has_a_commune_with_its_own_roster_secretariat_and_session(app):
    seed_demo()
    commune = db.session.execute(select(Body).where(Body.kind == BodyKind.COMMUNE)).scalar_one()
    assert commune.parent_name == "UBND TỈNH LAI CHÂU"
    assert sorted(p.role.value for p in commune.roster).count("secretariat") == 1
    session = db.session.execute(select(Meeting).where(Meeting.body_id == commune.id)).scalar_one()
    invited = {p.user.username for p in session.participants if p.role != Role.SECRETARY}
    assert invited == {row[0] for row in COMMUNE_ROSTER}
    # The commune's secretariat prepares only the commune's sessions.
    office = next(p.user for p in commune.roster if p.role.value == "secretariat")
    assert office.secretariat_body_ids == {commune.id}
