"""账号 (admins only): the staff accounts, a new account, a role changed, a password reset, and the
audit log. The accounts are the staff service's (the `yinling staff` commands call the same
functions), the log is GET /api/v1/audit's (the audit service, with the API's query model).

The password rules are the service's: what it refuses is shown beside the field, in its words."""
from __future__ import annotations

import math
from urllib.parse import urlencode

from aiohttp import web

from admin.auth import ROLE_NAMES, actor_of
from admin.keys import SERVICES
from admin.parsing import path_id
from admin.views.audit import AuditQuery
from console.forms import checked, form_fields
from console.page import ADMIN, Page
from console.render import render, see_other
from yinling.errors import Conflict, InvalidInput, NotFound
from yinling.models import Staff
from yinling.services.staff import MIN_ADMIN_PASSWORD, MIN_PASSWORD

AUDIT_PER_PAGE = 50
ROLE_OPTIONS = [(role, ROLE_NAMES[role]) for role in ("liaison", "viewer", "admin")]
PASSWORD_HINT = (f"至少 {MIN_PASSWORD} 个字符，管理员至少 {MIN_ADMIN_PASSWORD} 个；"
                 "不要用 12345678、password 这类常见密码。")
# The audit log's codes, as the office says them (an unknown code is shown as it is).
ACTIONS = {
    "login": "登录", "logout": "退出",
    "staff.create": "新建账号", "staff.set_role": "改角色", "staff.reset_password": "重置密码",
    "retiree.create": "新增老同志", "retiree.update": "修改台账", "retiree.reassign": "换联系干部",
    "retiree.delete": "删除台账", "retiree.import": "导入台账", "retiree.export": "导出台账",
    "retiree.read_sensitive": "查看敏感信息",
    "registration.approve": "通过登记", "registration.reject": "拒绝登记",
    "help.reply": "回复求助", "help.assign": "分派求助", "help.status": "改求助状态", "help.merge": "合并求助",
    "help.media": "查看求助语音或图片",
    "inbox.message": "发消息", "inbox.assign": "分派消息", "inbox.handled": "消息已处理", "inbox.media": "查看消息附件",
    "activity.create": "发布活动", "activity.update": "修改活动", "activity.cancel": "取消活动",
    "activity.checkin": "活动签到", "activity.export": "导出报名名单",
    "broadcast.create": "新建通知", "broadcast.attach": "上传通知附件", "broadcast.sent": "通知发完",
    "broadcast.remind": "提醒未读", "broadcast.cancel": "取消通知",
    "idea.review": "回复金点子", "idea.note": "金点子备注", "idea.merge": "合并金点子", "idea.media": "查看金点子附件",
    "study.create": "新增学习文章", "study.update": "修改学习文章", "study.withdraw": "撤下学习文章",
    "study.import": "导入学习文章",
    "calendar.set": "设置日历", "calendar.delete": "删除日历", "calendar.import": "导入日历",
    "privacy.complete": "办结个人信息申请", "privacy.reject": "拒绝个人信息申请",
}
TARGETS = {
    "staff": "账号", "retiree": "老同志", "registration": "登记", "help_request": "求助单", "message": "消息",
    "activity": "活动", "broadcast": "通知", "attachment": "通知附件", "idea": "金点子", "study_piece": "学习文章",
    "calendar_day": "日历", "privacy_request": "个人信息申请",
}
RESULTS = {"ok": "成功", "failed": "失败", "throttled": "太频繁，被拦下"}
DETAIL_KEYS = {"role": "角色", "from": "原来", "to": "改为", "rows": "行数", "told": "通知人数", "by": "方式"}


# ---- the accounts ---------------------------------------------------------------------------------------

async def staff_by_id(request: web.Request, staff_id: int) -> Staff:
    for staff in await request.config_dict[SERVICES].staff.list_staff():
        if staff.id == staff_id:
            return staff
    raise NotFound("找不到这个账号")


def done_message(done: str, staff: Staff | None) -> str:
    """What the last change did, said after the redirect back to the list."""
    if staff is None:
        return ""
    who = f"{staff.display_name}（{staff.username}）"
    role = ROLE_NAMES.get(staff.role, staff.role)
    return {
        "created": f"已建好账号 {who}，角色：{role}。请把用户名和初始密码当面告诉本人。",
        "role": f"已把 {who} 的角色改为{role}。TA 原来的登录已退出，要重新登录。",
        "password": f"已给 {who} 设好新密码，TA 原来的登录已退出。请把新密码当面或打电话告诉本人。",
    }.get(done, "")


async def list_page(request: web.Request, *, form: dict[str, str] | None = None,
                    errors: dict[str, str] | None = None, status: int = 200) -> web.Response:
    accounts = await request.config_dict[SERVICES].staff.list_staff()
    done = ""
    if (who := request.query.get("who", "")).isdigit():
        done = done_message(request.query.get("done", ""), next((s for s in accounts if s.id == int(who)), None))
    return render(request, "accounts.html", {
        "accounts": accounts, "role_names": ROLE_NAMES, "role_options": ROLE_OPTIONS, "done": done,
        "form": form or {"role": "liaison"}, "errors": errors or {}, "password_hint": PASSWORD_HINT,
    }, status=status)


async def accounts(request: web.Request) -> web.Response:
    return await list_page(request)


def mismatch(data: dict[str, str]) -> dict[str, str]:
    """The password typed twice, as the `yinling staff` commands ask for it."""
    return {"password2": "两次输入的密码不一样，请重新输入"} if data.get("password") != data.get("password2") else {}


async def create_account(request: web.Request) -> web.Response:
    data = await form_fields(request)
    kept = {name: data.get(name, "").strip() for name in ("username", "display_name", "role")}  # never the password
    if errors := mismatch(data):
        return await list_page(request, form=kept, errors=errors, status=422)
    try:
        staff = await request.config_dict[SERVICES].staff.do_create_staff(
            kept["username"], kept["role"], data.get("password", ""), display_name=kept["display_name"] or None,
            actor=actor_of(request))
    except (InvalidInput, Conflict) as exc:
        return await list_page(request, form=kept, errors=exc.fields or {"": exc.message}, status=422)
    return see_other(f"/console/accounts?done=created&who={staff.id}")


async def set_role(request: web.Request) -> web.Response:
    staff = await staff_by_id(request, path_id(request))
    role = (await form_fields(request)).get("role", "")
    # a refusal (the last admin, an unknown role) becomes a page
    await request.config_dict[SERVICES].staff.do_set_role(staff.username, role, actor=actor_of(request))
    return see_other(f"/console/accounts?done=role&who={staff.id}")


async def password_form(request: web.Request) -> web.Response:
    staff = await staff_by_id(request, path_id(request))
    return render(request, "accounts_password.html", {"staff": staff, "errors": {}, "password_hint": PASSWORD_HINT,
                                                      "role_names": ROLE_NAMES})


async def reset_password(request: web.Request) -> web.Response:
    staff = await staff_by_id(request, path_id(request))
    data = await form_fields(request)
    errors = mismatch(data)
    if not errors:
        try:
            await request.config_dict[SERVICES].staff.do_reset_password(staff.username, data.get("password", ""),
                                                                        actor=actor_of(request))
        except InvalidInput as exc:
            errors = exc.fields or {"": exc.message}
    if errors:
        return render(request, "accounts_password.html", {"staff": staff, "errors": errors,
                                                          "password_hint": PASSWORD_HINT, "role_names": ROLE_NAMES},
                      status=422)
    return see_other(f"/console/accounts?done=password&who={staff.id}")


# ---- the audit log --------------------------------------------------------------------------------------

def detail_text(detail: dict) -> str:
    """`detail` holds which fields or how many, never personal values; role codes read as role names."""
    parts = []
    for key, value in detail.items():
        shown = ROLE_NAMES.get(value, value) if isinstance(value, str) else value
        parts.append(f"{DETAIL_KEYS.get(key, key)}：{shown}")
    return "，".join(parts)


def audit_filters(request: web.Request) -> tuple[dict[str, str], AuditQuery | None, dict[str, str]]:
    """The filters as typed (for the form and the pager's links), and as the API's query model."""
    typed = {name: request.query.get(name, "").strip() for name in ("action", "actor_id", "target_type", "target_id")}
    data = {name: value for name, value in typed.items() if value}
    query, errors = checked(request, AuditQuery, {**data, "page": request.query.get("page", "1") or "1",
                                                  "per_page": AUDIT_PER_PAGE})
    return typed, query, errors


async def audit_log(request: web.Request) -> web.Response:
    services = request.config_dict[SERVICES]
    typed, query, errors = audit_filters(request)
    staff = {s.id: s for s in await services.staff.list_staff()}
    items: list = []
    total = 0
    if query is not None:
        items, total = await services.audit.page(
            action=query.action, actor_id=query.actor_id, target_type=query.target_type, target_id=query.target_id,
            limit=AUDIT_PER_PAGE, offset=(query.page - 1) * AUDIT_PER_PAGE)
    page = query.page if query is not None else 1
    pages = max(1, math.ceil(total / AUDIT_PER_PAGE))
    kept = {name: value for name, value in typed.items() if value}
    actions = dict(ACTIONS)
    if typed["action"] and typed["action"] not in actions:
        actions[typed["action"]] = typed["action"]
    return render(request, "audit.html", {
        "items": items, "total": total, "page": page, "pages": pages, "typed": typed, "errors": errors,
        "staff": staff, "actions": actions, "targets": TARGETS, "results": RESULTS, "detail_text": detail_text,
        "page_link": lambda n: "/console/accounts/audit?" + urlencode({**kept, "page": n}),
        "actor_options": [("", "所有人"), *((str(s.id), f"{s.display_name}（{s.username}）") for s in staff.values())],
        "action_options": [("", "所有操作"), *actions.items()],
        "target_options": [("", "所有对象"), *TARGETS.items()],
    }, status=422 if errors else 200)


PAGES: tuple[Page, ...] = (
    Page("GET", "/accounts", accounts, ADMIN, "账号: staff accounts, with the form for a new one"),
    Page("POST", "/accounts", create_account, ADMIN, "Create a staff account (the staff service's rules)"),
    Page("POST", "/accounts/{id}/role", set_role, ADMIN, "Change a staff member's role (their logins end)"),
    Page("GET", "/accounts/{id}/password", password_form, ADMIN, "The form to reset a staff member's password"),
    Page("POST", "/accounts/{id}/password", reset_password, ADMIN, "Reset a password (their logins end)"),
    Page("GET", "/accounts/audit", audit_log, ADMIN, "The audit log, newest first, with filters and pages"),
)
