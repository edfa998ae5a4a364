"""The dashboard's tables as files: CSV for French spreadsheets (UTF-8 with a BOM, ";"), XLSX."""

import csv
import io
from datetime import date

from django.http import HttpResponse


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return value


def csv_response(table, filename: str) -> HttpResponse:
    out = io.StringIO()
    # The BOM makes Excel read UTF-8 (accents); ";" is the separator of French spreadsheets.
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_cell(value) for value in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(table, filename: str) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.slug[:31]
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True)
    sheet.append(table.columns)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append(list(row))
    for index, row in enumerate(table.rows, start=3):
        for column, value in enumerate(row, start=1):
            if isinstance(value, date):
                sheet.cell(row=index, column=column).number_format = "DD/MM/YYYY"
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
