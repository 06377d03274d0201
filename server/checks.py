"""The study face checks the server asks for (`server.check_rules` decides when): the
schedule moves on with every accepted report, a due check is offered in heartbeat
answers, and a pass counts only for the check that is due, within its grace period."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.events import StudyEvent
from server.check_rules import CheckPolicy, CheckProgress, DueReason, NewDue, OpenDue, advance
from server.errors import conflict
from server.models import CheckDue, FaceCheck, StudySession
from server.platform import VerificationSettings
from server.tokens import new_id
from wire.study import FaceCheckDue


def check_policy(settings: VerificationSettings) -> CheckPolicy:
    return CheckPolicy(
        interval_ms=settings.check_interval_ms,
        grace_ms=settings.check_grace_ms,
        start_after_ms=settings.start_check_after_ms,
        resume_after_pause_ms=settings.resume_check_after_ms,
        rewind_ms=settings.rewind_check_ms,
    )


def latest_due(db: Session, study: StudySession) -> CheckDue | None:
    """The most recent check of the session not passed yet (an older unpassed one was
    overtaken by it)."""
    due = db.scalar(
        select(CheckDue)
        .where(CheckDue.study_session_id == study.id)
        .order_by(CheckDue.due_ms.desc(), CheckDue.id.desc())
        .limit(1)
    )
    return due if due is not None and due.passed_ms is None else None


def add_due(db: Session, study: StudySession, due: NewDue, now_ms: int) -> CheckDue:
    row = CheckDue(
        id=new_id("due"),
        study_session_id=study.id,
        reason=due.reason.value,
        slot=due.slot,
        due_ms=now_ms,
        passed_ms=None,
    )
    db.add(row)
    db.flush()
    return row


def advance_checks(
    db: Session,
    study: StudySession,
    settings: VerificationSettings,
    accepted: Sequence[StudyEvent],
    now_ms: int,
) -> None:
    """Move the session's schedule on with its newly accepted events, and open the check
    that falls due (on every path events arrive by: a script that only uploads batches
    meets the same checks as a heartbeat)."""
    progress = CheckProgress(
        positions_ms=tuple(json.loads(study.check_positions_json)),
        next_slot=study.next_check_slot,
        furthest_ms=study.furthest_position_ms,
        last_pass_ms=study.last_pass_ms,
        paused_at_ms=study.paused_at_ms,
    )
    current = latest_due(db, study)
    opened = OpenDue(current.due_ms, DueReason(current.reason)) if current else None
    progress, new = advance(progress, accepted, opened, now_ms, check_policy(settings))
    study.next_check_slot = progress.next_slot
    study.furthest_position_ms = progress.furthest_ms
    study.paused_at_ms = progress.paused_at_ms
    if new is not None:
        add_due(db, study, new, now_ms)


def due_answer(
    db: Session, study: StudySession, settings: VerificationSettings
) -> FaceCheckDue | None:
    due = latest_due(db, study)
    if due is None:
        return None
    return FaceCheckDue(
        id=due.id,
        reason=due.reason,
        due_ms=due.due_ms,
        deadline_ms=due.due_ms + settings.check_grace_ms,
    )


def due_to_answer(
    db: Session, study: StudySession, due_id: str, settings: VerificationSettings, now_ms: int
) -> CheckDue:
    """The check a face check answers: the session's open one, still within its grace
    period. A check made before the server asked for it, for another session or after
    its deadline counts for nothing."""
    due = latest_due(db, study)
    if due is None or due.id != due_id:
        raise conflict("no_check_due", "no face check is due now")
    if now_ms > due.due_ms + settings.check_grace_ms:
        raise conflict("check_expired", "the face check was not made in time; a new one follows")
    return due


def record_pass(study: StudySession, due: CheckDue, check: FaceCheck) -> None:
    due.passed_ms = check.decided_ms
    study.last_pass_ms = check.decided_ms
