"""Password rules for 等保 level 3: ≥ 8 characters from 3 of 4 classes, none of the last five."""

from __future__ import annotations

import string

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class CharacterClassValidator:
    def __init__(self, classes: int = 3):
        self.classes = classes

    def validate(self, password: str, user=None) -> None:
        found = sum(
            (
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(c in string.punctuation or c == " " for c in password),
            )
        )
        if found < self.classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return ngettext(
            "The password must use at least %(n)d of: lower-case letters, upper-case letters, digits, symbols.",
            "The password must use at least %(n)d of: lower-case letters, upper-case letters, digits, symbols.",
            self.classes,
        ) % {"n": self.classes}


class HistoryValidator:
    def __init__(self, remember: int = 5):
        self.remember = remember

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        # "the last five" includes the current password, so four older ones from the history
        recent = list(user.password_history.values_list("password", flat=True)[: self.remember - 1])
        if user.password:
            recent.append(user.password)
        if any(check_password(password, old) for old in recent):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def get_help_text(self) -> str:
        return _("The password must differ from your last %(n)d passwords.") % {"n": self.remember}
