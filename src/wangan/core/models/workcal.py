from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """An admin-entered exception to the weekly pattern for a year the packaged calendar lacks.

    A holiday on a weekday is ``is_working=False``; a make-up working Saturday/Sunday is
    ``is_working=True``.  Any year with at least one entry counts as officially scheduled.
    """

    date = models.DateField(unique=True)
    is_working = models.BooleanField()
    name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date} {'working' if self.is_working else 'off'}"
