"""A new register prints legibly: landscape A4, the header row and key column on every page."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from dpia.register.layout import load_layout
from dpia.register.workbook import new_workbook


def test_register_sheets_print_landscape_with_headers_and_keys_on_every_page() -> None:
    layout = load_layout()
    buf = io.BytesIO()
    new_workbook(layout).save(buf)
    wb = load_workbook(io.BytesIO(buf.getvalue()))
    printed = [s for s in layout.sheets if s.kind in ("rows", "log")]
    assert printed
    for sheet in printed:
        ws = wb[sheet.title]
        assert ws.page_setup.orientation == "landscape", sheet.title
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
        assert ws.print_title_rows == "$1:$1" and ws.print_title_cols == "$A:$A", sheet.title
        assert ws.print_options.gridLines
