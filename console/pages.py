"""The console's one page table, joined from each views module's PAGES."""
from __future__ import annotations

from aiohttp import web

from console.page import Page
from console.views import accounts, activities, ideas, inbox, login, notices, roster, stats, study, today

PAGES: tuple[Page, ...] = (
    *login.PAGES, *today.PAGES, *inbox.PAGES, *roster.PAGES, *activities.PAGES, *notices.PAGES,
    *ideas.PAGES, *study.PAGES, *stats.PAGES, *accounts.PAGES,
)
# aiohttp's route object -> our Page (roles), filled by add_pages
PAGE_META: web.AppKey[dict[web.AbstractRoute, Page]] = web.AppKey("console_pages", dict)


def add_pages(app: web.Application, pages: tuple[Page, ...]) -> None:
    meta = app.setdefault(PAGE_META, {})
    for page in pages:
        path = page.path.replace("{id}", r"{id:\d+}")  # ids are digits, so /roster/import is never an id
        meta[app.router.add_route(page.method, path, page.view)] = page
