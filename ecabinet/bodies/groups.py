"""A body's saved invitation groups: state changes and look-ups. They flush and audit; the caller commits."""
import unicodedata

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from ecabinet.accounts.models import User
from ecabinet.audit.operations import record
from ecabinet.bodies.models import InvitationGroup, InvitationGroupMember
from ecabinet.core.collation import name_sort_key, text_sort_key
from ecabinet.core.db import insert_unless_exists, unique_or
from ecabinet.core.errors import Conflict, InvalidValue
from ecabinet.extensions import db

MAX_GROUP_SIZE = 2000


def _clean_name(name):
    name = (name or "").strip()
    if not name:
        raise InvalidValue(_("The group needs a name."), field="name")
    if len(name) > 200:
        raise InvalidValue(_("At most %(n)d characters.", n=200), field="name")
    return name


def _name_taken():
    return Conflict(_("This body already has a group with this name."), code="group_exists")


def name_key(name):
    """What makes two group names the same name: case and Unicode form do not count."""
    return unicodedata.normalize("NFC", name).casefold()


def _check_name_free(body, name, group=None):
    clash = db.session.execute(select(InvitationGroup.id).where(
        InvitationGroup.body_id == body.id, InvitationGroup.name_key == name_key(name))).scalar()
    if clash is not None and (group is None or clash != group.id):
        raise _name_taken()


def _check_people(users):
    if len(users) > MAX_GROUP_SIZE:
        raise InvalidValue(_("A group holds at most %(n)d people.", n=MAX_GROUP_SIZE), field="user_ids")
    if any(user is None for user in users):
        raise InvalidValue(_("No such user."), field="user_ids", code="user_not_found")


def create_group(body, name, users, *, actor=None):
    """A new group of `users` for the body's sessions; 409 group_exists when the name is taken
    (also when two requests create it at once)."""
    name = _clean_name(name)
    _check_people(users)
    _check_name_free(body, name)
    group = InvitationGroup(body_id=body.id, name=name, name_key=name_key(name))
    with unique_or(db.session, _name_taken):
        db.session.add(group)
    _set_members(group, users)
    record("body.group_created", actor=actor, obj=body, group_id=group.id, name=name, people=len(users))
    return group


def update_group(group, *, name=None, users=None, actor=None):
    """Rename the group and/or replace its people (None: left as they are)."""
    if name is not None:
        name = _clean_name(name)
        _check_name_free(group.body, name, group)
        group.name, group.name_key = name, name_key(name)
        with unique_or(db.session, _name_taken):
            pass
    if users is not None:
        _check_people(users)
        _set_members(group, users)
    record("body.group_changed", actor=actor, obj=group.body, group_id=group.id, name=group.name,
           people=len(group_user_ids(group)))
    return group


def delete_group(group, *, actor=None):
    body, group_id, name = group.body, group.id, group.name
    db.session.delete(group)
    db.session.flush()
    record("body.group_deleted", actor=actor, obj=body, group_id=group_id, name=name)


def _set_members(group, users):
    """Exactly these people in the group: two requests saving it at once never collide on the
    unique (group, user) pair (INSERT … ON CONFLICT DO NOTHING)."""
    wanted = {user.id for user in users}
    db.session.execute(delete(InvitationGroupMember).where(
        InvitationGroupMember.group_id == group.id, InvitationGroupMember.user_id.not_in(wanted or {0})))
    for user_id in sorted(wanted):
        insert_unless_exists(db.session, InvitationGroupMember, group_id=group.id, user_id=user_id)
    db.session.expire(group, ["members"])


def group_user_ids(group):
    return set(db.session.execute(select(InvitationGroupMember.user_id)
                                  .where(InvitationGroupMember.group_id == group.id)).scalars())


def group_people(group):
    """The group's people in Vietnamese name order."""
    users = db.session.execute(select(User).join(InvitationGroupMember, InvitationGroupMember.user_id == User.id)
                               .where(InvitationGroupMember.group_id == group.id)).scalars().all()
    return sorted(users, key=lambda u: name_sort_key(u.full_name))


def groups_of(body):
    """The body's groups by name (Vietnamese order), with their head counts: [(group, count)]."""
    rows = db.session.execute(
        select(InvitationGroup, func.count(InvitationGroupMember.id))
        .outerjoin(InvitationGroupMember, InvitationGroupMember.group_id == InvitationGroup.id)
        .where(InvitationGroup.body_id == body.id).group_by(InvitationGroup.id)).all()
    return sorted(((group, count) for group, count in rows), key=lambda row: text_sort_key(row[0].name))
