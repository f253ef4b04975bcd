"""Work reports: the DOCX opens and quotes the expected numbers, problems are computed, a township's
report covers only its township, templates are checked on upload, text blocks change the prose."""

import datetime
import io

import pytest
from docx import Document

from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.models import AuditEvent
from jingzhun.indicators.services import indicators_refresh
from jingzhun.indicators.tests.builders import small_county
from jingzhun.reports import docx, services
from jingzhun.reports.builder import Period

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(personas):
    small_county(personas)
    indicators_refresh(actor=personas.county_admin, area=personas.tree.county, years=[2016])


def text_of(report) -> str:
    with report.file.open("rb") as fh:
        doc = Document(io.BytesIO(fh.read()))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        parts += [c.text for row in t.rows for c in row.cells]
    return "\n".join(parts)


def test_county_report_opens_and_quotes_the_figures(personas, county):
    r = services.report_generate(
        actor=personas.county_admin, area=personas.tree.county, period=Period.of("year", 2016)
    )
    text = text_of(r)
    assert "测试县2016年巩固拓展脱贫攻坚成果工作情况汇报" in text
    assert "建档立卡贫困户5户12人" in text
    assert "尚有未脱贫（含返贫）4户10人，贫困发生率为2.86%" in text
    assert "因病3户、占60.00%" in text
    for heading in ("一、基本情况", "二、主要做法和成效", "三、存在的问题", "四、下一步打算"):
        assert heading in text
    assert AuditEvent.objects.filter(action="reports.generate").exists()


def test_appendix_lists_each_figure_with_indicator_filters_and_drill_down(personas, county):
    r = services.report_generate(
        actor=personas.county_admin, area=personas.tree.county, period=Period.of("year", 2016)
    )
    figures = r.content["figures"]
    first = figures[0]
    assert (
        first["code"] == "reg_hh"
        and first["value"] == "5"
        and first["url"].startswith("/indicators/reg_hh/rows/")
    )
    assert any(f["filters"].endswith("主要致贫原因=因病") for f in figures)
    text = text_of(r)
    assert "附件：数据来源与统计口径" in text and "识别年度不晚于当年的建档立卡户" in text


def test_problems_name_the_poor_village_that_cannot_exit_yet(personas, county):
    r = services.report_generate(
        actor=personas.county_admin, area=personas.tree.county, period=Period.of("year", 2016)
    )
    problems = " ".join(p["text"] for p in r.content["lists"]["problems"])
    assert "甲一村贫困发生率6.00%，高于3%的退出标准" in problems  # Sichuan: western threshold
    assert "甲镇贫困发生率4.67%，高于3%" in problems


def test_township_report_covers_only_its_township(personas, county):
    t = personas.tree
    r = services.report_generate(actor=personas.township_a, area=t.township_a, period=Period.of("half", 2016))
    text = text_of(r)
    assert "建档立卡贫困户4户9人" in text and "甲一村" in text
    assert "乙乡" not in text and "乙一村" not in text
    with pytest.raises(AccessDenied):
        services.report_generate(actor=personas.township_a, area=t.county, period=Period.of("year", 2016))


def test_report_pages_preview_links_every_figure(personas, county, client_for):
    c = client_for(personas.township_a)
    r = c.post(
        "/reports/new/",
        {"area": "513498100000", "period": "custom", "start": "2016-01-01", "end": "2016-09-30"},
    )
    assert r.status_code == 302
    preview = c.get(r["Location"])
    html = preview.content.decode()
    assert 'class="jz-figure"' in html and "/indicators/reg_hh/rows/?area=513498100000&amp;year=2016" in html
    assert c.get(r["Location"].rstrip("/") + "/download/").status_code == 200
    assert client_for(personas.village_b1).get(r["Location"]).status_code == 404
    c = client_for(personas.township_a)
    bad = c.post(
        "/reports/new/",
        {"area": "513498100000", "period": "custom", "start": "2016-05-01", "end": "2016-01-01"},
    )
    assert bad.status_code == 200 and "结束日期不能早于开始日期" in bad.content.decode()


def test_uploaded_template_is_checked_versioned_and_used(personas, county):
    t = personas.tree
    data = docx.default_template()
    tpl = services.template_upload(
        actor=personas.county_admin, area=t.county, data=data, name="我的模板.docx"
    )
    assert tpl.version == 1 and tpl.is_active
    tpl2 = services.template_upload(actor=personas.county_admin, area=t.township_a, data=data, name="v2.docx")
    assert tpl2.version == 2 and tpl2.area == t.county
    with pytest.raises(DomainError) as e:
        services.template_upload(
            actor=personas.county_admin, area=t.county, data=b"not a docx", name="x.docx"
        )
    assert "Word" in e.value.message and e.value.field == "file"
    broken = _docx_with_text("{{ n.reg_hh.value ")
    with pytest.raises(DomainError) as e:
        services.template_upload(actor=personas.county_admin, area=t.county, data=broken, name="bad.docx")
    assert "模板无法生成文档" in e.value.message
    with pytest.raises(AccessDenied):
        services.template_upload(actor=personas.township_a, area=t.township_a, data=data, name="x.docx")
    r = services.report_generate(actor=personas.county_admin, area=t.county, period=Period.of("year", 2016))
    assert r.template_id == tpl2.pk


def _docx_with_text(text: str) -> bytes:
    d = Document()
    d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_text_blocks_replace_the_default_wording_for_the_area_and_below(personas, county):
    t = personas.tree
    services.text_block_save(
        actor=personas.county_admin,
        area=t.county,
        key="next_steps",
        body="全力推进产业振兴。\n抓好就业帮扶。",
    )
    r = services.report_generate(actor=personas.township_a, area=t.township_a, period=Period.of("year", 2016))
    text = text_of(r)
    assert "全力推进产业振兴。" in text and "抓好就业帮扶。" in text
    with pytest.raises(AccessDenied):
        services.text_block_save(actor=personas.village_a1, area=t.village_a1, key="intro", body="x")


def test_periods_are_validated():
    with pytest.raises(DomainError):
        services.period_from("custom", None, datetime.date(2016, 1, 1), datetime.date(2017, 1, 1))
    assert services.period_from("half", 2016, None, None).end == datetime.date(2016, 6, 30)
