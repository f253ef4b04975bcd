"""The downloadable import template: empty 农户成员 and 收入 sheets with Chinese headers, a 填写说明
sheet (every column, whether required, what to fill, allowed codes, an example) and a 代码表 sheet
listing every active code list from CodeItem — so provinces' added codes appear without a release."""

from __future__ import annotations

import io

from .codes import kind_label
from .importing_columns import (
    CHOICES,
    CODES_SHEET,
    HELP_SHEET,
    INCOME_COLUMNS,
    INCOME_SHEET,
    MEMBER_COLUMNS,
    MEMBER_INCOME_COLUMNS,
    MEMBER_SHEET,
    TRANSFER_PREFIX,
    Codes,
    Column,
)

LEVELS = {"household": "户", "member": "成员", "income": "收入"}
KIND_HINT = {
    "bool": "是 / 否",
    "date": "日期，如 2020-01-31",
    "decimal": "数字，不能为负",
    "money": "金额（元），不能为负",
    "int": "整数",
    "year": "年份，如 2018",
    "income_year": "年份（2010 至今年）",
    "phone": "手机号或固定电话",
    "account": "8–32 位数字",
    "household_no": "16 位数字（村 12 位区划代码 + 4 位序号）",
    "area": "村 12 位或村民组 15 位统计用区划代码",
    "id": "18 位身份证号（或 15 位旧号）",
}

RULES = [
    "一、每行填写一名家庭成员；同一户的各行户编号相同，并且连续排列（不要把一户的成员分散在表格各处）。",
    "二、户级信息（户编号、区划代码、住址、致贫原因、住房、土地、生活条件等）可以每行重复填写，"
    "也可以只在户主那一行填写；同一户各行填写的值必须一致。",
    "三、代码列可以填代码，也可以填名称（如“致贫原因”填“1”或“因病”都可以），可选值见“代码表”工作表。",
    "四、带 * 的列为必填：户编号、区划代码（新户）、姓名、身份证号、与户主关系。每户有且只有 1 名户主。",
    "五、身份证号会校验最后一位校验码，出生日期和性别按身份证号自动确定；同一人只能属于一户。",
    "六、收入：在“收入”工作表每户每年一行（CSV 导入时可另传一个收入文件，列相同）；"
    "也可以在本表的“收入年度”等列填写一个年度。人均纯收入由系统按家庭人口计算，不需要填写。",
    f"七、转移性收入明细：可增加“{TRANSFER_PREFIX}低保金”这样的列（项目见代码表“转移性收入项目”），"
    "转移性收入可不填，按明细合计。",
    "八、导入先“试运行”校验，不写入任何数据；有错误时可下载错误清单（原始行 + 错误说明），修改后重新上传。"
    "校验全部通过后再“正式导入”，正式导入要么全部成功，要么一条也不写入。",
    "九、重复导入同一文件不会重复建档：按户编号更新农户，按身份证号更新成员；空白单元格表示保持原值。"
    "导入不会删除成员，成员减少请通过变更申请办理。",
    "十、贫困状态、识别年度、脱贫年度只用于迁移历史建档立卡数据，需要“批量导入农户档案”权限；"
    "已是建档立卡户的农户也只能由具有该权限的用户批量更新。",
    "十一、不要使用公式（请“粘贴为数值”），不要合并单元格；CSV 文件可用 UTF-8 或 GBK（GB18030）编码。",
    "十二、出现“提醒”类问题（如年龄与关系不符、致贫原因缺少佐证）时，确认无误请在“预警说明”列写明原因。",
]


def _allowed(col: Column, codes: Codes) -> str:
    if col.code_list:
        names = codes.names.get(col.code_list, {})
        listed = "；".join(f"{code} {name}" for code, name in list(names.items())[:20])
        more = f"……（共 {len(names)} 项，见代码表）" if len(names) > 20 else ""
        multi = "可填多项，用“、”分隔。" if col.kind == "codes" else ""
        return f"{multi}{listed}{more}"
    if col.kind == "choice":
        return "、".join(k for k in CHOICES[col.field] if not k.isascii() or len(k) == 1)
    if col.kind == "int" and col.low is not None:
        return f"整数，{col.low}–{col.high}"
    return KIND_HINT.get(col.kind, f"文本，最多 {col.max_length} 个字符" if col.max_length else "文本")


def _help_rows(codes: Codes):
    yield ["填写规则", "", "", "", "", ""]
    for rule in RULES:
        yield [rule, "", "", "", "", ""]
    yield ["", "", "", "", "", ""]
    yield ["列名", "是否必填", "所属", "说明", "可填写的值", "示例"]
    sections = [
        (f"工作表“{MEMBER_SHEET}”", MEMBER_COLUMNS + MEMBER_INCOME_COLUMNS),
        (f"工作表“{INCOME_SHEET}”", INCOME_COLUMNS),
    ]
    for title, columns in sections:
        yield [title, "", "", "", "", ""]
        for col in columns:
            yield [
                col.header,
                "必填" if col.required else "",
                LEVELS[col.level],
                col.help + (f"（也可写作：{'、'.join(col.aliases)}）" if col.aliases else ""),
                _allowed(col, codes),
                col.example,
            ]
        transfer = codes.names.get("transfer_program", {})
        if transfer:
            name = next(iter(transfer.values()))
            yield [
                f"{TRANSFER_PREFIX}<项目名称>",
                "",
                "收入",
                "转移性收入明细（可选），每个项目一列，如“" + TRANSFER_PREFIX + name + "”。",
                "；".join(transfer.values()),
                "1200",
            ]


def _code_rows(codes: Codes):
    for kind, names in codes.names.items():
        for code, name in names.items():
            yield [kind_label(kind), code, name]


def template_bytes(codes: Codes | None = None) -> bytes:
    """The template workbook (formatted with openpyxl: it is small, so a normal workbook is fine)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    codes = codes or Codes.load()
    wb = Workbook()
    head_fill = PatternFill("solid", fgColor="F2DCDB")
    bold = Font(bold=True)

    def header_sheet(ws, columns, extra=()):
        headers = [c.header + ("*" if c.required else "") for c in columns] + list(extra)
        ws.append(headers)
        for i, cell in enumerate(ws[1], start=1):
            cell.font, cell.fill = bold, head_fill
            ws.column_dimensions[get_column_letter(i)].width = max(10, len(cell.value) * 2 + 2)
            # ID numbers and codes must stay text, or Excel turns 18 digits into 5.13401E+17.
            ws.column_dimensions[get_column_letter(i)].number_format = "@"
        ws.freeze_panes = "A2"

    members = wb.active
    members.title = MEMBER_SHEET
    header_sheet(members, MEMBER_COLUMNS + MEMBER_INCOME_COLUMNS)
    income = wb.create_sheet(INCOME_SHEET)
    header_sheet(income, INCOME_COLUMNS)
    help_ws = wb.create_sheet(HELP_SHEET)
    for row in _help_rows(codes):
        help_ws.append(row)
    for width, letter in zip((26, 9, 7, 60, 60, 18), "ABCDEF", strict=True):
        help_ws.column_dimensions[letter].width = width
    for row in help_ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if cell.column == 1 and (cell.value or "").startswith(("工作表", "列名", "填写规则")):
                cell.font = bold
    code_ws = wb.create_sheet(CODES_SHEET)
    code_ws.append(["代码表", "代码", "名称"])
    for cell in code_ws[1]:
        cell.font, cell.fill = bold, head_fill
    for row in _code_rows(codes):
        code_ws.append(row)
    code_ws.column_dimensions["A"].width = 18
    code_ws.column_dimensions["C"].width = 24
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
