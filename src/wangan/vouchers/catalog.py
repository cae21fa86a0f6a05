"""The programme's fixed lists, straight from seed 000 (names of parks and qualification kinds)."""

from __future__ import annotations

# seed 000 §三(一): the "一区多园" — the high-tech zone and its city-level policy radiation areas.
PARK_AREAS = (
    "华苑科技园", "塘沽海洋高新技术产业园区", "北辰科技园", "武清开发区", "渤龙湖科技园", "塘沽海洋科技园",
    "滨海-中关村科技园", "中新生态城", "南开科技园", "武清京滨工业园", "河东金贸产业园区",
    "天津港保税区生物制造产业园", "宝坻京津中关村科技城", "东丽华明高新区",
)  # fmt: skip

# seed 000 §三(三)1: recognitions (认定或入库资质) that make an enterprise eligible while valid.
QUALIFICATION_KINDS = (
    ("hnte", "国家高新技术企业"),
    ("tsme", "国家科技型中小企业"),
    ("eaglet", "雏鹰企业"),
    ("gazelle", "瞪羚企业"),
    ("leader", "科技领军（培育）企业"),
)

# seed 000 §三(三)2: R&D institutions that make an enterprise eligible while valid.
RND_KINDS = (
    ("haihe_lab", "海河实验室"),
    ("innovation_center", "技术创新中心"),
    ("key_lab", "重点实验室"),
    ("industrial_institute", "产业技术研究院"),
)

# seed 000 §三(三)3: an innovation-score of 60 or more.
INNOVATION_SCORE_THRESHOLD = 60

# seed 000 §二: the five modules of the enterprise security cloud service package (free, §二(六)).
SERVICE_MODULES = (
    ("terminal_management", "终端管理服务", "安装终端管理模块，利用办公终端体检、漏洞修复、终端运维等手段进行7*24小时实时管理。"),
    ("terminal_security", "终端安全服务", "安装终端安全管理模块，对终端设备、USB等外部设备进行木马查杀、安全防护，保护办公终端数据资产。"),
    ("asset_management", "资产管理及预警服务", "安装资产管理模块，对企业软硬件资产可视化全局盘点并进行预警处理，避免资产、硬件流失。"),
    ("software_management", "软件管理服务", "安装软件管理模块，实时监测企业内部电脑软件使用情况，批量安装、卸载、升级。"),
    ("browser_management", "浏览器基础管理服务", "安装浏览器基础管理模块，切换并锁定默认浏览器，防止被第三方软件篡改，统计浏览器使用高峰时段。"),
)

# seed 000 §五(四): on-site installation within 5 working days of the enterprise's request.
ONSITE_WORKING_DAYS = 5
# seed 000 §二: one year of service.
SERVICE_MONTHS = 12

CREDIT_SOURCES = (
    ("gsxt", "国家企业信用信息公示系统"),
    ("creditchina", "信用中国"),
)

ENTERPRISE_COMMITMENT_VERSION = "2024.1"
ENTERPRISE_COMMITMENT = (
    "本企业申领企业安全云服务包创通票，郑重承诺：\n"
    "一、本企业在“一区多园”范围内注册，具有独立法人资格，所填信息及提交材料真实、准确、完整；\n"
    "二、本企业在国家企业信用信息公示系统和信用中国网站无经营异常或失信状态，未因违反法律法规受到刑事或行政处罚；\n"
    "三、本年度仅申请一次，仅与一家服务机构签约，在本年度内完成签约并使用服务，逾期未使用的创通票编码自动失效；\n"
    "四、配合服务机构完成部署，如实确认服务结果并进行满意度评价；\n"
    "五、如有虚假承诺，自愿接受创通票管理办法的相关处理。"
)
