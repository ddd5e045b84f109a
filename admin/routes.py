"""The one route table. Every route names the roles that may call it (None: no login needed) and
the pydantic models of its query, body and response, from which /api/openapi.json is built.

A test walks the router: a route missing from this table fails it."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from pydantic import BaseModel

from admin.keys import ROUTE_META
from admin.parsing import PageQuery
from admin.views import (
    activities,
    apidocs,
    audit,
    auth,
    broadcasts,
    health,
    openapi,
    registrations,
    retirees,
    study,
    webhook,
)
from admin.views import calendar as calendar_views
from admin.views import help as help_views
from admin.views import ideas as idea_views
from admin.views import inbox as inbox_views
from admin.views import privacy as privacy_views
from yinling.models import InboxMessage, PrivacyRequest

XLSX_MEDIA = retirees.XLSX
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

ADMIN = frozenset({"admin"})
STAFF = frozenset({"admin", "liaison"})
EVERYONE = frozenset({"admin", "liaison", "viewer"})


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler
    roles: frozenset[str] | None  # None: public (health checks, Telegram's webhook with its secret)
    summary: str
    query: type[BaseModel] | None = None  # query parameters
    body: type[BaseModel] | None = None  # JSON request body
    response: type[BaseModel] | None = None  # JSON body of the success response
    status: int = 200  # success status
    body_media: str | None = None  # a non-JSON request body: "multipart/form-data" (file upload)
    response_media: str | None = None  # a non-JSON response, e.g. an .xlsx file's media type
    also: tuple[tuple[int, type[BaseModel]], ...] = ()  # other success answers: (status, model)
    errors: tuple[str, ...] = ()  # error statuses its rules give that its shape does not imply (404 for a body's id)
    tag: str = "system"


ROUTES: tuple[Route, ...] = (
    Route("GET", "/healthz", health.healthz, None, "Liveness and database check", response=health.Health),
    Route("GET", "/api/openapi.json", openapi.openapi_json, None, "This API's OpenAPI 3.1 description"),
    Route("GET", "/", apidocs.api_page, None,
          "This API for people: every route with its roles, summary and fields (a page built from the OpenAPI)",
          response_media="text/html"),
    # ---- staff login ----
    Route("POST", "/api/v1/auth/login", auth.login, None, "Log in; returns a bearer token",
          body=auth.LoginBody, response=auth.LoginOut, tag="auth"),
    Route("POST", "/api/v1/auth/logout", auth.logout, EVERYONE, "Revoke this token",
          response=auth.Ok, tag="auth"),
    Route("GET", "/api/v1/me", auth.me, EVERYONE, "Who am I", response=auth.StaffOut, tag="auth"),
    # ---- the roster (台账) ----
    Route("GET", "/api/v1/retirees", retirees.list_retirees, EVERYONE,
          "List retirees (a liaison sees their own; a viewer no contact or sensitive fields)",
          query=retirees.RetireeQuery, response=retirees.RetireePage, tag="roster"),
    Route("POST", "/api/v1/retirees", retirees.create_retiree, STAFF, "Add a retiree",
          body=retirees.RetireeCreate, response=retirees.RetireeOut, status=201, tag="roster"),
    Route("POST", "/api/v1/retirees/import", retirees.import_retirees, ADMIN,
          "Import the roster from .xlsx or .csv (all or nothing; bad rows listed)",
          body_media="multipart/form-data", response=retirees.ImportResult, tag="roster"),
    Route("GET", "/api/v1/retirees/export.xlsx", retirees.export_retirees, EVERYONE,
          "Export the roster (the caller's scope) as .xlsx", response_media=retirees.XLSX, tag="roster"),
    Route("GET", "/api/v1/retirees/{id}", retirees.get_retiree, EVERYONE, "One retiree's file (一人一档)",
          response=retirees.RetireeOut, tag="roster"),
    Route("PATCH", "/api/v1/retirees/{id}", retirees.update_retiree, STAFF,
          "Change some fields (only an admin reassigns the liaison)",
          body=retirees.RetireeWrite, response=retirees.RetireeOut, tag="roster"),
    Route("DELETE", "/api/v1/retirees/{id}", retirees.delete_retiree, STAFF,
          "Delete (PIPL): personal fields erased, an audit row kept", status=204, tag="roster"),
    # ---- onboarding ----
    # admins only: a registration shows the phone someone verified, and approving it decides whom a chat speaks for
    Route("GET", "/api/v1/registrations", registrations.list_registrations, ADMIN,
          "Pending registrations from the chat", response=registrations.RegistrationList, tag="onboarding"),
    Route("POST", "/api/v1/registrations/{id}/approve", registrations.approve, ADMIN,
          "Bind the person to a retiree (existing or new); they are told in the chat (409 naming phone: "
          "it is on another retiree's record)",
          body=registrations.ApproveBody, response=registrations.Approved, tag="onboarding"),
    Route("POST", "/api/v1/registrations/{id}/reject", registrations.reject, ADMIN,
          "Decline; the person is told in the chat", status=204, tag="onboarding"),
    # ---- help requests (我要求助) ----
    Route("GET", "/api/v1/help-requests", help_views.list_requests, STAFF,
          "The triage queue (a liaison sees their retirees' requests), with counts",
          query=help_views.HelpQuery, response=help_views.HelpPage, tag="help"),
    Route("GET", "/api/v1/help-requests/{id}", help_views.get_request, STAFF,
          "One request with its whole thread and history", response=help_views.HelpDetail, tag="help"),
    Route("POST", "/api/v1/help-requests/{id}/replies", help_views.reply, STAFF,
          "Answer the retiree in the chat (the first answer moves new to open)",
          body=help_views.TextBody, response=help_views.Done, status=201, tag="help"),
    Route("POST", "/api/v1/help-requests/{id}/notes", help_views.note, STAFF, "A private note for staff",
          body=help_views.TextBody, response=help_views.Done, status=201, tag="help"),
    Route("POST", "/api/v1/help-requests/{id}/assign", help_views.assign, STAFF,
          "Give the request to a staff member (a liaison: to themselves)", body=help_views.AssignBody,
          response=help_views.Done, tag="help"),
    Route("POST", "/api/v1/help-requests/{id}/claim", help_views.claim, STAFF, "Take the request (接单)",
          response=help_views.Done, tag="help"),
    Route("POST", "/api/v1/help-requests/{id}/status", help_views.set_status, STAFF,
          "Change the status (allowed transitions only; pending needs remind_at)",
          body=help_views.StatusBody, response=help_views.Done, tag="help"),
    Route("POST", "/api/v1/help-requests/{id}/merge", help_views.merge, STAFF,
          "A duplicate: close it into another request", body=help_views.MergeBody, response=help_views.Done,
          tag="help"),
    Route("POST", "/api/v1/help-requests/{id}/followups", help_views.followup, STAFF,
          "回访: the result of a follow-up call", body=help_views.FollowupBody, response=help_views.Done,
          status=201, tag="help"),
    Route("GET", "/api/v1/media/{id}", help_views.media, STAFF,
          "A voice note or photo from a help request's thread (id: the thread message's id)",
          response_media="application/octet-stream", tag="help"),
    Route("GET", "/api/v1/visit-tasks", help_views.visit_tasks, STAFF,
          "五必访: visits owed (a liaison sees their own)", query=help_views.VisitQuery,
          response=help_views.VisitPage, tag="help"),
    Route("GET", "/api/v1/stats/help", help_views.stats, EVERYONE,
          "响应率, 解决率, 满意率 and median times, overall, by liaison and by category",
          query=help_views.StatsQuery, response=help_views.HelpStats, tag="help"),
    Route("GET", "/api/v1/stats/activities", activities.stats, EVERYONE,
          "参与人次: activities starting in a period with confirmed, attended, companions, no-shows; totals, by kind",
          query=activities.StatsQuery, response=activities.ActivityStats, tag="activities"),
    # ---- activities (活动报名) ----
    Route("GET", "/api/v1/activities", activities.list_activities, EVERYONE,
          "Activities, upcoming (soonest first) or past, with seats left and counts",
          query=activities.ActivityQuery, response=activities.ActivityPage, tag="activities"),
    Route("POST", "/api/v1/activities", activities.create_activity, STAFF,
          "Publish an activity; with notify, its audience is told in the chat",
          body=activities.ActivityCreate, response=activities.ActivityCreated, status=201, tag="activities"),
    Route("GET", "/api/v1/activities/{id}", activities.get_activity, EVERYONE, "One activity with its counts",
          response=activities.ActivityOut, tag="activities"),
    Route("PATCH", "/api/v1/activities/{id}", activities.update_activity, STAFF,
          "Change some fields (registrants are told of a new time or place; more seats serve the waiting list)",
          body=activities.ActivityPatch, response=activities.ActivityOut, tag="activities"),
    Route("POST", "/api/v1/activities/{id}/cancel", activities.cancel_activity, STAFF,
          "Cancel; everyone registered or waiting is told in the chat, with the reason",
          body=activities.CancelBody, response=activities.ActivityOut, tag="activities"),
    Route("GET", "/api/v1/activities/{id}/registrations", activities.list_registrations, STAFF,
          "Confirmed, waiting (in order) and cancelled, with companions, transport needs and attendance",
          response=activities.RegistrationList, tag="activities"),
    Route("GET", "/api/v1/activities/{id}/registrations.xlsx", activities.export_registrations, STAFF,
          "The registration list as .xlsx", response_media=XLSX_MEDIA, tag="activities"),
    Route("POST", "/api/v1/activities/{id}/checkins", activities.check_in, STAFF,
          "Mark a confirmed retiree attended, by retiree_id or by their check-in code",
          body=activities.CheckinBody, response=activities.CheckinOut, tag="activities"),
    # ---- daily study (每日学习) ----
    Route("GET", "/api/v1/study/pieces", study.list_pieces, EVERYONE,
          "List study pieces: dated by date, then the queue in order", query=study.PieceQuery,
          response=study.PiecePage, tag="study"),
    Route("POST", "/api/v1/study/pieces", study.create_piece, STAFF,
          "Add a study piece (dated, queued, or at the end of the queue)", body=study.PieceCreate,
          response=study.PieceOut, status=201, tag="study"),
    Route("POST", "/api/v1/study/pieces/import", study.import_pieces, STAFF,
          "Import study pieces from .json, .xlsx or .csv (all or nothing; bad rows listed)",
          body_media="multipart/form-data", response=study.ImportOut, status=201, tag="study"),
    Route("GET", "/api/v1/study/pieces/{id}", study.get_piece, EVERYONE, "One study piece",
          response=study.PieceOut, tag="study"),
    Route("PATCH", "/api/v1/study/pieces/{id}", study.update_piece, STAFF,
          "Change a study piece (its day or place only until it has gone out)", body=study.PiecePatch,
          response=study.PieceOut, tag="study"),
    Route("DELETE", "/api/v1/study/pieces/{id}", study.withdraw_piece, STAFF,
          "Withdraw a study piece (no longer shown or pushed; its figures stay)", response=study.PieceOut,
          tag="study"),
    Route("GET", "/api/v1/stats/study", study.study_stats, EVERYONE,
          "Reading figures: per day (read rate of the pushed) and per piece (quiz accuracy)",
          query=study.StatsQuery, response=study.StudyStats, tag="study"),
    # ---- 金点子 (ideas) ----
    Route("GET", "/api/v1/ideas", idea_views.list_ideas, EVERYONE,
          "Ideas, newest first (a liaison sees their retirees' ideas): status, field, received period, words",
          query=idea_views.IdeaQuery, response=idea_views.IdeaPage, tag="ideas"),
    Route("GET", "/api/v1/ideas/{id}", idea_views.get_idea, EVERYONE,
          "One idea: what was sent, its history and replies, private notes, the duplicates merged into it",
          response=idea_views.IdeaDetail, tag="ideas"),
    Route("POST", "/api/v1/ideas/{id}/review", idea_views.review, STAFF,
          "Decide or reply (allowed transitions only; noted needs the reason); the submitters are told in the chat",
          body=idea_views.ReviewBody, response=idea_views.IdeaOut, tag="ideas"),
    Route("POST", "/api/v1/ideas/{id}/notes", idea_views.note, STAFF, "A private note for staff",
          body=idea_views.NoteBody, response=idea_views.Done, status=201, tag="ideas"),
    Route("POST", "/api/v1/ideas/{id}/merge", idea_views.merge, STAFF,
          "A duplicate: merged into another idea, whose news its submitter hears from then on",
          body=idea_views.MergeBody, response=idea_views.IdeaOut, tag="ideas"),
    Route("GET", "/api/v1/media/ideas/{id}", idea_views.media, EVERYONE,
          "A voice note or photo sent with an idea (id: the part's id in the idea's detail)",
          response_media="application/octet-stream", tag="ideas"),
    Route("GET", "/api/v1/stats/ideas", idea_views.stats, EVERYONE,
          "收到, 采纳, 落实 ...: the ideas received in a period, overall, by field and by month",
          query=idea_views.StatsQuery, response=idea_views.IdeaStats, tag="ideas"),
    # ---- broadcast notices (通知公告) ----
    Route("POST", "/api/v1/broadcasts", broadcasts.create_broadcast, STAFF,
          "Send a notice to an audience, now or at schedule_at (dry_run: count and preview only, 200)",
          body=broadcasts.BroadcastCreate, response=broadcasts.BroadcastReport, status=201,
          also=((200, broadcasts.DryRun),), errors=("404",), tag="broadcasts"),  # 404: attachment_id not yours
    Route("GET", "/api/v1/broadcasts", broadcasts.list_broadcasts, EVERYONE,
          "Notices, newest first (a liaison: their own)", query=PageQuery, response=broadcasts.BroadcastPage,
          tag="broadcasts"),
    Route("POST", "/api/v1/broadcasts/attachments", broadcasts.upload_attachment, STAFF,
          "Upload a photo or document to send with a notice", body_media="multipart/form-data",
          response=broadcasts.AttachmentOut, status=201, tag="broadcasts"),
    Route("GET", "/api/v1/broadcasts/{id}", broadcasts.get_broadcast, EVERYONE,
          "A notice's progress and report: sent, failed with reasons, unreachable, who has not acknowledged",
          response=broadcasts.BroadcastReport, tag="broadcasts"),
    Route("POST", "/api/v1/broadcasts/{id}/cancel", broadcasts.cancel_broadcast, STAFF,
          "Stop what is not yet sent", response=broadcasts.Stopped, tag="broadcasts"),
    Route("POST", "/api/v1/broadcasts/{id}/remind", broadcasts.remind_broadcast, STAFF,
          "Send it again to those who have not tapped 已阅", response=broadcasts.Reminded, tag="broadcasts"),
    # ---- the staff inbox (收件箱) and conversations ----
    Route("GET", "/api/v1/inbox", inbox_views.inbox, STAFF,
          "What needs a person: open help requests and unanswered messages, urgent first, with counts",
          query=inbox_views.InboxQuery, response=inbox_views.InboxPage, tag="inbox"),
    Route("GET", "/api/v1/inbox/messages/{id}", inbox_views.get_message, STAFF,
          "One message a person sent outside a help request", response=InboxMessage, tag="inbox"),
    Route("POST", "/api/v1/inbox/messages/{id}/handled", inbox_views.mark_handled, STAFF,
          "Mark a message handled (409 if it was already)", response=InboxMessage, tag="inbox"),
    Route("POST", "/api/v1/inbox/messages/{id}/assign", inbox_views.assign, STAFF,
          "Give a message to a staff member (a liaison: to themselves)", body=inbox_views.AssignBody,
          response=InboxMessage, tag="inbox"),
    Route("GET", "/api/v1/inbox/messages/{id}/media", inbox_views.message_media, STAFF,
          "The voice note or photo of a message", response_media="application/octet-stream", tag="inbox"),
    Route("GET", "/api/v1/retirees/{id}/conversation", inbox_views.conversation, STAFF,
          "Everything said and sent in the retiree's chat, in order (voice and photos as media refs)",
          query=inbox_views.ConversationQuery, response=inbox_views.Conversation, tag="inbox"),
    Route("GET", "/api/v1/retirees/{id}/conversation/media", inbox_views.conversation_media, STAFF,
          "A voice note or photo from the conversation (update_id: an 'in' entry's ref)",
          query=inbox_views.MediaQuery, response_media="application/octet-stream", tag="inbox"),
    Route("POST", "/api/v1/retirees/{id}/messages", inbox_views.send_message, STAFF,
          "Write to the retiree in the chat (verbatim, under your name); their next words come back to you",
          body=inbox_views.MessageBody, response=inbox_views.MessageSent, status=201, tag="inbox"),
    # ---- the office calendar (办公日历): holidays and make-up workdays for working-day SLAs ----
    Route("GET", "/api/v1/calendar", calendar_views.get_year, EVERYONE,
          "A year's holidays and make-up workdays as the office set them, and whether the year is known "
          "(else its working days are counted Monday to Friday)",
          query=calendar_views.YearQuery, response=calendar_views.YearOut, tag="calendar"),
    Route("POST", "/api/v1/calendar/import", calendar_views.import_days, ADMIN,
          "Import holidays and make-up workdays from .csv or .json: date, kind, name (all or nothing; "
          "bad rows listed; days already set are replaced)",
          body_media="multipart/form-data", response=calendar_views.ImportOut, tag="calendar"),
    Route("PUT", "/api/v1/calendar/{date}", calendar_views.set_day, ADMIN,
          "Set one day (date: 2027-01-01): a holiday, or a weekend day worked (调休上班)",
          body=calendar_views.DayBody, response=calendar_views.DayOut, tag="calendar"),
    Route("DELETE", "/api/v1/calendar/{date}", calendar_views.delete_day, ADMIN,
          "Remove a day: it goes back to the official package's say, or Monday to Friday",
          status=204, tag="calendar"),
    # ---- privacy (PIPL): deletion requests from the chat ----
    Route("GET", "/api/v1/privacy-requests", privacy_views.list_requests, ADMIN,
          "Requests retirees made in the chat (我的 → 我的信息) to have what the office keeps deleted, newest first",
          query=privacy_views.PrivacyQuery, response=privacy_views.PrivacyPage, tag="privacy"),
    Route("POST", "/api/v1/privacy-requests/{id}/complete", privacy_views.complete, ADMIN,
          "Delete the retiree as DELETE /api/v1/retirees/{id} does (their words too); they are told in the chat",
          response=PrivacyRequest, tag="privacy"),
    Route("POST", "/api/v1/privacy-requests/{id}/reject", privacy_views.reject, ADMIN,
          "Decline, with the reason the retiree is told in the chat", body=privacy_views.RejectBody,
          response=PrivacyRequest, tag="privacy"),
    # ---- audit ----
    Route("GET", "/api/v1/audit", audit.list_audit, ADMIN, "The audit log, newest first",
          query=audit.AuditQuery, response=audit.AuditPage, tag="audit"),
)


def webhook_route(path: str) -> Route:
    """Telegram's webhook (webhook mode only): public, guarded by its secret header instead."""
    return Route("POST", path, webhook.receive_update, None, "Telegram webhook (secret header required)",
                 tag="telegram")


def add_routes(app: web.Application, routes: tuple[Route, ...]) -> None:
    meta = app.setdefault(ROUTE_META, {})
    for route in routes:
        # Ids match digits only, so /retirees/import is never taken for /retirees/{id}; dates likewise.
        path = route.path.replace("{id}", r"{id:\d+}").replace("{date}", r"{date:\d{4}-\d{2}-\d{2}}")
        meta[app.router.add_route(route.method, path, route.handler)] = route
