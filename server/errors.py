"""Known refusals: every failure the client can meet has a stable reason code it can
translate and show, and an HTTP status. Anything else is a bug and a 500."""

from __future__ import annotations

from collections.abc import Mapping


class ApiError(Exception):
    """`keep_changes=True`: the refusal itself must be stored (a failed attempt counted,
    a refused upload recorded), so the transaction commits before the error is sent."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        keep_changes: bool = False,
        details: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.keep_changes = keep_changes
        self.details = dict(details or {})

    def body(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, **self.details}

    def headers(self) -> dict[str, str]:
        retry_after = self.details.get("retry_after_s")
        return {"Retry-After": str(retry_after)} if retry_after is not None else {}


def bad_request(
    code: str, message: str, *, keep_changes: bool = False, **details: object
) -> ApiError:
    return ApiError(400, code, message, keep_changes=keep_changes, details=details)


def unauthorized(
    code: str, message: str, *, keep_changes: bool = False, **details: object
) -> ApiError:
    return ApiError(401, code, message, keep_changes=keep_changes, details=details)


def forbidden(
    code: str, message: str, *, keep_changes: bool = False, **details: object
) -> ApiError:
    return ApiError(403, code, message, keep_changes=keep_changes, details=details)


def not_found(code: str, message: str) -> ApiError:
    return ApiError(404, code, message)


def conflict(code: str, message: str, *, keep_changes: bool = False, **details: object) -> ApiError:
    return ApiError(409, code, message, keep_changes=keep_changes, details=details)


def too_many(code: str, message: str, *, keep_changes: bool = False, **details: object) -> ApiError:
    return ApiError(429, code, message, keep_changes=keep_changes, details=details)


def busy(code: str, message: str, retry_after_s: int) -> ApiError:
    return ApiError(503, code, message, details={"retry_after_s": retry_after_s})
