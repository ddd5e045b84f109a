"""A local stand-in for the Telegram Bot API, with a control API and a web chat.

Point any Bot API client at ``<url>/bot`` (python-telegram-bot:
``Bot(token, base_url=f"{url}/bot", base_file_url=f"{url}/file/bot")``) and act
as people through ``/sandbox/...`` or :class:`sandbox.client.SandboxClient`.
"""

from .config import SandboxConfig
from .flood import FloodConfig
from .server import RunningSandbox, create_sandbox_app, start_sandbox

__all__ = ["FloodConfig", "RunningSandbox", "SandboxConfig", "create_sandbox_app", "start_sandbox"]
