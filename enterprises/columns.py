"""The registry spreadsheet's columns: the headers the template writes (required and optional),
the field each fills, and the other headers offices write for the same column (synonyms), read by
`importers` and written by the template and exports."""

REQUIRED = {
    "企业名称": "name",
    "统一社会信用代码": "credit_code",
    "所属街镇": "subdistrict",
    "高新技术企业发证日期": "issue_date",
    "科技型企业入库年份": "tech_registered_year",
}
OPTIONAL = {
    "高新技术企业证书编号": "certificate_no",
    "所属产业": "industry",
    "规上": "above_scale",
    "专精特新": "specialized",
    "小巨人": "little_giant",
    "培优库": "cultivation_pool",
    "高价值发明专利": "high_value_patent",
    "单项冠军": "single_champion",
    "拟上市储备库": "ipo_reserve",
    "科技型企业退库日期": "tech_left_on",
}
HEADERS = {**REQUIRED, **OPTIONAL}
LABELS = {field: header for header, field in HEADERS.items()}

SYNONYMS = {
    "name": ("企业名称", "企业全称", "单位名称", "名称"),
    "credit_code": ("统一社会信用代码", "社会信用代码", "信用代码", "统一信用代码"),
    "subdistrict": ("所属街镇", "街镇", "镇街", "所属镇街", "所在街镇", "所属街道"),
    "issue_date": ("高新技术企业发证日期", "发证日期", "高企发证日期", "高新技术企业证书发证日期", "认定日期"),
    "tech_registered_year": ("科技型企业入库年份", "入库年份", "科技型企业入库年度"),
    "certificate_no": ("高新技术企业证书编号", "证书编号", "高企证书编号"),
    "industry": ("所属产业", "产业", "所属行业"),
    "above_scale": ("规上", "规上企业", "是否规上"),
    "specialized": ("专精特新", "专精特新企业", "是否专精特新"),
    "little_giant": ("小巨人", "专精特新小巨人", "是否小巨人"),
    "cultivation_pool": ("培优库", "高企培育库", "是否培优库"),
    "high_value_patent": ("高价值发明专利", "有高价值发明专利", "是否有高价值发明专利"),
    "single_champion": ("单项冠军", "制造业单项冠军", "是否单项冠军"),
    "ipo_reserve": ("拟上市储备库", "拟上市企业储备库", "市级拟上市企业储备库", "是否拟上市储备库"),
    "tech_left_on": ("科技型企业退库日期", "退库日期"),
}
