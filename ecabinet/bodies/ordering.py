"""Protocol order: by group (chair, vice-chairs and members, …), then the roster's rank, then the
name in Vietnamese order (given name first, "Đ" after "D"). Every list of people uses it."""
from ecabinet.core.collation import name_sort_key


def protocol_sorted(items, *, group, rank, name):
    return sorted(items, key=lambda item: (group(item), rank(item), name_sort_key(name(item))))
