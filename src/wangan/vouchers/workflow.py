"""The voucher state machine (seed 000 §五(三)–(五)); every status change goes through this table."""

from wangan.core.workflow import Transition, Workflow
from wangan.vouchers.choices import VoucherStatus as S
from wangan.vouchers.permissions import is_enterprise_side, is_provider_side


def _either(user, voucher) -> bool:
    return is_enterprise_side(user, voucher) or is_provider_side(user, voucher)


VOUCHER_WORKFLOW = Workflow.of(
    "status",
    [
        Transition("choose_provider", (S.ISSUED, S.MATCHING), S.MATCHING, is_enterprise_side),
        Transition("confirm", (S.MATCHING,), S.MATCHING, _either),
        Transition("agree", (S.MATCHING,), S.AGREEMENT, _either),
        Transition("sign", (S.AGREEMENT,), S.AGREEMENT, _either),
        Transition("complete_signing", (S.AGREEMENT,), S.SIGNED, _either),
        Transition("send_manual", (S.SIGNED,), S.IN_SERVICE, is_provider_side),
        Transition("report", (S.IN_SERVICE,), S.REPORTED, is_provider_side),
        Transition("confirm_completion", (S.REPORTED,), S.COMPLETED, is_enterprise_side),
        # §五(六): codes not signed within the year expire (the periodic job acts as the system)
        Transition("expire", (S.ISSUED, S.MATCHING, S.AGREEMENT), S.EXPIRED, lambda user, v: user is None),
    ],
)
