"""Staff login and passwords (the staff API and `yinling staff`)."""
from __future__ import annotations

# ---- staff login and passwords (the staff API and `yinling staff`) ------------------------------------
LOGIN_ACCOUNT_LOCKED = "这个账号登录失败次数太多，已暂时锁定，请 {minutes} 分钟后再试。"
LOGIN_ADDRESS_TOO_FAST = "从这个网络地址登录太频繁，请 {seconds} 秒后再试。"
PASSWORD_BLANK = "密码（password）不能只有空格。"
PASSWORD_TOO_SHORT = "密码（password）至少要 {least} 个字符。"
PASSWORD_COMMON = "密码（password）太常见，很容易被猜到，请换一个。"
