"""The shipped application types, one module per seed form; importing this package registers them.

* ``provider``     — seed 000 §四/§五(二): a provider files to deliver the security cloud package;
* ``support_unit`` — seed 001: selection of cybersecurity technical support units;
* ``park``         — seed 003: municipal key park of the national cybersecurity industry park.

The few helpers the three modules share live here, above the imports of the modules (a private
``_common`` module would be tidier; the package holds only these four files for now).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from wangan.filings.spec import FormData, Problem, Rule, T
from wangan.filings.validation import parse_number

YES = "yes"
YES_NO = (("yes", T("是", "Yes")), ("no", T("否", "No")))


def today_of(data: FormData) -> date:
    """The validator's ``today`` once FormData carries it; the calendar date until then."""
    return getattr(data, "today", None) or date.today()


def problem(path: str, zh: str, en: str, **figures) -> Problem:
    """A refusal in the current language; ``%(name)s`` placeholders take ``figures`` (write ``%%`` for %).
    Decimals are shown plainly (80000, 2.9 — never 8E+4 or 2.90)."""
    shown = {k: format(v.normalize(), "f") if isinstance(v, Decimal) else v for k, v in figures.items()}
    return Problem(path, T(zh, en).format(**shown))


def amount(raw) -> Decimal | None:
    """A declared figure for a threshold: “无” counts as zero (seed 003 填报说明 2), junk as unknown
    (the field check already reports it)."""
    if isinstance(raw, str) and raw.strip() == "无":
        return Decimal(0)
    return parse_number(raw)


def must_be_yes(paths: Iterable[str]) -> Rule:
    """A rule refusing every eligibility declaration answered “否” (blank ones the field check reports)."""
    paths = tuple(paths)

    def rule(data: FormData) -> list[Problem]:
        out = []
        for path in paths:
            if data.get(path) == "no":
                section, _, key = path.partition(".")
                label = next(i.label for i in data.spec.section(section).items if i.key == key)
                out.append(problem(path, "“%(label)s”答“否”：不符合条件。",
                                   "“%(label)s” is answered “No”: the condition is not met.", label=label))
        return out

    rule.__name__ = "must_be_yes"
    return rule


from wangan.filings.types import park, provider, support_unit  # noqa: E402 - they use the helpers above

__all__ = ["YES", "YES_NO", "amount", "must_be_yes", "park", "problem", "provider", "support_unit", "today_of"]
