"""The Telegram face (python-telegram-bot 22)."""
import os

# PTB 22 is moving time periods (retry_after, durations) from int to timedelta and warns on every
# use until a program opts in. We opt in: our code accepts timedeltas, and a warning raised inside
# PTB's request path while it builds RetryAfter must never stand between us and a 429.
os.environ.setdefault("PTB_TIMEDELTA", "1")
