"""The declarative shape of an application type: sections, fields, tables, attachments,
commitment letters, eligibility rules and review stages.

The official forms are Chinese documents; their labels are written here bilingually with ``T``
(Chinese first, English for the English interface) rather than as catalog entries, so that the form
in code reads like the seed it comes from.  Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.utils.translation import get_language


@dataclass(frozen=True)
class T:
    """A bilingual text: Chinese (the seed's wording) and English."""

    zh: str
    en: str = ""

    def __str__(self) -> str:
        lang = (get_language() or "zh-hans").lower()
        return self.en if lang.startswith("en") and self.en else self.zh

    def format(self, **kwargs: Any) -> str:
        return str(self) % kwargs


FieldKind = Literal[
    "text", "textarea", "integer", "decimal", "money", "date", "choice", "multichoice", "bool", "email", "phone",
    "percent",
]  # fmt: skip


@dataclass(frozen=True)
class Field:
    """One value of the form.  ``money`` is CNY in the stated unit; decimals keep two places."""

    key: str
    label: T
    kind: FieldKind = "text"
    required: bool = True
    max_length: int | None = None
    min_value: Decimal | int | None = None
    max_value: Decimal | int | None = None
    choices: tuple[tuple[str, T], ...] = ()
    unit: T | None = None
    help: T | None = None
    placeholder: str = ""
    # seed 003 填报说明 2: numbers are rounded to whole numbers
    integer_only: bool = False


@dataclass(frozen=True)
class Table:
    """Repeated rows.  ``fixed_rows`` gives labelled rows (e.g. the four contact roles of seed 001);
    ``total`` names numeric columns whose sum is shown (and checked where a rule says so)."""

    key: str
    label: T
    columns: tuple[Field, ...]
    min_rows: int = 0
    max_rows: int = 500
    fixed_rows: tuple[T, ...] = ()
    total: tuple[str, ...] = ()
    help: T | None = None
    required: bool = True


Item = Field | Table


@dataclass(frozen=True)
class Section:
    key: str
    label: T
    items: tuple[Item, ...]
    help: T | None = None


@dataclass(frozen=True)
class AttachmentSlot:
    """A group of evidence files (seed 001 附件 (一)–(八), seed 003 佐证资料, seed 000 证明材料).

    ``dated_after`` asks each file for the date of the document it holds (e.g. a risk-assessment
    report) and refuses older ones; ``valid_until`` asks for an expiry date and flags expired ones.
    """

    key: str
    label: T
    required: bool = True
    min_count: int = 1
    max_count: int = 20
    extensions: frozenset[str] = frozenset({"pdf", "jpg", "jpeg", "png", "docx", "doc", "xlsx", "xls", "zip"})
    dated_after: date | None = None
    needs_document_date: bool = False
    needs_validity: bool = False
    help: T | None = None


@dataclass(frozen=True)
class Commitment:
    """A letter the applicant reads and accepts; the accepted version is recorded."""

    key: str
    title: T
    text: T
    version: str


StageKind = Literal["review", "letter", "expert_panel", "public_notice", "applicant_upload"]


@dataclass(frozen=True)
class Stage:
    """One step of the procedure.

    * ``review`` — an assigned reviewer approves (moves on), returns fields for correction or rejects;
    * ``letter`` — an assigned official uploads a signed letter and moves on (seed 003 county letter);
    * ``expert_panel`` — assigned experts each declare no conflict of interest, score and comment;
      an assigned coordinator concludes once ``min_experts`` have scored;
    * ``public_notice`` — published on the portal for ``notice_days`` working days; anyone signed in
      may object; the coordinator resolves objections and concludes after the period;
    * ``applicant_upload`` — the applicant provides a document (seed 003 self-assessment).

    ``approves`` marks the stage whose positive outcome is the approval; stages after it belong to
    the post-approval phase (seed 003: construction, then acceptance).
    """

    key: str
    label: T
    kind: StageKind = "review"
    deadline_working_days: int | None = None
    min_experts: int = 3
    notice_days: int = 5
    approves: bool = False
    checklist: tuple[T, ...] = ()
    letter_label: T | None = None


@dataclass(frozen=True)
class Problem:
    """One reason a submission is refused: where (dotted path or attachment key) and why."""

    path: str
    message: str


Rule = Callable[["FormData"], list[Problem]]


@dataclass(frozen=True)
class PostApproval:
    """What follows approval (seed 003 五): a construction period with periodic progress reports,
    then the acceptance stages."""

    construction_months: int = 24
    report_every_months: int = 6
    acceptance_stages: tuple[Stage, ...] = ()
    granted_title: T | None = None


@dataclass(frozen=True)
class ApplicationType:
    code: str
    label: T
    short: T
    applicant_org_types: tuple[str, ...]
    sections: tuple[Section, ...]
    attachments: tuple[AttachmentSlot, ...]
    commitments: tuple[Commitment, ...]
    stages: tuple[Stage, ...]
    rules: tuple[Rule, ...] = ()
    once_per_year: bool = True
    notes: tuple[T, ...] = ()
    post_approval: PostApproval | None = None
    qualification: str = ""  # what an approval grants the organization (see models.Qualification)
    # seed 003 填报说明 2: "填报栏目不得空缺，如无内容应填‘无’" — blanks are refused with that hint
    blank_means_none: bool = False
    validity_years: int | None = None
    reviewing_body: T | None = None

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def stage(self, key: str) -> Stage:
        return next(s for s in self.all_stages() if s.key == key)

    def all_stages(self) -> tuple[Stage, ...]:
        extra = self.post_approval.acceptance_stages if self.post_approval else ()
        return self.stages + extra

    def attachment(self, key: str) -> AttachmentSlot:
        return next(a for a in self.attachments if a.key == key)

    def iter_items(self) -> Iterator[tuple[Section, Item]]:
        for section in self.sections:
            for item in section.items:
                yield section, item

    def paths(self) -> set[str]:
        """Every returnable path: ``section.field`` and ``section.table``."""
        return {f"{s.key}.{i.key}" for s, i in self.iter_items()}


class FormData:
    """Read access to a filled form for rules: ``data.get("basic.name")``, ``data.rows("enterprises")``.

    ``today`` is the validator's date (rules never read the clock themselves), ``attachments`` the
    uploaded evidence (``validation.AttachmentInfo``), ``year`` the application year.
    """

    def __init__(self, spec: ApplicationType, values: dict, *, today: date | None = None,
                 attachments: tuple = (), year: int | None = None):  # fmt: skip
        self.spec = spec
        self.values = values or {}
        self.today = today
        self.attachments = tuple(attachments)
        self.year = year

    def get(self, path: str, default: Any = None) -> Any:
        section, _, key = path.partition(".")
        return (self.values.get(section) or {}).get(key, default)

    def rows(self, path: str) -> list[dict]:
        value = self.get(path) or []
        return [r for r in value if isinstance(r, dict) and any(v not in (None, "") for v in r.values())]

    def number(self, path: str) -> Decimal | None:
        value = self.get(path)
        return _to_decimal(value)


def _to_decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


@dataclass
class Registry:
    types: dict[str, ApplicationType] = field(default_factory=dict)
    loaded: bool = False

    def register(self, spec: ApplicationType) -> ApplicationType:
        self.types[spec.code] = spec
        return spec

    def _load(self) -> None:
        if not self.loaded:
            self.loaded = True
            from wangan.filings import types  # noqa: F401 - registers the shipped types

    def get(self, code: str) -> ApplicationType:
        self._load()
        return self.types[code]

    def all(self) -> list[ApplicationType]:
        self._load()
        return list(self.types.values())


REGISTRY = Registry()
