"""Who may do what with certificates, trust roots and verification. Nothing else decides."""


def _signed_in(user):
    return bool(user and user.is_authenticated)


def can_manage_certificates(user):
    """Issue, import and revoke users' certificates; trust roots: administrators only."""
    return _signed_in(user) and user.is_admin


def can_verify(user):
    """Any signed-in user may check a signed PDF."""
    return _signed_in(user)


def can_view_certificates_of(user, owner):
    """A user sees their own certificates; administrators see everyone's."""
    return _signed_in(user) and (user.id == owner.id or user.is_admin)


def can_test_signing(user):
    """A user may try their own PIN and certificate on a sample page."""
    return _signed_in(user)
