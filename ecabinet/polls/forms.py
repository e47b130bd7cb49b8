"""Forms of the poll pages: the draft, an attached document. Answers are read field by field (one
choice and one comment per question) by views.answer."""
from flask_babel import lazy_gettext as _l
from ecabinet.core.forms import Form
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ecabinet.core.datefields import VietnameseDateTimeField


class PollForm(Form):
    title = StringField(_l("Subject of the poll"), validators=[DataRequired(), Length(max=500)],
                        description=_l("e.g. Dự thảo Quyết định ban hành Kế hoạch cải cách hành chính năm 2027"))
    description = TextAreaField(_l("Explanation for the members"), validators=[Optional(), Length(max=10000)])
    questions = TextAreaField(_l("Questions (one per line)"), validators=[DataRequired(), Length(max=50000)],
                              render_kw={"rows": 5})
    deadline = VietnameseDateTimeField(_l("Deadline for answers"))
    silence_counts_as = SelectField(_l("A member who does not answer"))


class PollDocumentForm(Form):
    file = FileField(_l("PDF document"), validators=[FileRequired()])
    title = StringField(_l("Document title"), validators=[Optional(), Length(max=500)])
