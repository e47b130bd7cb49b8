"""Private notes and highlights: per page, per document, visible only to their author."""
import pytest

from ecabinet.meetings.models import MeetingStatus
from tests.documents import pdfs
from tests.documents.helpers import upload
from tests.factories import Cast


@pytest.fixture
def doc(app, client, bearer):
    cast = Cast(status=MeetingStatus.LIVE)
    headers = {name: bearer(getattr(cast, name)) for name in ("secretariat", "member", "chair", "other_member")}
    document = upload(client, cast.meeting, pdfs.make_pdf(4), headers=headers["secretariat"]).get_json()
    return cast, headers, document


def test_notes_are_private(client, doc):
    _cast, headers, document = doc
    url = f"/api/v1/documents/{document['id']}/notes"
    note = client.post(url, json={"page": 2, "text": "Hỏi lại Sở Tài chính về số liệu"}, headers=headers["member"])
    assert note.status_code == 201
    highlight = client.post(url, json={"page": 3, "kind": "highlight", "rect": [0.1, 0.2, 0.5, 0.05],
                                       "color": "green"}, headers=headers["member"])
    assert highlight.status_code == 201
    mine = client.get(url, headers=headers["member"]).get_json()["notes"]
    assert [(n["page"], n["kind"]) for n in mine] == [(2, "note"), (3, "highlight")]
    assert client.get(url, headers=headers["chair"]).get_json()["notes"] == []
    note_url = f"{url}/{note.get_json()['id']}"
    assert client.patch(note_url, json={"text": "x"}, headers=headers["chair"]).status_code == 404
    assert client.delete(note_url, headers=headers["chair"]).status_code == 404
    assert client.patch(note_url, json={"text": "Đã rõ"}, headers=headers["member"]).get_json()["text"] == "Đã rõ"
    assert client.delete(note_url, headers=headers["member"]).status_code == 204
    assert client.get(url, headers=headers["other_member"]).status_code == 404


@pytest.mark.parametrize("body", [
    {"page": 0, "text": "x"}, {"page": 5, "text": "x"}, {"page": 1, "text": "  "},
    {"page": 1, "kind": "highlight", "rect": [0.1, 0.1, 2, 0.1]}, {"page": 1, "kind": "highlight"},
    {"page": 1, "text": "x", "color": "black"}, {"page": "một", "text": "x"},
])
def test_bad_notes_are_422(client, doc, body):
    _cast, headers, document = doc
    response = client.post(f"/api/v1/documents/{document['id']}/notes", json=body, headers=headers["member"])
    assert response.status_code == 422
