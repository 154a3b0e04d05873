"""``dpia build`` writes data-sharing-register.xlsx: this project's rows alone, in the register's layout.

It is a fresh workbook each time, without an audit log: the organisation's own
register (``--register``) is the one that accumulates history.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from dpia.register.layout import load_layout
from dpia.register.rows import project_register_rows
from dpia.register.safety import workbook_bytes
from dpia.register.workbook import SheetEditor, new_workbook, write_lists

if TYPE_CHECKING:
    from dpia.render import Job, Output

FILE_NAME = "data-sharing-register.xlsx"


def project_workbook_bytes(job: Job) -> bytes:
    layout = load_layout()
    wb = new_workbook(layout)
    rows = project_register_rows(job.project, job.assessment, layout)
    for sheet in layout.row_sheets:
        editor = SheetEditor(wb[sheet.title], sheet)
        for key, row in rows[sheet.id].items():
            editor.write(key, row, layout.date_format)
        editor.finish(layout)
    write_lists(wb, layout)
    stamp = datetime(job.today.year, job.today.month, job.today.day)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "dpia"
    return workbook_bytes(wb.save, "the register rows (data-sharing-register.xlsx)")


def write(job: Job) -> list[Output]:
    return [
        job.write(
            FILE_NAME,
            project_workbook_bytes(job),
            "data-sharing register rows for this project (Excel)",
        )
    ]
