"""Vietnamese collation of people's names (ICU through PyICU) and the protocol order of a list.

Names are ordered the way Vietnamese offices list people: by given name (tên, the last
word), then by the rest of the name from the family name (họ, tên đệm), each compared with
ICU's Vietnamese collation: "Ă", "Â" after "A", "Đ" after "D", "Ê" after "E", "Ô", "Ơ" after
"O", "Ư" after "U" (different letters), and tones and case only where the letters are equal
(secondary and tertiary differences: An < Án < Anh).

One collator serves the whole process. ICU4C's const methods (getSortKey, compare) are
documented thread-safe ("Thread-safe const APIs" in ICU's design guide), and this module
never changes the collator's attributes after creating it, so neither threads nor eventlet's
greenlets (which do not switch inside a C call anyway) need a copy of their own.
"""
import re
import unicodedata
from functools import lru_cache

import icu

# Protocol groups, in the order lists show them; ints so callers may use their own enum.
CHAIR, VICE_CHAIR, MEMBER, GUEST = 0, 1, 2, 3

_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _collator():
    return icu.Collator.createInstance(icu.Locale("vi"))


def _normalise(full_name):
    """NFC (tablets and Word send decomposed tone marks), single spaces, no outer spaces."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", full_name or "")).strip()


def name_sort_key(full_name):
    """A key that sorts full names in Vietnamese order: given name, then family and middle names."""
    words = _normalise(full_name).split(" ")
    given, rest = words[-1], " ".join(words[:-1])
    collator = _collator()
    # Two keys rather than one string: the given name decides before the family name
    # at every level, as when a list is sorted by the "Tên" column, then by "Họ".
    return collator.getSortKey(given), collator.getSortKey(rest)


def text_sort_key(text):
    """A key that sorts a title or a group's name in Vietnamese order, word by word as written."""
    return _collator().getSortKey(_normalise(text))


def search_fold(text):
    """`text` as a search compares it: no tone or vowel marks, đ as d, no case, single spaces. What
    someone types on a tablet without a Vietnamese keyboard ("nguyen van an") finds "Nguyễn Văn An"."""
    decomposed = unicodedata.normalize("NFD", _normalise(text).replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def matches_search(query, *texts):
    """Whether every word of `query` is found, folded (search_fold), in one of `texts`."""
    haystack = " ".join(search_fold(text) for text in texts if text)
    return all(word in haystack for word in search_fold(query).split(" ") if word)


def sorted_by_name(items, key=lambda item: item.full_name):
    """`items` sorted in Vietnamese name order; `key` gives an item's full name."""
    return sorted(items, key=lambda item: name_sort_key(key(item)))


def protocol_sort_key(rank_group, rank, full_name):
    """A key for protocol order: the group (CHAIR, VICE_CHAIR, MEMBER, GUEST), the roster's rank, the name.

    A lower rank comes first; a person without a rank (None) comes after the ranked people of
    the group. People of the same group and rank are in Vietnamese name order.
    """
    return (rank_group, rank is None, rank or 0, name_sort_key(full_name))
