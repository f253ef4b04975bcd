"""Reading and writing the tables county staff exchange: xlsx and csv.

- ``read_table`` streams rows from xlsx (python-calamine: fast, low memory) or csv, detecting UTF-8,
  UTF-8 with BOM and GB18030/GBK. It rejects formulas in xlsx cells and over-long cells.
- ``write_xlsx`` writes a sheet with Chinese headers; ``error_workbook`` returns the original rows with
  an extra 错误说明 column, for users to fix and re-upload.

Headers and sheet names are the file format and stay Chinese; error messages follow the UI language.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from .errors import DomainError, join_list

MAX_CELL = 2000
ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[list[str]]  # data rows, values as stripped strings
    first_row: int = 2  # spreadsheet row number of the first data row


def _clean(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text


def detect_encoding(raw: bytes) -> str:
    for enc in ENCODINGS:
        try:
            raw.decode(enc)
            return enc
        except UnicodeDecodeError:
            continue
    raise DomainError(
        _("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV，或使用 xlsx 文件。"), field="file"
    )


def read_table(
    path: str | Path,
    *,
    sheet: str | None = None,
    required: list[str] | None = None,
    aliases: dict[str, str] | None = None,
) -> Table:
    """Open ``path`` and return its headers and a row iterator.

    ``required`` headers must all be present (after applying ``aliases``: other spellings → canonical);
    the error names the missing columns in Chinese.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise DomainError(_("文件为空。"), field="file")
    if suffix in (".xlsx", ".xlsm", ".xls"):
        headers, rows = _read_xlsx(path, sheet)
    elif suffix in (".csv", ".txt"):
        headers, rows = _read_csv(path)
    else:
        raise DomainError(_("只支持 xlsx 或 csv 文件。"), field="file")
    aliases = aliases or {}
    headers = [aliases.get(h, h) for h in headers]
    if not any(headers):
        raise DomainError(_("第1行应为表头，但它是空的。"), field="file", row=1)
    seen = set()
    for h in headers:
        if h and h in seen:
            raise DomainError(_("表头“%(header)s”重复出现。") % {"header": h}, field="file", row=1)
        seen.add(h)
    missing = [h for h in (required or []) if h not in headers]
    if missing:
        raise DomainError(
            _("缺少必需的列：%(columns)s。请使用下载的模板，不要修改表头。")
            % {"columns": join_list(missing)},
            field="file",
            row=1,
        )
    return Table(headers=headers, rows=rows)


def _check_cell(text: str, row: int, col: int) -> str:
    if len(text) > MAX_CELL:
        raise DomainError(
            _("第%(col)s列内容过长（%(length)s 个字符，最多 %(max)s）。")
            % {"col": col, "length": len(text), "max": MAX_CELL},
            field="file",
            row=row,
        )
    return text


def _read_xlsx(path: Path, sheet: str | None):
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise DomainError(
            _("无法读取 Excel 文件，请确认文件未损坏且为 xlsx 格式（%(error)s）。")
            % {"error": exc.__class__.__name__},
            field="file",
        ) from exc
    names = wb.sheet_names
    if sheet and sheet not in names:
        raise DomainError(
            _("找不到工作表“%(sheet)s”，文件中的工作表为：%(sheets)s。")
            % {"sheet": sheet, "sheets": join_list(names)},
            field="file",
        )
    name = sheet or names[0]
    _reject_formulas(path, name)
    data = wb.get_sheet_by_name(name).iter_rows()
    try:
        header_row = next(data)
    except StopIteration:
        raise DomainError(_("工作表“%(sheet)s”是空的。") % {"sheet": name}, field="file") from None
    headers = [_clean(h) for h in header_row]

    def rows():
        for i, raw in enumerate(data, start=2):
            values = [_check_cell(_clean(v), i, j + 1) for j, v in enumerate(raw)]
            if any(values):
                yield i, values

    return headers, rows()


# A formula element (<f>, <f t="shared" …/>, or with a namespace prefix) and the cell references
# before it, so that the error can name the cell.
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_REF = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]+)(\d+)\"")


def _reject_formulas(path: Path, sheet: str) -> None:
    """Formulas are refused: their cached value may be stale and they can carry injection payloads."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if info.filename.startswith("xl/worksheets/sheet") and info.filename.endswith(".xml"):
                    with zf.open(info) as fh:
                        chunk = fh.read(50_000_000)
                    found = _FORMULA.search(chunk)
                    if found:
                        # The <f> is the first child of its <c r="B3">: look just before it.
                        ref = _CELL_REF.findall(chunk[max(0, found.start() - 1000) : found.start()])
                        if not ref:
                            raise DomainError(
                                _("文件中含有公式单元格。请把公式“粘贴为数值”后再导入。"), field="file"
                            )
                        column, row = ref[-1][0].decode(), int(ref[-1][1])
                        raise DomainError(
                            _("单元格 %(cell)s 含有公式。请把公式“粘贴为数值”后再导入。")
                            % {"cell": f"{column}{row}"},
                            field="file",
                            row=row,
                        )
    except zipfile.BadZipFile as exc:
        raise DomainError(_("无法读取 Excel 文件，请确认为 xlsx 格式。"), field="file") from exc


def _read_csv(path: Path):
    with open(path, "rb") as fh:
        sample = fh.read(1 << 20)
    encoding = detect_encoding(sample) if len(sample) < (1 << 20) else _detect_streaming(path)
    fh = open(path, encoding=encoding, newline="")  # noqa: SIM115 - closed by the generator
    reader = csv.reader(fh)
    try:
        headers = [_clean(h) for h in next(reader)]
    except StopIteration:
        fh.close()
        raise DomainError(_("文件为空。"), field="file") from None
    except csv.Error as exc:
        fh.close()
        raise DomainError(_("CSV 格式错误：%(error)s") % {"error": exc}, field="file", row=1) from exc

    def rows():
        strip = str.strip
        try:
            for i, raw in enumerate(reader, start=2):
                # csv cells are already strings: strip them in one pass and look for an over-long cell only
                # when the longest one is too long (this loop runs once per row of files with 10^5–10^6 rows).
                values = list(map(strip, raw))
                if values and max(map(len, values)) > MAX_CELL:
                    for j, v in enumerate(values):
                        _check_cell(v, i, j + 1)
                if any(values):
                    yield i, values
        except csv.Error as exc:
            raise DomainError(
                _("CSV 格式错误：%(error)s") % {"error": exc}, field="file", row=reader.line_num
            ) from exc
        except UnicodeDecodeError as exc:
            raise DomainError(
                _("文件中有无法识别的字符，请统一保存为 UTF-8 或 GBK 编码。"), field="file"
            ) from exc
        finally:
            fh.close()

    return headers, rows()


def _detect_streaming(path: Path) -> str:
    for enc in ENCODINGS:
        try:
            with open(path, encoding=enc) as fh:
                for _chunk in iter(lambda: fh.read(1 << 20), ""):
                    pass
            return enc
        except UnicodeDecodeError:
            continue
    raise DomainError(
        _("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV，或使用 xlsx 文件。"), field="file"
    )


def row_dicts(table: Table) -> Iterator[tuple[int, dict[str, str]]]:
    for number, values in table.rows:
        yield number, {h: (values[i] if i < len(values) else "") for i, h in enumerate(table.headers) if h}


# --- writing -----------------------------------------------------------------------------------------


def safe_cell(value):
    """Neutralise values that a spreadsheet would run as a formula (CSV/xlsx injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not _looks_numeric(value):
        return "'" + value
    return value


def _looks_numeric(value: str) -> bool:
    try:
        float(value)
        return True
    except ValueError:
        return False


def write_xlsx(sheets: list[tuple[str, list[str], object]], *, title_line: str | None = None) -> bytes:
    """sheets: (sheet name, headers, iterable of rows). Returns the xlsx bytes (streamed write)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    wb = Workbook(write_only=True)
    for name, headers, rows in sheets:
        ws = wb.create_sheet(title=name[:31])
        if title_line:
            ws.append([title_line])
        header_cells = []
        for h in headers:
            c = WriteOnlyCell(ws, value=h)
            c.font = Font(bold=True)
            c.fill = PatternFill("solid", fgColor="F2DCDB")
            header_cells.append(c)
        ws.append(header_cells)
        for row in rows:
            ws.append([safe_cell(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def error_workbook(headers: list[str], rows: list[tuple[int, list[str], str]]) -> bytes:
    """Original rows plus 行号 and 错误说明 columns, for the user to fix and upload again."""
    return write_xlsx(
        [("错误清单", ["行号", *headers, "错误说明"], ([n, *values, message] for n, values, message in rows))]
    )
