"""The count and result of a written-poll question. Pure: no database, no Flask.

"No reply" is always counted apart from "agree"; when the body's rule says silence counts as
agreement, the non-replies are added to "agree" only to decide the result.
"""
from dataclasses import dataclass

YES, NO, ABSTAIN = "yes", "no", "abstain"


@dataclass(frozen=True)
class Tally:
    yes: int
    no: int
    abstain: int
    no_reply: int
    passed: bool

    @property
    def result(self):
        return "passed" if self.passed else "failed"

    def as_dict(self):
        return {"yes": self.yes, "no": self.no, "abstain": self.abstain, "no_reply": self.no_reply}


def tally(choices, *, member_total, silence_counts_as="none", decision_rule="majority_of_members",
          tie="fails", chair_choice=None):
    """Count `choices` (one per member who answered: "yes"/"no"/"abstain") against the rule.

    member_total: the members asked (frozen when the poll was sent); those who did not answer are
    member_total - len(choices). chair_choice: the chair's side for a tie the chair settles (their
    answer; "yes" for a silent chair when silence agrees; None when there is no chair's side).
    """
    choices = list(choices)
    yes, no, abstain = (sum(1 for c in choices if c == k) for k in (YES, NO, ABSTAIN))
    no_reply = max(member_total - len(choices), 0)
    silence_agrees = silence_counts_as == "yes"
    agreeing = yes + (no_reply if silence_agrees else 0)
    if decision_rule == "majority_of_present":
        # In writing, "present" is those who took part: who replied (and the silent, when silence agrees).
        base = yes + no + abstain + (no_reply if silence_agrees else 0)
    else:
        base = member_total
    if base <= 0:
        return Tally(yes, no, abstain, no_reply, False)
    if decision_rule == "two_thirds_of_members":
        passed = 3 * agreeing >= 2 * base
    else:
        passed = 2 * agreeing > base
        if not passed and 2 * agreeing == base and tie == "chair_decides":
            passed = chair_choice == YES
    return Tally(yes, no, abstain, no_reply, passed)
