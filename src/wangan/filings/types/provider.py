"""Provider filing for the enterprise security cloud package (seed 000 §四 服务机构要求, §五(二) 机构备案).

The provider fills in the 《服务机构信息表》, uploads the evidence of §四(二)1–4, accepts the
《机构承诺书》 and the free-service agreement; the authority reviews once.  Approval makes it a
package provider (qualification ``voucher_provider``).
"""

from __future__ import annotations

import re
from datetime import date

from wangan.filings.spec import (
    REGISTRY,
    ApplicationType,
    AttachmentSlot,
    Commitment,
    Field,
    FormData,
    Problem,
    Section,
    Stage,
    T,
    Table,
)
from wangan.filings.types import YES_NO, must_be_yes, problem, today_of
from wangan.filings.validation import parse_date, parse_number

VERSION = "2024.1"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

LEGAL_PERSON_TYPES = (
    ("enterprise", T("企业法人", "Enterprise")),
    ("institution", T("事业单位法人", "Public institution")),
)
LOCAL_ENTITY_KINDS = (
    ("branch", T("分支机构", "Branch")),
    ("subsidiary", T("全资子公司", "Wholly-owned subsidiary")),
)
# seed 000 §四(二)3: “包括但不限于” these certificates
CERTIFICATES = (
    ("software_delivery_1", T("软件服务商交付能力一级证书", "Software service delivery capability, level 1")),
    ("ccrc_operations_1", T("CCRC信息系统安全运维一级", "CCRC information system security operations, level 1")),
    ("ccrc_incident_1", T("CCRC信息安全应急处理一级", "CCRC incident response, level 1")),
    ("ccrc_risk_1", T("CCRC信息安全风险评估一级", "CCRC risk assessment, level 1")),
    ("iso27001", T("ISO 27001信息安全管理体系认证证书", "ISO 27001 certificate")),
    ("other", T("其他", "Other")),
)

SECTIONS = (
    Section("institution", T("服务机构基本信息", "Provider"), (
        Field("name", T("机构名称", "Name"), max_length=100),
        Field("credit_code", T("统一社会信用代码", "Unified social credit code"), max_length=18),
        Field("legal_person_type", T("法人类型", "Type of legal person"), "choice", choices=LEGAL_PERSON_TYPES),
        Field("legal_representative", T("法定代表人", "Legal representative"), max_length=50),
        Field("registered_address", T("注册地址", "Registered address"), max_length=200),
        Field("established_on", T("成立日期", "Established on"), "date"),
        Field("contact_name", T("联系人", "Contact person"), max_length=50),
        Field("contact_phone", T("联系电话", "Contact phone"), "phone"),
        Field("contact_email", T("电子邮箱", "E-mail"), "email"),
    )),
    # seed 000 §四(一)1–2
    Section("registration", T("注册地与本地化服务", "Registration and local service"), (
        Field("registered_in_mainland", T("在中国大陆工商注册", "Registered in mainland China"), "choice",
              choices=YES_NO),
        Field("independent_legal_person", T("具有独立法人资格", "Independent legal person"), "choice", choices=YES_NO),
        Field("operating_normally", T("持续正常经营、纳税", "Operating and paying taxes continuously"), "choice",
              choices=YES_NO),
        Field("registered_locally", T("在本市工商注册", "Registered in the programme's city"), "choice",
              choices=YES_NO,
              help=T("非本市注册的服务机构须在本市设有分支机构或全资子公司，在示范区内有固定办公地点和一定规模的服务团队。",
                     "A provider registered elsewhere needs a branch or wholly-owned subsidiary in the city, "
                     "a fixed office in the zone and a local service team.")),
        Field("local_entity_kind", T("本市分支机构或全资子公司", "Local branch or subsidiary"), "choice",
              required=False, choices=LOCAL_ENTITY_KINDS),
        Field("local_entity_name", T("分支机构或子公司名称", "Name of the branch or subsidiary"), required=False,
              max_length=100),
        Field("local_entity_credit_code", T("分支机构或子公司统一社会信用代码", "Its unified social credit code"),
              required=False, max_length=18),
        Field("zone_office_address", T("示范区内固定办公地点", "Fixed office in the zone"), required=False,
              max_length=200),
        Field("local_team_size", T("本地服务团队人数", "Local service team"), "integer", required=False, min_value=1,
              unit=T("人", "people")),
    )),  # fmt: skip
    # seed 000 §四(一)3
    Section("credit", T("信用状况", "Credit standing"), (
        Field("gsxt_clean", T("国家企业信用信息公示系统中无经营异常或失信状态", "No abnormal operation or dishonesty "
              "in the National Enterprise Credit Information Publicity System"), "choice", required=False,
              choices=YES_NO, help=T("企业法人必填；事业单位法人可不填。", "Required of enterprises.")),
        Field("creditchina_clean", T("“信用中国”网站中无失信状态", "No dishonesty record on Credit China"), "choice",
              choices=YES_NO),
        Field("no_penalty", T("未因违反有关法律法规受到刑事或行政处罚", "No criminal or administrative penalty"),
              "choice", choices=YES_NO),
        Field("checked_on", T("信用信息查询日期", "Date the credit records were checked"), "date"),
    )),  # fmt: skip
    # seed 000 §四(一)4, §四(二)3
    Section("capability", T("专业技术能力", "Technical capability"), (
        Table("certificates", T("资质证书", "Certificates"), (
            Field("name", T("证书名称", "Certificate"), "choice", choices=CERTIFICATES),
            Field("other_name", T("其他证书名称", "Name of the other certificate"), required=False, max_length=100),
            Field("number", T("证书编号", "Number"), max_length=60),
            Field("issuer", T("发证机构", "Issued by"), max_length=100),
            Field("valid_from", T("有效期起", "Valid from"), "date"),
            Field("valid_until", T("有效期至", "Valid until"), "date"),
        ), min_rows=1, max_rows=30),
        Field("summary", T("服务能力说明", "Capability"), "textarea", max_length=2000,
              help=T("说明履行企业安全云服务所必需的专业技术能力：技术团队、部署与运维能力、交付质量保障等。",
                     "Team, deployment and operations capacity, quality assurance.")),
    )),  # fmt: skip
    # seed 000 §四(二)1–2
    Section("finance", T("财务与纳税社保", "Finance, taxes and social insurance"), (
        Field("audit_year", T("审计报告所属年度", "Financial year audited"), "integer", min_value=2000),
        Field("audit_firm", T("会计师事务所", "Audit firm"), max_length=100),
        Table("tax_months", T("提交申请前连续3个月缴税和社会保险情况", "Taxes and social insurance, 3 consecutive months"), (
            Field("month", T("月份", "Month"), max_length=7, placeholder="YYYY-MM"),
            Field("tax_paid", T("缴税金额", "Tax paid"), "money", min_value=0, unit=T("元", "CNY")),
            Field("insured_staff", T("参保人数", "Insured staff"), "integer", min_value=1, unit=T("人", "people")),
        ), min_rows=3, max_rows=3, help=T("按月份先后填写，与上传的缴税和社保证明一致。",
                                          "Oldest month first, as in the uploaded proofs.")),
    )),  # fmt: skip
    # seed 000 §四(三)1–4
    Section("service", T("服务规范", "Service rules"), (
        Field("standards", T("向企业公示的服务标准", "Service standards published to enterprises"), "textarea",
              max_length=2000),
        Field("procedures", T("向企业公示的服务程序", "Service procedure published to enterprises"), "textarea",
              max_length=2000),
        Field("data_protection", T("企业资料、信息和商业秘密保护措施", "Protection of enterprises' data and secrets"),
              "textarea", max_length=2000),
        Field("reporting_contact", T("业务情况反馈联系人", "Contact for reporting to the platform"), max_length=50),
        Field("reporting_phone", T("反馈联系人电话", "Its phone"), "phone"),
    )),  # fmt: skip
)  # fmt: skip

ATTACHMENTS = (
    AttachmentSlot("audited_financial_report", T("经第三方会计师事务所审计的近一年度财务报告", "Audited financial report, "
                   "last year"), needs_document_date=True),
    # seed 000 §四(二)2; one proof per month, the months themselves are declared in finance.tax_months
    AttachmentSlot("tax_proof", T("提交申请前连续3个月依法缴税证明", "Tax payment proofs, 3 consecutive months"),
                   min_count=3, needs_document_date=True),
    AttachmentSlot("social_insurance_proof", T("提交申请前连续3个月社会保险缴纳证明",
                   "Social insurance proofs, 3 consecutive months"), min_count=3, needs_document_date=True),
    AttachmentSlot("certificates", T("专业技术能力证明材料（资质证书扫描件）", "Certificate scans"), needs_validity=True,
                   max_count=30),
    AttachmentSlot("local_entity_proof", T("本市分支机构或全资子公司证明材料", "Proof of the local branch or subsidiary"),
                   required=False, help=T("非本市注册的服务机构必须上传：营业执照、办公场所证明、服务团队社保证明等。",
                                          "Required of providers registered outside the city.")),
    AttachmentSlot("authority_agreement", T("与主管部门签署的服务协议（签字盖章扫描件）",
                   "Agreement signed with the authority")),
    AttachmentSlot("other", T("其他证明材料", "Other evidence"), required=False),
)  # fmt: skip

COMMITMENTS = (
    Commitment("institution_pledge", T("机构承诺书", "Provider's pledge"), T(
        "本机构自愿申请成为企业安全云服务包服务机构，郑重承诺：\n"
        "一、本机构在中国大陆工商注册，具有独立法人资格，持续正常经营、依法纳税；无经营异常或失信状态，"
        "未因违反有关法律法规受到刑事或行政处罚；所填《服务机构信息表》及上传的证明材料真实、准确、完整。\n"
        "二、对服务企业提供的材料、信息和其他商业秘密承担保密义务，满足企业数据信息保护的要求。\n"
        "三、向企业公示明确的服务标准和程序。\n"
        "四、接受平台统一管理，按规定开展业务活动。\n"
        "五、及时反馈报告业务开展中遇到的问题和服务开展情况。\n"
        "六、如违反上述承诺，愿按照创通票管理办法相关规定接受处理；情节严重的，接受取消服务资格的处理。",
        "We apply of our own will to deliver the enterprise security cloud package and undertake:\n"
        "1. We are registered in mainland China as an independent legal person, operate and pay taxes "
        "continuously, have no abnormal-operation or dishonesty record and no criminal or administrative "
        "penalty; the information form and the evidence are true, accurate and complete.\n"
        "2. We keep the materials, information and business secrets of the enterprises we serve confidential "
        "and meet their data-protection requirements.\n"
        "3. We publish clear service standards and procedures to enterprises.\n"
        "4. We accept the platform's management and work by its rules.\n"
        "5. We promptly report problems met and the state of our services.\n"
        "6. If we break these undertakings we accept the measures of the voucher rules, in serious cases the "
        "withdrawal of our provider status."), VERSION),
    Commitment("free_service_agreement", T("免费服务协议", "Free-service agreement"), T(
        "本机构与创通票业务主管部门签署服务协议，承诺：\n"
        "一、免费为企业提供一年期企业安全云服务，包括终端管理、终端安全、资产管理及预警、软件管理和浏览器基础管理服务，"
        "不以任何名义向企业收取费用。\n"
        "二、保证达到协议约定的服务质量；对自行部署有困难的企业，在企业提出需求后5个工作日内派工程师上门提供安装部署服务。\n"
        "三、服务完成后出具完成服务报告，接受企业确认和满意度评价。",
        "We sign the service agreement with the voucher authority and undertake:\n"
        "1. To deliver the one-year enterprise security cloud service (endpoint management, endpoint security, "
        "asset management and alerts, software management, basic browser management) free of charge, "
        "charging the enterprise nothing under any name.\n"
        "2. To meet the service quality agreed; for an enterprise that cannot deploy it itself, to send an "
        "engineer on site within 5 working days of its request.\n"
        "3. To issue a completion report and accept the enterprise's confirmation and satisfaction rating."),
        VERSION),
)  # fmt: skip


def _eligibility(data: FormData) -> list[Problem]:
    """seed 000 §四(一)1–3: every declaration must be “是”; the publicity system applies to enterprises."""
    out = must_be_yes(("registration.registered_in_mainland", "registration.independent_legal_person",
                       "registration.operating_normally", "credit.creditchina_clean", "credit.no_penalty"))(data)  # fmt: skip
    if data.get("institution.legal_person_type") == "enterprise":
        answer = data.get("credit.gsxt_clean")
        if answer in (None, ""):
            out.append(problem("credit.gsxt_clean", "企业法人须声明在国家企业信用信息公示系统中的状态。",
                               "An enterprise must declare its status in the publicity system."))
        else:
            out += must_be_yes(("credit.gsxt_clean",))(data)
    checked = parse_date(data.get("credit.checked_on"))
    if checked and checked > today_of(data):
        out.append(problem("credit.checked_on", "信用信息查询日期%(date)s晚于今天。",
                           "The credit check date %(date)s is in the future.", date=checked))
    return out


def _local_presence(data: FormData) -> list[Problem]:
    """seed 000 §四(一)2: a provider registered elsewhere names its local entity, office and team."""
    if data.get("registration.registered_locally") != "no":
        return []
    section = data.spec.section("registration")
    needed = ("local_entity_kind", "local_entity_name", "local_entity_credit_code", "zone_office_address",
              "local_team_size")  # fmt: skip
    out = []
    for item in section.items:
        if item.key in needed and data.get(f"registration.{item.key}") in (None, ""):
            out.append(problem(f"registration.{item.key}", "非本市注册的服务机构须填写“%(label)s”。",
                               "A provider registered outside the city must give “%(label)s”.", label=item.label))
    attachments = getattr(data, "attachments", None)  # once FormData carries them
    if attachments is not None and not any(a.slot == "local_entity_proof" for a in attachments):
        out.append(problem("attachments.local_entity_proof", "非本市注册的服务机构须上传本市分支机构或全资子公司证明材料。",
                           "A provider registered outside the city must upload the proof of its local entity."))
    return out


def _certificates(data: FormData) -> list[Problem]:
    """seed 000 §四(一)4: the capability must be current — every expired certificate is named."""
    today = today_of(data)
    out = []
    for i, row in enumerate(data.get("capability.certificates") or []):
        if not isinstance(row, dict):
            continue
        path = f"capability.certificates.{i}"
        start, end = parse_date(row.get("valid_from")), parse_date(row.get("valid_until"))
        if end and end < today:
            out.append(problem(f"{path}.valid_until", "证书%(number)s已于%(date)s过期。",
                               "Certificate %(number)s expired on %(date)s.", number=row.get("number") or "?", date=end))
        if start and end and start > end:
            out.append(problem(f"{path}.valid_from", "证书%(number)s的有效期起始日期晚于截止日期。",
                               "Certificate %(number)s: valid from is after valid until.", number=row.get("number") or "?"))
        if row.get("name") == "other" and not (row.get("other_name") or "").strip():
            out.append(problem(f"{path}.other_name", "选择“其他”时请填写证书名称。", "Name the other certificate."))
    return out


def _month_index(text) -> int | None:
    match = _MONTH.match(str(text or "").strip())
    if not match or not 1 <= int(match[2]) <= 12:
        return None
    return int(match[1]) * 12 + int(match[2]) - 1


def _tax_months(data: FormData) -> list[Problem]:
    """seed 000 §四(二)2: “提交申请前连续3个月” — three consecutive months, the last no earlier than two
    months before today (a month's proof is issued the month after) and not in the future."""
    path = "finance.tax_months"
    rows = data.get(path) or []
    months = [row.get("month") if isinstance(row, dict) else None for row in rows]
    indexes = [_month_index(m) for m in months]
    out = [problem(f"{path}.{i}.month", "月份“%(month)s”应写作YYYY-MM。", "Month “%(month)s” must be YYYY-MM.",
                   month=m) for i, (m, ix) in enumerate(zip(months, indexes, strict=True)) if m and ix is None]  # fmt: skip
    known = [ix for ix in indexes if ix is not None]
    if out or len(known) != 3:
        return out
    ordered = sorted(known)
    shown = "、".join(str(m) for m in months)
    if ordered != list(range(ordered[0], ordered[0] + 3)):
        out.append(problem(path, "所填月份%(months)s不是连续的3个月。", "The months %(months)s are not 3 consecutive "
                           "months.", months=shown))
    now = today_of(data)
    current = now.year * 12 + now.month - 1
    if ordered[-1] > current:
        out.append(problem(path, "所填月份%(months)s含有未来月份。", "The months %(months)s include a future month.",
                           months=shown))
    elif ordered[-1] < current - 2:
        out.append(problem(path, "所填最后一个月份距今超过2个月，请提供提交申请前连续3个月的证明。",
                           "The last month is more than 2 months ago; give the 3 months just before the application."))
    return out


def _audit_year(data: FormData) -> list[Problem]:
    """seed 000 §四(二)1: the audited report of the most recent year.  Annual audits appear by mid-year,
    so until 30 June the year before last still counts as the most recent one."""
    year = parse_number(data.get("finance.audit_year"))
    if year is None:
        return []
    now = today_of(data)
    allowed = {now.year - 1} | ({now.year - 2} if now < date(now.year, 7, 1) else set())
    if int(year) not in allowed:
        return [problem("finance.audit_year", "审计报告所属年度为%(year)s，应为最近一个年度（%(expected)s）。",
                        "The audited year is %(year)s; it must be the most recent one (%(expected)s).",
                        year=int(year), expected="/".join(str(y) for y in sorted(allowed, reverse=True)))]
    return []


PROVIDER = REGISTRY.register(ApplicationType(
    code="provider_filing",
    label=T("企业安全云服务包服务机构备案", "Provider filing for the enterprise security cloud package"),
    short=T("服务机构备案", "Provider filing"),
    applicant_org_types=("provider",),
    sections=SECTIONS,
    attachments=ATTACHMENTS,
    commitments=COMMITMENTS,
    stages=(
        Stage("authority_review", T("主管部门审核", "Authority review"), approves=True, checklist=(
            T("在中国大陆工商注册，具有独立法人资格，持续正常经营、纳税", "Mainland registration, legal person, operating"),
            T("非本市注册的：本市分支机构或全资子公司、示范区内办公地点、本地服务团队",
              "If registered elsewhere: local entity, office in the zone, local team"),
            T("国家企业信用信息公示系统和“信用中国”查询结果；未受刑事或行政处罚", "Credit records checked; no penalty"),
            T("近一年度审计财务报告", "Audited financial report of the last year"),
            T("提交申请前连续3个月缴税和社保证明", "Tax and social insurance, 3 consecutive months"),
            T("专业技术能力证明在有效期内", "Capability certificates valid"),
            T("已与主管部门签署免费服务协议", "Free-service agreement signed"),
        )),
    ),  # fmt: skip
    rules=(_eligibility, _local_presence, _certificates, _tax_months, _audit_year),
    # seed 000 §四: a provider files once; a rejected one may file again (the lead's services decide)
    once_per_year=False,
    notes=(
        T("备案通过后，服务机构即可在平台发布企业安全云服务包（细则五(二)）。",
          "Once the filing is approved the provider may publish the package (rules 五(二))."),
        T("对违反承诺的机构，按照创通票管理办法相关规定处理，情节严重的取消服务资格（细则四(四)）。",
          "A provider breaking its pledge is dealt with under the voucher rules; in serious cases it loses its status."),
    ),
    qualification="voucher_provider",
    reviewing_body=T("主管部门", "Authority"),
))  # fmt: skip
