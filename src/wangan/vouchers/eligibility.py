"""Enterprise eligibility (seed 000 §三): every unmet condition is listed, in plain words."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from wangan.vouchers.catalog import CREDIT_SOURCES
from wangan.vouchers.choices import CreditResult
from wangan.vouchers.models import (
    CreditCheck,
    EnterpriseProfile,
    EnterpriseQualification,
    Programme,
    RndInstitution,
)


@dataclass
class Eligibility:
    eligible: bool
    reasons: list[str] = field(default_factory=list)
    met: list[str] = field(default_factory=list)


def enterprise_eligibility(*, organization, programme: Programme, today: date) -> Eligibility:
    reasons: list[str] = []
    met: list[str] = []
    if organization.type != "enterprise":
        return Eligibility(False, [_("Only enterprises apply for vouchers.")])
    profile = EnterpriseProfile.objects.select_related("park_area").filter(organization=organization).first()
    # §三(一): registered inside the "一区多园", an independent legal person
    if profile is None or profile.park_area is None or not profile.park_area.is_active:
        reasons.append(_("The enterprise is not registered in one of the programme's parks (一区多园)."))
    else:
        met.append(_("Registered in %(park)s.") % {"park": profile.park_area.name})
    if profile is None or not profile.is_independent_legal_person:
        reasons.append(_("The enterprise is not declared an independent legal person."))
    # §三(二): no abnormal operation or dishonesty in either register (institutions: 信用中国 only)
    sources = ["creditchina"] if profile and profile.legal_person_kind == "institution" else [s for s, _l in CREDIT_SOURCES]
    for source in sources:
        label = dict(CREDIT_SOURCES)[source]
        check = CreditCheck.objects.filter(organization=organization, source=source).order_by("-checked_on", "-id").first()
        if check is None:
            reasons.append(_("No credit check in %(source)s is on record yet.") % {"source": label})
        elif check.result != CreditResult.CLEAN:
            reasons.append(_("%(source)s shows “%(result)s” (checked %(date)s).")
                           % {"source": label, "result": check.get_result_display(), "date": check.checked_on})  # fmt: skip
        else:
            met.append(_("%(source)s clean (checked %(date)s).") % {"source": label, "date": check.checked_on})
    # §三(三): any one of a valid recognition, a valid R&D institution, an innovation score ≥ threshold
    qualification = EnterpriseQualification.objects.filter(organization=organization, valid_from__lte=today,
                                                           valid_until__gte=today).first()  # fmt: skip
    institution = RndInstitution.objects.filter(organization=organization, valid_until__gte=today).first()
    score = profile.innovation_score if profile else None
    if qualification:
        met.append(_("Valid recognition: %(kind)s until %(date)s.")
                   % {"kind": qualification.get_kind_display(), "date": qualification.valid_until})  # fmt: skip
    elif institution:
        met.append(_("Valid R&D institution: %(name)s.") % {"name": institution.name})
    elif score is not None and score >= programme.innovation_threshold:
        met.append(_("Innovation score %(score)d.") % {"score": score})
    else:
        reasons.append(
            _("None of: a valid recognition (high-tech enterprise, tech-based SME, eaglet, gazelle, leading "
              "enterprise), a valid R&D institution, or an innovation score of at least %(min)d (yours: %(score)s).")
            % {"min": programme.innovation_threshold, "score": score if score is not None else "—"}
        )
    return Eligibility(not reasons, reasons, met)
