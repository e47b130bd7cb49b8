"""A body's working rules as plain values: what a live session and a ballot freeze when they start.
No database, no Flask."""
from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True)
class WorkingRules:
    quorum_numerator: int = 2
    quorum_denominator: int = 3
    decision_rule: str = "majority_of_members"
    tie: str = "fails"
    stand_ins_count: bool = False
    poll_days: int = 5
    poll_silence_counts_as: str = "none"
    lead_days_regular: int = 3
    lead_days_special: int = 1
    legal_basis: str | None = None

    def as_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, data):
        """Rules stored with a session; keys a later version added take their defaults."""
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in (data or {}).items() if key in known})

    @classmethod
    def of(cls, body):
        return cls(**{f.name: _plain(getattr(body, f.name)) for f in fields(cls)})

    def lead_days(self, special):
        return self.lead_days_special if special else self.lead_days_regular


def _plain(value):
    return value.value if hasattr(value, "value") else value

