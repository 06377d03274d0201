"""Storing uploaded events (batch uploads and heartbeats) and answering with an
acknowledgement that a retry of the same batch receives again, unchanged."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from records.canonical import JsonValue
from records.events import EventFormatError, StudyEvent
from records.signing import DeviceVerifier, SignedEvent, signatures_valid
from server.checks import advance_checks
from server.environment import judge_study_reports
from server.errors import bad_request
from server.identity import institution_of
from server.ingest_rules import (
    ChainState,
    EventStatus,
    Refusal,
    StudyBinding,
    decide_batch,
    parse_uploaded,
    session_status,
)
from server.ledger import touch_sessions
from server.ledger_rules import ContactKind
from server.models import (
    Account,
    AuthSession,
    Device,
    IngestRefusal,
    Learner,
    StoredEvent,
    StudySession,
)
from server.platform import Platform
from wire.study import EventResult, UploadAck

log = logging.getLogger("server.ingest")


def parse_batch(platform: Platform, items: Sequence[Mapping[str, JsonValue]]) -> list[SignedEvent]:
    if not items:
        raise bad_request("empty_batch", "a batch carries at least one event")
    if len(items) > platform.config.max_batch_events:
        raise bad_request(
            "batch_too_large",
            "too many events in one batch",
            max_batch_events=platform.config.max_batch_events,
        )
    parsed = []
    for index, item in enumerate(items):
        try:
            parsed.append(parse_uploaded(item))
        except EventFormatError as error:
            raise bad_request("malformed", f"event {index}: {error}", index=index) from error
    devices = {signed.event.device_id for signed in parsed}
    if len(devices) != 1:
        raise bad_request(Refusal.MIXED_DEVICES.value, "one batch carries one device's events")
    return parsed


def _binding(db: Session, study_session_id: str) -> StudyBinding | None:
    study = db.get(StudySession, study_session_id)
    if study is None:
        return None
    auth = db.get(AuthSession, study.auth_session_id)
    account = db.get(Account, auth.account_id) if auth is not None else None
    return StudyBinding(
        learner_id=study.learner_id,
        device_id=study.device_id,
        course_id=study.course_id,
        revoked_ms=auth.revoked_ms if auth is not None else None,
        ended_ms=study.ended_ms,
        account_disabled=account is None or account.disabled,
    )


def _judge_accepted(
    platform: Platform, db: Session, accepted: dict[str, list[StudyEvent]], now: int
) -> None:
    """What the accepted events change in their sessions: face checks falling due,
    environment reports judged."""
    for study_id, events in sorted(accepted.items()):
        study = db.get(StudySession, study_id)
        assert study is not None  # an accepted event names a session that exists
        learner = db.get(Learner, study.learner_id)
        assert learner is not None
        settings = platform.verification_settings(institution_of(db, learner).verification_json)
        advance_checks(db, study, settings, events, now)
        judge_study_reports(platform, db, study, events)


def ingest_batch(
    platform: Platform,
    db: Session,
    batch: list[SignedEvent],
    contact: ContactKind = ContactKind.UPLOAD,
) -> UploadAck:
    device_id = batch[0].event.device_id
    now = platform.clock.now_ms()
    # Lock the device row: two uploads of one device must not both extend its chain.
    device = db.scalar(select(Device).where(Device.id == device_id).with_for_update())
    verifier = DeviceVerifier(device.public_key) if device is not None else None
    state = ChainState(device.last_seq, device.last_hash) if device else ChainState(0, "")
    seqs = [signed.event.seq for signed in batch]
    stored = {
        row.seq: row
        for row in db.scalars(
            select(StoredEvent).where(StoredEvent.device_id == device_id, StoredEvent.seq.in_(seqs))
        )
    }
    # The signatures, a third of the work of an upload, are checked on every core.
    signatures_ok = signatures_valid(device.public_key, batch) if device is not None else None
    decisions = decide_batch(
        device_id,
        verifier,
        state,
        batch,
        {seq: row.hash for seq, row in stored.items()},
        signatures_ok,
    )
    bindings: dict[str, StudyBinding | None] = {}
    touched: set[str] = set()
    accepted: dict[str, list[StudyEvent]] = {}
    results: list[EventResult] = []
    new_rows: list[dict[str, object]] = []
    for decision in decisions:
        signed = decision.signed
        assert signed is not None
        event = signed.event
        if decision.duplicate:
            results.append(EventResult(seq=decision.seq, status=stored[decision.seq].status))
            continue
        if decision.refusal is not None:
            if decision.refusal is not Refusal.NOT_PROCESSED:
                db.add(
                    IngestRefusal(
                        device_id=device_id,
                        seq=decision.seq,
                        code=decision.refusal.value,
                        received_ms=now,
                        event_hash=signed.hash[:64],
                    )
                )
                log.warning(
                    "event refused",
                    extra={
                        "data": {
                            "device": device_id,
                            "seq": decision.seq,
                            "code": decision.refusal.value,
                        }
                    },
                )
            results.append(EventResult(seq=decision.seq, status=decision.refusal.value))
            continue
        if event.session_id not in bindings:
            bindings[event.session_id] = _binding(db, event.session_id)
        status = session_status(
            signed, bindings[event.session_id], now, platform.config.max_clock_skew_ms
        )
        new_rows.append(
            {
                "device_id": device_id,
                "seq": event.seq,
                "learner_id": event.learner_id,
                "study_session_id": event.session_id,
                "kind": event.kind.value,
                "at_ms": event.at_ms,
                "received_ms": now,
                "canonical": event.canonical(),
                "hash": signed.hash,
                "signature": signed.signature,
                "status": status.value,
            }
        )
        if status in (
            EventStatus.ACCEPTED,
            EventStatus.CLOCK_AHEAD,
            EventStatus.SESSION_REVOKED,
            EventStatus.SESSION_ENDED,
        ):
            touched.add(event.session_id)
        if status is EventStatus.ACCEPTED:
            accepted.setdefault(event.session_id, []).append(event)
        else:
            # Kept in the chain but refused credit: recorded like every other refusal.
            db.add(
                IngestRefusal(
                    device_id=device_id,
                    seq=event.seq,
                    code=status.value,
                    received_ms=now,
                    event_hash=signed.hash,
                )
            )
        assert device is not None
        device.last_seq, device.last_hash = event.seq, signed.hash
        results.append(EventResult(seq=decision.seq, status=status.value))
    if new_rows:
        # One multi-row INSERT (Core, not one ORM object per event): ingestion is a hot path.
        db.execute(insert(StoredEvent), new_rows)
    db.flush()
    if touched:
        touch_sessions(db, sorted(touched), contact, now)
    _judge_accepted(platform, db, accepted, now)
    return UploadAck(
        device_id=device_id,
        acked_seq=device.last_seq if device is not None else 0,
        last_hash=device.last_hash if device is not None else "",
        results=results,
    )
