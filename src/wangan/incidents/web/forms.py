"""Forms of the incident pages: shapes and types only; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wangan.incidents.choices import IncidentKind, PeriodLevel

AUTO = "auto"
_DT = {"type": "datetime-local", "class": "form-control"}
_DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


def _dt(label, required=True, help_text=""):
    return forms.DateTimeField(label=label, required=required, help_text=help_text, input_formats=_DT_FORMATS,
                               widget=forms.DateTimeInput(attrs=_DT, format="%Y-%m-%dT%H:%M"))  # fmt: skip


def _check(label, help_text=""):
    return forms.BooleanField(label=label, required=False, help_text=help_text,
                              widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))  # fmt: skip


_SEL = {"class": "form-select"}
_TXT = {"class": "form-control"}


class IncidentForm(forms.Form):
    """All facts 附件4 asks about; the class is computed from them."""

    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs=_TXT))
    kind = forms.ChoiceField(label=_("Kind"), choices=IncidentKind.choices, widget=forms.Select(attrs=_SEL))
    started_at = _dt(_("Started at"))
    ended_at = _dt(_("Ended at"), required=False, help_text=_("Leave empty while it is still going on."))
    people_affected = forms.IntegerField(label=_("People affected"), min_value=0, initial=0,
                                         widget=forms.NumberInput(attrs=_TXT))  # fmt: skip
    loss_amount = forms.DecimalField(label=_("Economic loss (CNY)"), min_value=0, max_digits=18, decimal_places=2,
                                     initial=0, widget=forms.NumberInput(attrs={**_TXT, "step": "0.01"}))  # fmt: skip
    is_provider_fault = _check(_("Caused by the provider's failure to follow the O&M rules"))
    period_level = forms.ChoiceField(
        label=_("Special period"), required=False, widget=forms.Select(attrs=_SEL),
        choices=[(AUTO, _("Detect from the start time")), *PeriodLevel.choices], initial=AUTO,
        help_text=_("By default the special period is found from the calendar and the declared periods."),
    )  # fmt: skip
    handled_per_plan = _check(_("Handled according to the emergency plan"))
    is_publicly_reported = _check(_("Reported by a national body or the media, or noted by city leaders"))
    is_major_event = _check(_("A major network security incident"))
    data_loss_months = forms.DecimalField(label=_("Months of data lost"), required=False, min_value=0, max_digits=6,
                                          decimal_places=2, widget=forms.NumberInput(attrs={**_TXT, "step": "0.5"}))  # fmt: skip
    is_unrecoverable = _check(_("The lost data cannot be recovered"))
    weakness_notified_at = _dt(_("Weakness notified by a third party at"), required=False)
    weakness_treated_at = _dt(_("Weakness treated at"), required=False,
                              help_text=_("Untreated for more than 48 hours counts against the provider (附件4)."))  # fmt: skip

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("period_level") == AUTO or "period_level" not in self.data:
            data.pop("period_level")  # the service detects it from the start time
        if data.get("loss_amount") is None:
            data["loss_amount"] = 0
        if data.get("people_affected") is None:
            data["people_affected"] = 0
        return data


class IncidentFilterForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), required=False, widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                              choices=[("", _("any")), ("A", _("Class A")), ("B", _("Class B")), ("none", _("Below class B"))])  # fmt: skip
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("any")), *IncidentKind.choices],
                             widget=forms.Select(attrs={"class": "form-select form-select-sm"}))  # fmt: skip
    special = forms.ChoiceField(label=_("Special period"), required=False,
                                choices=[("", _("any")), ("any", _("In a special period")), ("major", _("In a major protection period"))],
                                widget=forms.Select(attrs={"class": "form-select form-select-sm"}))  # fmt: skip
    since = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}))  # fmt: skip
    until = forms.DateField(label=_("To"), required=False,
                            widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}))  # fmt: skip


class RequestRaiseForm(forms.Form):
    description = forms.CharField(
        label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={**_TXT, "rows": 3})
    )
    is_emergency = forms.TypedChoiceField(
        label=_("Type"), coerce=lambda v: v == "1", initial="1", widget=forms.Select(attrs=_SEL),
        choices=[("1", _("Emergency (respond within 2 hours)")), ("0", _("Ordinary O&M request"))],
    )  # fmt: skip
    raised_at = _dt(_("Raised at"), required=False, help_text=_("Leave empty for now."))
    incident = forms.TypedChoiceField(label=_("Related incident"), required=False, coerce=int, empty_value=None,
                                      widget=forms.Select(attrs=_SEL))  # fmt: skip

    def __init__(self, *args, incidents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incident"].choices = [("", "—"), *[(i.pk, str(i)) for i in incidents]]


class RequestStepForm(forms.Form):
    """Respond or recover: when (default now) and what was done."""

    at = _dt(_("At"), required=False, help_text=_("Leave empty for now."))
    note = forms.CharField(label=_("What was done"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={**_TXT, "rows": 2}))  # fmt: skip


class LinkIncidentForm(forms.Form):
    incident = forms.TypedChoiceField(label=_("Related incident"), required=False, coerce=int, empty_value=None,
                                      widget=forms.Select(attrs=_SEL))  # fmt: skip

    def __init__(self, *args, incidents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incident"].choices = [("", "—"), *[(i.pk, str(i)) for i in incidents]]


class PeriodDeclareForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, widget=forms.TextInput(attrs=_TXT),
                           help_text=_("For example 两会 or a major event."))  # fmt: skip
    starts_on = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date", **_TXT}))
    ends_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date", **_TXT}))
    level = forms.ChoiceField(label=_("Level"), initial="major", widget=forms.Select(attrs=_SEL),
                              choices=[("major", PeriodLevel.MAJOR.label), ("normal", PeriodLevel.NORMAL.label)])  # fmt: skip


class ShiftForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Person on duty"), coerce=int, widget=forms.Select(attrs=_SEL))
    starts_at = _dt(_("On duty from"))
    ends_at = _dt(_("On duty until"))
    post = forms.CharField(label=_("Post or location"), max_length=100, widget=forms.TextInput(attrs=_TXT))
    phone = forms.CharField(
        label=_("Phone"), max_length=40, required=False, widget=forms.TextInput(attrs=_TXT)
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(p.pk, f"{p.name}（{p.project_role}）" if p.project_role else p.name)
                                         for p in people]  # fmt: skip


class CheckInForm(forms.Form):
    shift = forms.IntegerField(widget=forms.HiddenInput)
    at = _dt(_("At"), required=False, help_text=_("Leave empty for now."))
    note = forms.CharField(
        label=_("Note"), max_length=300, required=False, widget=forms.TextInput(attrs=_TXT)
    )


class CheckOutForm(forms.Form):
    attendance = forms.IntegerField(widget=forms.HiddenInput)
    at = _dt(_("At"), required=False, help_text=_("Leave empty for now."))
