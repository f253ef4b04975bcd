# ruff: noqa: UP031 - %-formatting keeps the Jinja braces of docxtpl tags readable
"""Word documents: the default template (built with python-docx from wording.SECTIONS, placeholders as
docxtpl tags), rendering a template with a report's content, and checking an uploaded template."""

from __future__ import annotations

import io
import re
import zipfile
from functools import lru_cache

from django.utils.translation import gettext as _

from jingzhun.core.errors import DomainError

from .builder import FIGURE_KEYS
from .wording import (
    APPENDIX_CELLS,
    APPENDIX_HEADERS,
    APPENDIX_TITLE,
    SECTIONS,
    SUBTITLE,
    TITLE,
    Block,
    Items,
    ListSentence,
    Para,
    Table,
)

PLACEHOLDER = re.compile(r"\{(\w+)\}")
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
BODY_FONT, HEAD_FONT, TITLE_FONT = "仿宋", "黑体", "宋体"


def _tag(text: str, var: str | None = None) -> str:
    """Placeholders → Jinja: figures read n.<key>.value, item fields <var>.<field>, the rest ctx.<key>."""

    def sub(m):
        key = m.group(1)
        if var is not None:
            return "{{ %s.%s }}" % (var, key)
        if key in FIGURE_KEYS:
            return "{{ n.%s.value }}" % key
        return "{{ ctx.%s }}" % key

    return PLACEHOLDER.sub(sub, text)


def _font(run, name: str, size: int | None = None, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.bold = bold
    if size:
        run.font.size = Pt(size)
    rpr = run._element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _para(doc, text: str, *, font=BODY_FONT, size=16, bold=False, centre=False, indent=True):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph()
    if centre:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    _font(p.add_run(text), font, size, bold)
    return p


def _table(doc, headers, cells, loop: str, var: str):
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    for i, h in enumerate(headers):
        _font(table.cell(0, i).paragraphs[0].add_run(h), HEAD_FONT, 10)
    table.cell(1, 0).paragraphs[0].add_run("{%%tr for %s in %s %%}" % (var, loop))
    for i, field in enumerate(cells):
        _font(table.cell(2, i).paragraphs[0].add_run("{{ %s.%s }}" % (var, field)), BODY_FONT, 10)
    table.cell(3, 0).paragraphs[0].add_run("{%tr endfor %}")
    return table


def _item(doc, item) -> None:
    if isinstance(item, Para):
        _para(doc, _tag(item.text))
    elif isinstance(item, ListSentence):
        key = f"lists.{item.key}"
        doc.add_paragraph("{%%p if %s %%}" % key)
        body = (
            item.prefix
            + "{%% for it in %s %%}" % key
            + _tag(item.item, "it")
            + "{%% if not loop.last %%}%s{%% endif %%}{%% endfor %%}" % item.sep
            + item.suffix
        )
        _para(doc, body)
        doc.add_paragraph("{%p endif %}")
    elif isinstance(item, Items):
        key = f"lists.{item.key}"
        doc.add_paragraph("{%%p for it in %s %%}" % key)
        _para(doc, ("{{ it.label }}" if item.numbered else "") + _tag(item.item, "it"))
        doc.add_paragraph("{%p endfor %}")
        if item.empty:
            doc.add_paragraph("{%%p if not %s %%}" % key)
            _para(doc, item.empty)
            doc.add_paragraph("{%p endif %}")
    elif isinstance(item, Block):
        doc.add_paragraph("{%%p for para in blocks.%s %%}" % item.key)
        _para(doc, "{{ para }}")
        doc.add_paragraph("{%p endfor %}")
    elif isinstance(item, Table):
        _table(doc, item.headers, item.cells, f"lists.{item.key}", "r")


@lru_cache(maxsize=1)
def default_template() -> bytes:
    """The built-in template: title, the four sections of wording.SECTIONS and the figures appendix."""
    from docx import Document
    from docx.shared import Cm

    doc = Document()
    for s in doc.sections:
        s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6)
    _para(doc, _tag(TITLE), font=TITLE_FONT, size=22, bold=True, centre=True)
    _para(doc, _tag(SUBTITLE), size=14, centre=True)
    for heading, items in SECTIONS:
        _para(doc, heading, font=HEAD_FONT, bold=False)
        for item in items:
            _item(doc, item)
    _para(doc, APPENDIX_TITLE, font=HEAD_FONT, indent=False)
    _table(doc, APPENDIX_HEADERS, APPENDIX_CELLS, "figures", "f")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


CN_NUMBERS = "一二三四五六七八九十"


def cn_label(n: int) -> str:
    if n <= 10:
        word = CN_NUMBERS[n - 1]
    elif n < 20:
        word = "十" + CN_NUMBERS[n - 11]
    else:
        word = str(n)
    return f"（{word}）"


def docx_context(content: dict) -> dict:
    lists = dict(content["lists"])
    lists["problems"] = [{**p, "label": cn_label(p["no"])} for p in lists.get("problems", [])]
    return {
        "ctx": content["ctx"],
        "n": content["n"],
        "lists": lists,
        "blocks": content["blocks"],
        "figures": content["figures"],
    }


def render(template_bytes: bytes, content: dict) -> bytes:
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(io.BytesIO(template_bytes))
    tpl.render(docx_context(content), autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def check_template(data: bytes, content: dict) -> None:
    """Reject anything that is not a .docx docxtpl can render with real content (error names the cause)."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise DomainError(_("模板文件不能超过 5 MB。"), field="file")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if "word/document.xml" not in z.namelist():
                raise DomainError(_("文件不是 Word 文档（.docx）。"), field="file")
    except zipfile.BadZipFile:
        raise DomainError(_("文件不是 Word 文档（.docx）。"), field="file") from None
    try:
        out = render(data, content)
        from docx import Document

        Document(io.BytesIO(out))
    except DomainError:
        raise
    except Exception as exc:  # jinja2 syntax errors, undefined filters, broken XML …
        raise DomainError(
            _("模板无法生成文档：%(error)s。请检查 {{ }} 和 {%% %%} 标记是否完整。")
            % {"error": str(exc)[:200]},
            field="file",
        ) from None
