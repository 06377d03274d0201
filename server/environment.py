"""Environment reports on the platform: judged under the learner's institution's policy
(server/environment_rules.py), kept for its review, and enforced: a refused kind at
sign-in refuses the sign-in; during study it refuses the heartbeat (the client stops
and says why) and voids the time it covers (server/ledger.py)."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from sqlalchemy.orm import Session

from records.events import EventKind, StudyEvent
from server.environment_rules import EnvironmentJudgement, judge_environment, reported_kinds
from server.errors import ApiError, forbidden
from server.identity import institution_of
from server.models import EnvironmentReport, Learner, StudySession
from server.platform import Platform
from wire.environment import REFUSED_PREFIX, EnvironmentSignalReport

log = logging.getLogger(__name__)


def _record(
    platform: Platform,
    db: Session,
    learner_id: str,
    device_id: str,
    study_session_id: str | None,
    signals: list[dict[str, object]],
    judgement: EnvironmentJudgement,
) -> None:
    db.add(
        EnvironmentReport(
            learner_id=learner_id,
            device_id=device_id,
            study_session_id=study_session_id,
            received_ms=platform.clock.now_ms(),
            signals_json=json.dumps(signals, ensure_ascii=False, sort_keys=True)[:4000],
            action=judgement.action,
        )
    )
    if judgement.action != "allow":
        log.info(
            "environment %s",
            judgement.action,
            extra={"data": {"learner": learner_id, "kinds": judgement.refused + judgement.flagged}},
        )


def _refusal(kind: str) -> ApiError:
    """The refusal the client translates by its code, kept with what led to it."""
    return forbidden(
        REFUSED_PREFIX + kind,
        f"this platform does not accept study here: {kind}",
        keep_changes=True,
    )


def judge_sign_in(
    platform: Platform,
    db: Session,
    learner: Learner,
    device_id: str,
    reports: Sequence[EnvironmentSignalReport],
) -> None:
    """Records what the client reported with its first factor; refuses the sign-in when
    the institution refuses a kind it named."""
    settings = platform.verification_settings(institution_of(db, learner).verification_json)
    judgement = judge_environment((r.kind for r in reports), settings.environment_actions())
    if reports:
        signals = [r.model_dump() for r in reports]
        _record(platform, db, learner.id, device_id, None, signals, judgement)
    if judgement.refused:
        raise _refusal(judgement.refused[0])


def judge_study_reports(
    platform: Platform, db: Session, study: StudySession, events: Sequence[StudyEvent]
) -> None:
    """Records each ENVIRONMENT report of an upload, in order; the last one decides
    whether the session is refused now."""
    reports = sorted((e for e in events if e.kind is EventKind.ENVIRONMENT), key=lambda e: e.seq)
    if not reports:
        return
    learner = db.get(Learner, study.learner_id)
    assert learner is not None
    settings = platform.verification_settings(institution_of(db, learner).verification_json)
    actions = settings.environment_actions()
    for event in reports:
        judgement = judge_environment(reported_kinds(event), actions)
        signals = event.data.get("signals")
        listed = [s for s in signals if isinstance(s, dict)] if isinstance(signals, list) else []
        _record(platform, db, study.learner_id, study.device_id, study.id, listed, judgement)
        study.environment_refused = ",".join(judgement.refused) or None


def refuse_if_environment_refused(study: StudySession) -> None:
    if study.environment_refused:
        raise _refusal(study.environment_refused.split(",")[0])
