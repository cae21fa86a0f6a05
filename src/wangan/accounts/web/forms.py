from django import forms
from django.utils.translation import gettext_lazy as _

from wangan.accounts.choices import SELF_REGISTERING_TYPES, OrgRole, OrgType, PlatformRole


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Login name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)


class TotpForm(forms.Form):
    code = forms.RegexField(
        label=_("Verification code"), regex=r"^\d{6}$", max_length=6,
        error_messages={"invalid": _("Enter the 6-digit code from your authenticator app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )  # fmt: skip


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)
    new_password2 = forms.CharField(label=_("New password again"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords differ."))
        return data


class RegistrationForm(forms.Form):
    org_type = forms.ChoiceField(
        label=_("Organization type"), choices=[(t.value, t.label) for t in SELF_REGISTERING_TYPES]
    )
    org_name = forms.CharField(label=_("Organization name"), max_length=200)
    credit_code = forms.RegexField(
        label=_("Unified social credit code"), regex=r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$",
        error_messages={"invalid": _("A unified social credit code has 18 characters (digits and capitals).")},
    )  # fmt: skip
    address = forms.CharField(label=_("Registered address"), max_length=300)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100)
    contact_phone = forms.RegexField(
        label=_("Contact phone"), regex=r"^[0-9+\-() ]{7,20}$",
        error_messages={"invalid": _("Enter a valid phone number.")},
    )  # fmt: skip
    username = forms.RegexField(
        label=_("Login name"), regex=r"^[A-Za-z0-9_.\-]{3,64}$",
        error_messages={"invalid": _("3–64 letters, digits, dot, dash or underscore.")},
    )  # fmt: skip
    real_name = forms.CharField(label=_("Real name"), max_length=100)
    phone = forms.RegexField(label=_("Mobile phone"), regex=r"^1\d{10}$",
                             error_messages={"invalid": _("Enter an 11-digit mobile number.")})  # fmt: skip
    email = forms.EmailField(label=_("E-mail"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput)
    accepted = forms.BooleanField(label=_("I have read and accept the user agreement"), required=True)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class UserCreateForm(forms.Form):
    username = forms.RegexField(label=_("Login name"), regex=r"^[A-Za-z0-9_.\-]{3,64}$")
    real_name = forms.CharField(label=_("Real name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=OrgRole.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    platform_role = forms.ChoiceField(label=_("Platform role"), choices=PlatformRole.choices, required=False)


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=OrgRole.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    platform_role = forms.ChoiceField(label=_("Platform role"), choices=PlatformRole.choices, required=False)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              max_length=2000)  # fmt: skip


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=[("read", _("read")), ("write", _("write"))], widget=forms.CheckboxSelectMultiple
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=365, initial=90)


ORG_TYPE_FILTER = [("", _("All types")), *OrgType.choices]
