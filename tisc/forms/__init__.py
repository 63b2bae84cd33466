"""WTForms forms: every label lazily translated, every field validated."""

import gettext

from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import SelectChoice
from wtforms.i18n import messages_path

from tisc.caching import Cache

_wtforms_messages: Cache[gettext.NullTranslations] = Cache(size=8)


class Form(FlaskForm):
    """The base of our forms: WTForms' own messages in the page's language, read once per
    language (Flask-WTF would parse WTForms' catalogue again on every request)."""

    class Meta:
        def get_translations(self, form):
            locale = str(get_locale())
            return _wtforms_messages.get(
                locale,
                lambda: gettext.translation("wtforms", messages_path(), [locale], fallback=True),
            )


def options(pairs) -> list[SelectChoice]:
    """A select field's choices from ``(value, label)`` pairs."""
    return [SelectChoice(value, label) for value, label in pairs]
