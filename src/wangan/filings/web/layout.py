"""Turns an application type and its values into what the form templates render (no queries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from wangan.filings.spec import ApplicationType, Field, Table
from wangan.filings.validation import parse_number

BLANK_ROWS = 3


@dataclass
class Cell:
    name: str
    value: str
    column: Field


@dataclass
class Row:
    label: str
    cells: list[Cell]


@dataclass
class ItemView:
    path: str
    item: Field | Table
    is_table: bool
    editable: bool
    returned: bool
    comment: str
    problems: list[str] = field(default_factory=list)
    name: str = ""
    present_name: str = ""  # marks a multiple choice as posted even when nothing is ticked
    value: object = ""
    rows: list[Row] = field(default_factory=list)
    totals: list[str] = field(default_factory=list)


@dataclass
class SectionView:
    number: str
    key: str
    label: str
    help: str
    items: list[ItemView]


NUMERALS = "一二三四五六七八九十"


def numeral(i: int) -> str:
    if i < 10:
        return NUMERALS[i]
    return "十" + (NUMERALS[i - 10] if i > 10 else "")


def build(spec: ApplicationType, values: dict, *, editable: set[str] | None, returned: set[str],
          comments: dict[str, str], problems: dict[str, list[str]], extra_rows: dict[str, int] | None = None,
          ) -> list[SectionView]:  # fmt: skip
    """``editable``: paths that take input (None = all)."""
    sections = []
    for i, section in enumerate(spec.sections):
        bucket = values.get(section.key) or {}
        items = []
        for item in section.items:
            path = f"{section.key}.{item.key}"
            can_edit = editable is None or path in editable
            own = [m for p, ms in problems.items() if p == path or p.startswith(path + ".") for m in ms]
            view = ItemView(path=path, item=item, is_table=isinstance(item, Table), editable=can_edit,
                            returned=path in returned, comment=comments.get(path, ""), problems=own)  # fmt: skip
            if isinstance(item, Table):
                view.rows, view.totals = _table_rows(section.key, item, bucket.get(item.key) or [], can_edit,
                                                     (extra_rows or {}).get(path, 0))  # fmt: skip
                view.name = f"present:{section.key}:{item.key}"
            else:
                view.name = f"f:{section.key}:{item.key}"
                view.present_name = f"present:{section.key}:{item.key}"
                view.value = bucket.get(item.key, "")
            items.append(view)
        sections.append(SectionView(numeral(i), section.key, str(section.label), str(section.help or ""), items))
    return sections


def _table_rows(section_key: str, table: Table, rows: list, editable: bool, extra: int) -> tuple[list[Row], list[str]]:
    rows = [r if isinstance(r, dict) else {} for r in rows]
    if table.fixed_rows:
        count = len(table.fixed_rows)
    else:
        count = len(rows) + ((BLANK_ROWS + extra) if editable else 0)
        count = min(max(count, table.min_rows if editable else 0), table.max_rows)
    out = []
    for i in range(count):
        data = rows[i] if i < len(rows) else {}
        label = str(table.fixed_rows[i]) if table.fixed_rows else str(i + 1)
        cells = [Cell(f"t:{section_key}:{table.key}:{i}:{c.key}", str(data.get(c.key, "") or ""), c)
                 for c in table.columns]  # fmt: skip
        out.append(Row(label, cells))
    totals = []
    if table.total:
        for c in table.columns:
            if c.key in table.total:
                nums = [parse_number(r.get(c.key)) for r in rows]
                total = sum((n for n in nums if n is not None), Decimal(0))
                totals.append(format(total.normalize(), "f") if total else "0")
            else:
                totals.append("")
    return out, totals
