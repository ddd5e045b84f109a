"""通知: the office's notices (通知公告) — the list, one notice with its progress and who has read it,
提醒未读 and 取消; writing one is in notices_compose. Every page calls the broadcast service as
admin/views/broadcasts.py does (it scopes a liaison to their own, and hides phones from viewers)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from admin.auth import actor_of
from admin.keys import SERVICES
from admin.parsing import path_id
from console.page import EVERYONE, STAFF, Page
from console.render import render, see_other
from console.views import notices_compose
from yinling.errors import NotFound
from yinling.models import Actor, Broadcast, BroadcastAudience

PER_PAGE = 20
SNIPPET = 40  # characters of a notice's text shown in the list
STATE_WORDS = {"scheduled": "定时发送，还没到时间", "sending": "正在发送", "done": "已发完", "cancelled": "已取消"}
# What a finished action says at the top of the notice page (?said=...).
SAID = {"sent": "通知已经开始发送。", "scheduled": "已定好时间，到时会自动发送。",
        "reminded": "已经再发给还没点「已阅」的 {n} 人。", "cancelled": "已取消，停发了 {n} 人。"}
# How often the progress refreshes itself: fast while it goes out, slowly while 已阅 taps come in.
POLL_SENDING = "every 2s"
POLL_WAITING = "every 20s"
POLL_ACKS = "every 10s"


def page_number(request: web.Request) -> int:
    raw = request.query.get("page", "1")
    return min(int(raw), 1_000_000) if raw.isdigit() and int(raw) >= 1 else 1


def snippet(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= SNIPPET else line[:SNIPPET] + "…"


def audience_words(audience: BroadcastAudience, names: dict[int, str], activity_title: str | None = None) -> str:
    if audience.kind == "tags":
        return "有这些标签的老同志：" + "、".join(audience.tags)
    if audience.kind == "party_members":
        return "党员"
    if audience.kind == "liaisons":
        return "这些联系干部联系的老同志：" + "、".join(names.get(i, f"编号{i}") for i in audience.liaison_ids)
    if audience.kind == "activity":
        return f"报名「{activity_title}」的人" if activity_title else "报名某个活动的人"
    if audience.kind == "retirees":
        return f"指定的 {len(audience.retiree_ids)} 位老同志"
    return "全部老同志"


@dataclass(frozen=True)
class Progress:
    """A notice's report counts, as the page says them."""

    recipients: int
    reachable: int  # in the chat when it was sent
    finished: int  # handed over, failed or stopped: no longer waiting
    sent: int
    failed: int  # for another reason than being unreachable
    unreachable: int  # not in the chat, or blocked the bot: to be phoned
    stopped: int
    acknowledged: int
    not_acknowledged: int

    @classmethod
    def of(cls, counts: dict[str, int]) -> Progress:
        reachable = counts["recipients"] - counts["not_in_chat"]
        return cls(recipients=counts["recipients"], reachable=reachable, sent=counts["sent"],
                   finished=counts["sent"] + counts["failed"] + counts["blocked"] + counts["cancelled"],
                   failed=counts["failed"], unreachable=counts["not_in_chat"] + counts["blocked"],
                   stopped=counts["cancelled"], acknowledged=counts["acknowledged"],
                   not_acknowledged=max(0, reachable - counts["acknowledged"]))

    def lists_hidden(self, report: dict[str, Any], require_ack: bool) -> bool:
        """The service gave counts but no names (a viewer, for a notice chosen by a sensitive tag)."""
        if report["unreachable"] or report["not_acknowledged"] or report["failures"]:
            return False
        return bool(self.unreachable or self.failed or (require_ack and self.not_acknowledged))


def poll_for(broadcast: Broadcast, progress: Progress) -> str | None:
    if broadcast.status == "sending":
        return POLL_SENDING
    if broadcast.status == "scheduled":
        return POLL_WAITING
    if broadcast.status == "done" and broadcast.require_ack and progress.not_acknowledged:
        return POLL_ACKS
    return None


async def staff_names(request: web.Request) -> dict[int, str]:
    return {s.id: s.display_name for s in await request.config_dict[SERVICES].staff.list_staff()}


async def notice_list(request: web.Request) -> web.Response:
    actor = actor_of(request)
    service = request.config_dict[SERVICES].broadcasts
    number = page_number(request)
    items, total = await service.page(actor, page=number, per_page=PER_PAGE)
    names = await staff_names(request)
    rows = []
    for broadcast in items:
        # only the ones going out now get their counts: the rest say it in their state
        progress = Progress.of((await service.progress(actor, broadcast.id))[1]) \
            if broadcast.status == "sending" else None
        rows.append({"b": broadcast, "snippet": snippet(broadcast.text), "state": STATE_WORDS[broadcast.status],
                     "audience": audience_words(broadcast.audience, names), "progress": progress})
    return render(request, "notices.html", {
        "rows": rows, "total": total, "page": number, "pages": max(1, -(-total // PER_PAGE)),
        "can_send": actor.role != "viewer"})


async def activity_title(request: web.Request, actor: Actor, broadcast: Broadcast) -> str | None:
    if broadcast.audience.activity_id is None:
        return None
    try:
        return (await request.config_dict[SERVICES].activities.get(broadcast.audience.activity_id, actor)).title
    except NotFound:
        return None


def progress_context(report: dict[str, Any]) -> dict[str, Any]:
    broadcast: Broadcast = report["broadcast"]
    progress = Progress.of(report["counts"])
    return {"b": broadcast, "state": STATE_WORDS[broadcast.status], "progress": progress,
            "poll": poll_for(broadcast, progress)}


async def notice_page(request: web.Request) -> web.Response:
    actor = actor_of(request)
    notice_id = path_id(request)
    report = await request.config_dict[SERVICES].broadcasts.report(actor, notice_id)
    broadcast: Broadcast = report["broadcast"]
    names = await staff_names(request)
    count = request.query.get("n", "0")
    said = SAID.get(request.query.get("said", ""), "").replace("{n}", count if count.isdigit() else "0")
    return render(request, "notices_one.html", {
        **progress_context(report), "report": report, "names": names, "said": said,
        "lists_hidden": not actor.sees_sensitive and Progress.of(report["counts"]).lists_hidden(
            report, broadcast.require_ack),
        "audience": audience_words(broadcast.audience, names, await activity_title(request, actor, broadcast)),
        "is_staff": actor.role != "viewer", "sees_phones": actor.sees_sensitive})


async def notice_progress(request: web.Request) -> web.Response:
    """The progress part of the notice page, which refreshes itself (htmx)."""
    broadcast, counts = await request.config_dict[SERVICES].broadcasts.progress(actor_of(request), path_id(request))
    return render(request, "notices_progress.html", progress_context({"broadcast": broadcast, "counts": counts}))


async def remind(request: web.Request) -> web.StreamResponse:
    notice_id = path_id(request)
    _, queued = await request.config_dict[SERVICES].broadcasts.do_remind(actor_of(request), notice_id)
    return see_other(f"/console/notices/{notice_id}?said=reminded&n={queued}")


async def cancel(request: web.Request) -> web.StreamResponse:
    notice_id = path_id(request)
    _, stopped = await request.config_dict[SERVICES].broadcasts.do_cancel(actor_of(request), notice_id)
    return see_other(f"/console/notices/{notice_id}?said=cancelled&n={stopped}")


PAGES: tuple[Page, ...] = (
    Page("GET", "/notices", notice_list, EVERYONE, "通知: notices, newest first (a liaison: their own)"),
    Page("GET", "/notices/new", notices_compose.compose, STAFF, "写新通知: the compose form"),
    Page("POST", "/notices/preview", notices_compose.preview, STAFF,
         "预览: how many a draft would reach and what they would see (dry run)"),
    Page("POST", "/notices", notices_compose.send, STAFF, "发送 / 定时发送 a previewed notice"),
    Page("GET", "/notices/{id}", notice_page, EVERYONE,
         "One notice: progress, 已阅 / not yet / can't be reached (phones for staff), printable"),
    Page("GET", "/notices/{id}/progress", notice_progress, EVERYONE, "A notice's progress (refreshes itself)"),
    Page("POST", "/notices/{id}/remind", remind, STAFF, "提醒未读: send again to those who have not tapped 已阅"),
    Page("POST", "/notices/{id}/cancel", cancel, STAFF, "取消: stop what is not yet sent"),
)
