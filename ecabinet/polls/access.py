"""Who may see, prepare, send, answer and close a written poll. Every adapter calls these.

A poll belongs to a body: its secretariat prepares and sends it; its chair may close it early; the
members asked (frozen when it was sent) answer it. Drafts are seen by the secretariat and the chair
only; nobody outside the body sees any of it (administrators neither, unless on the roster).
"""
from ecabinet.bodies.access import is_body_secretariat
from ecabinet.polls.models import PollStatus


def _authenticated(user):
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.active)


def _place(user, body_id):
    return next((p for p in user.roster if p.body_id == body_id), None)


def is_body_chair(user, body_id):
    place = _place(user, body_id) if _authenticated(user) else None
    return place is not None and place.role == "chair"


def can_create_poll(user, body):
    """Prepare a poll of `body`: its secretariat."""
    return is_body_secretariat(user, body.id)


def can_view_poll(user, poll):
    if not _authenticated(user):
        return False
    if is_body_secretariat(user, poll.body_id) or is_body_chair(user, poll.body_id):
        return True
    if poll.status == PollStatus.DRAFT:
        return False
    return poll.recipient_for(user) is not None or _place(user, poll.body_id) is not None


def can_edit_poll(user, poll):
    """Edit a draft, attach documents, send it: the body's secretariat."""
    return is_body_secretariat(user, poll.body_id)


def can_close_poll(user, poll):
    """Close before the deadline: the body's chair alone (issue 11 item 7: the poll closes "at the
    deadline by itself … or early by the chair"). The chair (Chủ tịch) decides to consult the members
    in writing, and cutting short their time to answer is the same decision, so: not the secretariat
    that sends the poll and follows the answers, not a member, not an administrator. The chair is the
    one on the body's roster now: a chair replaced after the poll was sent no longer closes it, the
    new one does. Whether the poll is still open is the operation's 409."""
    return is_body_chair(user, poll.body_id)


def can_answer_poll(user, poll):
    """Answer: a member the poll was sent to."""
    return _authenticated(user) and poll.recipient_for(user) is not None


def can_follow_answers(user, poll):
    """See the counts and who has not answered while it is open: the secretariat and the chair."""
    return is_body_secretariat(user, poll.body_id) or is_body_chair(user, poll.body_id)
