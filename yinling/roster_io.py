"""The roster (台账) as offices keep it in Excel: read an uploaded .xlsx/.csv, write an .xlsx back.

The work lives beside this module, one job each:
- yinling/roster_columns.py: the columns (headers, aliases, widths, which are sensitive or computed),
  shared by both directions so export -> edit -> re-import round-trips;
- yinling/roster_cells.py: one cell -> a field's value, or a reason in Chinese;
- yinling/roster_import.py: `parse_roster`, a file -> checked rows and every bad row's reason (the
  caller decides what to do: all-or-nothing); `read_table` for other imports (study pieces);
- yinling/roster_export.py: `export_roster` and `template_xlsx`.

This module names what callers use, so they need not know that layout. Pure functions over bytes:
no database, no files, no network.
"""
from __future__ import annotations

from yinling.roster_columns import SHEET_TITLE, TEMPLATE_HEADERS
from yinling.roster_export import export_roster, template_xlsx
from yinling.roster_import import (
    CONSENT_MISSING,
    MAX_ROWS,
    ImportRow,
    ParsedRoster,
    RosterFileError,
    RowError,
    parse_roster,
    read_table,
)

__all__ = [
    "CONSENT_MISSING",
    "MAX_ROWS",
    "SHEET_TITLE",
    "TEMPLATE_HEADERS",
    "ImportRow",
    "ParsedRoster",
    "RosterFileError",
    "RowError",
    "export_roster",
    "parse_roster",
    "read_table",
    "template_xlsx",
]
