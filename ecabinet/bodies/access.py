"""Who may see and change a body, its roster and its rules. Every adapter calls these."""


def _authenticated(user):
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.active)


def can_manage_bodies(user):
    """Create bodies, edit their names, rosters and working rules, the calendar: administrators."""
    return _authenticated(user) and user.is_admin


def can_view_body(user, body):
    """A body's details and rules: its roster (members, chair, secretariat) and administrators."""
    if not _authenticated(user):
        return False
    return user.is_admin or any(place.body_id == body.id for place in user.roster)


def is_body_secretariat(user, body_id):
    """The body's secretariat prepares its sessions, and nobody else's."""
    return _authenticated(user) and body_id in user.secretariat_body_ids


def can_prepare_sessions(user):
    """Create sessions: the secretariat of some body."""
    return _authenticated(user) and bool(user.secretariat_body_ids)


def can_manage_groups(user, body):
    """A body's saved invitation groups (see, create, change, delete): its secretariat, who invites
    people to its sessions, and administrators. Session secretaries use them without managing them."""
    return _authenticated(user) and (user.is_admin or is_body_secretariat(user, body.id))
