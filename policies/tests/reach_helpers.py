"""What the reach and beneficiary tests share: .xlsx files built in memory, the staff of the issuing department."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from accounts.models import Role
from accounts.tests.factories import UserFactory, department

HEADER = ("uscc", "amount", "note")


def xlsx(rows, *, header=HEADER, name="名单.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    if header is not None:
        sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def gxj_handler():
    return UserFactory(username="t_handler_gxj", role=Role.HANDLER, department=department("anshun-gxj"))
