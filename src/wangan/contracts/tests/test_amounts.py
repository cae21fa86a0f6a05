"""The Chinese upper-case amount matches every figure written in seed 004."""

from decimal import Decimal

import pytest

from wangan.contracts.amounts import amount_upper
from wangan.core.errors import ValidationFailed


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1719600, "人民币壹佰柒拾壹万玖仟陆佰元整"),  # 第五条(一)
        (1203720, "人民币壹佰贰拾万零叁仟柒佰贰拾元整"),  # 第五条(二) 70 %
        (515880, "人民币伍拾壹万伍仟捌佰捌拾元整"),  # 第五条(二) 30 %
        (171960, "人民币壹拾柒万壹仟玖佰陆拾元整"),  # 第六条 bond
        (500000, "人民币伍拾万元整"),  # 第十一条(八)
        (0, "人民币零元整"),
        (Decimal("10.05"), "人民币壹拾元零伍分"),
        (Decimal("0.50"), "人民币伍角"),
        (100010000, "人民币壹亿零壹万元整"),
        (Decimal("6878.40"), "人民币陆仟捌佰柒拾捌元肆角"),
    ],
)
def test_upper_case_amount(value, text):
    assert amount_upper(value) == text


def test_negative_amount_is_refused():
    with pytest.raises(ValidationFailed):
        amount_upper(-1)
