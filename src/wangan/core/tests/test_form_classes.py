"""Form fields rendered through the shared partial carry Bootstrap's classes."""

from __future__ import annotations

from django import forms
from django.template import Context, Template


class Sample(forms.Form):
    name = forms.CharField()
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
    agree = forms.BooleanField()
    styled = forms.CharField(widget=forms.TextInput(attrs={"class": "mine"}))


def _render(form, field):
    return Template("{% load wangan_forms %}{{ f|bs }}").render(Context({"f": form[field]}))


def test_each_widget_gets_its_class_and_errors_mark_it_invalid():
    form = Sample(data={"kind": "a"})
    assert not form.is_valid()
    assert 'class="form-control is-invalid"' in _render(form, "name")
    assert 'aria-invalid="true"' in _render(form, "name")
    assert 'class="form-select"' in _render(form, "kind")
    assert 'class="form-check-input is-invalid"' in _render(form, "agree")
    assert 'class="mine"' in _render(form, "styled")  # a class the form set is kept


def test_login_page_inputs_are_styled(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert page.count('class="form-control"') == 2
