"""Every form speaks the user's language: WTForms' and Flask-WTF's own messages come from our catalogs."""
import importlib
import pkgutil
from pathlib import Path

import pytest
import wtforms
from babel.messages.pofile import read_po
from flask import session
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange

import ecabinet
from ecabinet.core.forms import BUILT_IN_MESSAGES, Form


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def product_forms():
    """Every form class of the product: the forms module of each domain, imported."""
    for module in pkgutil.iter_modules(ecabinet.__path__):
        if module.ispkg and importlib.util.find_spec(f"ecabinet.{module.name}.forms") is not None:
            importlib.import_module(f"ecabinet.{module.name}.forms")
    return sorted({cls for cls in _all_subclasses(FlaskForm) if cls.__module__.startswith("ecabinet.")
                   and cls is not Form}, key=lambda cls: f"{cls.__module__}.{cls.__name__}")


def test_every_form_of_the_product_derives_from_the_translated_base():
    forms = product_forms()
    assert len(forms) >= 20
    strays = [f"{cls.__module__}.{cls.__name__}" for cls in forms if not issubclass(cls, Form)]
    assert not strays, f"derive these from ecabinet.core.forms.Form: {strays}"


def _wtforms_messages():
    with open(Path(wtforms.__file__).parent / "locale" / "wtforms.pot", "rb") as handle:
        return [m.id if isinstance(m.id, str) else tuple(m.id) for m in read_po(handle) if m.id]


def test_the_catalog_lists_every_message_wtforms_ships():
    """An upgrade of WTForms that adds a message fails here until the message is in the catalog."""
    listed = set(BUILT_IN_MESSAGES)
    missing = [m for m in _wtforms_messages() if m not in listed]
    assert not missing, missing


def test_every_built_in_message_is_vietnamese_in_vietnamese(app):
    from flask_babel import force_locale, get_translations

    with app.test_request_context(), force_locale("vi"):
        translations = get_translations()
        for message in BUILT_IN_MESSAGES:
            if isinstance(message, tuple):
                for n in (1, 5):
                    assert translations.ungettext(*message, n) not in message, message
            else:
                assert translations.ugettext(message) != message, message


class _Sample(Form):
    class Meta:
        csrf = False

    name = StringField("name", validators=[DataRequired(), Length(max=5)])
    short = StringField("short", validators=[Length(min=3)])
    email = StringField("email", validators=[Email(check_deliverability=False)])
    count = IntegerField("count", validators=[NumberRange(1, 10)])
    day = DateField("day")
    pick = SelectField("pick", choices=[("a", "A")])


BAD = {"name": "", "short": "ab", "email": "không-phải-thư", "count": "42", "day": "31/02/2026", "pick": "z"}


@pytest.mark.parametrize("lang, expected", [
    ("vi", {"name": "Trường này là bắt buộc.", "short": "Cần nhập ít nhất 3 ký tự.",
            "email": "Địa chỉ thư điện tử không hợp lệ.", "count": "Số phải nằm trong khoảng từ 1 đến 10.",
            "day": "Ngày không hợp lệ.", "pick": "Lựa chọn không hợp lệ."}),
    ("en", {"name": "This field is required.", "short": "Field must be at least 3 characters long.",
            "email": "Invalid email address.", "count": "Number must be between 1 and 10.",
            "day": "Not a valid date value.", "pick": "Not a valid choice."}),
])
def test_validation_messages_follow_the_language_of_the_page(app, lang, expected):
    with app.test_request_context(method="POST", data=BAD):
        session["lang"] = lang
        form = _Sample()
        assert not form.validate()
        assert {name: errors[0] for name, errors in form.errors.items()} == expected
    with app.test_request_context(method="POST", data={**BAD, "name": "quá dài rồi", "count": "x"}):
        session["lang"] = lang
        form = _Sample()
        form.validate()
        too_long = {"vi": "Không được dài quá 5 ký tự.", "en": "Field cannot be longer than 5 characters."}
        not_a_number = {"vi": "Vui lòng nhập một số nguyên.", "en": "Not a valid integer value."}
        assert form.name.errors == [too_long[lang]]
        assert not_a_number[lang] in form.count.errors
