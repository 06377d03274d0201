"""The limits the server sets for an institution's clients: the effective-time policy
(`records.policy.EffectiveTimePolicy`) and the face-check settings."""

from __future__ import annotations

from wire.base import Answer


class TimePolicy(Answer):
    """The fields of `records.policy.EffectiveTimePolicy`."""

    heartbeat_interval_ms: int
    heartbeat_tolerance_ms: int
    interaction_limit_ms: int
    lesson_minutes: int
    lessons_per_day: int
    utc_offset_minutes: int
    skip_tolerance_ms: int


class VerificationPolicy(Answer):
    """The face checks' and the sync's settings (`server.platform.VerificationSettings`)."""

    face_match_threshold: float
    max_face_attempts: int
    checks_per_video_min: int
    check_every_ms: int
    check_grace_ms: int
    check_interval_ms: int
    start_check_after_ms: int
    resume_check_after_ms: int
    rewind_check_ms: int
    offline_limit_ms: int
    max_clock_skew_ms: int
    virtual_camera: str  # "refuse" or "warn"
    environment: dict[str, str]  # signal kind -> "allow", "flag" or "refuse" (over defaults)
    liveness_actions: list[str]
    liveness_min_actions: int
    liveness_max_actions: int
    face_challenge_ttl_ms: int


class InstitutionPolicy(Answer):
    institution_id: str
    policy: TimePolicy
    verification: VerificationPolicy
