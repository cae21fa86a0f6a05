"""Application writes: drafts, attachments, submission, every review step, construction, acceptance."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangan.core.audit import audit_record
from wangan.core.deadlines import deadline_cancel, deadline_start, deadline_stop
from wangan.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from wangan.core.files import file_store
from wangan.core.notify import notify
from wangan.core.workcal import add_working_time
from wangan.core.workflow import transition_apply
from wangan.filings import permissions as perms
from wangan.filings import validation
from wangan.filings.choices import Action, AssignmentRole, Status
from wangan.filings.models import (
    Application,
    Attachment,
    ExpertScore,
    LogEntry,
    Objection,
    ProgressReport,
    Qualification,
    StageAssignment,
)
from wangan.filings.spec import REGISTRY, ApplicationType, Stage
from wangan.filings.workflow import APPLICATION_WORKFLOW

EDITABLE = (Status.DRAFT, Status.RETURNED)


def spec_of(application: Application) -> ApplicationType:
    return REGISTRY.get(application.type_code)


def _log(application: Application, action: str, *, actor=None, comment: str = "", data: dict | None = None,
         file=None, stage: str | None = None) -> LogEntry:  # fmt: skip
    return LogEntry.objects.create(
        application=application, action=action, stage=application.stage if stage is None else stage, actor=actor,
        actor_name=getattr(actor, "real_name", "") or "", comment=comment, data=data or {}, file=file,
    )  # fmt: skip


def _stage_users(application: Application, stage: str, *roles: str):
    User = get_user_model()
    return User.objects.filter(
        is_active=True, filing_assignments__type_code=application.type_code, filing_assignments__stage=stage,
        **({"filing_assignments__role__in": roles} if roles else {}),
    ).distinct()  # fmt: skip


def _applicants(application: Application):
    return application.organization.users.filter(is_active=True)


def _link(application: Application) -> str:
    return f"/filings/{application.pk}/"


# --- drafts -----------------------------------------------------------------------------------
def application_create(*, actor, type_code: str, title: str = "") -> Application:
    """Start a draft; refused when the organization may not apply (type, or once a year)."""
    try:
        spec = REGISTRY.get(type_code)
    except KeyError as exc:
        raise ValidationFailed(_("Unknown application type."), code="TYPE_UNKNOWN") from exc
    org = actor.organization
    if actor.platform_role or org.type not in spec.applicant_org_types:
        raise PermissionDenied(_("Your organization cannot file this application."))
    year = timezone.localdate().year
    with transaction.atomic():
        # Row lock on the organization serializes concurrent "create" clicks.
        type(org).objects.select_for_update().filter(pk=org.pk).first()
        live = Application.objects.filter(organization=org, type_code=type_code).exclude(
            status__in=[Status.WITHDRAWN, Status.REJECTED, Status.NOT_ACCEPTED]
        )
        if spec.once_per_year:
            live = live.filter(year=year)
        if live.exists():
            raise ValidationFailed(
                _("Your organization already has an application of this kind (%(ref)s).")
                % {"ref": live.first().reference}, code="ALREADY_APPLIED",
            )  # fmt: skip
        app = Application.objects.create(
            type_code=type_code, organization=org, created_by=actor, year=year, title=title[:200] or str(spec.short),
            reference=f"{type_code[:2].upper()}{year}{secrets.token_hex(4).upper()}",
        )  # fmt: skip
        _log(app, Action.CREATED, actor=actor, stage="")
        audit_record(action="application.created", actor=actor, obj=app, after={"type": type_code})
    return app


def _check_editable(actor, application: Application) -> None:
    if not perms.is_applicant(actor, application):
        raise PermissionDenied(_("Only the applicant organization edits the application."))
    if application.status not in EDITABLE:
        raise InvalidTransition(_("The application can no longer be changed."), code="NOT_EDITABLE")


def _changed_paths(spec: ApplicationType, old: dict, new: dict) -> set[str]:
    changed = set()
    for section, item in spec.iter_items():
        before = (old.get(section.key) or {}).get(item.key)
        after = (new.get(section.key) or {}).get(item.key)
        if (before or None) != (after or None):
            changed.add(f"{section.key}.{item.key}")
    return changed


def application_save(*, actor, application: Application, values: dict, accept: list[str] | None = None,
                     title: str | None = None) -> tuple[Application, list[str]]:  # fmt: skip
    """Save what was typed (nothing is lost, even invalid values); returns notes on rounding.

    While returned for correction only the returned fields may change (seed-independent house rule
    of the review: the applicant corrects what the reviewer pointed at).
    """
    spec = spec_of(application)
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=application.pk)
        _check_editable(actor, app)
        merged = {k: dict(v) for k, v in (app.values or {}).items() if isinstance(v, dict)}
        for section, fields in (values or {}).items():
            if isinstance(fields, dict):
                merged.setdefault(section, {}).update(fields)
        normalized, notes = validation.normalize(spec, merged)
        if app.status == Status.RETURNED:
            outside = _changed_paths(spec, app.values or {}, normalized) - set(app.returned_paths)
            if outside:
                labels = ", ".join(sorted(_path_label(spec, p) for p in outside))
                raise ValidationFailed(
                    _("Only the fields returned for correction may change; you changed: %(fields)s.")
                    % {"fields": labels}, code="FIELD_NOT_RETURNED", details=sorted(outside),
                )  # fmt: skip
        app.values = normalized
        fields = ["values", "updated_at"]
        if title is not None and app.status == Status.DRAFT:
            app.title, fields = title.strip()[:200] or app.title, [*fields, "title"]
        for key in accept or []:
            commitment = next((c for c in spec.commitments if c.key == key), None)
            if commitment is None:
                raise ValidationFailed(_("Unknown commitment."), code="COMMITMENT_UNKNOWN")
            app.commitments[key] = {"version": commitment.version, "accepted_at": timezone.now().isoformat(),
                                    "user": actor.username}  # fmt: skip
            if "commitments" not in fields:
                fields.append("commitments")
        app.save(update_fields=fields)
    return app, notes


def _path_label(spec: ApplicationType, path: str) -> str:
    section_key, _, item_key = path.partition(".")
    if section_key == "attachments":
        try:
            return str(spec.attachment(item_key).label)
        except StopIteration:
            return path
    for section, item in spec.iter_items():
        if section.key == section_key and item.key == item_key:
            return str(item.label)
    return path


def attachment_add(*, actor, application: Application, slot: str, upload, document_date: date | None = None,
                   valid_until: date | None = None, note: str = "") -> Attachment:  # fmt: skip
    """Store an evidence file in one of the type's groups (checked by type; dates asked where needed)."""
    spec = spec_of(application)
    _check_editable(actor, application)
    try:
        slot_spec = spec.attachment(slot)
    except StopIteration as exc:
        raise ValidationFailed(_("Unknown attachment group."), code="ATTACHMENT_SLOT_UNKNOWN") from exc
    if application.status == Status.RETURNED and f"attachments.{slot}" not in application.returned_paths:
        raise ValidationFailed(_("This attachment group was not returned for correction."), code="FIELD_NOT_RETURNED")
    with transaction.atomic():
        stored = file_store(uploaded_by=actor, organization=application.organization, upload=upload,
                            purpose=f"filing:{application.type_code}:{slot}", allowed=set(slot_spec.extensions))  # fmt: skip
        att = Attachment.objects.create(application=application, slot=slot, file=stored, document_date=document_date,
                                        valid_until=valid_until, note=note[:200])  # fmt: skip
        audit_record(action="application.attachment_added", actor=actor, obj=application,
                     after={"slot": slot, "file": stored.pk, "sm3": stored.sm3})  # fmt: skip
    return att


def attachment_remove(*, actor, attachment: Attachment) -> None:
    application = attachment.application
    _check_editable(actor, application)
    if application.status == Status.RETURNED and f"attachments.{attachment.slot}" not in application.returned_paths:
        raise ValidationFailed(_("This attachment group was not returned for correction."), code="FIELD_NOT_RETURNED")
    with transaction.atomic():
        audit_record(action="application.attachment_removed", actor=actor, obj=application,
                     before={"slot": attachment.slot, "file": attachment.file_id})  # fmt: skip
        attachment.delete()  # the stored file stays: evidence once uploaded is never lost


def application_withdraw(*, actor, application: Application) -> Application:
    with transaction.atomic():
        app = transition_apply(workflow=APPLICATION_WORKFLOW, name="withdraw", obj=application, actor=actor)
        _log(app, Action.WITHDRAWN, actor=actor)
    return app


def attachment_infos(application: Application) -> list[validation.AttachmentInfo]:
    return [
        validation.AttachmentInfo(slot=a.slot, name=a.file.original_name, extension=a.file.original_name.rsplit(".", 1)[-1].lower(),
                                  document_date=a.document_date, valid_until=a.valid_until)  # fmt: skip
        for a in application.attachments.select_related("file")
    ]


def application_problems(application: Application) -> list[validation.Problem]:
    spec = spec_of(application)
    return validation.validate(spec, values=application.values, attachments=attachment_infos(application),
                               accepted=application.commitments, today=timezone.localdate(),
                               year=application.year)  # fmt: skip


# --- submission and stages --------------------------------------------------------------------
def _enter_stage(app: Application, stage: Stage) -> None:
    """Side effects of arriving at a stage: its clock, a public notice's period, who to tell."""
    app.stage = stage.key
    if stage.deadline_working_days:
        deadline_start(obj=app, kind=f"stage:{stage.key}", amount=stage.deadline_working_days, unit="working_days",
                       notify=list(_stage_users(app, stage.key)), organization_id=app.organization_id)  # fmt: skip
    if stage.kind == "public_notice":
        app.notice_ends_at = add_working_time(timezone.now(), stage.notice_days).date
        _log(app, Action.NOTICE_STARTED, data={"ends_at": app.notice_ends_at.isoformat()})
    who = _applicants(app) if stage.kind == "applicant_upload" else _stage_users(app, stage.key)
    notify(recipients=who, verb="filing.stage", title=_("%(ref)s is waiting at “%(stage)s”") %
           {"ref": app.reference, "stage": stage.label}, link=_link(app))  # fmt: skip


def _leave_stage(app: Application) -> None:
    if app.stage:
        deadline_stop(obj=app, kind=f"stage:{app.stage}")


def _next_stage(spec: ApplicationType, app: Application) -> Stage | None:
    stages = spec.all_stages()
    keys = [s.key for s in stages]
    i = keys.index(app.stage)
    if i + 1 < len(stages) and not (stages[i].approves and spec.post_approval):
        return stages[i + 1]
    return None


def application_submit(*, actor, application: Application) -> Application:
    """Submit (or resubmit after correction) — refused with every reason if anything is missing."""
    spec = spec_of(application)
    problems = application_problems(application)
    if problems:
        raise ValidationFailed(
            _("The application cannot be submitted yet: %(n)d problem(s).") % {"n": len(problems)},
            code="APPLICATION_INCOMPLETE", details=[{"path": p.path, "message": p.message} for p in problems],
        )  # fmt: skip
    resubmit = application.status == Status.RETURNED
    first = spec.stages[0]
    with transaction.atomic():
        app = transition_apply(
            workflow=APPLICATION_WORKFLOW, name="resubmit" if resubmit else "submit", obj=application, actor=actor,
            changes={"submitted_at": timezone.now(), "returned_paths": [], "field_comments": {}},
        )  # fmt: skip
        stage = spec.stage(app.stage) if resubmit and app.stage else first
        _log(app, Action.RESUBMITTED if resubmit else Action.SUBMITTED, actor=actor, stage=stage.key)
        _enter_stage(app, stage)
        app.save(update_fields=["stage", "notice_ends_at"])
    return app


def _current_stage(app: Application) -> Stage:
    return spec_of(app).stage(app.stage)


def _require_kind(app: Application, *kinds: str) -> Stage:
    stage = _current_stage(app)
    if stage.kind not in kinds:
        raise InvalidTransition(_("This action does not belong to the current stage."), code="WRONG_STAGE")
    return stage


def _advance(*, actor, app: Application, comment: str = "", data: dict | None = None, file=None) -> Application:
    """Leave the current stage positively: next stage, approval, or the title."""
    spec = spec_of(app)
    stage = _current_stage(app)
    nxt = _next_stage(spec, app)
    in_acceptance = app.status == Status.ACCEPTANCE
    with transaction.atomic():
        _leave_stage(app)
        if nxt is not None:
            name = "acceptance_pass" if in_acceptance else "pass"
            app = transition_apply(workflow=APPLICATION_WORKFLOW, name=name, obj=app, actor=actor,
                                   changes={"stage": nxt.key}, audit_extra={"from_stage": stage.key})  # fmt: skip
            _log(app, Action.PASSED, actor=actor, comment=comment, data=data, file=file, stage=stage.key)
            _enter_stage(app, nxt)
            app.save(update_fields=["notice_ends_at"])
        elif in_acceptance:
            app = transition_apply(workflow=APPLICATION_WORKFLOW, name="grant", obj=app, actor=actor,
                                   changes={"decided_at": timezone.now(), "stage": ""})  # fmt: skip
            _log(app, Action.GRANTED, actor=actor, comment=comment, data=data, file=file, stage=stage.key)
            _grant_qualification(app, spec)
            _tell_applicant(app, _("%(ref)s: the title was granted.") % {"ref": app.reference})
        elif spec.post_approval:
            ends = timezone.now() + timedelta(days=round(spec.post_approval.construction_months * 30.44))
            app = transition_apply(workflow=APPLICATION_WORKFLOW, name="approve_construction", obj=app, actor=actor,
                                   changes={"decided_at": timezone.now(), "construction_ends_at": ends, "stage": ""})  # fmt: skip
            _log(app, Action.APPROVED, actor=actor, comment=comment, data=data, file=file, stage=stage.key)
            _start_progress_clock(app, period=1)
            _tell_applicant(app, _("%(ref)s was approved; the construction period has started.") % {"ref": app.reference})
        else:
            app = transition_apply(workflow=APPLICATION_WORKFLOW, name="approve", obj=app, actor=actor,
                                   changes={"decided_at": timezone.now(), "stage": ""})  # fmt: skip
            _log(app, Action.APPROVED, actor=actor, comment=comment, data=data, file=file, stage=stage.key)
            _grant_qualification(app, spec)
            _tell_applicant(app, _("%(ref)s was approved.") % {"ref": app.reference})
    return app


def _tell_applicant(app: Application, title: str, body: str = "") -> None:
    notify(recipients=_applicants(app), verb=f"filing.{app.status}", title=title, body=body, link=_link(app))


def _grant_qualification(app: Application, spec: ApplicationType) -> None:
    if not spec.qualification:
        return
    valid_until = None
    if spec.validity_years:
        today = timezone.localdate()
        valid_until = date(today.year + spec.validity_years - 1, 12, 31)
    Qualification.objects.update_or_create(
        application=app,
        defaults={"organization_id": app.organization_id, "kind": spec.qualification, "granted_at": timezone.now(),
                  "valid_until": valid_until, "commitments": app.commitments, "is_active": True},
    )  # fmt: skip


def review_pass(*, actor, application: Application, comment: str = "", checklist: list[int] | None = None) -> Application:
    """A reviewer passes the current review stage with an opinion (and ticked checklist items)."""
    stage = _require_kind(application, "review")
    if not perms.acts_at_current_stage(actor, application, AssignmentRole.REVIEWER, AssignmentRole.COORDINATOR):
        raise PermissionDenied(_("You are not assigned to this stage."))
    ticked = sorted(set(checklist or []))
    if stage.checklist and len(ticked) < len(stage.checklist):
        raise ValidationFailed(_("Tick every checklist item before passing the stage."), code="CHECKLIST_INCOMPLETE")
    return _advance(actor=actor, app=application, comment=comment, data={"checklist": ticked})


def review_return(*, actor, application: Application, paths: list[str], comments: dict[str, str] | None = None,
                  comment: str = "") -> Application:  # fmt: skip
    """Send the application back; the applicant may then change only ``paths``."""
    spec = spec_of(application)
    stage = _require_kind(application, "review", "letter")
    allowed = spec.paths() | {f"attachments.{a.key}" for a in spec.attachments}
    bad = set(paths) - allowed
    if not paths or bad:
        raise ValidationFailed(_("Choose the fields to return for correction."), code="PATHS_INVALID",
                               details=sorted(bad))  # fmt: skip
    if not comment.strip():
        raise ValidationFailed(_("Say what must be corrected."), code="REASON_REQUIRED")
    with transaction.atomic():
        _leave_stage(application)
        app = transition_apply(workflow=APPLICATION_WORKFLOW, name="return", obj=application, actor=actor,
                               changes={"returned_paths": sorted(set(paths)), "field_comments": comments or {}},
                               audit_extra={"paths": sorted(set(paths))})  # fmt: skip
        _log(app, Action.RETURNED, actor=actor, comment=comment, data={"paths": sorted(set(paths)),
             "comments": comments or {}}, stage=stage.key)  # fmt: skip
        _tell_applicant(app, _("%(ref)s was returned for correction.") % {"ref": app.reference}, comment)
    return app


def review_reject(*, actor, application: Application, reason: str) -> Application:
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for the rejection."), code="REASON_REQUIRED")
    stage = _current_stage(application)
    with transaction.atomic():
        _leave_stage(application)
        name = "fail_acceptance" if application.status == Status.ACCEPTANCE else "reject"
        app = transition_apply(workflow=APPLICATION_WORKFLOW, name=name, obj=application, actor=actor,
                               changes={"decided_at": timezone.now()}, audit_extra={"reason": reason})  # fmt: skip
        _log(app, Action.REJECTED, actor=actor, comment=reason, stage=stage.key)
        _tell_applicant(app, _("%(ref)s was rejected.") % {"ref": app.reference}, reason)
    return app


def letter_upload(*, actor, application: Application, upload, comment: str = "") -> Application:
    """An assigned official provides the stage's letter (county government, acceptance request)."""
    _require_kind(application, "letter")
    if not perms.acts_at_current_stage(actor, application, AssignmentRole.REVIEWER, AssignmentRole.COORDINATOR):
        raise PermissionDenied(_("You are not assigned to this stage."))
    with transaction.atomic():
        stored = file_store(uploaded_by=actor, organization=actor.organization, upload=upload,
                            purpose=f"filing-letter:{application.pk}", allowed={"pdf", "docx", "doc", "jpg", "jpeg", "png"})  # fmt: skip
        return _advance(actor=actor, app=application, comment=comment, data={"letter": stored.pk}, file=stored)


def applicant_upload(*, actor, application: Application, upload, comment: str = "") -> Application:
    """The applicant provides the stage's document (seed 003: the self-assessment report)."""
    _require_kind(application, "applicant_upload")
    if not perms.is_applicant(actor, application):
        raise PermissionDenied(_("Only the applicant organization provides this document."))
    with transaction.atomic():
        stored = file_store(uploaded_by=actor, organization=application.organization, upload=upload,
                            purpose=f"filing-stage:{application.pk}", allowed={"pdf", "docx", "doc"})  # fmt: skip
        return _advance(actor=actor, app=application, comment=comment, data={"document": stored.pk}, file=stored)


def expert_score_submit(*, actor, application: Application, score: int, opinion: str, recommend: bool,
                        no_conflict: bool) -> ExpertScore:  # fmt: skip
    """One expert's score; each expert declares no conflict of interest first (seed 003 四(一))."""
    stage = _require_kind(application, "expert_panel")
    if not perms.acts_at_current_stage(actor, application, AssignmentRole.EXPERT):
        raise PermissionDenied(_("You are not an expert of this panel."))
    if not no_conflict:
        raise ValidationFailed(_("Declare that you have no conflict of interest, or recuse yourself."),
                               code="CONFLICT_NOT_DECLARED")  # fmt: skip
    if not 0 <= int(score) <= 100:
        raise ValidationFailed(_("A score is between 0 and 100."), code="SCORE_INVALID")
    if not opinion.strip():
        raise ValidationFailed(_("Write your opinion."), code="OPINION_REQUIRED")
    with transaction.atomic():
        row, created = ExpertScore.objects.update_or_create(
            application=application, stage=stage.key, expert=actor,
            defaults={"score": int(score), "opinion": opinion.strip(), "recommend": bool(recommend),
                      "no_conflict_declared": True},
        )  # fmt: skip
        _log(application, Action.SCORED, actor=actor, comment=opinion.strip(),
             data={"score": int(score), "recommend": bool(recommend), "updated": not created})  # fmt: skip
        audit_record(action="application.expert_scored", actor=actor, obj=application,
                     after={"stage": stage.key, "score": int(score), "recommend": bool(recommend)})  # fmt: skip
    return row


def panel_conclude(*, actor, application: Application, approve: bool, comment: str) -> Application:
    """The coordinator concludes the panel once enough experts have scored."""
    stage = _require_kind(application, "expert_panel")
    if not perms.acts_at_current_stage(actor, application, AssignmentRole.COORDINATOR):
        raise PermissionDenied(_("Only the panel's coordinator concludes it."))
    scores = list(ExpertScore.objects.filter(application=application, stage=stage.key))
    if len(scores) < stage.min_experts:
        raise InvalidTransition(_("%(n)d of %(min)d experts have scored.") % {"n": len(scores), "min": stage.min_experts},
                                code="PANEL_INCOMPLETE")  # fmt: skip
    if not comment.strip():
        raise ValidationFailed(_("Write the panel's conclusion."), code="REASON_REQUIRED")
    summary = {"experts": len(scores), "average": round(sum(s.score for s in scores) / len(scores), 1),
               "recommend": sum(s.recommend for s in scores)}  # fmt: skip
    _log(application, Action.CONCLUDED, actor=actor, comment=comment, data=summary | {"approve": approve})
    if approve:
        return _advance(actor=actor, app=application, comment=comment, data=summary)
    return review_reject(actor=actor, application=application, reason=comment)


def objection_raise(*, actor, application: Application, text: str) -> Objection:
    """Anyone signed in may object while the public notice runs."""
    stage = _require_kind(application, "public_notice")
    if application.notice_ends_at and timezone.now() > application.notice_ends_at:
        raise InvalidTransition(_("The public notice period has ended."), code="NOTICE_ENDED")
    if not text.strip() or len(text) > 5000:
        raise ValidationFailed(_("Write the objection (up to 5,000 characters)."), code="TEXT_INVALID")
    with transaction.atomic():
        obj = Objection.objects.create(application=application, raised_by=actor, text=text.strip())
        _log(application, Action.OBJECTION, actor=actor, comment=text.strip()[:500], stage=stage.key)
        audit_record(action="application.objection_raised", actor=actor, obj=application, after={"objection": obj.pk})
        notify(recipients=_stage_users(application, stage.key, AssignmentRole.COORDINATOR), verb="filing.objection",
               title=_("Objection to %(ref)s") % {"ref": application.reference}, link=_link(application),
               dedupe_key=f"objection:{obj.pk}")  # fmt: skip
    return obj


def objection_resolve(*, actor, objection: Objection, upheld: bool, note: str) -> Objection:
    application = objection.application
    _require_kind(application, "public_notice")
    if not perms.acts_at_current_stage(actor, application, AssignmentRole.COORDINATOR):
        raise PermissionDenied(_("Only the coordinator handles objections."))
    if not note.strip():
        raise ValidationFailed(_("Explain how the objection was handled."), code="REASON_REQUIRED")
    with transaction.atomic():
        locked = Objection.objects.select_for_update().get(pk=objection.pk)
        if locked.resolution != Objection.Resolution.OPEN:
            raise InvalidTransition(_("The objection was already handled."), code="ALREADY_RESOLVED")
        locked.resolution = Objection.Resolution.UPHELD if upheld else Objection.Resolution.DISMISSED
        locked.resolution_note, locked.resolved_by, locked.resolved_at = note.strip(), actor, timezone.now()
        locked.save()
        _log(application, Action.OBJECTION_RESOLVED, actor=actor, comment=note.strip(),
             data={"objection": locked.pk, "upheld": upheld})  # fmt: skip
        audit_record(action="application.objection_resolved", actor=actor, obj=application,
                     after={"objection": locked.pk, "upheld": upheld})  # fmt: skip
    return locked


def notice_conclude(*, actor, application: Application, comment: str = "", now=None) -> Application:
    """After the period, with every objection handled: pass (none upheld) or reject."""
    _require_kind(application, "public_notice")
    if not perms.acts_at_current_stage(actor, application, AssignmentRole.COORDINATOR):
        raise PermissionDenied(_("Only the coordinator concludes the public notice."))
    now = now or timezone.now()
    if application.notice_ends_at and now < application.notice_ends_at:
        raise InvalidTransition(_("The public notice runs until %(end)s.") %
                                {"end": f"{timezone.localtime(application.notice_ends_at):%Y-%m-%d %H:%M}"},
                                code="NOTICE_RUNNING")  # fmt: skip
    objections = list(application.objections.all())
    if any(o.resolution == Objection.Resolution.OPEN for o in objections):
        raise InvalidTransition(_("Handle every objection first."), code="OBJECTIONS_OPEN")
    upheld = [o for o in objections if o.resolution == Objection.Resolution.UPHELD]
    if upheld:
        reasons = "; ".join(o.resolution_note for o in upheld)
        return review_reject(actor=actor, application=application, reason=_("Objection upheld: %(r)s") % {"r": reasons})
    return _advance(actor=actor, app=application, comment=comment or _("No objection during the public notice."),
                    data={"objections": len(objections)})  # fmt: skip


# --- construction and acceptance (seed 003 五) -------------------------------------------------
def _start_progress_clock(app: Application, *, period: int) -> None:
    spec = spec_of(app)
    months = spec.post_approval.report_every_months * period
    due = (app.decided_at or timezone.now()) + timedelta(days=round(months * 30.44))
    hours = max(1, int((due - timezone.now()).total_seconds() // 3600))
    deadline_start(obj=app, kind="progress_report", amount=hours, unit="hours",
                   notify=list(_applicants(app)), organization_id=app.organization_id)  # fmt: skip


def progress_report_submit(*, actor, application: Application, text: str, upload=None) -> ProgressReport:
    """A half-yearly progress report during construction."""
    if not perms.is_applicant(actor, application):
        raise PermissionDenied(_("Only the applicant organization reports progress."))
    if application.status != Status.CONSTRUCTION:
        raise InvalidTransition(_("Progress reports are filed during construction."), code="NOT_IN_CONSTRUCTION")
    if not text.strip():
        raise ValidationFailed(_("Describe the progress."), code="TEXT_REQUIRED")
    spec = spec_of(application)
    periods = spec.post_approval.construction_months // spec.post_approval.report_every_months
    with transaction.atomic():
        done = application.progress_reports.count()
        if done >= periods:
            raise InvalidTransition(_("Every progress report of the construction period is filed."), code="ALL_FILED")
        stored = None
        if upload is not None:
            stored = file_store(uploaded_by=actor, organization=application.organization, upload=upload,
                                purpose=f"filing-progress:{application.pk}", allowed={"pdf", "docx", "doc"})  # fmt: skip
        report = ProgressReport.objects.create(application=application, period=done + 1, text=text.strip(),
                                               file=stored, submitted_by=actor)  # fmt: skip
        deadline_stop(obj=application, kind="progress_report")
        if done + 1 < periods:
            _start_progress_clock(application, period=done + 2)
        _log(application, Action.PROGRESS, actor=actor, comment=text.strip()[:500], data={"period": done + 1},
             file=stored, stage="")  # fmt: skip
        audit_record(action="application.progress_reported", actor=actor, obj=application, after={"period": done + 1})
    return report


def acceptance_start(*, actor, application: Application, now=None) -> Application:
    """After the construction period the applicant starts acceptance with its self-assessment."""
    spec = spec_of(application)
    now = now or timezone.now()
    if application.construction_ends_at and now < application.construction_ends_at:
        raise InvalidTransition(_("The construction period ends on %(end)s.") %
                                {"end": f"{timezone.localtime(application.construction_ends_at):%Y-%m-%d}"},
                                code="CONSTRUCTION_RUNNING")  # fmt: skip
    first = spec.post_approval.acceptance_stages[0]
    with transaction.atomic():
        deadline_cancel(obj=application, kind="progress_report")
        app = transition_apply(workflow=APPLICATION_WORKFLOW, name="start_acceptance", obj=application, actor=actor,
                               changes={"stage": first.key})  # fmt: skip
        _enter_stage(app, first)
        app.save(update_fields=["notice_ends_at"])
    return app


# --- assignments ------------------------------------------------------------------------------
def assignment_set(*, actor, user, type_code: str, stage: str, role: str, assigned: bool = True) -> None:
    """System admin assigns reviewers, experts and coordinators to stages."""
    if getattr(actor, "platform_role", "") != "system_admin":
        raise PermissionDenied(_("Only the system administrator assigns reviewers."))
    spec = REGISTRY.get(type_code)
    spec.stage(stage)  # raises StopIteration for an unknown stage
    if role not in AssignmentRole.values:
        raise ValidationFailed(_("Unknown role."), code="ROLE_UNKNOWN")
    if user.platform_role or user.organization.type not in ("authority", "department", "support_unit"):
        raise ValidationFailed(_("Reviewers are staff of the authority or of a government department."),
                               code="ROLE_NOT_ALLOWED")  # fmt: skip
    with transaction.atomic():
        if assigned:
            StageAssignment.objects.get_or_create(user=user, type_code=type_code, stage=stage, role=role)
        else:
            StageAssignment.objects.filter(user=user, type_code=type_code, stage=stage, role=role).delete()
        audit_record(action="filing.assignment_" + ("set" if assigned else "removed"), actor=actor, obj=user,
                     after={"type": type_code, "stage": stage, "role": role})  # fmt: skip


def values_from_form(spec: ApplicationType, data: Any) -> dict:
    """Turn posted form fields (``f:section:field``, ``t:section:table:row:col``) into values."""
    values: dict[str, dict] = {}
    for section, item in spec.iter_items():
        bucket = values.setdefault(section.key, {})
        if hasattr(item, "columns"):
            rows: dict[int, dict] = {}
            prefix = f"t:{section.key}:{item.key}:"
            for name in data:
                if name.startswith(prefix):
                    try:
                        row_s, col = name[len(prefix):].split(":", 1)
                        row = int(row_s)
                    except ValueError:
                        continue
                    if 0 <= row < item.max_rows + 50:
                        rows.setdefault(row, {})[col] = str(data.get(name, ""))[:20000]
            if rows or f"present:{section.key}:{item.key}" in data:
                cols = {c.key for c in item.columns}
                ordered = [{k: v for k, v in rows[i].items() if k in cols} for i in sorted(rows)]
                if not item.fixed_rows:
                    ordered = [r for r in ordered if any(str(v).strip() for v in r.values())]
                bucket[item.key] = ordered
        else:
            name = f"f:{section.key}:{item.key}"
            if item.kind == "multichoice" and f"present:{section.key}:{item.key}" in data:
                bucket[item.key] = data.getlist(name) if hasattr(data, "getlist") else list(data.get(name) or [])
            elif name in data:
                if item.kind == "multichoice":
                    bucket[item.key] = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
                else:
                    bucket[item.key] = str(data.get(name, ""))[:20000]
    return {k: v for k, v in values.items() if v}
