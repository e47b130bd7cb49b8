"""The count and result of a question, table-driven: rules, silence both ways, ties."""
import pytest

from ecabinet.polls.rules import tally

CASES = [
    # choices, total, silence, rule, tie, chair, (yes, no, abstain, no_reply), passed
    (["yes"] * 4, 7, "none", "majority_of_members", "fails", None, (4, 0, 0, 3), True),
    (["yes"] * 3, 7, "none", "majority_of_members", "fails", None, (3, 0, 0, 4), False),
    # silence counts as agreement: 3 yes + 4 silent = 7 > 3.5, but no_reply stays apart
    (["yes"] * 3, 7, "yes", "majority_of_members", "fails", None, (3, 0, 0, 4), True),
    (["yes", "no", "no", "no"], 7, "yes", "majority_of_members", "fails", None, (1, 3, 0, 3), True),
    (["yes", "no", "no", "no", "no"], 7, "yes", "majority_of_members", "fails", None, (1, 4, 0, 2), False),
    # ties: half of 6 members exactly
    (["yes"] * 3 + ["no"] * 3, 6, "none", "majority_of_members", "fails", "yes", (3, 3, 0, 0), False),
    (["yes"] * 3 + ["no"] * 3, 6, "none", "majority_of_members", "chair_decides", "yes", (3, 3, 0, 0), True),
    (["yes"] * 3 + ["no"] * 3, 6, "none", "majority_of_members", "chair_decides", "no", (3, 3, 0, 0), False),
    (["yes"] * 3, 6, "none", "majority_of_members", "chair_decides", None, (3, 0, 0, 3), False),
    # two thirds of all members
    (["yes"] * 4, 6, "none", "two_thirds_of_members", "fails", None, (4, 0, 0, 2), True),
    (["yes"] * 3, 6, "none", "two_thirds_of_members", "fails", None, (3, 0, 0, 3), False),
    # more than half of those who took part (replied)
    (["yes", "yes", "no"], 7, "none", "majority_of_present", "fails", None, (2, 1, 0, 4), True),
    (["yes", "no", "abstain"], 7, "none", "majority_of_present", "fails", None, (1, 1, 1, 4), False),
    ([], 5, "none", "majority_of_present", "fails", None, (0, 0, 0, 5), False),
    ([], 0, "yes", "majority_of_members", "fails", None, (0, 0, 0, 0), False),
]


@pytest.mark.parametrize("choices, total, silence, rule, tie, chair, counts, passed", CASES)
def test_tally(choices, total, silence, rule, tie, chair, counts, passed):
    result = tally(choices, member_total=total, silence_counts_as=silence, decision_rule=rule, tie=tie,
                   chair_choice=chair)
    assert (result.yes, result.no, result.abstain, result.no_reply) == counts
    assert result.passed is passed
    assert result.result == ("passed" if passed else "failed")
