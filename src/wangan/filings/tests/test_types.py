"""The shipped application types (seeds 000, 001, 003): each registers, a complete example of each
passes the validator, and the seeds' limits and rules refuse what they should — with the figures.

Pure validator tests: no database.  All data here is fictitious.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta

import pytest
from django.utils import translation

from wangan.filings.spec import REGISTRY, ApplicationType, FormData, Problem, T, Table
from wangan.filings.types import park, provider, support_unit
from wangan.filings.validation import AttachmentInfo, normalize, validate

TODAY = date.today()
PHONE = "13800000000"
CODES = ("provider_filing", "support_unit", "key_park")


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def _month(before: int) -> str:
    """YYYY-MM of the month ``before`` months before the current one."""
    y, m = divmod(TODAY.year * 12 + TODAY.month - 1 - before, 12)
    return f"{y:04d}-{m + 1:02d}"


# --- complete examples ---------------------------------------------------------------------------


def provider_values() -> dict:
    cert = {"issuer": "示例认证中心", "valid_from": "2023-01-01", "valid_until": (TODAY + timedelta(days=365)).isoformat(),
            "other_name": ""}  # fmt: skip
    return {
        "institution": {
            "name": "示例网安科技有限公司", "credit_code": "91000000MA00000001", "legal_person_type": "enterprise",
            "legal_representative": "张示例", "registered_address": "示例市示例区示例路1号", "established_on": "2015-06-01",
            "contact_name": "李示例", "contact_phone": PHONE, "contact_email": "contact@example.com",
        },
        "registration": {
            "registered_in_mainland": "yes", "independent_legal_person": "yes", "operating_normally": "yes",
            "registered_locally": "yes", "local_entity_kind": "", "local_entity_name": "", "local_entity_credit_code": "",
            "zone_office_address": "", "local_team_size": "",
        },
        "credit": {"gsxt_clean": "yes", "creditchina_clean": "yes", "no_penalty": "yes",
                   "checked_on": (TODAY - timedelta(days=3)).isoformat()},
        "capability": {
            "certificates": [{"name": "iso27001", "number": "ISMS-0001", **cert},
                             {"name": "ccrc_risk_1", "number": "CCRC-RA-0002", **cert}],
            "summary": "本地服务团队20人，提供部署、运维和应急支持。",
        },
        "finance": {
            "audit_year": str(TODAY.year - 1), "audit_firm": "示例会计师事务所",
            "tax_months": [{"month": _month(n), "tax_paid": "12000", "insured_staff": "25"} for n in (3, 2, 1)],
        },
        "service": {
            "standards": "7×24小时终端管理，问题1个工作日内响应。", "procedures": "申请、签约、部署、服务、评价。",
            "data_protection": "签署保密协议，数据最小化采集，访问留痕。", "reporting_contact": "王示例",
            "reporting_phone": PHONE,
        },
    }  # fmt: skip


def support_unit_values() -> dict:
    contact = {"name": "王示例", "position": "安全服务部 经理", "mobile": PHONE, "office_phone": "", "email": "a@example.com"}
    institution = {"location": "示例市示例区", "site_area": "800", "site_tenure": "rented", "staff": "60",
                   "security_lead": "赵示例", "lead_mobile": PHONE}  # fmt: skip
    project = {"client": "示例通信有限公司", "category": "risk_assessment", "category_other": "",
               "contract_amount": "120", "emergency_amount": "20", "content": "风险评估与应急演练。",
               "signed_on": "2022-03-01", "accepted_on": "2022-12-20", "acceptance_note": ""}  # fmt: skip
    typical = {"client": "示例通信有限公司", "content": "风险评估。", "period": "2022-03至2022-12", "amount": "120",
               "security_amount": "", "form": "现场+远程", "status": "已验收", "emergency_case": "一次勒索病毒处置。"}  # fmt: skip
    names = ("示例项目一", "示例项目二", "示例项目三")
    return {
        "basic": {
            "name": "示例网安科技有限公司", "credit_code": "91000000MA00000001", "registered_capital": "1000",
            "legal_representative": "张示例", "established_on": "2012-03-01", "business_term": "长期",
            "business_scope": "网络安全技术服务、信息系统集成。", "registration_authority": "示例市市场监督管理局",
        },
        "contacts": {"roles": [dict(contact) for _ in range(4)]},
        "finance": {
            "assets": "固定资产约2000万元。",
            "years": [{"year": str(TODAY.year - n), "revenue": "5000", "expenditure": "4000", "liabilities": "1200"}
                      for n in (3, 2, 1)],
            "no_illegal_record": "yes", "no_bad_credit_record": "yes",
        },
        "organization": {
            "structure": "本单位设置有安全服务部、研发部等部门。",
            "institutions": [{"kind": "hq", "name": "总部", "is_local": "no", **institution},
                             {"kind": "branch", "name": "示例市分公司", "is_local": "yes", **institution}],
            "hq_summary": "总部位于示例市。",
        },
        "qualifications": {"description": "CCRC风险评估一级、安全运维一级。"},
        "business": {"description": "风险评估、安全运维、应急响应。"},
        "staff": {
            "narrative": "总部从事网络安全工作的人员共120人。",
            "statistics": [{"institution": "总部", "total_staff": "300", "security_staff": "120",
                            "education": "本科以上90%", "titles": "高级职称10%", "experience": "5年以上40%",
                            "certificates": "CISP 40人"}],
        },
        "projects": {
            "list": [{"name": n, **project} for n in names[:2]]
                    + [{"name": names[2], **project, "accepted_on": "", "acceptance_note": "服务期内，尚未验收"}],
            "detailed": [{"project": names[0], "solution": "资产梳理、脆弱性扫描、渗透测试与整改复测。"}],
        },
        "typical": {
            "projects": [{"name": n, **typical} for n in names],
            "major_case_title": "示例重大活动网络安全保障",
            "major_case": "保障期间7×24小时值守，发现并处置网页篡改一起。",
        },
        "cooperation": {"description": "为示例通信企业提供技术支撑。"},
        "management": {"description": "通过ISO 9001和ISO 27001，制定项目管理和保密制度。"},
        "support_measures": {"description": "参与属地域名测试、安全大赛和专题培训。"},
        "other": {"description": ""},
        "staff_detail": {"people": [
            {"department": "总部安全服务部", "name": f"示例员工{i}", "education_title": "本科/工程师",
             "school_major": "示例大学 信息安全", "experience_years": "5", "position": "安全工程师", "certificates": "CISP"}
            for i in range(10)
        ]},
    }  # fmt: skip


INDICATORS = {  # key: (current, previous)
    "total_revenue": ("80", "100"), "security_revenue": ("8", "10"), "enterprises": ("500", "480"),
    "security_enterprises": ("42", "40"), "employees": ("3", "3"), "security_employees": ("1", "1"),
    "listed": ("5", "5"), "security_listed": ("2", "2"), "band_over_100m": ("0", "0"), "band_50m_100m": ("1", "0"),
    "band_20m_50m": ("25", "30"), "band_5m_20m": ("6", "5"),
}  # fmt: skip


def park_values() -> dict:
    enterprise = {"legal_representative": "张示例", "established_on": "2018-05-01", "address": "示例软件园A栋",
                  "business_scope": "网络安全产品研发与服务。", "products": "1. 防火墙\n2. 安全运维服务",
                  "total_revenue": "4000", "security_revenue": "3000", "rd_investment": "300", "employees": "80",
                  "qualifications": "CCRC风险评估一级；未上市", "contact_name": "李示例", "contact_mobile": PHONE}  # fmt: skip
    return {
        "eligibility": {
            "operator_type": "company", "operator_type_other": "", "park_kind": "software",
            "approval_document": "示例市人民政府关于设立示例软件园的批复（示政〔2020〕1号）",
            "boundaries": "东至示例一路，南至示例二路，西至示例三路，北至示例四路。", "segments": ["software", "services"],
            **{key: "yes" for key, _label in park.DECLARATIONS},
        },
        "basic": {
            "proposed_name": "示例园", "main_park_name": "示例软件园", "address": "示例市示例区示例大道1号",
            "planned_area": "50", "built_area": "30", "operated_area": "20", "report_month": "9",
            "indicators": [{"current": INDICATORS[key][0], "previous": INDICATORS[key][1]} for key, _ in park.INDICATORS],
        },
        "enterprises": {"list": [{"name": f"示例网安企业{i:02d}有限公司", **enterprise} for i in range(30)]},
        "public_service": {
            "platforms": [{"name": "示例网络安全测试验证平台", "builder": "示例网安科技有限公司", "scope": "测试验证",
                           "recognized_on": "2021-06-01"}],
            "training": [{"name": "示例网络安全学院", "direction": "渗透测试", "annual_scale": "300"}],
            "events": [{"name": "示例网络安全大赛", "organizers": "示例园区运营管理有限公司", "held_on": "2023-09-10",
                        "venue": "示例软件园", "scale": "500"}],
            "other_services": "融资对接、知识产权代理。",
        },
        "construction": {"land_use": "产业用地占70%。", "three_year_plan": "新增建筑面积10万平方米。"},
        "facilities": {"description": "人才公寓、地铁站、停车位2000个。"},
        "operator": {
            "name": "示例园区运营管理有限公司", "established_on": "2019-01-01", "legal_representative": "王示例",
            "registered_capital": "5000", "registered_address": "示例市示例区示例大道1号", "office_address": "",
            "shareholders": "示例投资集团有限公司", "contact_name": "赵示例", "contact_phone": PHONE,
            "contact_email": "park@example.com",
            "operations": [{"current": "3000", "previous": "4000"}, {"current": "60", "previous": "55"}],
            "capability": "运营团队30人，年均引进企业20家。",
        },
        "government_support": {"measures": "设立网络安全产业专项资金。"},
        "opinion": {"applicant_opinion": "同意申报。"},
    }  # fmt: skip


EXAMPLES = {"provider_filing": provider_values, "support_unit": support_unit_values, "key_park": park_values}


def files_for(spec: ApplicationType, **overrides: list[AttachmentInfo]) -> list[AttachmentInfo]:
    """Enough files for every required slot, dated a month ago and valid for a year."""
    out: list[AttachmentInfo] = []
    for slot in spec.attachments:
        if slot.key in overrides:
            out += overrides[slot.key]
        elif slot.required:
            out += [AttachmentInfo(slot.key, f"{slot.key}-{n}.pdf", "pdf", document_date=TODAY - timedelta(days=30),
                                   valid_until=TODAY + timedelta(days=365)) for n in range(slot.min_count)]  # fmt: skip
    return out


def accepted_for(spec: ApplicationType) -> dict:
    return {c.key: {"version": c.version} for c in spec.commitments}


def check(code: str, values: dict, **attachment_overrides) -> list[Problem]:
    spec = REGISTRY.get(code)
    return validate(spec, values=values, attachments=files_for(spec, **attachment_overrides),
                    accepted=accepted_for(spec), today=TODAY)  # fmt: skip


def at(problems: list[Problem], path: str) -> list[str]:
    return [p.message for p in problems if p.path == path or p.path.startswith(path + ".")]


def _texts(spec: ApplicationType):
    """Every bilingual text of a type."""
    yield spec.label
    yield spec.short
    yield from spec.notes
    for section, item in spec.iter_items():
        yield section.label
        fields = item.columns if isinstance(item, Table) else (item,)
        yield item.label
        if isinstance(item, Table):
            yield from item.fixed_rows
        for f in fields:
            yield f.label
            yield from (label for _code, label in f.choices)
    for a in spec.attachments:
        yield a.label
    for c in spec.commitments:
        yield c.title
        yield c.text
    for s in spec.all_stages():
        yield s.label
        yield from s.checklist
    if spec.post_approval and spec.post_approval.granted_title:
        yield spec.post_approval.granted_title


# --- the types register with sound keys ----------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_type_is_registered_with_unique_keys(code):
    spec = REGISTRY.get(code)
    assert spec.code == code
    sections = [s.key for s in spec.sections]
    assert len(sections) == len(set(sections))
    for section in spec.sections:
        keys = [i.key for i in section.items]
        assert len(keys) == len(set(keys)), section.key
        for item in section.items:
            if isinstance(item, Table):
                columns = [c.key for c in item.columns]
                assert len(columns) == len(set(columns)), item.key
    for keys in ([a.key for a in spec.attachments], [c.key for c in spec.commitments],
                 [s.key for s in spec.all_stages()]):  # fmt: skip
        assert len(keys) == len(set(keys))
    assert [s.key for s in spec.stages if s.approves] == [spec.stages[-1].key]


@pytest.mark.parametrize("code", CODES)
def test_every_text_is_bilingual(code):
    for text in _texts(REGISTRY.get(code)):
        assert isinstance(text, T) and text.zh and text.en, text


@pytest.mark.parametrize("code", CODES)
def test_no_real_organization_or_person_from_the_seeds(code):
    real = ("重庆", "天津", "滨海", "互联网协会", "通信管理局", "经济和信息化委员会", "经济信息委", "周老师", "18315155443")
    for text in _texts(REGISTRY.get(code)):
        assert not any(name in text.zh or name in text.en for name in real), text


@pytest.mark.parametrize("code", CODES)
def test_paths_cover_what_the_form_returns(code):
    spec, values = REGISTRY.get(code), EXAMPLES[code]()
    returned = {f"{section}.{key}" for section, items in values.items() for key in items}
    assert returned == spec.paths()


@pytest.mark.parametrize("code", CODES)
def test_complete_example_passes(code):
    assert check(code, EXAMPLES[code]()) == []


@pytest.mark.parametrize("code", CODES)
def test_problems_point_at_returnable_paths(code):
    """Blank everything: every problem names a path the reviewer can return (or a slot/commitment)."""
    spec = REGISTRY.get(code)
    values = {s.key: {i.key: ([{}] if isinstance(i, Table) else "no") for i in s.items} for s in spec.sections}
    problems = validate(spec, values=values, attachments=[], accepted={}, today=TODAY)
    assert problems
    for p in problems:
        head = ".".join(p.path.split(".")[:2])
        assert head in spec.paths() or p.path.split(".")[0] in ("attachments", "commitments"), p.path


def test_only_the_park_accepts_wu_for_blank_fields():
    """seed 003 填报说明 2 turns the “无” hint on for the park only — in both languages."""
    for code, hinted in (("key_park", True), ("support_unit", False), ("provider_filing", False)):
        values = EXAMPLES[code]()
        section = next(iter(values))
        key = next(k for k, v in values[section].items() if isinstance(v, str) and v)
        values[section][key] = ""
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                messages = at(check(code, values), f"{section}.{key}")
            assert messages and all(("无" in m) == hinted for m in messages), (code, lang, messages)


# --- seed 003: key park --------------------------------------------------------------------------

SECURITY_REVENUE = f"basic.indicators.{park._ROW['security_revenue']}.previous"
SECURITY_FIRMS = f"basic.indicators.{park._ROW['security_enterprises']}.previous"


def _set_indicator(values: dict, key: str, previous: str) -> dict:
    values["basic"]["indicators"][park._ROW[key]]["previous"] = previous
    return values


def _list_revenues(values: dict, last: str) -> dict:
    """29 enterprises at 2600万 and the last at ``last`` 万元 (all in the 2000–5000万 band)."""
    for row in values["enterprises"]["list"]:
        row["security_revenue"] = "2600"
    values["enterprises"]["list"][-1].update(security_revenue=last, total_revenue="5000")
    return values


@pytest.mark.parametrize(
    ("change", "path", "figures"),
    [
        (lambda v: _set_indicator(v, "security_revenue", "2.9"), SECURITY_REVENUE, ("2.9", "3")),
        (lambda v: _set_indicator(v, "security_revenue", "无"), SECURITY_REVENUE, ("0", "3")),
        (lambda v: _set_indicator(v, "security_enterprises", "29"), SECURITY_FIRMS, ("29", "30")),
        (lambda v: _list_revenues(v, "3600"), "enterprises.list", ("79000", "79.0%", "80000")),
        (lambda v: v["enterprises"].update(list=v["enterprises"]["list"][:29]) or v, "enterprises.list", ("29", "30")),
        (lambda v: v["eligibility"].update(park_approved="no") or v, "eligibility.park_approved", ("批准设立",)),
        (lambda v: v["basic"].update(proposed_name="示例区园") or v, "basic.proposed_name", ("示例区园",)),
        (lambda v: _set_indicator(v, "security_listed", "6"), "basic.indicators.7.previous", ("6", "5")),
    ],
    ids=["revenue-2.9", "revenue-wu", "29-enterprises", "list-79%", "list-29-rows", "not-approved", "name",
         "listed-part-over-whole"],
)  # fmt: skip
def test_park_conditions_refuse_with_the_figures(change, path, figures):
    messages = at(check("key_park", change(park_values())), path)
    assert messages, path
    assert any(all(f in m for f in figures) for m in messages), messages


def test_park_list_at_exactly_80_percent_passes():
    assert check("key_park", _list_revenues(park_values(), "4600")) == []


def test_park_list_cannot_show_more_firms_in_a_band_than_declared():
    values = _set_indicator(park_values(), "band_20m_50m", "20")
    assert any("30" in m and "20" in m for m in at(check("key_park", values), "basic.indicators.10.previous"))


def test_park_whole_numbers_are_rounded_by_normalize():
    spec, values = REGISTRY.get("key_park"), park_values()
    values["basic"]["planned_area"] = "1.6"
    values["basic"]["indicators"][0]["current"] = "79.5"
    out, notes = normalize(spec, values)
    assert out["basic"]["planned_area"] == "2"
    assert out["basic"]["indicators"][0]["current"] == "80"
    assert len(notes) == 2


def test_park_shares_are_computed_from_table_one():
    shares = park.indicator_shares(FormData(REGISTRY.get("key_park"), park_values()), "previous")
    assert str(shares["security_revenue"]) == "10.0"
    assert str(shares["security_enterprises"]) == "8.3"


def test_park_procedure_and_title():
    spec = REGISTRY.get("key_park")
    assert [(s.key, s.kind) for s in spec.stages] == [
        ("county_review", "review"), ("county_letter", "letter"), ("expert_review", "expert_panel"),
        ("public_notice", "public_notice"), ("city_approval", "review"),
    ]  # fmt: skip
    assert spec.stage("expert_review").min_experts == 3
    assert spec.stage("county_letter").letter_label is not None
    assert spec.post_approval.construction_months == 24 and spec.post_approval.report_every_months == 6
    assert [s.kind for s in spec.post_approval.acceptance_stages][-1] == "expert_panel"
    assert spec.post_approval.granted_title.format(name="示例园") == "国家网络安全产业园区（示例园）"


def test_park_numbers_are_all_whole():
    spec = REGISTRY.get("key_park")
    numeric = [f for _s, item in spec.iter_items()
               for f in (item.columns if isinstance(item, Table) else (item,))
               if f.kind in ("integer", "decimal", "money", "percent")]  # fmt: skip
    assert numeric and all(f.integer_only for f in numeric)


# --- seed 001: support unit ----------------------------------------------------------------------


def _report(day: date, n: int = 0) -> AttachmentInfo:
    return AttachmentInfo("risk_reports", f"report-{n}.pdf", "pdf", document_date=day)


@pytest.mark.parametrize(("length", "refused"), [(800, False), (801, True)])
def test_support_unit_detailed_solution_at_most_800_characters(length, refused):
    values = support_unit_values()
    values["projects"]["detailed"][0]["solution"] = "安" * length
    assert bool(at(check("support_unit", values), "projects.detailed.0.solution")) is refused


@pytest.mark.parametrize(("length", "refused"), [(800, False), (801, True)])
def test_support_unit_major_case_at_most_800_characters(length, refused):
    values = support_unit_values()
    values["typical"]["major_case"] = "安" * length
    assert bool(at(check("support_unit", values), "typical.major_case")) is refused


@pytest.mark.parametrize(("length", "refused"), [(1000, False), (1001, True)])
def test_support_unit_support_measures_at_most_1000_characters(length, refused):
    values = support_unit_values()
    values["support_measures"]["description"] = "安" * length
    messages = at(check("support_unit", values), "support_measures.description")
    assert bool(messages) is refused
    assert not refused or "1001" in messages[0]


@pytest.mark.parametrize(
    ("reports", "refused"),
    [
        ([_report(date(2022, 5, 1), n) for n in range(2)], True),
        ([_report(date(2022, 5, 1), 0), _report(date(2022, 6, 1), 1), _report(date(2020, 12, 31), 2)], True),
        ([_report(date(2021, 1, 1), 0), _report(date(2022, 6, 1), 1), _report(date(2023, 1, 1), 2)], False),
        ([_report(date(2022, 5, 1), 0), _report(date(2022, 6, 1), 1), AttachmentInfo("risk_reports", "x.pdf", "pdf")],
         True),
    ],
    ids=["only-two", "one-dated-2020-12-31", "from-2021-01-01", "undated"],
)  # fmt: skip
def test_support_unit_needs_three_risk_reports_from_2021(reports, refused):
    problems = check("support_unit", support_unit_values(), risk_reports=reports)
    assert bool(at(problems, "attachments.risk_reports")) is refused


@pytest.mark.parametrize(
    ("change", "path", "figure"),
    [
        (lambda v: v["projects"]["list"][0].update(signed_on="2020-12-31"), "projects.list.0.signed_on", "2020-12-31"),
        (lambda v: v["projects"]["list"][0].update(emergency_amount="130"), "projects.list.0.emergency_amount", "130"),
        (lambda v: v["projects"]["list"][2].update(acceptance_note=""), "projects.list.2.acceptance_note", "示例项目三"),
        (lambda v: v["typical"]["projects"][0].update(name="未列入的项目"), "typical.projects.0.name", "未列入的项目"),
        (lambda v: v["organization"]["institutions"].reverse(), "organization.institutions", "总部"),
        (lambda v: v["organization"]["institutions"][1].update(is_local="no"), "organization.institutions", "属地"),
        (lambda v: v["finance"]["years"][0].update(year=str(TODAY.year - 4)), "finance.years", str(TODAY.year - 4)),
        (lambda v: v["staff"]["statistics"][0].update(security_staff="301"), "staff.statistics.0.security_staff",
         "301"),
        (lambda v: v["finance"].update(no_illegal_record="no"), "finance.no_illegal_record", "违法"),
        (lambda v: v["staff_detail"].update(people=v["staff_detail"]["people"][:9]), "staff_detail.people", "10"),
    ],
    ids=["signed-2020", "emergency-over-contract", "unaccepted-unexplained", "typical-not-listed", "hq-not-first",
         "no-local-office", "wrong-years", "security-over-total", "illegal-record", "nine-staff"],
)  # fmt: skip
def test_support_unit_rules_refuse(change, path, figure):
    values = support_unit_values()
    change(values)
    messages = at(check("support_unit", values), path)
    assert any(figure in m for m in messages), messages


def test_support_unit_contacts_are_the_four_roles():
    table = REGISTRY.get("support_unit").section("contacts").items[0]
    assert [r.zh for r in table.fixed_rows] == ["网络安全应急工作负责人", "支撑单位工作负责人", "支撑单位工作联系人", "遴选工作联系人"]
    values = support_unit_values()
    values["contacts"]["roles"] = values["contacts"]["roles"][:3]
    assert any("遴选工作联系人" in m for m in at(check("support_unit", values), "contacts.roles.3"))


def test_support_unit_risk_reports_count_from_1_january_2021():
    slot = REGISTRY.get("support_unit").attachment("risk_reports")
    assert (slot.min_count, slot.needs_document_date, slot.dated_after) == (3, True, date(2020, 12, 31))
    assert date(2021, 1, 1) == support_unit.SINCE  # also the first day projects may be signed


# --- seed 000: provider --------------------------------------------------------------------------


def test_provider_expired_iso27001_is_refused_with_its_number():
    values = provider_values()
    values["capability"]["certificates"][0]["valid_until"] = (TODAY - timedelta(days=1)).isoformat()
    messages = at(check("provider_filing", values), "capability.certificates")
    assert len(messages) == 1 and "ISMS-0001" in messages[0]


@pytest.mark.parametrize(
    ("months", "refused"),
    [
        ((3, 2, 1), False),
        ((2, 1, 0), False),
        ((4, 2, 1), True),  # a gap
        ((2, 2, 1), True),  # a month twice
        ((5, 4, 3), True),  # ends more than two months ago
        ((1, 0, -1), True),  # a future month
    ],
)
def test_provider_tax_months_are_three_consecutive_recent_months(months, refused):
    values = provider_values()
    for row, before in zip(values["finance"]["tax_months"], months, strict=True):
        row["month"] = _month(before)
    messages = at(check("provider_filing", values), "finance.tax_months")
    assert bool(messages) is refused, messages


def test_provider_tax_month_must_be_written_yyyy_mm():
    values = provider_values()
    values["finance"]["tax_months"][0]["month"] = "2024/3"
    assert any("2024/3" in m for m in at(check("provider_filing", values), "finance.tax_months.0.month"))


def test_provider_registered_elsewhere_names_its_local_entity():
    values = provider_values()
    values["registration"]["registered_locally"] = "no"
    problems = check("provider_filing", values)
    assert {p.path for p in problems} == {
        "registration.local_entity_kind", "registration.local_entity_name", "registration.local_entity_credit_code",
        "registration.zone_office_address", "registration.local_team_size", "attachments.local_entity_proof",
    }  # fmt: skip
    values["registration"].update(local_entity_kind="branch", local_entity_name="示例网安科技有限公司示例分公司",
                                  local_entity_credit_code="91000000MA00000002", zone_office_address="示例园区1号楼",
                                  local_team_size="8")  # fmt: skip
    proof = [AttachmentInfo("local_entity_proof", "branch.pdf", "pdf", document_date=TODAY - timedelta(days=30))]
    assert check("provider_filing", values, local_entity_proof=proof) == []


def test_provider_local_entity_proof_is_checked_once_rules_see_attachments():
    spec, values = REGISTRY.get("provider_filing"), provider_values()
    values["registration"].update(registered_locally="no", local_entity_kind="subsidiary", local_entity_name="示例子公司",
                                  local_entity_credit_code="91000000MA00000003", zone_office_address="示例园区2号楼",
                                  local_team_size="5")  # fmt: skip
    data = FormData(spec, values)
    data.attachments = files_for(spec)
    assert [p.path for p in provider._local_presence(data)] == ["attachments.local_entity_proof"]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda v: v["credit"].update(gsxt_clean="no"), "credit.gsxt_clean"),
        (lambda v: v["credit"].update(gsxt_clean=""), "credit.gsxt_clean"),
        (lambda v: v["credit"].update(no_penalty="no"), "credit.no_penalty"),
        (lambda v: v["finance"].update(audit_year=str(TODAY.year - 3)), "finance.audit_year"),
        (lambda v: v["capability"]["certificates"][1].update(name="other"), "capability.certificates.1.other_name"),
    ],
    ids=["abnormal", "enterprise-undeclared", "penalty", "old-audit", "other-unnamed"],
)
def test_provider_rules_refuse(change, path):
    values = provider_values()
    change(values)
    assert at(check("provider_filing", values), path)


def test_public_institution_need_not_declare_the_enterprise_publicity_system():
    values = provider_values()
    values["institution"]["legal_person_type"] = "institution"
    values["credit"]["gsxt_clean"] = ""
    assert check("provider_filing", values) == []


def test_rule_messages_follow_the_language():
    values = provider_values()
    values["capability"]["certificates"][0].update(valid_from="2017-01-01", valid_until="2020-01-01")
    with translation.override("en"):
        (message,) = at(check("provider_filing", copy.deepcopy(values)), "capability.certificates")
    assert message == "Certificate ISMS-0001 expired on 2020-01-01."
    (message,) = at(check("provider_filing", values), "capability.certificates")
    assert message == "证书ISMS-0001已于2020-01-01过期。"
