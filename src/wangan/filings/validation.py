"""Checks of a filled form against its type: every problem is reported at once, with its place.

Drafts keep exactly what was typed (strings); ``normalize`` rounds where the form says numbers are
whole (seed 003 填报说明 2) and ``validate`` lists every reason a submission would be refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from wangan.filings.spec import ApplicationType, AttachmentSlot, Field, FormData, Problem, Table

_PHONE = re.compile(r"^[0-9+\-() ]{7,20}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NUMERIC = ("integer", "decimal", "money", "percent")


@dataclass(frozen=True)
class AttachmentInfo:
    """What the validator needs to know of one uploaded attachment."""

    slot: str
    name: str
    extension: str
    document_date: date | None = None
    valid_until: date | None = None


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_number(raw) -> Decimal | None:
    if _blank(raw):
        return None
    text = str(raw).strip().replace(",", "").replace("，", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse_date(raw) -> date | None:
    if _blank(raw):
        return None
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        return None


def normalize(spec: ApplicationType, values: dict) -> tuple[dict, list[str]]:
    """Round whole-number fields (seed 003: 数据有小数时，四舍五入取整数); returns notes of what changed."""
    notes: list[str] = []
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in (values or {}).items()}

    def fix(f: Field, raw, where: str):
        if f.kind in _NUMERIC and f.integer_only:
            number = parse_number(raw)
            if number is not None and number != number.to_integral_value():
                rounded = number.quantize(Decimal(1), rounding=ROUND_HALF_UP)
                notes.append(_("%(field)s: %(old)s rounded to %(new)s") % {"field": where, "old": raw, "new": rounded})
                return str(rounded)
        return raw

    for section, item in spec.iter_items():
        bucket = out.setdefault(section.key, {})
        if isinstance(item, Field):
            if item.key in bucket:
                bucket[item.key] = fix(item, bucket[item.key], str(item.label))
        else:
            rows = bucket.get(item.key) or []
            bucket[item.key] = [
                {c.key: fix(c, row.get(c.key), f"{item.label} #{i + 1} {c.label}") for c in item.columns}
                for i, row in enumerate(rows) if isinstance(row, dict)
            ]  # fmt: skip
    return out, notes


def check_field(f: Field, raw, path: str, *, fill_hint: bool) -> list[Problem]:
    label = str(f.label)
    if _blank(raw):
        if f.required:
            hint = _("fill it in (write “无” if there is nothing)") if fill_hint else _("it is required")
            return [Problem(path, _("%(field)s is empty: %(hint)s.") % {"field": label, "hint": hint})]
        return []
    text = str(raw).strip()
    if f.max_length and len(text) > f.max_length:
        return [Problem(path, _("%(field)s has %(n)d characters; at most %(max)d are allowed.")
                        % {"field": label, "n": len(text), "max": f.max_length})]  # fmt: skip
    if f.kind in _NUMERIC:
        if fill_hint and text == "无":
            return []
        number = parse_number(text)
        if number is None:
            return [Problem(path, _("%(field)s must be a number.") % {"field": label})]
        if f.kind == "integer" and number != number.to_integral_value():
            return [Problem(path, _("%(field)s must be a whole number.") % {"field": label})]
        if f.min_value is not None and number < Decimal(str(f.min_value)):
            return [Problem(path, _("%(field)s must be at least %(min)s.") % {"field": label, "min": f.min_value})]
        if f.max_value is not None and number > Decimal(str(f.max_value)):
            return [Problem(path, _("%(field)s must be at most %(max)s.") % {"field": label, "max": f.max_value})]
    elif f.kind == "date":
        if fill_hint and text == "无":
            return []
        if parse_date(text) is None:
            return [Problem(path, _("%(field)s must be a date (YYYY-MM-DD).") % {"field": label})]
    elif f.kind == "choice":
        if text not in {c for c, _label in f.choices}:
            return [Problem(path, _("%(field)s: choose one of the listed options.") % {"field": label})]
    elif f.kind == "multichoice":
        picked = raw if isinstance(raw, list) else [raw]
        if set(picked) - {c for c, _label in f.choices}:
            return [Problem(path, _("%(field)s: choose among the listed options.") % {"field": label})]
    elif f.kind == "email" and not _EMAIL.match(text):
        return [Problem(path, _("%(field)s is not an e-mail address.") % {"field": label})]
    elif f.kind == "phone" and not _PHONE.match(text):
        return [Problem(path, _("%(field)s is not a phone number.") % {"field": label})]
    return []


def _check_table(t: Table, rows, path: str, *, fill_hint: bool) -> list[Problem]:
    problems: list[Problem] = []
    filled = [r for r in (rows or []) if isinstance(r, dict) and any(not _blank(v) for v in r.values())]
    if t.fixed_rows:
        filled = [r if isinstance(r, dict) else {} for r in (rows or [])][: len(t.fixed_rows)]
        filled += [{}] * (len(t.fixed_rows) - len(filled))
    need = max(t.min_rows, len(t.fixed_rows))
    if t.required and len(filled) < max(need, 1 if t.required and t.min_rows else 0):
        problems.append(Problem(path, _("%(table)s needs at least %(n)d rows.") % {"table": t.label, "n": need}))
    if len(filled) > t.max_rows:
        problems.append(Problem(path, _("%(table)s has more than %(n)d rows.") % {"table": t.label, "n": t.max_rows}))
    for i, row in enumerate(filled):
        row_label = str(t.fixed_rows[i]) if t.fixed_rows else f"#{i + 1}"
        for col in t.columns:
            for p in check_field(col, row.get(col.key), f"{path}.{i}.{col.key}", fill_hint=fill_hint):
                problems.append(Problem(p.path, f"{t.label} {row_label}: {p.message}"))
    return problems


def check_values(spec: ApplicationType, values: dict, *, only: set[str] | None = None) -> list[Problem]:
    """Field and table checks; ``only`` limits them to some paths (a correction round)."""
    fill_hint = spec.blank_means_none
    problems: list[Problem] = []
    for section, item in spec.iter_items():
        path = f"{section.key}.{item.key}"
        if only is not None and path not in only:
            continue
        raw = (values.get(section.key) or {}).get(item.key)
        if isinstance(item, Field):
            problems += check_field(item, raw, path, fill_hint=fill_hint)
        else:
            problems += _check_table(item, raw, path, fill_hint=fill_hint)
    return problems


def check_attachments(spec: ApplicationType, attachments: list[AttachmentInfo], *, today: date) -> list[Problem]:
    problems: list[Problem] = []
    by_slot: dict[str, list[AttachmentInfo]] = {}
    for a in attachments:
        by_slot.setdefault(a.slot, []).append(a)
    for slot in spec.attachments:
        files = by_slot.get(slot.key, [])
        problems += _check_slot(slot, files, today=today)
    return problems


def _check_slot(slot: AttachmentSlot, files: list[AttachmentInfo], *, today: date) -> list[Problem]:
    problems: list[Problem] = []
    where = f"attachments.{slot.key}"
    if slot.required and len(files) < slot.min_count:
        problems.append(Problem(where, _("Attachment “%(slot)s” is missing: %(n)d file(s) needed, %(have)d uploaded.")
                                % {"slot": slot.label, "n": slot.min_count, "have": len(files)}))  # fmt: skip
    if len(files) > slot.max_count:
        problems.append(Problem(where, _("Attachment “%(slot)s” takes at most %(n)d files.")
                                % {"slot": slot.label, "n": slot.max_count}))  # fmt: skip
    for f in files:
        if f.extension.lower() not in slot.extensions:
            problems.append(Problem(where, _("“%(name)s” is not an accepted type for “%(slot)s”.")
                                    % {"name": f.name, "slot": slot.label}))  # fmt: skip
        if (slot.needs_document_date or slot.dated_after) and f.document_date is None:
            problems.append(Problem(where, _("“%(name)s”: give the date of the document.") % {"name": f.name}))
        if slot.dated_after and f.document_date is not None and f.document_date <= slot.dated_after:
            problems.append(Problem(where, _("“%(name)s” is dated %(date)s; it must be after %(after)s.")
                                    % {"name": f.name, "date": f.document_date, "after": slot.dated_after}))  # fmt: skip
        if slot.needs_validity and f.valid_until is None:
            problems.append(Problem(where, _("“%(name)s”: give the date it is valid until.") % {"name": f.name}))
        if slot.needs_validity and f.valid_until is not None and f.valid_until < today:
            problems.append(Problem(where, _("“%(name)s” expired on %(date)s.") % {"name": f.name, "date": f.valid_until}))
    return problems


def check_commitments(spec: ApplicationType, accepted: dict) -> list[Problem]:
    problems = []
    for c in spec.commitments:
        got = (accepted or {}).get(c.key) or {}
        if got.get("version") != c.version:
            problems.append(Problem(f"commitments.{c.key}", _("Read and accept “%(title)s”.") % {"title": c.title}))
    return problems


def validate(
    spec: ApplicationType, *, values: dict, attachments: list[AttachmentInfo], accepted: dict, today: date,
    year: int | None = None,
) -> list[Problem]:
    """Every reason the application cannot be submitted now (empty list: it can)."""
    problems = check_values(spec, values)
    problems += check_attachments(spec, attachments, today=today)
    problems += check_commitments(spec, accepted)
    data = FormData(spec, values, today=today, attachments=tuple(attachments), year=year or today.year)
    for rule in spec.rules:
        problems += rule(data)
    return problems
