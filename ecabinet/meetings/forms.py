from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ecabinet.core.datefields import REQUIRED_DATE_TIME, VietnameseDateTimeField
from ecabinet.core.forms import Form
from ecabinet.meetings.models import (
    MEETING_FORMAT_LABELS, MEETING_KIND_LABELS, ROLE_LABELS, Confidentiality, Role,
)


class MeetingForm(Form):
    # The choices are the bodies whose secretariat the user is; hidden when there is one.
    body_id = SelectField(_l("Body"), coerce=int, validate_choice=True)
    title = StringField(_l("Name of the session"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(_l("Kind of session"), choices=[(k.value, label) for k, label in MEETING_KIND_LABELS.items()])
    format = SelectField(_l("Format"), choices=[(f.value, label) for f, label in MEETING_FORMAT_LABELS.items()],
                         default="in_person")
    starts_at = VietnameseDateTimeField(_l("Starts at"), required_message=REQUIRED_DATE_TIME)
    ends_at = VietnameseDateTimeField(_l("Ends at"))
    location = StringField(_l("Place"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Notes for participants"), validators=[Optional(), Length(max=10000)])
    confidentiality = SelectField(_l("Confidentiality"), choices=[
        (Confidentiality.NORMAL.value, _l("Normal")),
        (Confidentiality.CONFIDENTIAL.value, _l("Confidential")),
    ])
    delegates_may_vote = BooleanField(_l("Stand-ins may vote for the member they replace"))


class AgendaItemForm(Form):
    title = StringField(_l("Agenda item"), validators=[DataRequired(), Length(max=500)])
    presenter = StringField(_l("Presented by"), validators=[Optional(), Length(max=300)])
    duration_minutes = IntegerField(_l("Planned minutes"), validators=[Optional(), NumberRange(1, 1440)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10000)])


class ParticipantForm(Form):
    user_id = SelectField(_l("Person"), coerce=int)
    role = SelectField(_l("Role"), choices=[(r.value, label) for r, label in ROLE_LABELS.items()],
                       default=Role.MEMBER.value)
    delegate_for_id = SelectField(_l("Attends for"), coerce=int, default=0)


class ParticipantRoleForm(Form):
    role = SelectField(_l("Role"), choices=[(r.value, label) for r, label in ROLE_LABELS.items()])
    can_vote = BooleanField(_l("Votes"))
