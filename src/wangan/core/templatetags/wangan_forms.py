"""``{{ field|bs }}``: render a form field with the Bootstrap class its widget needs.

Forms stay free of presentation; the partials that lay fields out ask for the class here.
A class the form already set is kept.
"""

from __future__ import annotations

from django import forms, template

register = template.Library()


def _bootstrap_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "" if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple) else "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    if isinstance(widget, forms.HiddenInput):
        return ""
    return "form-control"


@register.filter
def bs(bound_field):
    widget = bound_field.field.widget
    if widget.attrs.get("class"):
        return bound_field
    css = _bootstrap_class(widget)
    if bound_field.errors and css:
        css += " is-invalid"
    return bound_field.as_widget(attrs={"class": css}) if css else bound_field
