from celery import shared_task

from wangan.vouchers.services import vouchers_expire


@shared_task(name="vouchers.expire", ignore_result=True)
def vouchers_expire_task() -> int:
    """Daily: §五(六) — unsigned codes expire at the end of their year."""
    return vouchers_expire()
