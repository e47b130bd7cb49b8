"""Forms of the body pages: the body, its working rules, a place on its roster, a calendar day."""
from flask_babel import lazy_gettext as _l
from ecabinet.core.forms import Form
from wtforms import (
    BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ecabinet.bodies.models import (
    BODY_KIND_LABELS, DECISION_RULE_LABELS, ROSTER_ROLE_LABELS, SILENCE_RULE_LABELS, TIE_RULE_LABELS,
)
from ecabinet.core.datefields import REQUIRED_DATE, VietnameseDateField


def _choices(labels):
    return [(key.value, label) for key, label in labels.items()]


class BodyForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)],
                       description=_l("e.g. Ủy ban nhân dân xã Tân Uyên"))
    parent_name = StringField(_l("Body above (letterhead)"), validators=[Optional(), Length(max=200)],
                              description=_l("Printed above the name on documents, e.g. UBND TỈNH LAI CHÂU"))
    kind = SelectField(_l("Kind of body"), choices=_choices(BODY_KIND_LABELS))
    short_name = StringField(_l("Short name"), validators=[Optional(), Length(max=50)])
    place_name = StringField(_l("Place name for dates"), validators=[Optional(), Length(max=100)],
                             description=_l("As in “Lai Châu, ngày … tháng … năm …”"))


class RulesForm(Form):
    quorum_numerator = IntegerField(_l("Quorum: numerator"), validators=[DataRequired(), NumberRange(1, 100)])
    quorum_denominator = IntegerField(_l("Quorum: denominator"), validators=[DataRequired(), NumberRange(1, 100)])
    decision_rule = SelectField(_l("Default decision rule"), choices=_choices(DECISION_RULE_LABELS))
    tie = SelectField(_l("A tie"), choices=_choices(TIE_RULE_LABELS))
    stand_ins_count = BooleanField(_l("A member represented by a present stand-in counts toward quorum"))
    poll_days = IntegerField(_l("Written poll deadline (working days)"), validators=[NumberRange(0, 60)])
    poll_silence_counts_as = SelectField(_l("No reply to a written poll"), choices=_choices(SILENCE_RULE_LABELS))
    lead_days_regular = IntegerField(_l("Documents sent before a regular session (working days)"),
                                     validators=[NumberRange(0, 60)])
    lead_days_special = IntegerField(_l("Documents sent before a special session (working days)"),
                                     validators=[NumberRange(0, 60)])
    legal_basis = TextAreaField(_l("Legal basis"), validators=[Optional(), Length(max=2000)],
                                description=_l("e.g. Quy chế làm việc của UBND tỉnh, ban hành kèm theo Quyết định số …"))


class RosterForm(Form):
    user_id = SelectField(_l("Person to add"), coerce=int)
    role = SelectField(_l("Role"), choices=_choices(ROSTER_ROLE_LABELS), default="member")  # most places are members
    position = StringField(_l("Position"), validators=[Optional(), Length(max=100)],
                           description=_l("Chủ tịch, Phó Chủ tịch, Ủy viên…"))
    rank = IntegerField(_l("Order in protocol lists"), validators=[Optional(), NumberRange(0, 10000)])


class CalendarDayForm(Form):
    day = VietnameseDateField(_l("Date"), required_message=REQUIRED_DATE)
    working = SelectField(_l("This day is"), choices=[("0", _l("a day off")), ("1", _l("a working day"))])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])


class GroupForm(Form):
    """A saved invitation group: its name and its people (ticked in a list of every active user)."""
    name = StringField(_l("Name of the group"), validators=[DataRequired(), Length(max=200)],
                       description=_l("e.g. Lãnh đạo UBND, Thủ trưởng các sở"))
    user_ids = SelectMultipleField(_l("People"), coerce=int, validate_choice=True)
