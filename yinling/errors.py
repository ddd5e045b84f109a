"""The one DomainError tree. Faces map it: the bot answers with a kind sentence, the API with a 4xx.

    DomainError                      code            HTTP
    ├── Unauthorized                 unauthorized    401   (wrong password, no valid token)
    ├── NotFound                     not_found       404
    ├── Forbidden                    forbidden       403
    ├── Conflict                     conflict        409
    ├── InvalidInput                 invalid         422   (.fields names what is wrong)
    ├── RateLimited                  rate_limited    429   (.retry_after seconds)
    └── NotBound                     not_bound       403   (a Telegram user not yet verified)
"""
from __future__ import annotations


class DomainError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str, *, fields: dict[str, str] | None = None, extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.extra = extra or {}  # more to say, e.g. every bad row of an import


class Unauthorized(DomainError):
    code = "unauthorized"
    status = 401


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class Conflict(DomainError):
    code = "conflict"
    status = 409


class InvalidInput(DomainError):
    code = "invalid"
    status = 422


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NotBound(DomainError):
    code = "not_bound"
    status = 403
