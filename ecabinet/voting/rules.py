"""Pure rules of a ballot: whether it passed, and how a tie is settled. No database, no Flask.

A UBND decision passes on more than half of ALL members voting yes (not of those present or
voting); a ballot may also use more than half of the members present, or two thirds of all members.
A tie (exactly half voting yes under a "more than half" rule) does not pass, unless the body's rules
say it goes the way the chair voted (and the chair's vote is known: not in a secret ballot).
"""
from dataclasses import dataclass

MAJORITY_OF_MEMBERS = "majority_of_members"
MAJORITY_OF_PRESENT = "majority_of_present"
TWO_THIRDS_OF_MEMBERS = "two_thirds_of_members"
RULES = (MAJORITY_OF_MEMBERS, MAJORITY_OF_PRESENT, TWO_THIRDS_OF_MEMBERS)

TIE_FAILS = "fails"
TIE_CHAIR_DECIDES = "chair_decides"


@dataclass(frozen=True)
class Tally:
    yes: int
    no: int
    abstain: int
    not_voted: int


@dataclass(frozen=True)
class Decision:
    passed: bool
    base: int          # the number the threshold is taken of (all members, or those present)
    required: int      # the fewest yes votes that pass (a tie aside)
    tied: bool
    decided_by_chair: bool


def base_of(rule, member_total, present_total):
    """All members, or the members present when the ballot opened."""
    if rule not in RULES:
        raise ValueError(f"unknown decision rule {rule!r}")
    return present_total if rule == MAJORITY_OF_PRESENT else member_total


def required_yes(rule, base):
    """The fewest yes votes that pass: more than half (floor(base/2) + 1), or two thirds (ceil)."""
    if rule == TWO_THIRDS_OF_MEMBERS:
        return -(-base * 2 // 3)
    return base // 2 + 1


def decide(rule, tally, *, member_total, present_total, tie=TIE_FAILS, chair_choice=None):
    """Whether the ballot passed. `chair_choice`: how the chair voted ("yes", "no", "abstain" or
    None when unknown: a secret ballot, or the chair did not vote)."""
    if tie not in (TIE_FAILS, TIE_CHAIR_DECIDES):
        raise ValueError(f"unknown tie rule {tie!r}")
    base = base_of(rule, member_total, present_total)
    required = required_yes(rule, base)
    if base <= 0:
        return Decision(False, base, required, False, False)
    # Only "more than half" rules can tie: exactly half the base voting yes.
    tied = rule != TWO_THIRDS_OF_MEMBERS and base % 2 == 0 and tally.yes * 2 == base
    if tied:
        by_chair = tie == TIE_CHAIR_DECIDES and chair_choice is not None
        return Decision(by_chair and chair_choice == "yes", base, required, True, by_chair)
    return Decision(tally.yes >= required, base, required, False, False)
