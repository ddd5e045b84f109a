"""(being built)"""
from __future__ import annotations

from console.page import Page

PAGES: tuple[Page, ...] = ()
