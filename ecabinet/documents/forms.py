from flask_babel import lazy_gettext as _l
from ecabinet.core.forms import Form
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ecabinet.documents.models import CLASSIFICATION_LABELS, KIND_LABELS, Classification


def classification_choices(protected_network):
    return [(c.value, label) for c, label in CLASSIFICATION_LABELS.items()
            if protected_network or c != Classification.STATE_SECRET]


class DocumentForm(Form):
    title = StringField(_l("Document title"), validators=[DataRequired(), Length(max=500)])
    kind = SelectField(_l("Kind"), choices=[(k.value, label) for k, label in KIND_LABELS.items()])
    agenda_item_id = SelectField(_l("Agenda item"), coerce=int, default=0)
    classification = SelectField(_l("Classification"))
    guests_allowed = BooleanField(_l("Guests may read it even though it is confidential"))


class ReplaceForm(Form):
    file = FileField(_l("New version (PDF)"), validators=[FileRequired()])
    note = StringField(_l("What changed"), validators=[Optional(), Length(max=500)])
