"""Municipal key park of the national cybersecurity industry park (seed 003).

The sections follow the 申报表 一–九 (八 is the attachment list), preceded by the operator's declarations
of the conditions 一 and 二.  Procedure (三–五): county department review, county government letter,
municipal expert panel, public notice, municipal approval; then two years of construction with
half-yearly reports and the acceptance stages.

The indicator tables have positional fixed rows; ``INDICATORS`` names them so rules and the UI read
cells by key (``indicator(data, "security_revenue", "previous")``).
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from wangan.filings.spec import (
    REGISTRY,
    ApplicationType,
    AttachmentSlot,
    Commitment,
    Field,
    FormData,
    PostApproval,
    Problem,
    Section,
    Stage,
    T,
    Table,
)
from wangan.filings.types import YES_NO, amount, must_be_yes, problem

VERSION = "2022.1"
# seed 003 二(三): 上一年度园区网络安全产业收入不低于3亿元，以网络安全为主的企业不少于30家
MIN_SECURITY_REVENUE_YI = Decimal(3)
MIN_SECURITY_ENTERPRISES = 30
# seed 003 二 表注: listed enterprises' security revenue ≥ 80 % of the park's (10亿 → ≥ 8亿)
MIN_LIST_COVERAGE = Decimal("0.8")
WAN_PER_YI = Decimal(10000)

_YI, _WAN, _FIRMS, _PEOPLE = T("亿元", "100M CNY"), T("万元", "10k CNY"), T("家", "firms"), T("人", "people")
_WAN_SQM = T("万平方米", "10k m²")


def _number(key: str, label: T, unit: T | None = None, **kw) -> Field:
    """seed 003 填报说明 2: every figure is a whole number after rounding; decimals are accepted as typed
    and rounded by ``validation.normalize``."""
    options = {"min_value": 0, "unit": unit, "integer_only": True, **kw}
    return Field(key, label, options.pop("kind", "decimal"), **options)


# seed 003 一 近年来网络安全产业主要经济指标 — (key, label); the “其中” rows are parts of the row above
INDICATORS = (
    ("total_revenue", T("园区业务总收入（亿元）", "Park revenue (100M CNY)")),
    ("security_revenue", T("其中：网络安全产业收入（亿元）", "of which cybersecurity (100M CNY)")),
    ("enterprises", T("园区注册企业数量（家）", "Registered enterprises")),
    ("security_enterprises", T("其中：网络安全企业数量（家）", "of which cybersecurity enterprises")),
    ("employees", T("园区从业人员（万人）", "Employees (10k)")),
    ("security_employees", T("其中：网络安全产业从业人员（万人）", "of which in cybersecurity (10k)")),
    ("listed", T("园区上市企业数（家）", "Listed enterprises")),
    ("security_listed", T("其中：网络安全上市企业数量（家）", "of which cybersecurity")),
    ("band_over_100m", T("网络安全业务收入超1亿元的企业数（家）", "Firms with security revenue > 100M")),
    ("band_50m_100m", T("网络安全业务收入5000万（不含）—1亿元（含）的企业数（家）", "Firms with 50M–100M")),
    ("band_20m_50m", T("网络安全业务收入2000万元（不含）—5000万（含）的企业数（家）", "Firms with 20M–50M")),
    ("band_5m_20m", T("网络安全业务收入500万元（不含）—2000万（含）的企业数（家）", "Firms with 5M–20M")),
)
_ROW = {key: i for i, (key, _label) in enumerate(INDICATORS)}
SHARES = (("security_revenue", "total_revenue"), ("security_enterprises", "enterprises"),
          ("security_employees", "employees"), ("security_listed", "listed"))  # fmt: skip
# security-revenue bands in 万元: (row, lower bound exclusive, upper bound inclusive)
BANDS = (("band_over_100m", 10000, None), ("band_50m_100m", 5000, 10000), ("band_20m_50m", 2000, 5000),
         ("band_5m_20m", 500, 2000))  # fmt: skip
OPERATIONS = (("revenue", T("营业收入（万元）", "Revenue (10k CNY)")), ("staff", T("企业人员（人）", "Staff")))

OPERATOR_TYPES = (
    ("committee", T("园区管委会", "Park management committee")),
    ("institution", T("事业单位", "Public institution")),
    ("company", T("具有独立法人资格的企业", "Company (independent legal person)")),
    ("other", T("其他", "Other")),
)
PARK_KINDS = (
    ("science", T("科技园", "Science park")),
    ("software", T("软件园", "Software park")),
    ("digital_economy", T("数字经济产业园", "Digital economy park")),
    ("featured_base", T("特色产业基地", "Featured industry base")),
    ("new_industry", T("新技术、新业态产业园", "New technology / new business park")),
    ("security_cluster", T("以网络安全产业为主的集聚区", "Cybersecurity cluster")),
)
SEGMENTS = (
    ("hardware", T("安全硬件", "Security hardware")),
    ("software", T("安全软件", "Security software")),
    ("services", T("安全服务", "Security services")),
)
# seed 003 二(一)–(九): the conditions the operator declares; each must be “是”
DECLARATIONS = (
    ("park_approved", T("园区经市政府或市级部门批准设立", "The park was approved by the city government or a city department")),
    ("security_focus", T("园区以发展网络安全产业为主", "The park focuses on the cybersecurity industry")),
    ("operator_independent", T("运营管理机构为独立的法人，有独立的办公场所和专业管理人员",
                               "The operator is an independent legal person with its own office and professional staff")),
    ("operator_systems", T("运营管理机构具有健全的管理制度、规范的服务流程和服务质量保证措施",
                           "The operator has sound management rules, service procedures and quality assurance")),
    ("plans", T("符合全市网络安全产业发展规划、产业布局和功能定位，有明确的产业发展规划、招商规划和保障措施",
                "Fits the city's plan; has industry, investment-attraction and support plans")),
    ("county_policy", T("当地区县政府制定出台支持网络安全产业发展的政策措施", "The county government has adopted support policies")),
    ("carrier", T("有适合网络安全产业集聚发展的载体环境，有较为完善的基础设施和配套服务",
                  "Suitable premises, infrastructure and amenities")),
    ("public_services", T("技术开发、知识产权保护、金融服务、市场开拓、人力资源等公共服务体系健全，具备培育骨干企业和孵化中小企业的条件",
                          "Complete public services; able to grow leading firms and incubate small ones")),
    ("regulations", T("符合环保、安全生产、消防、规划建设等相关规定",
                      "Complies with environmental, work-safety, fire and planning rules")),
)  # fmt: skip


def _declaration(key: str, label: T) -> Field:
    return Field(key, label, "choice", choices=YES_NO)


_CURRENT = T("申报当年（1—N月）", "This year (months 1–N)")
_PREVIOUS = T("申报当年上一年度", "Previous year")

SECTIONS = (
    Section("eligibility", T("申报建设主体与条件", "Operator and conditions"), (
        Field("operator_type", T("主体类型", "Type of operator"), "choice", choices=OPERATOR_TYPES),
        Field("operator_type_other", T("其他主体类型", "Other type"), required=False, max_length=50),
        Field("park_kind", T("园区类型", "Kind of park"), "choice", choices=PARK_KINDS),
        Field("approval_document", T("批准设立文件（名称及文号）", "Approval document (title and number)"), max_length=200),
        Field("boundaries", T("四至范围", "Boundaries"), "textarea", max_length=1000),
        Field("segments", T("网络安全产业方向", "Cybersecurity segments"), "multichoice", choices=SEGMENTS),
        *(_declaration(key, label) for key, label in DECLARATIONS),
    )),
    Section("basic", T("一、园区基本情况", "1 The park"), (
        Field("proposed_name", T("拟申报名称", "Proposed name"), max_length=20, placeholder="**园",
              help=T("国家网络安全产业园区（**园）中的“**园”：区县简称（不加区或县字）+园。",
                     "The “** park” of “National Cybersecurity Industry Park (** park)”: the county's short name.")),
        Field("main_park_name", T("主体园区名称", "Main park"), max_length=100),
        Field("address", T("地址", "Address"), max_length=200),
        _number("planned_area", T("园区规划建设产业楼宇面积", "Planned industrial floor area"), _WAN_SQM),
        _number("built_area", T("园区已建成用于产业发展的楼宇面积", "Built industrial floor area"), _WAN_SQM),
        _number("operated_area", T("园区已运营使用楼宇面积", "Floor area in use"), _WAN_SQM),
        _number("report_month", T("申报当年数据截至月份（1—N月的N）", "This year's figures up to month N"),
                kind="integer", min_value=1, max_value=12),
        Table("indicators", T("近年来网络安全产业主要经济指标", "Main cybersecurity indicators"), (
            _number("current", _CURRENT),
            _number("previous", _PREVIOUS),
        ), fixed_rows=tuple(label for _key, label in INDICATORS),
            help=T("“其中”各项的占比由平台按上一行计算。", "Shares of the “of which” rows are computed.")),
    )),
    Section("enterprises", T("二、园区网络安全企业一览表", "2 Cybersecurity enterprises of the park"), (
        Table("list", T("园区网络安全企业一览表", "Cybersecurity enterprises"), (
            Field("name", T("企业名称", "Enterprise"), max_length=100),
            Field("legal_representative", T("法定代表人", "Legal representative"), max_length=50),
            Field("established_on", T("注册成立时间", "Established on"), "date"),
            Field("address", T("办公地址", "Office address"), max_length=200),
            Field("business_scope", T("经营范围（简单描述）", "Business scope (brief)"), "textarea", max_length=200),
            Field("products", T("主要产品/技术/服务", "Main products / technologies / services"), "textarea",
                  max_length=300, help=T("每个简介不超过100字，分条填写。", "Each one in at most 100 characters.")),
            _number("total_revenue", T("公司营业总收入", "Revenue"), _WAN, kind="money"),
            _number("security_revenue", T("其中：网络安全业务收入", "of which cybersecurity"), _WAN, kind="money"),
            _number("rd_investment", T("当年企业研发投入", "R&D spending"), _WAN, kind="money"),
            _number("employees", T("员工总数", "Employees"), _PEOPLE, kind="integer"),
            Field("qualifications", T("企业所获资质及上市情况", "Qualifications and listing"), "textarea", max_length=500,
                  help=T("如CCRC信息安全服务资质、ISO27001、等级保护测评资质、涉密信息系统集成资质、省部级以上荣誉；上市情况填是否上市、何年在何市场上市。",
                         "CCRC, ISO 27001, MLPS testing, classified-integration qualifications, honours; listing.")),
            Field("contact_name", T("企业联系人", "Contact"), max_length=50),
            Field("contact_mobile", T("联系人手机", "Contact mobile"), "phone"),
        ), min_rows=1, max_rows=1000, total=("total_revenue", "security_revenue", "rd_investment", "employees"),
            help=T("申报时的上年度数据。所填企业网络安全业务收入合计不低于表一上一年度园区网络安全产业收入的80%。",
                   "Previous-year figures; the enterprises' security revenue must reach 80% of the park's.")),
    )),
    Section("public_service", T("三、园区公共服务情况", "3 Public services"), (
        Table("platforms", T("网络安全公共服务平台建设情况", "Cybersecurity public service platforms"), (
            Field("name", T("公共服务平台名称", "Platform"), max_length=100),
            Field("builder", T("建设单位", "Built by"), max_length=100),
            Field("scope", T("服务内容或方向", "Services"), max_length=200),
            Field("recognized_on", T("市级认定时间", "Recognized by the city on"), "date"),
        ), help=T("共性技术、测试验证、协同攻关、监测预警、风险报送等公共技术服务平台。",
                  "Common technology, testing, joint research, monitoring, risk reporting.")),
        Table("training", T("网络安全职业教育或专业培训机构情况", "Cybersecurity education and training"), (
            Field("name", T("机构名称", "Institution"), max_length=100),
            Field("direction", T("教育培训方向", "Field"), max_length=200),
            _number("annual_scale", T("年培养/培训网络安全人员规模", "Trained per year"), _PEOPLE, kind="integer"),
        )),
        Table("events", T("产业氛围营造情况", "Industry events"), (
            Field("name", T("活动名称", "Event"), max_length=100),
            Field("organizers", T("主办承办单位", "Organizers"), max_length=200),
            Field("held_on", T("举办时间", "Held on"), "date"),
            Field("venue", T("举办地点", "Venue"), max_length=100),
            _number("scale", T("规模", "Participants"), _PEOPLE, kind="integer"),
        )),
        Field("other_services", T("其他服务能力状况", "Other services"), "textarea", max_length=2000,
              help=T("如融资服务、知识产权服务、人才交流合作等。", "Financing, IP, talent exchange, etc.")),
    )),  # fmt: skip
    Section("construction", T("四、园区基本建设情况", "4 Construction"), (
        Field("land_use", T("园区土地利用情况", "Land use"), "textarea", max_length=2000,
              help=T("包括园区产业用地比重、园区开发强度、公共空间用地比重等。",
                     "Share of industrial land, development intensity, public space.")),
        Field("three_year_plan", T("园区未来三年规划建设情况", "Plans for the next three years"), "textarea",
              max_length=2000, help=T("包括新增土地、建筑面积、办公面积等。", "New land, floor and office area.")),
    )),
    Section("facilities", T("五、园区配套情况", "5 Amenities"), (
        Field("description", T("园区配套设施情况", "Amenities"), "textarea", max_length=2000,
              help=T("包括园区人才住宿配套、商业配套、公共交通配套、停车基础设施等。",
                     "Housing, shops, public transport, parking.")),
    )),
    Section("operator", T("六、园区运营管理情况", "6 The operator"), (
        Field("name", T("机构名称", "Name"), max_length=100),
        Field("established_on", T("设立时间", "Established on"), "date"),
        Field("legal_representative", T("法定代表人", "Legal representative"), max_length=50),
        _number("registered_capital", T("注册资金", "Registered capital"), _WAN, kind="money"),
        Field("registered_address", T("注册地址", "Registered address"), max_length=200),
        Field("office_address", T("实际办公地址", "Office address"), required=False, max_length=200,
              help=T("注册地与实际办公地不一样的填写。", "If it differs from the registered address.")),
        Field("shareholders", T("主要股东", "Main shareholders"), "textarea", max_length=500),
        Field("contact_name", T("联系人", "Contact"), max_length=50),
        Field("contact_phone", T("联系电话", "Phone"), "phone"),
        Field("contact_email", T("电子邮箱", "E-mail"), "email"),
        Table("operations", T("近二年主要经营情况", "Operations, last two years"), (
            _number("current", _CURRENT),
            _number("previous", T("申报前一年度", "Previous year")),
        ), fixed_rows=tuple(label for _key, label in OPERATIONS)),
        Field("capability", T("机构运营管理能力介绍", "Operator's capability"), "textarea", max_length=3000,
              help=T("包括但不限于团队情况、招商引资情况、服务发展情况、所获荣誉情况、能力建设情况等。",
                     "Team, investment attraction, services, honours, capacity building.")),
    )),
    Section("government_support", T("七、园区所在地政府支持情况", "7 Local government support"), (
        Field("measures", T("当地政府支持网络安全产业发展的有关举措概述", "Support measures of the local government"),
              "textarea", max_length=3000, help=T("包括但不限于工作机制、产业规划、政策措施、资金支持、人才引育、产业运行监测等。",
                                                  "Mechanisms, plans, policies, funding, talent, monitoring.")),
    )),
    Section("opinion", T("九、申报单位意见", "9 Applicant's opinion"), (
        Field("applicant_opinion", T("申报单位意见", "Applicant's opinion"), "textarea", max_length=1000),
    )),
)  # fmt: skip

ATTACHMENTS = (
    AttachmentSlot("construction_plan", T("国家网络安全产业园区（**园）建设方案", "Construction plan"),
                   help=T("总体要求、建设目标、重点任务、保障措施等。", "Aims, targets, key tasks, support measures.")),
    AttachmentSlot("signed_form", T("申报表（盖章扫描件）", "Application form, sealed scan"),
                   extensions=frozenset({"pdf", "jpg", "jpeg", "png"})),
    AttachmentSlot("approval_documents", T("园区及其运营管理机构批准设立的证明文件", "Approvals of the park and the operator")),
    AttachmentSlot("land_and_property", T("建设用地使用权、载体产权及规划、建成、运营面积证明（或租赁合同）",
                   "Land-use right, property and floor-area proofs, or leases")),
    AttachmentSlot("county_policy", T("区县配套扶持政策文件及落实情况证明", "County support policies and their implementation")),
    # seed 003 八 佐证资料 1–8; required where the conditions 二(六)/(七) always need evidence
    AttachmentSlot("key_software_enterprises", T("国家级或市级重点软件企业（网络安全为主）证明材料",
                   "Key software enterprises (cybersecurity)"), required=False),
    AttachmentSlot("platform_evidence", T("公共服务平台（网络安全为主）证明材料", "Public service platforms"),
                   required=False),
    AttachmentSlot("training_evidence", T("人才培训相关证明材料（培训记录、照片、视频等）", "Training records"),
                   required=False, extensions=frozenset({"pdf", "jpg", "jpeg", "png", "mp4", "docx", "doc", "zip"})),
    AttachmentSlot("atmosphere_evidence", T("产业氛围营造相关证明材料（活动照片、视频、新闻报道等）", "Industry events"),
                   required=False, extensions=frozenset({"pdf", "jpg", "jpeg", "png", "mp4", "docx", "doc", "zip"})),
    AttachmentSlot("facility_evidence", T("配套情况相关证明材料（照片、规划图等）", "Amenities: photos, plans")),
    AttachmentSlot("local_policies", T("当地政府支持网络安全产业发展的相关专项政策", "Local government's special policies"),
                   required=False, help=T("已在“区县配套扶持政策文件”中上传的可不重复上传。",
                                          "Not again if already among the county policies.")),
    AttachmentSlot("fund_evidence", T("当地政府配套专项经费及兑现证明材料", "Special funds and their payment"),
                   required=False),
    AttachmentSlot("other_evidence", T("其他相关佐证材料", "Other evidence"), required=False),
)  # fmt: skip

COMMITMENTS = (
    Commitment("truthfulness", T("申报单位承诺", "Applicant's declaration"), T(
        "本单位郑重承诺：所填申报表及提交的申报材料内容真实、准确、完整，数据有据可查，不涉及国家秘密；园区符合环保、安全生产、"
        "消防、规划建设等相关规定。如有虚假，本单位自愿承担由此产生的一切责任。",
        "We declare that the application form and the materials are true, accurate and complete, that every "
        "figure can be traced and nothing is a state secret, and that the park complies with environmental, "
        "work-safety, fire and planning rules. We bear every consequence of any false statement."), VERSION),
)  # fmt: skip


def indicator(data: FormData, key: str, column: str):
    """The raw cell of the indicator table (``column`` is "current" or "previous")."""
    rows = data.get("basic.indicators") or []
    index = _ROW[key]
    row = rows[index] if index < len(rows) and isinstance(rows[index], dict) else {}
    return row.get(column)


def indicator_shares(data: FormData, column: str = "current") -> dict[str, Decimal | None]:
    """The “及占比” of 表一: each “其中” row as a percentage of the row above (one decimal), for display."""
    shares: dict[str, Decimal | None] = {}
    for part, whole in SHARES:
        a, b = amount(indicator(data, part, column)), amount(indicator(data, whole, column))
        shares[part] = (a * 100 / b).quantize(Decimal("0.1")) if a is not None and b else None
    return shares


def _eligibility(data: FormData) -> list[Problem]:
    """seed 003 一, 二(一)–(九)."""
    out = must_be_yes(f"eligibility.{key}" for key, _label in DECLARATIONS)(data)
    if data.get("eligibility.operator_type") == "other" and not (data.get("eligibility.operator_type_other") or "").strip():
        out.append(problem("eligibility.operator_type_other", "主体类型选择“其他”时请说明。", "Describe the other type."))
    name = (data.get("basic.proposed_name") or "").strip()
    # 申报表 一: “国家网络安全产业园区（**园）（区县简称且不加区或县字+园）”
    if name and (not name.endswith("园") or len(name) < 2 or name[-2] in "区县" or "国家网络安全产业园区" in name):
        out.append(problem("basic.proposed_name", "拟申报名称“%(name)s”应为区县简称（不加区或县字）+园，如“示例园”。",
                           "The proposed name “%(name)s” must be the county's short name + 园.", name=name))
    return out


def _thresholds(data: FormData) -> list[Problem]:
    """seed 003 二(三): previous-year security revenue ≥ 3亿元 and ≥ 30 security enterprises."""
    out = []
    revenue = amount(indicator(data, "security_revenue", "previous"))
    if revenue is not None and revenue < MIN_SECURITY_REVENUE_YI:
        out.append(problem(f"basic.indicators.{_ROW['security_revenue']}.previous",
                           "上一年度园区网络安全产业收入为%(value)s亿元，申报条件要求不低于%(min)s亿元。",
                           "Previous-year cybersecurity revenue is %(value)s (100M CNY); at least %(min)s is required.",
                           value=revenue, min=MIN_SECURITY_REVENUE_YI))
    firms = amount(indicator(data, "security_enterprises", "previous"))
    if firms is not None and firms < MIN_SECURITY_ENTERPRISES:
        out.append(problem(f"basic.indicators.{_ROW['security_enterprises']}.previous",
                           "上一年度园区网络安全企业为%(value)s家，申报条件要求不少于%(min)d家。",
                           "The park has %(value)s cybersecurity enterprises; at least %(min)d are required.",
                           value=firms, min=MIN_SECURITY_ENTERPRISES))
    return out


def _enterprise_list(data: FormData) -> list[Problem]:
    """seed 003 二 表注 and 二(三).

    The list must cover ≥ 80 % of the park's previous-year security revenue (亿元 × 10000 = 万元).  It
    need not name every security enterprise — the 80 % note shows it may be partial — but it must name at
    least the 30 the condition 二(三) asks for, so the threshold rests on named firms rather than on the
    declared count alone; and it cannot name more than the declared count.
    """
    path = "enterprises.list"
    rows = data.rows(path)
    out = []
    declared = amount(indicator(data, "security_enterprises", "previous"))
    if len(rows) < MIN_SECURITY_ENTERPRISES:
        out.append(problem(path, "一览表列出%(n)d家企业；申报条件要求园区网络安全企业不少于%(min)d家，请逐家列出。",
                           "%(n)d enterprises are listed; list at least the %(min)d the conditions require.",
                           n=len(rows), min=MIN_SECURITY_ENTERPRISES))
    if declared is not None and len(rows) > declared:
        out.append(problem(path, "一览表列出%(n)d家企业，多于表一所填网络安全企业数量%(declared)s家。",
                           "%(n)d enterprises are listed, more than the %(declared)s declared in table 1.",
                           n=len(rows), declared=declared))
    listed = Decimal(0)
    for i, row in enumerate(data.get(path) or []):
        if not isinstance(row, dict):
            continue
        part, whole = amount(row.get("security_revenue")), amount(row.get("total_revenue"))
        listed += part or 0
        if part is not None and whole is not None and part > whole:
            out.append(problem(f"{path}.{i}.security_revenue", "%(name)s：网络安全业务收入%(part)s万元超过营业总收入%(whole)s万元。",
                               "%(name)s: security revenue %(part)s exceeds total revenue %(whole)s (10k CNY).",
                               name=row.get("name") or f"#{i + 1}", part=part, whole=whole))
    park = amount(indicator(data, "security_revenue", "previous"))
    if park:
        needed = park * WAN_PER_YI * MIN_LIST_COVERAGE
        if listed < needed:
            out.append(problem(path, "所列企业网络安全业务收入合计%(listed)s万元，为园区网络安全产业收入%(park)s亿元的%(share)s%%，"
                               "应不低于80%%（%(needed)s万元）。",
                               "The listed enterprises' security revenue totals %(listed)s (10k CNY), %(share)s%% of the "
                               "park's %(park)s (100M CNY); at least 80%% (%(needed)s) is required.",
                               listed=listed, park=park, needed=needed,
                               # rounded down: 79.99 % must not read as 80 %
                               share=str((listed * 100 / (park * WAN_PER_YI)).quantize(Decimal("0.1"), ROUND_DOWN))))
    return out


def _consistency(data: FormData) -> list[Problem]:
    """表一: each “其中” within its total; the revenue bands within the security enterprises, and at
    least as many firms per band as the list shows."""
    out = []
    for column, when in (("current", T("申报当年", "This year")), ("previous", T("上一年度", "Previous year"))):
        for part, whole in SHARES:
            a, b = amount(indicator(data, part, column)), amount(indicator(data, whole, column))
            if a is not None and b is not None and a > b:
                out.append(problem(f"basic.indicators.{_ROW[part]}.{column}", "%(when)s“%(part)s”%(a)s大于“%(whole)s”%(b)s。",
                                   "%(when)s: “%(part)s” %(a)s exceeds “%(whole)s” %(b)s.", when=when,
                                   part=INDICATORS[_ROW[part]][1], whole=INDICATORS[_ROW[whole]][1], a=a, b=b))
        bands = [amount(indicator(data, key, column)) for key, _low, _high in BANDS]
        firms = amount(indicator(data, "security_enterprises", column))
        if firms is not None and None not in bands and sum(bands) > firms:
            out.append(problem(f"basic.indicators.{_ROW['band_over_100m']}.{column}",
                               "%(when)s各收入档企业数合计%(sum)s家，多于网络安全企业数量%(firms)s家。",
                               "%(when)s: the revenue bands add up to %(sum)s firms, more than the %(firms)s "
                               "cybersecurity enterprises.", when=when, sum=sum(bands), firms=firms))
    revenues = [amount(r.get("security_revenue")) for r in data.rows("enterprises.list")]
    for key, low, high in BANDS:
        declared = amount(indicator(data, key, "previous"))
        listed = sum(1 for v in revenues if v is not None and v > low and (high is None or v <= high))
        if declared is not None and listed > declared:
            out.append(problem(f"basic.indicators.{_ROW[key]}.previous", "一览表中有%(listed)d家企业属于“%(band)s”，"
                               "表一上一年度只填了%(declared)s家。", "Listed enterprises in “%(band)s”: %(listed)d; table 1 "
                               "declares %(declared)s.", listed=listed, band=INDICATORS[_ROW[key]][1],
                               declared=declared))
    built, operated = amount(data.get("basic.built_area")), amount(data.get("basic.operated_area"))
    if built is not None and operated is not None and operated > built:
        out.append(problem("basic.operated_area", "已运营使用楼宇面积%(operated)s万平方米大于已建成面积%(built)s万平方米。",
                           "Floor area in use %(operated)s exceeds the built area %(built)s (10k m²).",
                           operated=operated, built=built))
    return out


KEY_PARK = REGISTRY.register(ApplicationType(
    blank_means_none=True,
    code="key_park",
    label=T("国家网络安全产业园区市级重点园区申报", "Municipal key park of the national cybersecurity industry park"),
    short=T("重点园区申报", "Key park"),
    applicant_org_types=("park",),
    sections=SECTIONS,
    attachments=ATTACHMENTS,
    commitments=COMMITMENTS,
    stages=(
        # seed 003 三(二): the county department checks the materials are true and valid, signs and seals
        Stage("county_review", T("区县经信部门审核推荐", "County department review"), checklist=(
            *(label for _key, label in DECLARATIONS),
            T("上一年度园区网络安全产业收入不低于3亿元，网络安全企业不少于30家", "≥ 3亿 revenue, ≥ 30 firms last year"),
            T("各项申报材料真实有效", "All materials true and valid"),
        )),
        Stage("county_letter", T("区县政府支持函", "County government letter"), kind="letter",
              letter_label=T("区县政府支持建设国家网络安全产业园区市级重点园区的函",
                             "Letter of the county government supporting the key park")),
        # seed 003 四(一): 资料审核与实地查看相结合，专家组出具是否同意建设的审核意见
        Stage("expert_review", T("市级专家评审", "Municipal expert review"), kind="expert_panel", min_experts=3,
              checklist=(T("资料审核", "Review of the materials"), T("实地查看", "Site visit"))),
        # seed 003 四(一) names no period for the notice; 5 working days is the usual practice
        Stage("public_notice", T("门户网站公示", "Public notice on the portal"), kind="public_notice", notice_days=5),
        Stage("city_approval", T("市级主管部门批复", "Municipal approval"), approves=True),
    ),  # fmt: skip
    rules=(_eligibility, _thresholds, _enterprise_list, _consistency),
    notes=(
        T("填写内容必须实事求是、表达严谨、数据准确、文字简洁。", "Be factual, precise, accurate and brief."),
        T("填报栏目不得空缺，如无内容应填“无”；数据有小数时，四舍五入取整数。",
          "Leave no item blank; write “无” (none) where there is nothing; round decimals to whole numbers."),
        T("除指定年份外，所有指标填写申报当年前一个财政年度的财务数据。",
          "Unless a year is stated, figures are for the financial year before the application."),
        T("园区网络安全企业一览表中，企业资质包括但不限于CCRC信息安全服务资质（安全集成、安全运维、风险评估、应急处理、"
          "软件安全开发、灾难备份与恢复、工业控制安全、网络安全审计等）、ISO27001信息安全管理体系、等级保护测评资质、"
          "涉密信息系统集成资质，以及企业获得的省部级以上荣誉等；上市情况是指企业是否上市公司、何年在何市场上市。",
          "Qualifications in the enterprise list include CCRC service qualifications, ISO 27001, MLPS testing, "
          "classified-system integration and provincial honours; listing means whether, when and where listed."),
        T("表格空间不足时可另附页，作为“其他相关佐证材料”上传；申报表盖章扫描件另行上传。",
          "Extra pages go to “Other evidence”; upload the sealed form as well."),
    ),
    # seed 003 五: two years of construction; reports every half year; then acceptance
    post_approval=PostApproval(
        construction_months=24,
        report_every_months=6,  # 五(二): 每半年向市级主管部门函报园区发展情况 (by the county government)
        acceptance_stages=(
            Stage("self_assessment", T("园区运营管理机构自评报告", "Self-assessment report"), kind="applicant_upload"),
            Stage("county_assessment_review", T("区县主管部门审核自评报告", "County department reviews the self-assessment")),
            Stage("county_acceptance_request", T("区县政府验收申请函", "County government's request for acceptance"),
                  kind="letter", letter_label=T("区县政府验收申请函", "Request for acceptance")),
            Stage("expert_acceptance", T("市级专家评审验收", "Municipal expert acceptance"), kind="expert_panel",
                  min_experts=3, checklist=(T("依据市级重点园区评估指标体系", "Per the key-park evaluation indicators"),)),
        ),
        granted_title=T("国家网络安全产业园区（%(name)s）", "National Cybersecurity Industry Park (%(name)s)"),
    ),
    qualification="key_park",
    reviewing_body=T("市级主管部门", "Municipal authority"),
))  # fmt: skip
