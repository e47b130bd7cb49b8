"""Pure rules of the live session: quorum. No database, no Flask."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Quorum:
    present: int
    total: int
    required: int

    @property
    def met(self):
        return self.total > 0 and self.present >= self.required


def required_for_quorum(total_members, numerator=2, denominator=3):
    """The smallest head count that is at least numerator/denominator of all members (ceil, integers only)."""
    if denominator <= 0 or numerator < 0:
        raise ValueError("quorum fraction must be non-negative over a positive denominator")
    return -(-total_members * numerator // denominator)


def compute_quorum(present_members, total_members, numerator=2, denominator=3):
    """Quorum of all members (not of those present): Law on Organisation of Local Government."""
    return Quorum(present=present_members, total=total_members,
                  required=required_for_quorum(total_members, numerator, denominator))
