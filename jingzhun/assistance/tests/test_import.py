"""Department import of deliveries: 1,000 rows with 3 bad ones give a row-error workbook and write
nothing; the clean file writes every delivery and feeds the transfer income and the benefits ledger."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum

from jingzhun.assistance.importing import delivery_import
from jingzhun.assistance.models import Delivery
from jingzhun.assistance.selectors import ledger
from jingzhun.core.errors import DomainError
from jingzhun.core.models import Job
from jingzhun.core.testing import run_worker
from jingzhun.register.models import HouseholdIncome, IncomeTransfer, Member

from .builders import registered, today

HEADERS = ["身份证号", "姓名", "措施", "落实日期", "金额/数量", "发放部门", "资金/项目名称", "备注"]
MEASURES = ["雨露计划", "medical_aid", "家庭医生签约", "低保", "产业奖补"]


def people(personas, households=50):
    for i in range(households):
        registered(personas, area=personas.tree.village_a1 if i % 2 else personas.tree.village_b1)
    return list(Member.objects.order_by("id").values_list("id_number", "name"))


def rows(persons, per_person=5):
    year = today().year - 1
    out = []
    for number, name in persons:
        for k in range(per_person):
            day = datetime.date(year, 1 + k * 2, 1 + (len(out) % 27))
            out.append(
                [number, name, MEASURES[k], day.isoformat(), str(100 + k * 10), "县教育局", "2025年资金", ""]
            )
    return out


def write_csv(path, data, encoding="utf-8-sig"):
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADERS)
    writer.writerows(data)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def spoil(data):
    """Three bad rows: a wrong check character, an unknown measure, an ID not in the register."""
    from jingzhun.register.tests.factories import id_number

    bad = [list(r) for r in data]
    number = bad[10][0]
    bad[10][0] = number[:-1] + ("0" if number[-1] != "0" else "1")
    bad[500][2] = "发羊"
    bad[999][0] = id_number(datetime.date(1966, 6, 6))
    bad[999][1] = ""
    return bad


@pytest.mark.django_db
def test_clean_import_writes_every_delivery_and_feeds_income(personas, tmp_path):
    persons = people(personas)
    data = rows(persons)
    assert len(data) == 1000
    path = write_csv(tmp_path / "ok.csv", data, encoding="gb18030")
    dry = delivery_import(actor=personas.department, path=path, dry_run=True)
    assert dry.errors == [] and dry.rows == 1000 and Delivery.objects.count() == 0
    result = delivery_import(actor=personas.department, path=path, dry_run=False)
    assert result.written == 1000 and Delivery.objects.count() == 1000
    # 雨露计划, 医疗救助 and 低保 are transfer income; 家庭医生签约 (in kind) and 产业奖补 → industry too
    assert result.income_lines == 800
    year = today().year - 1
    member = Member.objects.order_by("id").first()
    h = member.household
    income = HouseholdIncome.objects.get(household=h, year=year)
    lines = IncomeTransfer.objects.filter(income=income)
    assert income.transfers == lines.aggregate(s=Sum("amount"))["s"]
    assert income.transfers == Decimal((100 + 110 + 130 + 140) * 4)  # 4 members, 4 cash measures each
    assert income.per_capita == (income.net_income / 4).quantize(Decimal("0.01"))
    book = ledger(h, year)
    assert len(book["rows"]) == 20 and book["income_total"] == income.transfers
    again = delivery_import(actor=personas.department, path=path, dry_run=True)
    assert again.error_count == 1000 and "已导入过" in again.errors[0][2]


@pytest.mark.django_db(transaction=True)
def test_three_bad_rows_give_an_error_workbook_and_write_nothing(personas, client_for, tmp_path):
    persons = people(personas)
    path = write_csv(tmp_path / "bad.csv", spoil(rows(persons)))
    client = client_for(personas.department)
    upload = SimpleUploadedFile("教育局2025.csv", path.read_bytes(), content_type="text/csv")
    response = client.post("/assistance/deliveries/import/", {"file": upload})
    assert response.status_code == 302
    run_worker()
    job = Job.objects.get(kind="assistance.import")
    assert job.state == "failed" and "3 行共 3 处错误" in job.message
    assert Delivery.objects.count() == 0 and IncomeTransfer.objects.count() == 0
    page = client.get(f"/assistance/deliveries/import/{job.pk}/")
    assert "下载错误清单" in page.content.decode() and b"commit-button" not in page.content
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][0] == "行号" and table[0][-1] == "错误说明"
    assert [r[0] for r in table[1:]] == [12, 502, 1001]
    assert "校验位" in table[1][-1] and "身份证号" in table[1][-1]
    assert "措施“发羊”不在" in table[2][-1]
    assert "未在您的范围内找到" in table[3][-1]


@pytest.mark.django_db
def test_file_problems_name_the_file(personas, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("姓名,金额\n张三,1\n", encoding="utf-8")
    with pytest.raises(DomainError) as info:
        delivery_import(actor=personas.department, path=path)
    assert info.value.field == "file" and "缺少必需的列" in info.value.message
    assert "身份证号" in info.value.message


@pytest.mark.django_db
def test_bad_cells_are_reported_per_column(personas, tmp_path):
    persons = people(personas, households=1)
    number, name = persons[0]
    data = [
        [number, name, "雨露计划", "2024-02-30", "100", "", "", ""],
        [number, name, "雨露计划", "2024-03-01", "-1", "", "", ""],
        [number, "李四", "雨露计划", "2024-03-01", "10", "", "", ""],
        [number, name, "雨露计划", "2024/3/2", "10", "", "", ""],
        [number, name, "雨露计划", "2024/3/2", "10", "", "", ""],
    ]
    result = delivery_import(actor=personas.department, path=write_csv(tmp_path / "c.csv", data))
    messages = {n: m for n, _v, m in result.errors}
    assert "落实日期：日期不存在" in messages[2]
    assert "金额/数量：金额/数量应大于 0" in messages[3]
    assert "姓名：姓名与该身份证号登记的姓名不一致" in messages[4]
    assert "重复" in messages[6] and 5 not in messages
