"""The base of every page form: WTForms' and Flask-WTF's own messages in the user's language.

WTForms ships no Vietnamese catalog, and Flask-WTF looks only in WTForms' catalogs, so a Vietnamese
page would say "This field is required.". Every form of the product derives from `Form`, whose
translations object answers WTForms' gettext/ngettext calls from our Flask-Babel catalogs (the
core domain's, where the messages below are listed for scripts/i18n.py to extract). Every built-in
validator and field of WTForms and Flask-WTF goes through these calls, so all of them are covered;
tests/core/test_forms.py checks the list against the template catalog WTForms ships.

Do not use Flask-WTF's FileSize: it builds its message with the numbers already in it (an f-string),
which no catalog can match. Sizes are checked by documents.validation with our own messages.
"""
from flask_babel import get_translations, gettext as _
from flask_wtf import FlaskForm


def N_(message):
    """Marks a message for the catalog without translating it (it is translated where it is used)."""
    return message


def Nn_(singular, plural):
    """Marks a message with a plural for the catalog."""
    return singular, plural


class BabelTranslations:
    """What WTForms asks of a translations object, answered from Flask-Babel's catalogs.

    Not flask_babel.gettext/ngettext: those format the message (ngettext always, with `num`), and
    WTForms formats it itself afterwards with its own values (%(min)d, %(max)d ...)."""

    def gettext(self, string):
        return get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return get_translations().ungettext(singular, plural, n)


TRANSLATIONS = BabelTranslations()


class Form(FlaskForm):
    """Every page form of the product derives from this one (tests/core/test_forms.py checks it)."""

    class Meta:
        def get_translations(self, form):
            return TRANSLATIONS

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # Flask-WTF's own token check speaks English and is not shown next to any field (the token
        # is hidden): say it in the user's words at the top of the form. (CSRFProtect usually
        # refuses the request before the form sees it: core.api's error page.)
        token = self._fields.get(self.meta.csrf_field_name) if self.meta.csrf else None
        if token is not None and token.errors:
            token.errors = [_("The form expired. Please reload the page and try again.")]
            self.form_errors.append(token.errors[0])
        return valid


# WTForms' messages (wtforms/locale/wtforms.pot) and Flask-WTF's (flask_wtf/file.py, flask_wtf/csrf.py),
# for the catalog. Placeholders are WTForms' own: %(min)d, %(max)s, %(values)s, {extensions}.
BUILT_IN_MESSAGES = (
    N_("Invalid field name '%s'."),
    N_("Field must be equal to %(other_name)s."),
    Nn_("Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long."),
    Nn_("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters."),
    Nn_("Field must be exactly %(max)d character long.", "Field must be exactly %(max)d characters long."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
    N_("Date must be at least %(min)s."),
    N_("Date must be at most %(max)s."),
    N_("Date must be between %(min)s and %(max)s."),
    N_("This field is required."),
    N_("Invalid input."),
    N_("Invalid email address."),
    N_("Invalid IP address."),
    N_("Invalid Mac address."),
    N_("Invalid URL."),
    N_("Invalid UUID."),
    N_("Invalid value, must be one of: %(values)s."),
    N_("Invalid value, can't be any of: %(values)s."),
    N_("This field cannot be edited."),
    N_("This field is disabled and cannot have a value."),
    N_("Invalid CSRF Token."),
    N_("CSRF token missing."),
    N_("CSRF failed."),
    N_("CSRF token expired."),
    N_("Invalid Choice: could not coerce."),
    N_("Choices cannot be None."),
    N_("Not a valid choice."),
    N_("Invalid choice(s): one or more data inputs could not be coerced."),
    Nn_("'%(value)s' is not a valid choice for this field.", "'%(value)s' are not valid choices for this field."),
    N_("Not a valid datetime value."),
    N_("Not a valid date value."),
    N_("Not a valid time value."),
    N_("Not a valid week value."),
    N_("Not a valid integer value."),
    N_("Not a valid decimal value."),
    N_("Not a valid float value."),
    # Flask-WTF
    N_("File does not have an approved extension: {extensions}"),
    N_("File does not have an approved extension."),
)
