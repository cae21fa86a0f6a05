"""``{{ amount|yuan }}``: money as Chinese finance documents write it, ``1,719,600.00``.

Django's zh-Hans number format has no thousands separator, which makes seven-figure amounts hard
to read; contracts and invoices group by thousands whatever the interface language.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def yuan(value) -> str:
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(value)
    return f"{amount:,.2f}"
