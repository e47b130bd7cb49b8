"""The administrator's user list: found as typed on any keyboard, listed in Vietnamese name order."""
import re

import pytest
from sqlalchemy import func, select

from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import Unit
from ecabinet.core.collation import matches_search, search_fold
from ecabinet.extensions import db
from tests.conftest import csrf_token
from tests.factories import create_admin, create_user


@pytest.mark.parametrize("query, text, found", [
    ("nguyen van an", "Nguyễn Văn An", True),
    ("NGUYỄN", "Nguyễn Văn An", True),
    ("do duc", "Đỗ Đức Anh", True),
    ("Đức", "Đỗ Đức Anh", True),
    ("an nguyen", "Nguyễn Văn An", True),        # every word, in any order
    ("ngan sach", "Ngân sách", True),
    ("tran", "Nguyễn Văn An", False),
    ("anh", "Nguyễn Văn An", False),
])
def test_a_search_ignores_marks_case_and_word_order(query, text, found):
    assert matches_search(query, text) is found


def test_the_fold_keeps_letters_and_drops_marks():
    assert search_fold("  Ủy ban  nhân dân tỉnh Điện Biên ") == "uy ban nhan dan tinh dien bien"
    assert search_fold("Nguye\u0303n") == "nguyen"  # decomposed tone mark, as some tablets send it


def _names(response):
    return re.findall(r'class="person__name">([^<]+)<', response.get_data(as_text=True))


def test_the_list_finds_names_typed_without_accents_and_lists_them_in_vietnamese_order(login):
    admin = create_admin(full_name="Quản Trị Viên")
    create_user("binh.tt", "Trần Thị Bình")
    create_user("an.nv", "Nguyễn Văn An")
    departed = create_user("anh.dd", "Đỗ Đức Anh")
    create_user("an.tv", "Trần Văn An")
    accounts.set_user_active(departed, False, actor=admin)
    db.session.commit()
    client = login(admin)

    # Active people first, by given name then family name (An, An, Bình, Viên); the deactivated last.
    assert _names(client.get("/admin/users")) == [
        "Nguyễn Văn An", "Trần Văn An", "Trần Thị Bình", "Quản Trị Viên", "Đỗ Đức Anh"]
    assert _names(client.get("/admin/users?q=tran")) == ["Trần Văn An", "Trần Thị Bình"]
    assert _names(client.get("/admin/users?q=do+duc")) == ["Đỗ Đức Anh"]
    assert _names(client.get("/admin/users?q=AN.NV")) == ["Nguyễn Văn An"]   # the username too
    page = client.get("/admin/users?q=khong+co+ai").get_data(as_text=True)
    assert 'value="khong co ai"' in page and _names(client.get("/admin/users?q=khong+co+ai")) == []


def test_a_unit_name_already_taken_is_refused_beside_the_name_as_typed(login):
    client = login(create_admin())
    accounts.create_unit("Sở Tư pháp")
    db.session.commit()
    response = client.post("/admin/units/new", data={
        "name": "Sở Tư pháp", "short_name": "STP-2", "csrf_token": csrf_token(client, "/admin/units/new")})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Đã có đơn vị mang tên này." in page
    assert 'value="STP-2"' in page  # what was typed stays
    assert db.session.scalar(select(func.count(Unit.id)).where(Unit.name == "Sở Tư pháp")) == 1
