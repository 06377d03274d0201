"""The platform's tables (SQLAlchemy 2 declarative). The schema itself is created only by
the Alembic migrations in `server/migrations`; `tests/server/test_server_migrations.py` checks
that the migrated schema and these classes agree.

Personal data (姓名, ID number, phone, face template) is stored only as AES-GCM blobs
(`*_enc`, see `server.field_crypto`), with a keyed hash (`*_hash`) where the platform
must look a value up. Times are integer milliseconds of the server's clock (UTC).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Institution(Base):
    __tablename__ = "institutions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    city_code: Mapped[str] = mapped_column(String(6))  # 地市 administrative code
    county_code: Mapped[str] = mapped_column(String(6))  # 区县 administrative code
    # The EffectiveTimePolicy and verification settings its clients must use (JSON).
    policy_json: Mapped[str] = mapped_column(Text, default="{}")
    verification_json: Mapped[str] = mapped_column(Text, default="{}")
    allow_self_enrollment: Mapped[bool] = mapped_column(Boolean, default=False)
    created_ms: Mapped[int] = mapped_column(BigInteger)


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    institution_id: Mapped[str] = mapped_column(ForeignKey("institutions.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_ms: Mapped[int] = mapped_column(BigInteger)


class Learner(Base):
    __tablename__ = "learners"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    institution_id: Mapped[str] = mapped_column(ForeignKey("institutions.id"), index=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    name_enc: Mapped[bytes] = mapped_column(LargeBinary)
    id_type: Mapped[str] = mapped_column(String(40))
    id_number_enc: Mapped[bytes] = mapped_column(LargeBinary)
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    phone_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    # The face template lives under its own key context (DESIGN: biometrics apart).
    face_template_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    face_enrolled_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    face_enrollment_source: Mapped[str | None] = mapped_column(String(40), nullable=True)
    face_consent_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_ms: Mapped[int] = mapped_column(BigInteger)


class PendingEnrollment(Base):
    """A template from a learner's first verified sign-in, waiting for an administrator."""

    __tablename__ = "pending_enrollments"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id"), index=True)
    template_enc: Mapped[bytes] = mapped_column(LargeBinary)
    created_ms: Mapped[int] = mapped_column(BigInteger)
    decided_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    decision: Mapped[str | None] = mapped_column(String(20), nullable=True)


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id"), unique=True)
    login_name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_ms: Mapped[int] = mapped_column(BigInteger)


class SmsCode(Base):
    __tablename__ = "sms_codes"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_ms: Mapped[int] = mapped_column(BigInteger)
    expires_ms: Mapped[int] = mapped_column(BigInteger)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used: Mapped[bool] = mapped_column(Boolean, default=False)


class LoginChallenge(Base):
    """A login between its first factor and the face check (the second factor)."""

    __tablename__ = "login_challenges"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    device_id: Mapped[str] = mapped_column(String(64))
    first_factor: Mapped[str] = mapped_column(String(20))
    created_ms: Mapped[int] = mapped_column(BigInteger)
    expires_ms: Mapped[int] = mapped_column(BigInteger)
    face_attempts: Mapped[int] = mapped_column(Integer, default=0)
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the client said of itself at the first factor (server.client_rules).
    client_version: Mapped[str | None] = mapped_column(String(20), nullable=True)
    profile_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    machine_id: Mapped[str | None] = mapped_column(String(32), nullable=True)


class Device(Base):
    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    registered_by: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    registered_ms: Mapped[int] = mapped_column(BigInteger)
    # Where the device's signed chain stands on the server.
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class AuthSession(Base):
    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id"), index=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), index=True)
    created_ms: Mapped[int] = mapped_column(BigInteger)
    last_seen_ms: Mapped[int] = mapped_column(BigInteger)
    ip_address: Mapped[str] = mapped_column(String(64))
    revoked_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    revoke_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # The client's version and provisioning profile, as it said at sign-in.
    client_version: Mapped[str | None] = mapped_column(String(20), nullable=True)
    profile_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    machine_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)


class Course(Base):
    __tablename__ = "courses"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    duration_ms: Mapped[int] = mapped_column(BigInteger)
    media_file: Mapped[str] = mapped_column(String(400))  # relative to the media folder
    media_sha256: Mapped[str] = mapped_column(String(64))
    media_size: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer, default=1)
    teacher: Mapped[str] = mapped_column(String(200))
    provenance: Mapped[str] = mapped_column(Text)  # who made it, from what sources
    licence: Mapped[str] = mapped_column(String(200))
    requires_test: Mapped[bool] = mapped_column(Boolean, default=True)
    pass_mark: Mapped[int] = mapped_column(Integer, default=60)  # percent
    questions_json: Mapped[str] = mapped_column(Text, default="[]")  # the question bank
    # How many bank questions one test paper draws (0: all of them).
    questions_per_test: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    status: Mapped[str] = mapped_column(String(20), default="listed")
    created_ms: Mapped[int] = mapped_column(BigInteger)


class StudySession(Base):
    """One course opening, started on the server so its clock and face-check schedule
    exist before the client reports anything about it."""

    __tablename__ = "study_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id"), index=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    auth_session_id: Mapped[str] = mapped_column(ForeignKey("auth_sessions.id"))
    course_id: Mapped[str] = mapped_column(ForeignKey("courses.id"))
    started_ms: Mapped[int] = mapped_column(BigInteger)
    last_contact_ms: Mapped[int] = mapped_column(BigInteger)
    check_positions_json: Mapped[str] = mapped_column(Text)  # video positions (ms), secret
    ip_address: Mapped[str] = mapped_column(String(64))
    ended_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where the face-check schedule stands (`server.check_rules.CheckProgress`).
    next_check_slot: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    furthest_position_ms: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    last_pass_ms: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    paused_at_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # The kinds the latest environment report named that the institution refuses
    # (comma-separated, none: study may go on).
    environment_refused: Mapped[str | None] = mapped_column(String(200), nullable=True)


class CheckDue(Base):
    """A face check the server decided was due (`server.check_rules`): the client hears
    of it in a heartbeat answer, and the time until it is passed earns nothing."""

    __tablename__ = "check_dues"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    study_session_id: Mapped[str] = mapped_column(ForeignKey("study_sessions.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))  # server.check_rules.DueReason
    slot: Mapped[int | None] = mapped_column(Integer, nullable=True)  # for a position check
    due_ms: Mapped[int] = mapped_column(BigInteger)
    passed_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class FaceChallenge(Base):
    """A liveness challenge the server issued: the actions asked, in order, under a
    one-time id the evidence must be signed with. Used at most once, before it expires;
    issuing another for the same sign-in or due check supersedes it."""

    __tablename__ = "face_challenges"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id"), index=True)
    device_id: Mapped[str] = mapped_column(String(64))
    # What it was issued for: a sign-in or a due check (one of the two is set).
    login_challenge_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    due_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    actions_json: Mapped[str] = mapped_column(Text)
    issued_ms: Mapped[int] = mapped_column(BigInteger)
    expires_ms: Mapped[int] = mapped_column(BigInteger)
    closed_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # used or superseded


class StudyContact(Base):
    """A moment the server's own clock saw a study session alive (start, heartbeat,
    upload): credit is confined to the spans between such moments."""

    __tablename__ = "study_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    study_session_id: Mapped[str] = mapped_column(ForeignKey("study_sessions.id"), index=True)
    at_ms: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(20))  # start | heartbeat | upload


class FaceCheck(Base):
    """A face check the server re-matched itself. The crop is never kept: its hash,
    the distance and the decision are."""

    __tablename__ = "face_checks"
    __table_args__ = (Index("ix_face_checks_learner_crop", "learner_id", "crop_sha256"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id"), index=True)
    device_id: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(20))  # login | study
    study_session_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    due_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the due it answered
    decided_ms: Mapped[int] = mapped_column(BigInteger)
    passed: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(40))
    distance_milli: Mapped[int | None] = mapped_column(Integer, nullable=True)
    crop_sha256: Mapped[str] = mapped_column(String(64))
    challenge_json: Mapped[str] = mapped_column(Text, default="{}")


class StoredEvent(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_session", "study_session_id", "seq"),)

    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    learner_id: Mapped[str] = mapped_column(String(64), index=True)
    study_session_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(30))
    at_ms: Mapped[int] = mapped_column(BigInteger)
    received_ms: Mapped[int] = mapped_column(BigInteger)
    canonical: Mapped[bytes] = mapped_column(LargeBinary)
    hash: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(100))
    # "accepted", or why the event keeps its place in the chain but earns nothing.
    status: Mapped[str] = mapped_column(String(30))


class IngestRefusal(Base):
    """Every refused event is recorded: forged, replayed, out of order, out of session."""

    __tablename__ = "ingest_refusals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    device_id: Mapped[str] = mapped_column(String(64), index=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    code: Mapped[str] = mapped_column(String(40))
    received_ms: Mapped[int] = mapped_column(BigInteger)
    event_hash: Mapped[str] = mapped_column(String(64))


class TestSitting(Base):
    """One paper of a course test handed to a learner (`server.test_rules`): questions
    drawn from the course's bank with their options shuffled, answered at most once,
    before it expires."""

    __tablename__ = "test_sittings"
    __test__ = False  # not a pytest class

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id"), index=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("courses.id"))
    issued_ms: Mapped[int] = mapped_column(BigInteger)
    expires_ms: Mapped[int] = mapped_column(BigInteger)
    paper_json: Mapped[str] = mapped_column(Text)  # [{"id": ..., "order": [bank option index]}]
    answered: Mapped[bool] = mapped_column(Boolean, default=False)


class TestAttempt(Base):
    __tablename__ = "test_attempts"
    __test__ = False  # not a pytest class

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id"), index=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("courses.id"))
    sitting_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    score: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    answers_json: Mapped[str] = mapped_column(Text)  # in the bank's option numbering
    at_ms: Mapped[int] = mapped_column(BigInteger)


class CourseRating(Base):
    """One learner's rating of one course (Attachment 1 item 6): rating again replaces
    the scores and comment and keeps `created_ms`. The comment is the learner's own
    free text: stored as written, never logged."""

    __tablename__ = "course_ratings"
    __table_args__ = (
        CheckConstraint("content BETWEEN 1 AND 5", name="ck_course_ratings_content"),
        CheckConstraint("design BETWEEN 1 AND 5", name="ck_course_ratings_design"),
        CheckConstraint("teacher BETWEEN 1 AND 5", name="ck_course_ratings_teacher"),
    )

    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id"), primary_key=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("courses.id"), primary_key=True, index=True)
    content: Mapped[int] = mapped_column(Integer)  # 1-5, see server.rating_rules
    design: Mapped[int] = mapped_column(Integer)
    teacher: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_ms: Mapped[int] = mapped_column(BigInteger)
    updated_ms: Mapped[int] = mapped_column(BigInteger)


class SessionSummaryRow(Base):
    """`records.effective_time.summarize_session` of one study session, kept so the
    cross-session pass never re-reads raw events."""

    __tablename__ = "session_summaries"

    study_session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    learner_id: Mapped[str] = mapped_column(String(64), index=True)
    summary_json: Mapped[str] = mapped_column(Text)
    updated_ms: Mapped[int] = mapped_column(BigInteger)


class DirtySession(Base):
    """A study session whose events changed since its summary was made: uploads only
    mark it, and the ledger is brought up to date when someone reads it, so ingestion
    stays a plain insert however long the learner's history is."""

    __tablename__ = "dirty_sessions"

    study_session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    learner_id: Mapped[str] = mapped_column(String(64), index=True)


class LedgerSession(Base):
    """The credited study session: one Attachment 2 row."""

    __tablename__ = "ledger_sessions"
    __table_args__ = (UniqueConstraint("study_session_id", "course_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    study_session_id: Mapped[str] = mapped_column(String(64))
    learner_id: Mapped[str] = mapped_column(String(64), index=True)
    institution_id: Mapped[str] = mapped_column(String(64), index=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    course_id: Mapped[str] = mapped_column(String(64), index=True)
    start_ms: Mapped[int] = mapped_column(BigInteger, index=True)
    end_ms: Mapped[int] = mapped_column(BigInteger)
    effective_ms: Mapped[int] = mapped_column(BigInteger)
    pending_ms: Mapped[int] = mapped_column(BigInteger)
    excluded_json: Mapped[str] = mapped_column(Text)
    ip_address: Mapped[str] = mapped_column(String(64))
    demo: Mapped[bool] = mapped_column(Boolean, default=False)


class LedgerDay(Base):
    __tablename__ = "ledger_days"

    learner_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM-DD, Beijing
    effective_ms: Mapped[int] = mapped_column(BigInteger)
    pending_ms: Mapped[int] = mapped_column(BigInteger)
    capped_ms: Mapped[int] = mapped_column(BigInteger)


class EnvironmentReport(Base):
    """What a client reported of its surroundings and how the institution's policy
    judged it: at sign-in (no study session) or during study. Flagged and refused
    reports are what the institution reviews."""

    __tablename__ = "environment_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id"), index=True)
    device_id: Mapped[str] = mapped_column(String(64))
    study_session_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    received_ms: Mapped[int] = mapped_column(BigInteger)
    signals_json: Mapped[str] = mapped_column(Text)  # [{"kind", "evidence"}]
    action: Mapped[str] = mapped_column(String(10))  # allow, flag or refuse


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at_ms: Mapped[int] = mapped_column(BigInteger)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(100))
    detail_json: Mapped[str] = mapped_column(Text, default="{}")


class ProvisionedProfile(Base):
    """A provisioning profile this platform signed (`python -m server sign-profile`):
    clients report its SHA-256 at sign-in (`server.client_rules`)."""

    __tablename__ = "provisioned_profiles"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    institution_code: Mapped[str] = mapped_column(String(64))
    issued_ms: Mapped[int] = mapped_column(BigInteger)
    revoked_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class ClientReleaseRow(Base):
    """A client installer the platform offers (`python -m server publish-release`); the
    file is kept in the data folder's `releases/`."""

    __tablename__ = "client_releases"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))
    file_name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    signature_b64: Mapped[str] = mapped_column(String(100))
    published_ms: Mapped[int] = mapped_column(BigInteger)
