"""Forms of the log service pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wangan.logs.choices import AlertKind, Level, SourceType
from wangan.logs.models import LogSource

_DATE = forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"})


class WindowForm(forms.Form):
    """The time range of a review page (dates, end inclusive)."""

    since = forms.DateField(label=_("From"), required=False, widget=_DATE)
    until = forms.DateField(label=_("To"), required=False, widget=_DATE)


class SourceForm(forms.ModelForm):
    class Meta:
        model = LogSource
        fields = ["name", "host", "type", "criticality", "description", "is_active"]
        widgets = {
            "name": forms.TextInput(attrs={"class": "form-control"}),
            "host": forms.TextInput(attrs={"class": "form-control"}),
            "type": forms.Select(attrs={"class": "form-select"}, choices=SourceType.choices),
            "criticality": forms.NumberInput(attrs={"class": "form-control", "min": 1, "max": 5}),
            "description": forms.TextInput(attrs={"class": "form-control"}),
            "is_active": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Log file"), help_text=_("Plain text, .gz or .zip; the analysis runs in the background."),
                           widget=forms.ClearableFileInput(attrs={"class": "form-control"}))  # fmt: skip


class EventSearchForm(WindowForm):
    q = forms.CharField(label=_("Text"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))  # fmt: skip
    source = forms.IntegerField(label=_("Source"), required=False, widget=forms.HiddenInput)
    category = forms.ChoiceField(label=_("Category"), required=False, widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                                 choices=[("", _("any")), ("authentication", _("authentication")), ("session", _("session")),
                                          ("privileged", _("privileged")), ("iam", _("accounts and groups")), ("web", _("web")),
                                          ("fault", _("fault")), ("process", _("process")), ("scheduled", _("scheduled")),
                                          ("network", _("network")), ("other", _("other"))])  # fmt: skip
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                                choices=[("", _("any")), ("success", _("success")), ("failure", _("failure"))])  # fmt: skip
    host = forms.CharField(label=_("Host"), required=False, max_length=255,
                           widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))  # fmt: skip
    user = forms.CharField(label=_("User"), required=False, max_length=255,
                           widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))  # fmt: skip
    src_ip = forms.CharField(label=_("Source address"), required=False, max_length=255,
                             widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))  # fmt: skip


class AlertFilterForm(WindowForm):
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("any")), *Level.choices],
                              widget=forms.Select(attrs={"class": "form-select form-select-sm"}))  # fmt: skip
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("any")), *AlertKind.choices],
                             widget=forms.Select(attrs={"class": "form-select form-select-sm"}))  # fmt: skip
    q = forms.CharField(label=_("Rule or author"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))  # fmt: skip
    src_ip = forms.CharField(label=_("Source address"), required=False, max_length=255,
                             widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))  # fmt: skip


class OverrideForm(forms.Form):
    rule_id = forms.CharField(max_length=200, widget=forms.HiddenInput)
    is_enabled = forms.BooleanField(required=False)
    level = forms.ChoiceField(required=False, choices=[("", _("default")), *Level.choices])


class RuleUploadForm(forms.Form):
    file = forms.FileField(label=_("Sigma rule file (YAML)"), required=False,
                           widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".yml,.yaml"}))  # fmt: skip
    text = forms.CharField(label=_("…or paste the rule"), required=False, max_length=256 * 1024,
                           widget=forms.Textarea(attrs={"class": "form-control mono", "rows": 8}))  # fmt: skip

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > 256 * 1024:
                raise forms.ValidationError(_("The rule file is larger than 256 KB."))
            try:
                data["text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(_("The rule file is not UTF-8 text.")) from exc
        if not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Choose a file or paste a rule."))
        return data


class RuleTestForm(forms.Form):
    rule_id = forms.ChoiceField(label=_("Rule"), widget=forms.Select(attrs={"class": "form-select"}))
    lines = forms.CharField(label=_("Sample lines, one per line"), max_length=200_000,
                            widget=forms.Textarea(attrs={"class": "form-control mono", "rows": 8}))  # fmt: skip

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule_id"].choices = [(r.id, f"{r.title} — {r.author}") for r in rules]

    def clean_lines(self):
        lines = [ln for ln in self.cleaned_data["lines"].splitlines() if ln.strip()]
        if len(lines) > 200:
            raise forms.ValidationError(_("At most 200 lines."))
        return lines


class ReportForm(forms.Form):
    period_start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    period_end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))


class ReportAttachForm(forms.Form):
    """Which of the contractor's open log-analysis tasks the report is handed in for."""

    task = forms.TypedChoiceField(label=_("Contract task"), coerce=int,
                                  widget=forms.Select(attrs={"class": "form-select form-select-sm"}))  # fmt: skip

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].choices = [(c.id, c.label) for c in choices]


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2999,
                              widget=forms.NumberInput(attrs={"class": "form-control"}))  # fmt: skip
