"""The authoritative ledger: effective time recomputed by the server from the events it
accepted, with `records/` rules plus its own clock and face-check schedule
(`server.ledger_rules`).

An upload only stores events, records the server's contact with the session and marks
the session dirty. Whoever reads a learner's ledger first brings it up to date
(`refresh_learner`): each dirty session is summarised (the costly pass over its events),
then the learner's credit across sessions (overlap, course length, daily cap, tests) is
recomputed from the stored summaries and their Attachment 2 rows and day totals are
rewritten. A monthly query reads day rows, never events.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from records.effective_time import (
    CourseRule,
    ExclusionReason,
    TestResult,
    credit_sessions,
    summarize_session,
)
from records.events import event_from_canonical
from records.policy import EffectiveTimePolicy
from server.check_rules import DueCheck
from server.environment_rules import refused_spans
from server.ledger_rules import (
    Contact,
    ContactKind,
    ServerCheck,
    excluded_totals,
    server_voids,
    summary_from_json,
    summary_to_json,
)
from server.models import (
    AuthSession,
    CheckDue,
    Course,
    DirtySession,
    FaceCheck,
    Institution,
    Learner,
    LedgerDay,
    LedgerSession,
    SessionSummaryRow,
    StoredEvent,
    StudyContact,
    StudySession,
    TestAttempt,
)
from server.platform import Platform, VerificationSettings


def record_contact(db: Session, study: StudySession, kind: ContactKind, now_ms: int) -> None:
    db.add(StudyContact(study_session_id=study.id, at_ms=now_ms, kind=kind.value))
    study.last_contact_ms = max(study.last_contact_ms, now_ms)
    # A contact moves the windows the server credits within: the summary is stale.
    mark_dirty(db, study)


def mark_dirty(db: Session, study: StudySession) -> None:
    # Insert-if-absent in one statement: concurrent uploads for one session must not
    # collide on the key (both SQLite and PostgreSQL have ON CONFLICT DO NOTHING).
    insert = sqlite_insert if db.get_bind().dialect.name == "sqlite" else postgresql_insert
    db.execute(
        insert(DirtySession)
        .values(study_session_id=study.id, learner_id=study.learner_id)
        .on_conflict_do_nothing()
    )


def touch_sessions(
    db: Session, study_session_ids: Iterable[str], contact: ContactKind | None, now_ms: int
) -> None:
    for study_id in study_session_ids:
        study = db.get(StudySession, study_id)
        if study is None:
            continue
        if contact is not None:
            record_contact(db, study, contact, now_ms)
        else:
            mark_dirty(db, study)


def refresh_learner(platform: Platform, db: Session, learner_id: str) -> None:
    """Bring one learner's ledger up to date with everything accepted so far."""
    dirty = db.scalars(
        select(DirtySession.study_session_id).where(DirtySession.learner_id == learner_id)
    ).all()
    for study_id in dirty:
        study = db.get(StudySession, study_id)
        if study is not None:
            summarize_study_session(platform, db, study)
    db.execute(delete(DirtySession).where(DirtySession.study_session_id.in_(dirty)))
    recompute_learner(platform, db, learner_id)


def refresh_all(platform: Platform, db: Session) -> int:
    """Every learner with pending changes (for reports across learners)."""
    learners = db.scalars(select(DirtySession.learner_id).distinct()).all()
    for learner_id in learners:
        refresh_learner(platform, db, learner_id)
    return len(learners)


def _policy_of(
    platform: Platform, db: Session, learner_id: str
) -> tuple[Learner, EffectiveTimePolicy, VerificationSettings]:
    learner = db.get(Learner, learner_id)
    assert learner is not None
    institution = db.get(Institution, learner.institution_id)
    assert institution is not None
    return (
        learner,
        platform.policy_for(institution.policy_json),
        platform.verification_settings(institution.verification_json),
    )


def summarize_study_session(platform: Platform, db: Session, study: StudySession) -> None:
    db.flush()
    rows = db.scalars(
        select(StoredEvent)
        .where(StoredEvent.study_session_id == study.id, StoredEvent.device_id == study.device_id)
        .order_by(StoredEvent.seq)
    ).all()
    accepted = [event_from_canonical(r.canonical) for r in rows if r.status == "accepted"]
    if not accepted:
        return
    clock_ahead = any(r.status == "clock_ahead" for r in rows)
    _, policy, settings = _policy_of(platform, db, study.learner_id)
    contacts = [
        Contact(c.at_ms, ContactKind(c.kind))
        for c in db.scalars(select(StudyContact).where(StudyContact.study_session_id == study.id))
    ]
    checks = [
        ServerCheck(c.decided_ms, c.passed)
        for c in db.scalars(select(FaceCheck).where(FaceCheck.study_session_id == study.id))
    ]
    dues = [
        DueCheck(d.due_ms, d.passed_ms)
        for d in db.scalars(select(CheckDue).where(CheckDue.study_session_id == study.id))
    ]
    course = db.get(Course, study.course_id)
    assert course is not None
    auth = db.get(AuthSession, study.auth_session_id)
    closings = [t for t in (study.ended_ms, auth.revoked_ms if auth else None) if t is not None]
    voids = server_voids(
        accepted,
        contacts,
        dues,
        checks,
        heartbeat_tolerance_ms=policy.heartbeat_tolerance_ms,
        offline_limit_ms=settings.offline_limit_ms,
        clock_ahead=clock_ahead,
        closed_ms=min(closings, default=None),
    )
    end_ms = max(e.at_ms for e in accepted)
    voids.append(
        (
            ExclusionReason.ENVIRONMENT_REFUSED,
            refused_spans(accepted, settings.environment_actions(), end_ms),
        )
    )
    rules = {course.id: CourseRule(course.duration_ms, course.requires_test)}
    summary = summarize_session(accepted, rules, policy, voids)
    row = db.get(SessionSummaryRow, study.id)
    if row is None:
        row = SessionSummaryRow(study_session_id=study.id, learner_id=study.learner_id)
        db.add(row)
    row.summary_json = summary_to_json(summary)
    row.updated_ms = platform.clock.now_ms()


def recompute_learner(platform: Platform, db: Session, learner_id: str) -> None:
    db.flush()
    learner, policy, _ = _policy_of(platform, db, learner_id)
    rows = db.scalars(
        select(SessionSummaryRow).where(SessionSummaryRow.learner_id == learner_id)
    ).all()
    summaries = [summary_from_json(r.summary_json) for r in rows]
    course_ids = {c for s in summaries for c in s.course_ids}
    courses = {
        c.id: CourseRule(c.duration_ms, c.requires_test)
        for c in db.scalars(select(Course).where(Course.id.in_(course_ids)))
    }
    tests = [
        TestResult(learner_id, t.course_id, t.passed, t.at_ms)
        for t in db.scalars(
            select(TestAttempt).where(TestAttempt.learner_id == learner_id, TestAttempt.passed)
        )
    ]
    report = credit_sessions(summaries, courses, tests, policy)
    studies = {
        s.id: s
        for s in db.scalars(
            select(StudySession).where(StudySession.id.in_([r.study_session_id for r in rows]))
        )
    }
    db.execute(delete(LedgerSession).where(LedgerSession.learner_id == learner_id))
    db.execute(delete(LedgerDay).where(LedgerDay.learner_id == learner_id))
    # Plain multi-row INSERTs: a learner-month is hundreds of rows.
    session_rows = []
    for credit in report.sessions:
        study = studies[credit.session_id]
        session_rows.append(
            {
                "study_session_id": study.id,
                "learner_id": learner_id,
                "institution_id": learner.institution_id,
                "project_id": learner.project_id,
                "course_id": study.course_id,
                "start_ms": credit.start_ms,
                "end_ms": credit.end_ms,
                "effective_ms": dict(credit.effective_by_course).get(study.course_id, 0),
                "pending_ms": credit.pending_ms,
                "excluded_json": json.dumps(excluded_totals(credit.excluded)),
                "ip_address": study.ip_address,
                "demo": study.demo,
            }
        )
    if session_rows:
        db.execute(insert(LedgerSession), session_rows)
    day_rows = [
        {
            "learner_id": learner_id,
            "day": day.day.isoformat(),
            "effective_ms": day.effective_ms,
            "pending_ms": day.pending_ms,
            "capped_ms": day.capped_ms,
        }
        for day in report.days
    ]
    if day_rows:
        db.execute(insert(LedgerDay), day_rows)
