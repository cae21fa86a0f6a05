"""Money: the Chinese upper-case amount (大写) and the contract's derived sums.

The upper-case form follows the PBOC rules for filling in amounts (《正确填写票据和结算凭证的基本规定》):
a leading 壹拾 is written out, one 零 stands for any run of zeros between non-zero digits (also across
the 万/亿 boundary, as seed 004 第五条 writes 壹佰贰拾万零叁仟柒佰贰拾元整), and 整 ends an amount
without 角/分.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from wangan.core.errors import ValidationFailed

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("仟", "佰", "拾", "")
GROUP_UNITS = ("", "万", "亿", "万亿")
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999999999.99")


def money(value) -> Decimal:
    """Round to the cent (half up, as accounting does)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def amount_upper(value, *, prefix: str = "人民币") -> str:
    """``1719600`` → ``人民币壹佰柒拾壹万玖仟陆佰元整`` (seed 004 第五条)."""
    amount = money(value)
    if amount < 0 or amount > MAX_AMOUNT:
        raise ValidationFailed(_("The amount must be between 0 and 9999999999999999.99."), code="AMOUNT_OUT_OF_RANGE")
    yuan = int(amount)
    cents = int((amount - yuan) * 100)
    jiao, fen = divmod(cents, 10)
    text = _integer_upper(yuan) + "元" if yuan else ("" if cents else "零元")
    if jiao:
        text += DIGITS[jiao] + "角"
    elif fen and yuan:
        text += "零"
    if fen:
        text += DIGITS[fen] + "分"
    if not cents:
        text += "整"
    return prefix + text


def _integer_upper(n: int) -> str:
    digits = str(n)
    width = (len(digits) + 3) // 4 * 4
    digits = digits.rjust(width, "0")
    groups = [digits[i : i + 4] for i in range(0, width, 4)]
    out: list[str] = []
    pending_zero = False
    for g_index, group in enumerate(groups):
        group_unit = GROUP_UNITS[len(groups) - 1 - g_index]
        for pos, ch in enumerate(group):
            d = int(ch)
            if d == 0:
                pending_zero = bool(out)
                continue
            if pending_zero:
                out.append("零")
                pending_zero = False
            out.append(DIGITS[d] + SMALL_UNITS[pos])
        if int(group):
            out.append(group_unit)
    return "".join(out)


def percent_of(amount, percent) -> Decimal:
    """``percent`` % of ``amount``, to the cent."""
    return money(Decimal(amount) * Decimal(percent) / 100)
