"""Selection of cybersecurity technical support units (seed 001 网络安全技术支撑单位申请书).

Chapters 一–八 of the application are the sections, 附件 (一)–(八) the attachment slots, the 承诺书 and
附件3 应急响应承诺书 the commitments; the selecting association (遴选组织单位/协会) reviews.  A
selection holds for the year it was made in.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

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
from wangan.filings.types import YES, YES_NO, must_be_yes, problem, today_of
from wangan.filings.validation import parse_date, parse_number

VERSION = "2022.1"
# seed 001 四(一) and 九(八): projects and risk reports count from 1 January 2021 — a fixed date of the
# form, not relative to the year (the 2022 round wrote it; a later round would change it with the version).
SINCE = date(2021, 1, 1)
# seed 001 三: “提供数量不少于遴选基本条件规定的数量”; the announcement's number is not in the seed —
# the form's staff table 3-1 has ten rows, so ten it is.
MIN_STAFF_DETAIL_ROWS = 10
_SCANS = frozenset({"pdf", "jpg", "jpeg", "png"})

CONTACT_ROLES = (
    T("网络安全应急工作负责人", "Head of cybersecurity emergency work"),
    T("支撑单位工作负责人", "Head of support-unit work"),
    T("支撑单位工作联系人", "Support-unit contact"),
    T("遴选工作联系人", "Contact for the selection"),
)
INSTITUTION_KINDS = (("hq", T("总部", "Headquarters")), ("branch", T("分支机构", "Branch")))
SITE_TENURES = (("rented", T("租用", "Rented")), ("owned", T("购买", "Owned")))
# seed 001 四(一) 注: “服务类别全如安全集成、应急处理、风险评估、安全运维、网络数据安全评估等，未涉及的请自行补充”
SERVICE_CATEGORIES = (
    ("integration", T("安全集成", "Security integration")),
    ("incident_response", T("应急处理", "Incident response")),
    ("risk_assessment", T("风险评估", "Risk assessment")),
    ("operations", T("安全运维", "Security operations")),
    ("data_assessment", T("网络数据安全评估", "Network data security assessment")),
    ("other", T("其他", "Other")),
)
_WAN = T("万元", "10k CNY")
_PEOPLE = T("人", "people")

SECTIONS = (
    Section("basic", T("一（一）机构基本信息", "1.1 Basic information"), (
        Field("name", T("单位名称", "Name"), max_length=100),
        Field("credit_code", T("统一社会信用代码", "Unified social credit code"), max_length=18),
        Field("registered_capital", T("注册资本", "Registered capital"), "money", min_value=0, unit=_WAN),
        Field("legal_representative", T("法定代表人", "Legal representative"), max_length=50),
        Field("established_on", T("成立日期", "Established on"), "date"),
        Field("business_term", T("营业期限", "Term of operation"), max_length=60, placeholder="长期"),
        Field("business_scope", T("经营范围", "Business scope"), "textarea", max_length=2000),
        Field("registration_authority", T("登记机关", "Registration authority"), max_length=100),
    ), help=T("法人证书、营业执照、组织机构代码证明等法律地位证明材料以附件1-1提供。",
              "Legal-status documents go to attachment 1-1.")),
    Section("contacts", T("一（二）主要联系方式", "1.2 Contacts"), (
        Table("roles", T("联系人", "Contacts"), (
            Field("name", T("姓名", "Name"), max_length=50),
            Field("position", T("部门及职务", "Department and position"), max_length=100),
            Field("mobile", T("手机", "Mobile"), "phone"),
            Field("office_phone", T("办公电话", "Office phone"), "phone", required=False),
            Field("email", T("邮箱", "E-mail"), "email"),
        ), fixed_rows=CONTACT_ROLES),
    )),
    Section("finance", T("一（三）资产及经营状况", "1.3 Assets and operations"), (
        Field("assets", T("现有资产状况", "Current assets"), "textarea", max_length=2000),
        Table("years", T("近三年经营业绩", "Results of the three prior years"), (
            Field("year", T("年度", "Year"), "integer", min_value=2000),
            Field("revenue", T("营业收入", "Revenue"), "money", min_value=0, unit=_WAN),
            Field("expenditure", T("支出", "Expenditure"), "money", min_value=0, unit=_WAN),
            Field("liabilities", T("负债", "Liabilities"), "money", min_value=0, unit=_WAN),
        ), min_rows=3, max_rows=3, help=T("申请年度之前的三个年度；财务审计报告关键页以附件1-2提供。",
                                          "The three years before the application year; audit pages in 1-2.")),
        Field("no_illegal_record", T("无违法犯罪或违规经营记录", "No illegal or irregular business record"), "choice",
              choices=YES_NO),
        Field("no_bad_credit_record", T("国家企业信用信息公示系统中无不良记录",
              "No bad record in the National Enterprise Credit Information Publicity System"), "choice", choices=YES_NO),
    )),
    Section("organization", T("一（四）组织管理结构", "1.4 Organization"), (
        Field("structure", T("组织架构与部门设置", "Structure and departments"), "textarea", max_length=3000,
              help=T("示例：本单位设置有XX、XX等部门，各部门分别负责XX工作，其中与网络安全相关的部门有XX等，分别负责XX工作。",
                     "Departments and what they do, especially those for cybersecurity, and the branches.")),
        Table("institutions", T("机构情况", "Offices"), (
            Field("kind", T("类别", "Kind"), "choice", choices=INSTITUTION_KINDS),
            Field("name", T("机构名称", "Name"), max_length=100),
            Field("location", T("办公地点", "Location"), max_length=200),
            Field("site_area", T("场地规模", "Floor area"), "integer", min_value=1, unit=T("平方米", "m²")),
            Field("site_tenure", T("租用或购买", "Rented or owned"), "choice", choices=SITE_TENURES),
            Field("staff", T("人员数量", "Staff"), "integer", min_value=0, unit=_PEOPLE),
            Field("is_local", T("属地机构", "Local office"), "choice", choices=YES_NO,
                  help=T("本地的机构：应急响应时启动支撑方案、派技术人员到场。", "The office that responds on site.")),
            Field("security_lead", T("网络安全工作负责人", "Head of cybersecurity"), max_length=50),
            Field("lead_mobile", T("联系方式（手机）", "Mobile"), "phone"),
        ), min_rows=1, max_rows=50, help=T("第一行填总部。", "Headquarters first.")),
        Field("hq_summary", T("总部情况简要介绍", "Headquarters in brief"), "textarea", max_length=2000),
    )),
    Section("qualifications", T("一（五）服务资质情况", "1.5 Service qualifications"), (
        Field("description", T("网络安全服务相关资质", "Cybersecurity service qualifications"), "textarea",
              max_length=3000, help=T("资质扫描件以附件1-3提供。", "Scans go to attachment 1-3.")),
    )),
    Section("business", T("二、主营业务或技术特长", "2 Main business and strengths"), (
        Field("description", T("主要业务、技术特长、专业优势或特色产品", "Business, strengths, products"), "textarea",
              max_length=3000),
    )),
    Section("staff", T("三、网络安全服务人员情况", "3 Cybersecurity staff"), (
        Field("narrative", T("人员情况说明", "Staff overview"), "textarea", max_length=3000,
              help=T("示例：总部从事网络安全工作的人员共X人，其中大学本科以上学历X人，占比X；高级职称X人……",
                     "Numbers, departments, education, titles, experience, certificates.")),
        Table("statistics", T("网络安全服务人员统计表", "Staff statistics"), (
            Field("institution", T("机构名称", "Office"), max_length=100),
            Field("total_staff", T("机构总人数", "Total staff"), "integer", min_value=0, unit=_PEOPLE),
            Field("security_staff", T("网络安全服务人员数量", "Cybersecurity service staff"), "integer", min_value=0,
                  unit=_PEOPLE),
            Field("education", T("学历分布比例", "Education"), max_length=200),
            Field("titles", T("职称分布比例", "Professional titles"), max_length=200),
            Field("experience", T("从业时长分布比例", "Years in the field"), max_length=200),
            Field("certificates", T("拥有资质证书情况", "Certificates held"), max_length=500),
        ), min_rows=1, max_rows=50, total=("total_staff", "security_staff"), help=T("第一行填总部。",
                                                                                     "Headquarters first.")),
    )),
    Section("projects", T("四（一）服务项目总体情况", "4.1 Projects"), (
        Table("list", T("网络安全服务项目情况", "Cybersecurity service projects"), (
            Field("name", T("项目名称", "Project"), max_length=200),
            Field("client", T("客户名称", "Client"), max_length=200),
            Field("category", T("服务类别", "Category"), "choice", choices=SERVICE_CATEGORIES),
            Field("category_other", T("其他服务类别", "Other category"), required=False, max_length=50),
            Field("contract_amount", T("合同金额", "Contract amount"), "money", min_value=0, unit=_WAN),
            Field("emergency_amount", T("其中网络安全应急服务金额", "of which emergency services"), "money",
                  min_value=0, unit=_WAN),
            Field("content", T("主要服务内容", "Main services"), "textarea", max_length=500),
            Field("signed_on", T("签订时间", "Signed on"), "date"),
            Field("accepted_on", T("验收时间", "Accepted on"), "date", required=False),
            Field("acceptance_note", T("尚未验收的说明", "Why not yet accepted"), required=False, max_length=200),
        ), min_rows=1, max_rows=200, total=("contract_amount", "emergency_amount"),
            help=T("2021年1月1日至今本机构在本地信息通信业内的网络安全项目，纯销售合同不列入；注意不得涉密，请自行脱敏处理。",
                   "Local telecom-sector cybersecurity projects since 1 Jan 2021, no pure sales; desensitized.")),
        Table("detailed", T("详细介绍的项目（1至3个）", "Projects described in detail (1 to 3)"), (
            Field("project", T("项目名称", "Project"), max_length=200),
            Field("solution", T("主要技术解决方案", "Main technical solution"), "textarea", max_length=800),
        ), min_rows=1, max_rows=3, help=T("从上表所列项目中挑选；合作协议首页、金额页、盖章页及相关工作证明以附件（四）提供。",
                                          "Chosen from the list above; contract pages go to attachment (4).")),
    )),
    Section("typical", T("四（二）典型项目情况介绍", "4.2 Typical projects"), (
        Table("projects", T("典型项目（三至五个）", "Typical projects (3 to 5)"), (
            Field("name", T("项目名称", "Project"), max_length=200),
            Field("client", T("主要服务对象", "Served"), max_length=200),
            Field("content", T("服务内容", "Services"), "textarea", max_length=2000),
            Field("period", T("服务期限", "Service period"), max_length=100),
            Field("amount", T("金额", "Amount"), "money", min_value=0, unit=_WAN),
            Field("security_amount", T("其中网络安全服务金额", "of which cybersecurity services"), "money",
                  required=False, min_value=0, unit=_WAN,
                  help=T("网络安全服务内容为项目一部分时单独标明。", "When only part of the project is security.")),
            Field("form", T("提供服务形式", "Form of service"), max_length=200),
            Field("status", T("完成情况", "Completion"), max_length=200),
            Field("emergency_case", T("典型应急服务案例及处理过程", "Typical emergency case and its handling"),
                  "textarea", max_length=2000),
        ), min_rows=3, max_rows=5, help=T("合同关键页和验收文件扫描件以附件（四）提供。",
                                          "Contract key pages and acceptance documents go to attachment (4).")),
        Field("major_case_title", T("重大活动保障或事件处置案例名称", "Major-event or incident case"), max_length=200),
        Field("major_case", T("案例详细介绍", "The case in detail"), "textarea", max_length=800,
              help=T("国家、省、市重大活动期间网络安全保障案例或网络安全维护事件解决案例：具体情况、应急响应处理流程、"
                     "各环节采用的处置方式、工具和措施。",
                     "What happened, the response process, the means, tools and measures at each step.")),
    )),
    Section("cooperation", T("五、对外支撑合作情况", "5 Support and cooperation"), (
        Field("description", T("对政府部门、基础电信运营企业的技术支撑能力及合作计划",
              "Technical support to government and telecom operators, and plans"), "textarea", max_length=3000,
              help=T("2021年1月至今的情况；证明材料以附件（五）提供，注意脱敏。",
                     "Since January 2021; evidence in attachment (5), desensitized.")),
    )),
    Section("management", T("六、项目管理及保密制度", "6 Project management and confidentiality"), (
        Field("description", T("项目管理、质量管理、保密制度与人员培训", "Project and quality management, "
              "confidentiality, training"), "textarea", max_length=3000,
              help=T("证明材料以附件（六）提供。", "Evidence goes to attachment (6).")),
    )),
    Section("support_measures", T("七、本年度支撑工作措施", "7 Support measures this year"), (
        Field("description", T("主要优势与特长及支撑工作措施", "Strengths and support measures"), "textarea",
              max_length=1000, help=T("支撑内容包括但不限于属地互联网域名测试、安全大赛、专题培训、重要活动保障支撑等。",
                                      "E.g. local domain testing, contests, training, major-event support.")),
    )),
    Section("other", T("八、其它工作说明（如有）", "8 Other work (if any)"), (
        Field("description", T("提升网络安全能力的其它工作及成果", "Other work and results"), "textarea",
              required=False, max_length=3000,
              help=T("例如网络安全相关技术研究、拥有的网络安全服务设备、环境等。", "Research, equipment, labs.")),
    )),
    # seed 001 九(三) 3-1; 序号 is the row number
    Section("staff_detail", T("附件3-1 网络安全服务人员详细信息", "Annex 3-1 Cybersecurity staff in detail"), (
        Table("people", T("网络安全工作服务人员详细信息", "Cybersecurity staff"), (
            Field("department", T("所属机构及部门", "Office and department"), max_length=100),
            Field("name", T("姓名", "Name"), max_length=50),
            Field("education_title", T("学历/职称", "Education / title"), max_length=100),
            Field("school_major", T("毕业院校及专业", "School and major"), max_length=200),
            Field("experience_years", T("从业时长", "Years in the field"), "integer", min_value=0,
                  unit=T("年", "years")),
            Field("position", T("从事岗位", "Position"), max_length=100),
            Field("certificates", T("资质证书", "Certificates"), required=False, max_length=300),
        ), min_rows=MIN_STAFF_DETAIL_ROWS, max_rows=500, help=T("资质证明以附件3-2提供。", "Proofs go to 3-2.")),
    )),
)  # fmt: skip

ATTACHMENTS = (
    AttachmentSlot("legal_status", T("1-1 法律地位证明", "1-1 Legal status")),
    AttachmentSlot("audit_key_pages", T("1-2 财务审计报告关键页", "1-2 Audit report key pages")),
    AttachmentSlot("service_qualifications", T("1-3 网络安全服务资质证明材料", "1-3 Service qualifications")),
    AttachmentSlot("basic_other", T("1-4 其它基本情况证明材料", "1-4 Other basic evidence"), required=False),
    AttachmentSlot("technical_advantages", T("（二）技术优势证明材料", "(2) Technical strengths"), required=False),
    AttachmentSlot("staff_certificates", T("3-2 网络安全服务人员资质证明", "3-2 Staff certificates"), max_count=100),
    AttachmentSlot("staff_other", T("3-3 其它人员情况材料", "3-3 Other staff evidence"), required=False),
    AttachmentSlot("project_evidence", T("（四）项目证明材料", "(4) Project evidence"), max_count=50,
                   help=T("合作协议首页、金额页、盖章页，验收文件及开展工作的证明；注意脱敏。",
                          "Contract first, amount and seal pages, acceptance; desensitized.")),
    AttachmentSlot("cooperation_evidence", T("（五）对外合作情况证明材料", "(5) Cooperation evidence"),
                   required=False),
    AttachmentSlot("management_evidence", T("（六）项目管理及保密制度材料", "(6) Management and confidentiality")),
    AttachmentSlot("other_evidence", T("（七）其它证明材料", "(7) Other evidence"), required=False),
    # seed 001 九(八): “2021年1月1日以后” read as from 1 January 2021 inclusive; the validator refuses
    # document_date <= dated_after, so the day before is the bound.
    AttachmentSlot("risk_reports", T("（八）2021年1月1日以后三份网络安全风险评估报告（纸质版原件扫描件）",
                   "(8) Three risk-assessment reports from 1 Jan 2021 (scans of the signed originals)"),
                   min_count=3, max_count=10, extensions=_SCANS, dated_after=SINCE - timedelta(days=1),
                   needs_document_date=True),
    # the 承诺书 and 应急响应承诺书 carry a seal and a signature (单位盖章、负责人签字; 属地机构盖章)
    AttachmentSlot("sealed_commitments", T("承诺书及应急响应承诺书（盖章签字扫描件）",
                   "Pledge and emergency-response pledge, sealed and signed"), extensions=_SCANS),
)  # fmt: skip

COMMITMENTS = (
    Commitment("pledge", T("承诺书", "Pledge"), T(
        "本单位在经营活动中无违法犯罪记录，无违规经营记录，自愿参加遴选组织单位（协会）组织开展的本年度网络安全技术支撑单位遴选，"
        "保证提交信息准确、真实、不涉及国家秘密，服从遴选工作安排，尊重遴选结果。",
        "We have no criminal or illegal record and no irregular business record in our operations. We take part "
        "of our own will in this year's selection of cybersecurity technical support units organized by the "
        "selecting association, guarantee that the information we submit is accurate, true and contains no "
        "state secret, follow the arrangements of the selection and respect its result."), VERSION),
    Commitment("emergency_response", T("应急响应承诺书", "Emergency-response pledge"), T(
        "本单位承诺：在接到电信主管部门或遴选组织单位（协会）应急响应通知后两小时内，属地机构启动应急支撑方案、属地技术人员"
        "到达现场，同时公司总部相应部门进行远程技术支撑，协助开展相关处置工作。",
        "Within two hours of an emergency-response notice from the telecom authority or the selecting "
        "association, our local office starts its emergency support plan and our local technicians arrive on "
        "site, while the departments concerned at headquarters support remotely and help handle the incident."),
        VERSION),
)  # fmt: skip


def _years(data: FormData) -> list[Problem]:
    """seed 001 一(三): results of the three years before the application year (2019–2021 for 2022)."""
    rows = data.rows("finance.years")
    years = [parse_number(r.get("year")) for r in rows]
    if len(rows) != 3 or None in years:
        return []  # the table check reports it
    expected = [today_of(data).year - n for n in (3, 2, 1)]
    if sorted(int(y) for y in years) != expected:
        return [problem("finance.years", "经营业绩应为%(expected)s三个年度，所填为%(given)s。",
                        "Results must cover %(expected)s; given %(given)s.",
                        expected="、".join(map(str, expected)), given="、".join(str(int(y)) for y in years))]
    return []


def _institutions(data: FormData) -> list[Problem]:
    """seed 001 一(四): headquarters first and once; 附件3: a local office responds on site."""
    rows = data.rows("organization.institutions")
    if not rows:
        return []
    out = []
    path = "organization.institutions"
    hq = [i for i, r in enumerate(rows) if r.get("kind") == "hq"]
    if hq != [0]:
        out.append(problem(path, "机构情况表第一行应为总部，且只能有一个总部。",
                           "The first row must be the headquarters, and only it."))
    if not any(r.get("is_local") == YES for r in rows):
        out.append(problem(path, "应急响应承诺要求属地机构两小时内到达现场：请至少列出一个属地机构。",
                           "The emergency pledge needs a local office on site within two hours: list one."))
    return out


def _staff(data: FormData) -> list[Problem]:
    """seed 001 三: service staff are part of the staff; the detailed list cannot outnumber them."""
    out = []
    declared = Decimal(0)
    for i, row in enumerate(data.get("staff.statistics") or []):
        if not isinstance(row, dict):
            continue
        total, security = parse_number(row.get("total_staff")), parse_number(row.get("security_staff"))
        declared += security or 0
        if total is not None and security is not None and security > total:
            out.append(problem(f"staff.statistics.{i}.security_staff", "%(office)s：网络安全服务人员%(security)s人多于机构"
                               "总人数%(total)s人。", "%(office)s: %(security)s security staff exceed the total of "
                               "%(total)s.", office=row.get("institution") or f"#{i + 1}", security=security, total=total))
    listed = len(data.rows("staff_detail.people"))
    if declared and listed > declared:
        out.append(problem("staff_detail.people", "详细信息列出%(listed)d人，多于统计表中的网络安全服务人员%(declared)s人。",
                           "%(listed)d people are listed in detail but only %(declared)s security staff declared.",
                           listed=listed, declared=declared))
    return out


def _projects(data: FormData) -> list[Problem]:
    """seed 001 四(一): projects signed from 1 January 2021, emergency part within the contract, accepted
    or explained."""
    today = today_of(data)
    out = []
    for i, row in enumerate(data.get("projects.list") or []):
        if not isinstance(row, dict) or not any(v not in (None, "") for v in row.values()):
            continue
        path = f"projects.list.{i}"
        name = row.get("name") or f"#{i + 1}"
        signed, accepted = parse_date(row.get("signed_on")), parse_date(row.get("accepted_on"))
        if signed and signed < SINCE:
            out.append(problem(f"{path}.signed_on", "项目“%(name)s”签订于%(date)s，只能列入2021年1月1日以后签订的项目。",
                               "Project “%(name)s” was signed on %(date)s; only projects since 1 Jan 2021 count.",
                               name=name, date=signed))
        if signed and signed > today:
            out.append(problem(f"{path}.signed_on", "项目“%(name)s”的签订时间%(date)s晚于今天。",
                               "Project “%(name)s” is signed in the future (%(date)s).", name=name, date=signed))
        if signed and accepted and accepted < signed:
            out.append(problem(f"{path}.accepted_on", "项目“%(name)s”的验收时间早于签订时间。",
                               "Project “%(name)s” is accepted before it was signed.", name=name))
        if not accepted and not (row.get("acceptance_note") or "").strip():
            out.append(problem(f"{path}.acceptance_note", "项目“%(name)s”尚未验收，请说明。",
                               "Project “%(name)s” is not accepted yet: explain.", name=name))
        contract, emergency = parse_number(row.get("contract_amount")), parse_number(row.get("emergency_amount"))
        if contract is not None and emergency is not None and emergency > contract:
            out.append(problem(f"{path}.emergency_amount", "项目“%(name)s”的应急服务金额%(part)s万元超过合同金额%(whole)s万元。",
                               "Project “%(name)s”: emergency part %(part)s exceeds the contract %(whole)s (10k CNY).",
                               name=name, part=emergency, whole=contract))
        if row.get("category") == "other" and not (row.get("category_other") or "").strip():
            out.append(problem(f"{path}.category_other", "项目“%(name)s”选择了“其他”服务类别，请填写类别。",
                               "Project “%(name)s”: name the other category.", name=name))
    return out


def _chosen_from_list(data: FormData) -> list[Problem]:
    """seed 001 四(一)/(二): detailed and typical projects are chosen from the project list."""
    listed = {(r.get("name") or "").strip() for r in data.rows("projects.list")}
    out = []
    for path, key in (("projects.detailed", "project"), ("typical.projects", "name")):
        for i, row in enumerate(data.get(path) or []):
            name = (row.get(key) or "").strip() if isinstance(row, dict) else ""
            if name and name not in listed:
                out.append(problem(f"{path}.{i}.{key}", "项目“%(name)s”不在网络安全服务项目情况表中。",
                                   "Project “%(name)s” is not in the project list.", name=name))
    return out


SUPPORT_UNIT = REGISTRY.register(ApplicationType(
    code="support_unit",
    label=T("网络安全技术支撑单位申请", "Application as a cybersecurity technical support unit"),
    short=T("支撑单位申请", "Support unit"),
    applicant_org_types=("support_unit", "provider"),
    sections=SECTIONS,
    attachments=ATTACHMENTS,
    commitments=COMMITMENTS,
    stages=(
        Stage("association_review", T("协会遴选评审", "Selection by the association"), approves=True, checklist=(
            T("法律地位证明齐全；无违法犯罪、违规经营及信用不良记录", "Legal status; no illegal or bad record"),
            T("近三年经营状况有财务审计报告佐证", "Three years' results backed by audit pages"),
            T("具备网络安全服务资质，证明材料清晰有效", "Cybersecurity service qualifications valid"),
            T("网络安全服务人员数量和资质满足遴选条件", "Enough qualified cybersecurity staff"),
            T("2021年1月1日以来本地信息通信业网络安全项目真实，有合同及验收证明", "Local projects since 2021 proven"),
            T("三份2021年1月1日以后的网络安全风险评估报告", "Three risk-assessment reports since 2021"),
            T("项目管理、质量管理及保密制度健全", "Project management and confidentiality in place"),
            T("设有属地机构，能在两小时内到达现场", "Local office able to be on site within two hours"),
            T("材料不涉密、已脱敏", "Nothing secret; desensitized"),
        )),
    ),  # fmt: skip
    rules=(
        must_be_yes(("finance.no_illegal_record", "finance.no_bad_credit_record")),
        _years, _institutions, _staff, _projects, _chosen_from_list,
    ),
    notes=(
        T("请认真阅读遴选公告和填写要求，按模板要求提供信息和材料，保证内容准确、真实、不得涉密。",
          "Read the announcement; give accurate, true information containing nothing secret."),
        T("第一章及第七章主要反映本单位相应能力和优势，应适当总结归纳，控制整体篇幅；附件为详细佐证材料，扫描件或复印件的关键信息应清晰完整。",
          "Chapters 1 and 7 summarize your strengths briefly; the attachments are the evidence, legible and complete."),
        T("遴选组织单位（协会）妥善保管申请书，对涉及商业秘密的敏感信息予以保密。",
          "The association keeps the application safe and business secrets confidential."),
        T("入选单位按工作职责确定1名接口人，承担检测评审、监测预警、威胁处置、重要活动保障及应急响应支撑工作。",
          "A selected unit names one liaison and supports reviews, monitoring, threat handling and major events."),
    ),
    qualification="support_unit",
    validity_years=1,  # the selection is made per year
    reviewing_body=T("遴选组织单位（协会）", "Selecting association"),
))  # fmt: skip
