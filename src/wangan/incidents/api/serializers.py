"""Input and output shapes of the incidents API.  Choice fields are plain strings here: the services
check them and answer with the project's error format."""

from __future__ import annotations

from rest_framework import serializers

from wangan.incidents import selectors
from wangan.incidents.models import DutyAttendance, DutyShift, EmergencyRequest, Incident, SpecialPeriod


class IncidentOut(serializers.ModelSerializer):
    kind = serializers.CharField()
    level = serializers.CharField(help_text="A, B or empty (below class B)")
    period_level = serializers.CharField(help_text="'', 'normal' (重保) or 'major'")
    special_period = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = ["id", "contract", "title", "kind", "started_at", "ended_at", "people_affected", "loss_amount",
                  "is_provider_fault", "period_level", "special_period", "handled_per_plan", "is_publicly_reported",
                  "data_loss_months", "is_unrecoverable", "weakness_notified_at", "weakness_treated_at",
                  "is_major_event", "level", "rule", "rule_reason", "created_at"]  # fmt: skip

    def get_special_period(self, obj) -> str | None:
        return obj.special_period.name if obj.special_period_id else None


class IncidentIn(serializers.Serializer):
    """The facts of 附件4; leave out ``period_level`` to have it detected from the start time."""

    title = serializers.CharField(max_length=200)
    kind = serializers.CharField(max_length=20, help_text="outage, defacement, data_loss, intrusion or other")
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(required=False, allow_null=True)
    people_affected = serializers.IntegerField(required=False, min_value=0)
    loss_amount = serializers.DecimalField(max_digits=18, decimal_places=2, required=False, min_value=0)
    is_provider_fault = serializers.BooleanField(required=False)
    period_level = serializers.CharField(required=False, allow_blank=True, max_length=10)
    handled_per_plan = serializers.BooleanField(required=False)
    is_publicly_reported = serializers.BooleanField(required=False)
    data_loss_months = serializers.DecimalField(
        max_digits=6, decimal_places=2, required=False, allow_null=True
    )
    is_unrecoverable = serializers.BooleanField(required=False)
    weakness_notified_at = serializers.DateTimeField(required=False, allow_null=True)
    weakness_treated_at = serializers.DateTimeField(required=False, allow_null=True)
    is_major_event = serializers.BooleanField(required=False)


class IncidentFilterIn(serializers.Serializer):
    level = serializers.CharField(required=False, allow_blank=True, help_text="A, B or none")
    kind = serializers.CharField(required=False, allow_blank=True)
    special = serializers.CharField(required=False, allow_blank=True, help_text="any or major")
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)


class RequestOut(serializers.ModelSerializer):
    status = serializers.CharField(help_text="raised, responded or recovered")
    clock = serializers.SerializerMethodField()

    class Meta:
        model = EmergencyRequest
        fields = ["id", "contract", "is_emergency", "description", "status", "raised_at", "responded_at",
                  "response_note", "recovered_at", "recovery_note", "incident", "clock"]  # fmt: skip

    def get_clock(self, obj) -> dict:
        c = selectors.request_clock(request=obj)
        return {"due_at": serializers.DateTimeField().to_representation(c.due_at) if c.due_at else None,
                "status": c.status, "limit_minutes": c.limit_minutes if c.is_emergency else None,
                "remaining_minutes": c.remaining_minutes, "overdue_minutes": c.overdue_minutes,
                "response_minutes": None if c.response_minutes is None else round(c.response_minutes, 1),
                "recovery_minutes": None if c.recovery_minutes is None else round(c.recovery_minutes, 1)}  # fmt: skip


class RequestIn(serializers.Serializer):
    description = serializers.CharField(max_length=4000)
    is_emergency = serializers.BooleanField(default=True)
    raised_at = serializers.DateTimeField(required=False, allow_null=True)
    incident = serializers.IntegerField(required=False, allow_null=True)


class StepIn(serializers.Serializer):
    at = serializers.DateTimeField(required=False, allow_null=True, help_text="default: now")
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class PeriodOut(serializers.ModelSerializer):
    level = serializers.CharField()
    source = serializers.CharField()

    class Meta:
        model = SpecialPeriod
        fields = ["id", "name", "starts_on", "ends_on", "level", "source"]


class PeriodIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    level = serializers.CharField(default="major", help_text="major or normal")


class ShiftOut(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name")

    class Meta:
        model = DutyShift
        fields = [
            "id",
            "contract",
            "special_period",
            "person",
            "person_name",
            "starts_at",
            "ends_at",
            "post",
            "phone",
        ]


class ShiftIn(serializers.Serializer):
    person = serializers.IntegerField(help_text="a member of the contract's personnel list")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    post = serializers.CharField(max_length=100)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class AttendanceOut(serializers.ModelSerializer):
    class Meta:
        model = DutyAttendance
        fields = ["id", "shift", "checked_in_at", "checked_out_at", "note"]


class CheckInIn(serializers.Serializer):
    at = serializers.DateTimeField(required=False, allow_null=True, help_text="default: now")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class CheckOutIn(serializers.Serializer):
    at = serializers.DateTimeField(required=False, allow_null=True, help_text="default: now")


def gap_data(gap, code: str = "") -> dict:
    dt = serializers.DateTimeField()
    return {"start": dt.to_representation(gap.start), "end": dt.to_representation(gap.end),
            "minutes": round(gap.minutes, 1), "band": gap.band, "is_open": gap.is_open, "code": code}  # fmt: skip


def coverage_data(cov: selectors.RosterCoverage) -> dict:
    dt = serializers.DateTimeField()
    return {
        "period": PeriodOut(cov.period).data, "start": dt.to_representation(cov.start),
        "end": dt.to_representation(cov.end), "horizon": dt.to_representation(cov.horizon),
        "planned_hours": round(cov.planned_hours, 2), "attended_hours": round(cov.attended_hours, 2),
        "planned_gaps": [gap_data(g) for g in cov.planned_gaps],
        "unattended": [gap_data(r.gap, r.code) for r in cov.unattended],
        "serious_incidents": [i.pk for i in cov.serious],
        "shifts": ShiftOut(cov.shifts, many=True).data, "attendance": AttendanceOut(cov.attendance, many=True).data,
    }  # fmt: skip


def availability_data(table: selectors.AvailabilityTable) -> dict:
    dt = serializers.DateTimeField()
    return {
        "months": [{"month": r.month.label, "total_minutes": r.month.total_minutes,
                    "outage_minutes": str(r.month.down_minutes), "availability": str(r.month.percent),
                    "formula": selectors.availability_formula(r.month), "is_below": r.month.is_below,
                    "code": r.code, "serious": r.serious, "has_ongoing": r.has_ongoing,
                    "outage_minutes_with_ongoing": str(r.shown.down_minutes), "is_future": r.is_future}
                   for r in table.rows],
        "long_outages": [{"incident": o.ref, "title": o.title, "start": dt.to_representation(o.start),
                          "end": dt.to_representation(o.end)} for o in table.long_outages],
        "clusters": [{"start": dt.to_representation(c.start), "incidents": [o.ref for o in c.outages],
                      "total_minutes": round(c.total.total_seconds() / 60, 1)} for c in table.clusters],
    }  # fmt: skip
