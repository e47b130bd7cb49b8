"""Who may manage accounts."""


def can_manage_users(user):
    return bool(user and user.is_authenticated and user.is_admin)


def can_list_users(user):
    """The secretariat needs the directory to invite participants."""
    return bool(user and user.is_authenticated and (user.is_admin or user.is_secretariat))
