"""The pure rules of a ballot (voting.rules.decide), table-driven: every rule, ties, bases of 0 and 1."""
import pytest

from ecabinet.voting.rules import Tally, decide, required_yes

M, P, T = "majority_of_members", "majority_of_present", "two_thirds_of_members"

# (rule, yes, no, abstain, not_voted, member_total, present_total, tie, chair_choice, passed, tied, by_chair)
CASES = [
    # More than half of ALL members, not of those voting.
    (M, 5, 0, 0, 0, 9, 5, "fails", None, True, False, False),
    (M, 4, 0, 0, 1, 9, 5, "fails", None, False, False, False),       # 4 of 9: all present said yes, not enough
    (M, 4, 1, 0, 0, 7, 5, "fails", None, True, False, False),
    (M, 3, 0, 0, 0, 7, 3, "fails", None, False, False, False),
    (M, 1, 0, 0, 0, 1, 1, "fails", None, True, False, False),
    (M, 0, 1, 0, 0, 1, 1, "fails", None, False, False, False),
    # Exactly half of an even total: a tie.
    (M, 4, 4, 0, 0, 8, 8, "fails", "yes", False, True, False),
    (M, 4, 4, 0, 0, 8, 8, "chair_decides", "yes", True, True, True),
    (M, 4, 4, 0, 0, 8, 8, "chair_decides", "no", False, True, True),
    (M, 4, 3, 1, 0, 8, 8, "chair_decides", "abstain", False, True, True),
    (M, 4, 2, 0, 0, 8, 6, "chair_decides", None, False, True, False),  # chair's vote unknown (secret)
    (M, 5, 3, 0, 0, 8, 8, "chair_decides", "no", True, False, False),  # not a tie: the chair does not matter
    (M, 3, 3, 0, 0, 7, 6, "chair_decides", "yes", False, False, False),  # odd total: 3 of 7 is no tie
    # More than half of the members present at the opening.
    (P, 3, 2, 0, 0, 9, 5, "fails", None, True, False, False),
    (P, 3, 0, 2, 0, 9, 6, "fails", None, False, True, False),
    (P, 3, 3, 0, 0, 9, 6, "chair_decides", "yes", True, True, True),
    (P, 0, 0, 0, 0, 9, 0, "fails", None, False, False, False),
    # Two thirds of all members (at least): no ties.
    (T, 6, 3, 0, 0, 9, 9, "fails", None, True, False, False),
    (T, 5, 0, 0, 4, 9, 5, "fails", None, False, False, False),
    (T, 4, 2, 0, 0, 6, 6, "chair_decides", "no", True, False, False),
    (T, 3, 3, 0, 0, 6, 6, "chair_decides", "yes", False, False, False),
    (T, 7, 0, 0, 0, 10, 10, "fails", None, True, False, False),
    (T, 6, 0, 0, 0, 10, 10, "fails", None, False, False, False),
    # Nobody to decide: never passes.
    (M, 0, 0, 0, 0, 0, 0, "fails", None, False, False, False),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}y{c[2]}n-of{c[5]}/{c[6]}-{c[7]}-{c[8]}")
def test_decide(case):
    rule, yes, no, abstain, not_voted, members, present, tie, chair, passed, tied, by_chair = case
    decision = decide(rule, Tally(yes, no, abstain, not_voted), member_total=members, present_total=present,
                      tie=tie, chair_choice=chair)
    assert (decision.passed, decision.tied, decision.decided_by_chair) == (passed, tied, by_chair)


@pytest.mark.parametrize("rule,base,required", [(M, 9, 5), (M, 8, 5), (M, 1, 1), (M, 0, 1), (P, 6, 4),
                                                 (T, 9, 6), (T, 10, 7), (T, 3, 2), (T, 1, 1)])
def test_required_yes(rule, base, required):
    assert required_yes(rule, base) == required


@pytest.mark.parametrize("bad", [("unknown_rule", "fails"), (M, "coin_toss")])
def test_unknown_rules_are_refused(bad):
    with pytest.raises(ValueError):
        decide(bad[0], Tally(1, 0, 0, 0), member_total=1, present_total=1, tie=bad[1])
