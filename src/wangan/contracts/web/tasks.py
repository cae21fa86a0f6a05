"""Task pages: the year schedule (by month, with filters), one task with its named documents — the
contractor hands them in, the authority accepts or returns them — and the document downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wangan.contracts import documents, selectors, services, taskflow
from wangan.contracts import permissions as perms
from wangan.contracts.choices import Frequency, TaskStatus
from wangan.contracts.workflow import TASK_WORKFLOW
from wangan.core.errors import DomainError, NotFound
from wangan.core.files import file_response
from wangan.core.selectors import notification_list_for

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _contract(request, pk):
    try:
        return selectors.contract_get_for(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None


def _task(request, pk):
    try:
        return selectors.task_get_for(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None


def _errors(exc: DomainError) -> list[str]:
    return [str(d) for d in exc.details] if isinstance(exc.details, list) and exc.details else [exc.message]


@login_required
def schedule(request, pk: int):
    """The year's tasks month by month; ?status=, ?item= (code or progress_report), ?late=1."""
    contract = _contract(request, pk)
    g = request.GET
    filters = {"status": g.get("status", ""), "item": g.get("item", ""), "late": g.get("late") == "1"}
    tasks = list(selectors.task_list_for(user=request.user, contract=contract, **filters))
    items = list(contract.items.all())
    return render(request, "contracts/schedule.html", {
        "contract": contract, "tab": "schedule", "months": selectors.schedule_by_month(contract=contract, tasks=tasks),
        "count": len(tasks), "filters": filters, "statuses": TaskStatus.choices, "items": items,
        "progress_filter": selectors.PROGRESS_FILTER, "can_score": perms.can_score(request.user, contract),
        "on_demand": [i for i in items if i.frequency == Frequency.ON_DEMAND],
        "has_schedule": bool(tasks) or contract.tasks.exists(), "today": timezone.localdate(),
    })  # fmt: skip


@login_required
@require_POST
def task_request(request, pk: int):
    """The authority asks for on-demand work (应急响应, 信息安全自查: 按需提供)."""
    contract = _contract(request, pk)
    p = request.POST
    try:
        due = parse_date(p.get("due_on", "").strip())
    except ValueError:
        due = None
    try:
        if due is None:
            raise DomainError(_("Enter the due date (YYYY-MM-DD)."), code="DATE_REQUIRED")
        task = services.task_request(actor=request.user, contract=contract, item_code=p.get("item", ""), due_on=due,
                                     title=p.get("title", "").strip()[:200])  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("contracts:schedule", pk=pk)
    messages.success(
        request, _("Requested: %(task)s, due %(due)s.") % {"task": task.title, "due": task.due_on}
    )
    return redirect("contracts:task", pk=task.pk)


def _task_context(request, task, errors=()):
    docs = selectors.task_documents(task=task)
    user = request.user
    contract = task.contract
    return {
        "task": task, "contract": contract, "tab": "schedule", "errors": list(errors),
        "named": selectors.named_documents(task=task, documents=docs), "documents": docs,
        "extra": taskflow.EXTRA_DOCUMENT,
        "actions": {t.name for t in TASK_WORKFLOW.available(user, task)},
        "can_deliver": perms.can_deliver(user, contract), "can_score": perms.can_score(user, contract),
        "is_overdue": task.status == TaskStatus.OPEN and task.due_on < timezone.localdate(),
        "messages_here": list(notification_list_for(user=user).filter(link=taskflow.task_link(task))[:20]),
    }  # fmt: skip


@login_required
def task_detail(request, pk: int):
    """GET shows the task; POST ``action`` = submit (contractor, one file per named document),
    accept or return (authority, return with a reason).  A refusal re-renders with its reasons."""
    task = _task(request, pk)
    if request.method != "POST":
        return render(request, "contracts/task.html", _task_context(request, task))
    action = request.POST.get("action", "")
    try:
        if action == "submit":
            files = {i: request.FILES.get(f"doc_{i}") for i in range(len(task.deliverables))}
            if not task.deliverables:
                files[taskflow.EXTRA_DOCUMENT] = request.FILES.get(f"doc_{taskflow.EXTRA_DOCUMENT}")
            task = taskflow.task_hand_in(actor=request.user, task=task, files=files)
            if task.is_late:
                messages.warning(request, _("Handed in after the due date: recorded as late."))
            else:
                messages.success(request, _("Handed in on time."))
        elif action == "accept":
            taskflow.task_accept_for(actor=request.user, task=task)
            messages.success(request, _("Accepted."))
        elif action == "return":
            taskflow.task_return_for(actor=request.user, task=task, reason=request.POST.get("reason", ""))
            messages.success(request, _("Returned to the contractor for rework."))
        else:
            raise DomainError(_("Unknown action."), code="UNKNOWN_ACTION")
    except DomainError as exc:
        task.refresh_from_db()
        return render(request, "contracts/task.html", _task_context(request, task, _errors(exc)),
                      status=exc.status if exc.status != 404 else 422)  # fmt: skip
    return redirect("contracts:task", pk=task.pk)


@login_required
@require_GET
def task_document(request, pk: int, index: int):
    """The named document ``index`` of the task as a pre-filled DOCX to complete and hand in."""
    task = _task(request, pk)
    if not 0 <= index < len(task.deliverables):
        raise Http404
    body = documents.deliverable_docx(user=request.user, task=task, index=index)
    response = HttpResponse(body, content_type=DOCX)
    response["Content-Disposition"] = documents.content_disposition(
        documents.document_filename(task, task.deliverables[index])
    )
    return response


@login_required
@require_GET  # not HEAD: it would be audited as a download that never happened
def deliverable_download(request, pk: int):
    """A handed-in document, for either party of the contract (audited)."""
    try:
        row = selectors.deliverable_get_for(user=request.user, pk=pk)
        stored, handle = taskflow.deliverable_open(user=request.user, deliverable=row)
    except NotFound:
        raise Http404 from None
    return file_response(stored=stored, handle=handle)
