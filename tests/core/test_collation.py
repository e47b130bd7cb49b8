"""Vietnamese name order and protocol order on real names (Kinh, Thái, H'Mông and Dao names of Lai Châu)."""
import random
import unicodedata
from types import SimpleNamespace

from ecabinet.core.collation import (
    CHAIR,
    GUEST,
    MEMBER,
    VICE_CHAIR,
    name_sort_key,
    protocol_sort_key,
    sorted_by_name,
)

# By given name; equal given names by family name; Ă/Â after A, Đ after D, Ư after U;
# tones only between otherwise equal names (Dung < Dũng, Anh < Ánh).
EXPECTED = [
    "Bùi Văn An",
    "Nguyễn Văn An",
    "Nguyễn Thị Anh",
    "Trần Thị Ánh",
    "Lò Văn Âu",
    "Lò Thị Dung",
    "Đặng Văn Dũng",
    "Phạm Minh Dũng",
    "Đỗ Thị Đào",
    "Lê Văn Đức",
    "Tẩn Láo Lở",
    "Chảo Thị Mây",
    "Giàng A Páo",
    "Lò Văn Út",
    "Vũ Thị Uyên",
    "Bùi Văn Ưng",
]


def test_names_in_vietnamese_order():
    for seed in range(5):
        names = EXPECTED[:]
        random.Random(seed).shuffle(names)
        assert sorted(names, key=name_sort_key) == EXPECTED


def test_letters_with_marks_are_letters_of_their_own():
    assert sorted(["Ưng", "Uyên", "Út"], key=name_sort_key) == ["Út", "Uyên", "Ưng"]
    assert sorted(["Đào", "Dũng", "Dương"], key=name_sort_key) == ["Dũng", "Dương", "Đào"]
    assert sorted(["Âu", "Ăn", "Anh"], key=name_sort_key) == ["Anh", "Ăn", "Âu"]


def test_decomposed_marks_and_stray_spaces_sort_as_the_composed_name():
    decomposed = unicodedata.normalize("NFD", "Đỗ Thị Đào")
    assert decomposed != "Đỗ Thị Đào"
    assert name_sort_key(decomposed) == name_sort_key("Đỗ Thị Đào")
    assert name_sort_key("  Đỗ  Thị\tĐào ") == name_sort_key("Đỗ Thị Đào")


def test_one_word_and_empty_names_do_not_fail():
    assert sorted(["Páo", "", "An"], key=name_sort_key) == ["", "An", "Páo"]
    assert name_sort_key(None) == name_sort_key("")


def test_sorted_by_name_takes_the_name_from_a_key():
    people = [SimpleNamespace(full_name=name) for name in reversed(EXPECTED)]
    assert [p.full_name for p in sorted_by_name(people)] == EXPECTED
    rows = [{"name": "Bùi Văn Ưng"}, {"name": "Vũ Thị Uyên"}]
    assert sorted_by_name(rows, key=lambda row: row["name"]) == rows[::-1]


def test_protocol_order_chair_vice_chairs_members_by_rank_then_guests():
    people = [
        (GUEST, None, "Vũ Thị Uyên"),
        (MEMBER, 3, "Bùi Văn Ưng"),
        (MEMBER, None, "Lò Văn Âu"),
        (VICE_CHAIR, 2, "Đỗ Thị Đào"),
        (MEMBER, 3, "Giàng A Páo"),
        (GUEST, None, "Đặng Văn Dũng"),
        (CHAIR, 1, "Lê Văn Đức"),
        (MEMBER, 1, "Tẩn Láo Lở"),
        (VICE_CHAIR, 1, "Trần Thị Ánh"),
        (VICE_CHAIR, 2, "Nguyễn Văn An"),
    ]
    ordered = sorted(people, key=lambda p: protocol_sort_key(*p))
    assert [name for _, _, name in ordered] == [
        "Lê Văn Đức",        # chair
        "Trần Thị Ánh",      # vice-chair, rank 1
        "Nguyễn Văn An",     # vice-chairs of rank 2, by name
        "Đỗ Thị Đào",
        "Tẩn Láo Lở",        # member, rank 1
        "Giàng A Páo",       # members of rank 3, by name
        "Bùi Văn Ưng",
        "Lò Văn Âu",         # a member without a rank, after the ranked ones
        "Đặng Văn Dũng",     # guests, by name
        "Vũ Thị Uyên",
    ]
