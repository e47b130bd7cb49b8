"""The minutes are pre-filled from what the session recorded: time and place, the body, chair and
secretary, every attendance state, each item's documents (the version used) and who had the floor."""
from ecabinet.minutes import facts
from ecabinet.minutes.content import compose
from tests.minutes.scene import ITEMS, build_session


def _by_name(entries):
    return {entry["full_name"]: entry for entry in entries}


def test_the_prefill_holds_the_sessions_facts():
    s = build_session()
    content = compose(facts.build(s.meeting))

    assert content["schema"] == 1
    assert content["summary"] == "Phiên họp UBND tỉnh thường kỳ tháng 11 năm 2026"
    assert content["place"] == "Phòng họp số 1"
    assert content["body"]["name"] == s.meeting.body.name
    assert content["time"]["started_at"].endswith("+07:00") and content["time"]["ended_at"]
    assert content["chair"]["full_name"] == "Trần Quốc Chủ"
    assert content["secretary"] == {"user_id": s.secretary.id, "full_name": "Nguyễn Thị Thư",
                                    "title": "Chánh Văn phòng UBND tỉnh", "unit": None}

    roll = content["attendance"]
    assert roll[0]["full_name"] == "Trần Quốc Chủ" and roll[0]["role"] == "chair" and roll[0]["state"] == "present"
    people = _by_name(roll)
    assert set(people) == {"Trần Quốc Chủ", "Lê Văn An", "Phạm Thị Bình", "Đỗ Văn Cường", "Hoàng Văn Dũng", "Vũ Thị Em"}
    assert people["Lê Văn An"]["state"] == "present"
    assert people["Phạm Thị Bình"]["state"] == "present_online"
    assert people["Đỗ Văn Cường"]["state"] == "absent_excused"
    assert people["Đỗ Văn Cường"]["reason"] == "Đi công tác tại Hà Nội"
    assert people["Vũ Thị Em"]["state"] == "absent"
    assert people["Hoàng Văn Dũng"]["state"] == "substituted"
    assert people["Hoàng Văn Dũng"]["stand_in"]["full_name"] == "Bùi Văn Giang"
    # Members in Vietnamese name order after the chair (given name last: An, Bình, Cường, Dũng, Em).
    assert [p["full_name"] for p in roll[1:]] == ["Lê Văn An", "Phạm Thị Bình", "Đỗ Văn Cường",
                                                  "Hoàng Văn Dũng", "Vũ Thị Em"]
    assert [g["full_name"] for g in content["guests"]] == ["Đặng Thị Hạnh"]

    first, second = content["items"]
    assert [first["title"], second["title"]] == list(ITEMS) and [first["number"], second["number"]] == [1, 2]
    assert first["documents"] == [{
        "document_id": s.plan.id, "title": "Tờ trình số 123/TTr-SKHĐT", "kind": "submission", "version": 2,
        "sha256": s.plan.current.sha256, "page_count": s.plan.current.page_count,
        "uploaded_at": first["documents"][0]["uploaded_at"], "later_versions": 0}]
    assert [d["title"] for d in second["documents"]] == ["Báo cáo số 45/BC-UBND"]
    assert second["documents"][0]["version"] == 1
    assert [(p["full_name"], p["turns"]) for p in first["speakers"]] == [("Lê Văn An", 2), ("Phạm Thị Bình", 1)]
    assert [(p["full_name"], p["turns"]) for p in second["speakers"]] == [("Bùi Văn Giang", 1)]
    assert content["other_speakers"] == []
    assert first["discussion"] == "" and first["conclusion"] == ""


def test_registered_sections_add_their_facts_without_the_minutes_knowing_them():
    s = build_session()
    facts.section("ballots", lambda meeting: [{"question": f"Thông qua tờ trình ({meeting.id})",
                                               "counts": {"yes": 5, "no": 0, "abstain": 1}}])
    try:
        content = facts.build(s.meeting)
        assert content["sections"]["ballots"] == [{"question": f"Thông qua tờ trình ({s.meeting.id})",
                                                   "counts": {"yes": 5, "no": 0, "abstain": 1}}]
    finally:
        facts._SECTIONS.pop("ballots", None)
    assert "ballots" not in facts.build(s.meeting)["sections"]


def test_edits_are_kept_over_fresh_facts_and_removed_items_keep_their_text():
    s = build_session(end=False)
    first_id, second_id = (item.id for item in s.items)
    edited = compose(facts.build(s.meeting), None, {
        "summary": "Biên bản phiên họp thường kỳ",
        "attendance": [{"user_id": s.absent.id, "state": "absent_excused", "reason": "Ốm"}],
        "items": [{"agenda_item_id": first_id, "discussion": "Các thành viên thống nhất.", "conclusion": "Thông qua."},
                  {"agenda_item_id": second_id, "discussion": "Cần làm rõ số liệu."}],
    })
    assert edited["summary"] == "Biên bản phiên họp thường kỳ"
    em = _by_name(edited["attendance"])["Vũ Thị Em"]
    assert (em["state"], em["reason"], em["recorded_state"]) == ("absent_excused", "Ốm", "absent")
    # A later save that names only the first item keeps what the earlier one said on the second.
    later = compose(facts.build(s.meeting), edited, {"items": [{"agenda_item_id": first_id, "conclusion": "Thông qua tờ trình."}]})
    assert later["items"][0]["discussion"] == "Các thành viên thống nhất."
    assert later["items"][0]["conclusion"] == "Thông qua tờ trình."
    assert later["items"][1]["discussion"] == "Cần làm rõ số liệu."
    assert _by_name(later["attendance"])["Vũ Thị Em"]["reason"] == "Ốm"

    from ecabinet.meetings import operations as meetings
    from ecabinet.extensions import db
    meetings.remove_agenda_item(s.items[1], actor=s.office)
    db.session.commit()
    kept = compose(facts.build(s.meeting), later)
    assert len(kept["items"]) == 2
    assert kept["items"][1]["removed_from_agenda"] is True
    assert kept["items"][1]["discussion"] == "Cần làm rõ số liệu."
