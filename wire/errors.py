"""The body of every refusal."""

from __future__ import annotations

from wire.base import Answer


class ErrorBody(Answer):
    """A refusal: `code` is stable (the client translates it), `message` is English for
    logs. Some codes carry details, named below; the others leave them out."""

    code: str
    message: str
    fields: list[str] | None = None  # invalid_request: where the request is malformed
    retry_after_s: int | None = None  # also sent as the Retry-After header
    locked_until_ms: int | None = None  # account_locked
    attempts_left: int | None = None  # a sign-in's failed face check
    enrollment_id: str | None = None  # enrollment_pending
    revoked_ms: int | None = None  # a revoked sign-in: when it stopped earning
    min_coverage_percent: int | None = None  # a course test that cannot be sat now
    next_attempt_ms: int | None = None  # when a refused course test may be tried again
    max_batch_events: int | None = None  # batch_too_large
    index: int | None = None  # malformed: the event of the batch at fault
    max_frames: int | None = None  # bad_burst
    max_side: int | None = None  # image_too_large, in pixels
    problem: str | None = None  # bad_id_number: what is wrong with the number
    min_client_version: str | None = None  # client_outdated: the oldest version accepted
