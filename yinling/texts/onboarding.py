"""Onboarding: verifying a phone, and what staff decided on a pending registration."""
from __future__ import annotations

# ---- onboarding ------------------------------------------------------------------------------------
WELCOME_UNBOUND = (
    "您好！我是银龄助手，老干部工作的服务小助手。\n"
    "第一次使用，请先确认身份：点下面的「📱 验证手机号」按钮，再点「分享」或「确定」就行，不用打字。"
)
UNBOUND_NUDGE = "请先确认身份：点下面的「📱 验证手机号」按钮就行，不用打字。"
CONTACT_NOT_OWN = (
    "这个号码不是您本人的账号发来的。\n请点下面的「📱 验证手机号」按钮，发送您自己的手机号。"
)
CONTACT_UNREADABLE = "没能看清这个手机号。请点下面的「📱 验证手机号」按钮再试一次。"
BOUND_GREETING = "{name}，您好！身份已经确认。\n以后有什么事，点下面的大按钮就行。"
UNKNOWN_PHONE = (
    "谢谢您！您的手机号暂时不在我们的名单里。\n"
    "工作人员会尽快和您联系，核对好以后就能使用了。"
)
BOUND_ELSEWHERE = (
    "谢谢您！这个手机号已经在另一个账号上确认过了。\n"
    "工作人员会尽快和您联系核对，核对好以后就能在这个账号上使用了。"
)
PENDING_WAIT = "工作人员正在核对您的信息，请您耐心等一等。核对好了，我会马上告诉您。"
PENDING_WAIT_WITH_PHONE = PENDING_WAIT + "\n着急的话，可以打电话：{phone}。"

# ---- staff decisions on a pending registration ---------------------------------------------------------
REGISTRATION_APPROVED = "{name}，您好！工作人员已经核对好您的信息。\n以后有什么事，点下面的大按钮就行。"
REGISTRATION_REJECTED = "您好！工作人员核对后，暂时没能为您开通。如有疑问，请联系工作人员。"
REGISTRATION_REJECTED_WITH_PHONE = "您好！工作人员核对后，暂时没能为您开通。如有疑问，请打电话：{phone}。"
