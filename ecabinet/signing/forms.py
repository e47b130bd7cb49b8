"""Forms of the signing pages."""
from flask_babel import lazy_gettext as _l
from ecabinet.core.forms import Form
from flask_wtf.file import FileField, FileRequired
from wtforms import PasswordField, SelectField
from wtforms.validators import DataRequired, Length, Optional


class VerifyForm(Form):
    file = FileField(_l("Signed PDF"), validators=[FileRequired()])


class IssueForm(Form):
    user_id = SelectField(_l("User"), coerce=int, validate_choice=True)
    pin = PasswordField(_l("Signing PIN of the user"), validators=[DataRequired(), Length(min=6, max=128)],
                        render_kw={"autocomplete": "new-password"},
                        description=_l("The user's key is encrypted under this PIN; it is not stored. "
                                       "Give it to the user in person."))
    file = FileField(_l("Certificate file (.p12) from a certification authority"),
                     description=_l("Leave empty to issue a certificate from the internal CA."))
    password = PasswordField(_l("Password of the .p12 file"), validators=[Optional(), Length(max=256)],
                             render_kw={"autocomplete": "off"})


class TrustRootForm(Form):
    file = FileField(_l("Root certificate (.cer, .crt, .pem)"), validators=[FileRequired()])


class ConfirmForm(Form):
    """A bare form: only the CSRF token (revoke, remove)."""
