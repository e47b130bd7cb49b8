"""The draft's content: the secretary's edits laid over the session's facts, and the per-field
comparison of two revisions. Pure functions of plain JSON (ecabinet.minutes.facts describes it)."""
from flask_babel import gettext as _

from ecabinet.core.errors import InvalidValue
from ecabinet.minutes.facts import ATTENDANCE_STATES

MAX_TEXT = 50_000
MAX_LINE = 500
MAX_REASON = 300


def _text(value, field, max_length):
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidValue(_("The field %(name)s must be text.", name=field), field=field)
    if len(value) > max_length:
        raise InvalidValue(_("The field %(name)s is too long (at most %(n)d characters).",
                             name=field, n=max_length), field=field)
    return value.replace("\r\n", "\n")


def _keyed(entries, key, field):
    """{id: entry} of a submitted list of objects that name their id in `key`."""
    if entries is None:
        return {}
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InvalidValue(_("The field %(name)s must be a list of objects.", name=field), field=field)
    keyed = {}
    for entry in entries:
        ident = entry.get(key)
        if isinstance(ident, bool) or not isinstance(ident, int):
            raise InvalidValue(_("Each entry of %(name)s needs its %(key)s.", name=field, key=key), field=field)
        keyed[ident] = entry
    return keyed


def check_submission(content):
    """Raise 422 unless the editable parts of a submitted content have the right shape."""
    if not isinstance(content, dict):
        raise InvalidValue(_("The field content must be an object."), field="content")
    for name, limit in (("summary", MAX_LINE), ("place", MAX_LINE)):
        if name in content:
            _text(content[name], name, limit)
    for user_id, entry in _keyed(content.get("attendance"), "user_id", "attendance").items():
        if "state" in entry and entry["state"] not in ATTENDANCE_STATES:
            raise InvalidValue(_("Unknown attendance state."), field="attendance")
        if "reason" in entry:
            _text(entry["reason"], "attendance.reason", MAX_REASON)
    for item_id, entry in _keyed(content.get("items"), "agenda_item_id", "items").items():
        for name in ("discussion", "conclusion"):
            if name in entry:
                _text(entry[name], f"items.{name}", MAX_TEXT)


def compose(facts, previous=None, submitted=None):
    """The content to store: fresh `facts`, with each editable field taken from `submitted` when it
    names it, else from the `previous` revision. Free text of an agenda item removed since is kept
    (marked `removed_from_agenda`), never dropped."""
    previous = previous or {}
    submitted = {} if submitted is None else submitted
    check_submission(submitted)
    content = dict(facts)
    for name, limit in (("summary", MAX_LINE), ("place", MAX_LINE)):
        for source in (submitted, previous):
            if name in source:
                content[name] = _text(source[name], name, limit).strip() or facts.get(name)
                break

    old_roll = _keyed(previous.get("attendance"), "user_id", "attendance")
    new_roll = _keyed(submitted.get("attendance"), "user_id", "attendance")
    roll = []
    for entry in facts["attendance"]:
        entry = dict(entry)
        for source in (new_roll.get(entry["user_id"]), old_roll.get(entry["user_id"])):
            if source and ("state" in source or "reason" in source):
                entry["state"] = source.get("state", entry["state"])
                entry["reason"] = _text(source.get("reason"), "attendance.reason", MAX_REASON).strip() or None
                break
        roll.append(entry)
    content["attendance"] = roll

    old_items = _keyed(previous.get("items"), "agenda_item_id", "items")
    new_items = _keyed(submitted.get("items"), "agenda_item_id", "items")
    items = []
    for entry in facts["items"]:
        entry = dict(entry)
        for name in ("discussion", "conclusion"):
            for source in (new_items.get(entry["agenda_item_id"]), old_items.get(entry["agenda_item_id"])):
                if source and name in source:
                    entry[name] = _text(source[name], f"items.{name}", MAX_TEXT)
                    break
        items.append(entry)
    present = {entry["agenda_item_id"] for entry in items}
    for item_id, source in {**old_items, **new_items}.items():
        merged = {**old_items.get(item_id, {}), **new_items.get(item_id, {})}
        if item_id in present or not (merged.get("discussion") or merged.get("conclusion")):
            continue
        items.append({
            "agenda_item_id": item_id, "number": merged.get("number"), "title": merged.get("title"),
            "presenter": merged.get("presenter"), "documents": [], "speakers": [],
            "discussion": _text(merged.get("discussion"), "items.discussion", MAX_TEXT),
            "conclusion": _text(merged.get("conclusion"), "items.conclusion", MAX_TEXT),
            "removed_from_agenda": True,
        })
    content["items"] = items
    return content


# -- comparison ----------------------------------------------------------------

_ID_KEYS = ("agenda_item_id", "user_id", "document_id", "id")


def _flatten(value, path, out):
    """{path: scalar}: lists of objects are keyed by their id (stable when the order changes)."""
    if isinstance(value, dict):
        for key, child in value.items():
            _flatten(child, f"{path}.{key}" if path else key, out)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            ident = next((child[k] for k in _ID_KEYS if isinstance(child, dict) and k in child), None)
            _flatten(child, f"{path}.{ident if ident is not None else index}", out)
        if not value:
            out[path] = []
    else:
        out[path] = value


def flatten(content):
    out = {}
    _flatten(content, "", out)
    return out


def compare(before, after):
    """Per-field changes from `before` to `after`: [{path, change: added/removed/changed, before, after}],
    in the order the fields appear in `after` (then the removed ones)."""
    old, new = flatten(before), flatten(after)
    changes = []
    for path in [*new, *(p for p in old if p not in new)]:
        was, now = old.get(path), new.get(path)
        if was == now or (_blank(was) and _blank(now)):
            continue
        change = "added" if _blank(was) else "removed" if _blank(now) else "changed"
        changes.append({"path": path, "change": change, "before": None if _blank(was) else was,
                        "after": None if _blank(now) else now})
    return changes


def _blank(value):
    return value is None or value == "" or value == []
