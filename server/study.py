"""What a signed-in learner does: list courses, start a video (the server draws its
secret face-check schedule), pass the checks the server asks for, send heartbeats, take
the course test, and read their own records (Attachment 1 items 1-3, 6; Attachment 2)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from records.attachment2 import ATTACHMENT2_COLUMNS, LearnerIdentity, StudyRecord, attachment2_csv
from records.identity import mask_id_number
from records.policy import EffectiveTimePolicy
from records.signing import SignedEvent
from server import face_evidence, identity, ratings
from server.auth import record_failure
from server.check_rules import pick_check_positions, start_due
from server.checks import (
    add_due,
    advance_checks,
    check_policy,
    due_answer,
    due_to_answer,
    record_pass,
)
from server.environment import refuse_if_environment_refused
from server.errors import ApiError, bad_request, conflict, forbidden, not_found
from server.face_evidence import FACE_REFUSALS, FaceProof
from server.identity import institution_of
from server.ingest import ingest_batch
from server.ledger import mark_dirty, record_contact, refresh_learner
from server.ledger_rules import ContactKind
from server.models import (
    Account,
    AuthSession,
    CheckDue,
    Course,
    Device,
    FaceCheck,
    Learner,
    LedgerDay,
    LedgerSession,
    StudySession,
    TestAttempt,
    TestSitting,
)
from server.platform import Platform, VerificationSettings
from server.rating_rules import NO_RATINGS
from server.test_rules import (
    Attempt,
    PaperQuestion,
    SittingRefusal,
    draw_paper,
    grade_paper,
    may_sit,
    shown_question,
)
from server.tokens import new_id
from wire.face import LivenessChallenge
from wire.learner import (
    CourseListing,
    CourseProgress,
    CourseTestAttempt,
    CourseTestPaper,
    CourseTestResult,
    CourseView,
    DayTotals,
    InstitutionRef,
    Profile,
    RecordRow,
    ShownQuestion,
    StudyRecords,
)
from wire.policy import InstitutionPolicy, TimePolicy
from wire.ratings import RatingBrief
from wire.study import FaceCheckResult, HeartbeatAnswer, StudyStarted

LISTED = "listed"
DELISTED = "delisted"


def time_policy(policy: EffectiveTimePolicy) -> TimePolicy:
    return TimePolicy.model_validate(policy.to_dict())


def course_view(course: Course) -> CourseView:
    return CourseView.model_validate(course, from_attributes=True)


def list_courses(db: Session, learner_id: str) -> list[CourseListing]:
    totals = dict(
        db.execute(
            select(
                LedgerSession.course_id,
                func.sum(LedgerSession.effective_ms + LedgerSession.pending_ms),
            )
            .where(LedgerSession.learner_id == learner_id)
            .group_by(LedgerSession.course_id)
        ).all()
    )
    passed = set(
        db.scalars(
            select(TestAttempt.course_id).where(
                TestAttempt.learner_id == learner_id, TestAttempt.passed
            )
        )
    )
    summaries = ratings.course_summaries(db)
    mine = ratings.my_scores(db, learner_id)
    return [
        CourseListing(
            **course_view(course).model_dump(),
            studied_ms=int(totals.get(course.id) or 0),
            test_passed=course.id in passed,
            rating=RatingBrief.model_validate(summaries.get(course.id, NO_RATINGS).brief()),
            my_rating=mine.get(course.id),
        )
        for course in db.scalars(
            select(Course).where(Course.status == LISTED).order_by(Course.created_ms)
        )
    ]


def listed_course(db: Session, course_id: str) -> Course:
    course = db.get(Course, course_id)
    if course is None:
        raise not_found("unknown_course", "no such course")
    if course.status != LISTED:
        raise forbidden("course_delisted", "this course has been withdrawn")
    return course


def _open_elsewhere(
    platform: Platform, db: Session, learner_id: str, except_id: str | None, tolerance_ms: int
) -> StudySession | None:
    """A study session of this learner still alive on the server's clock."""
    since = platform.clock.now_ms() - tolerance_ms
    query = select(StudySession).where(
        StudySession.learner_id == learner_id,
        StudySession.ended_ms.is_(None),
        StudySession.last_contact_ms >= since,
    )
    if except_id is not None:
        query = query.where(StudySession.id != except_id)
    return db.scalars(query).first()


def start_study(
    platform: Platform, db: Session, auth: AuthSession, course_id: str, address: str
) -> StudyStarted:
    course = listed_course(db, course_id)
    learner = db.get(Learner, auth.learner_id)
    assert learner is not None
    institution = institution_of(db, learner)
    policy = platform.policy_for(institution.policy_json)
    other = _open_elsewhere(platform, db, learner.id, None, policy.heartbeat_tolerance_ms)
    if other is not None and other.course_id != course.id:
        raise conflict("another_course_open", "finish or close the other course first")
    if other is not None:
        other.ended_ms = platform.clock.now_ms()  # the same course reopened: one session
    settings = platform.verification_settings(institution.verification_json)
    positions = pick_check_positions(
        course.duration_ms,
        settings.checks_per_video_min,
        settings.check_every_ms,
        secrets.SystemRandom(),
    )
    now = platform.clock.now_ms()
    study = StudySession(
        id=new_id("study"),
        learner_id=learner.id,
        device_id=auth.device_id,
        auth_session_id=auth.id,
        course_id=course.id,
        started_ms=now,
        last_contact_ms=now,
        check_positions_json=json.dumps(positions),
        ip_address=address,
        ended_ms=None,
        demo=platform.config.demo,
        next_check_slot=0,
        furthest_position_ms=0,
        last_pass_ms=now,
        paused_at_ms=None,
    )
    db.add(study)
    db.flush()
    record_contact(db, study, ContactKind.START, now)
    last_pass = db.scalar(
        select(func.max(FaceCheck.decided_ms)).where(
            FaceCheck.learner_id == learner.id, FaceCheck.passed
        )
    )
    due = start_due(last_pass, now, check_policy(settings))
    if due is not None:
        add_due(db, study, due, now)
    return StudyStarted(
        study_session_id=study.id,
        course_id=course.id,
        server_time_ms=now,
        policy=time_policy(policy),
        check_due=due_answer(db, study, settings),
    )


def _own_study(db: Session, auth: AuthSession, study_session_id: str) -> StudySession:
    study = db.get(StudySession, study_session_id)
    if study is None or study.learner_id != auth.learner_id or study.device_id != auth.device_id:
        raise not_found("unknown_session", "no such study session for this sign-in")
    return study


def _open_study(db: Session, auth: AuthSession, study_session_id: str) -> StudySession:
    """The learner's study session, refused once the server has ended it: an ended
    session takes no heartbeat and no face check (its late uploads earn nothing)."""
    study = _own_study(db, auth, study_session_id)
    if study.ended_ms is not None:
        raise conflict("study_session_ended", "this study session has ended; open the course again")
    return study


def _due_check(
    platform: Platform, db: Session, auth: AuthSession, study_session_id: str, due_id: str
) -> tuple[StudySession, Learner, VerificationSettings, CheckDue]:
    """The open study session, its learner and settings, and the check the server asked
    for as `due_id`, refused when it is not the one due now."""
    study = _open_study(db, auth, study_session_id)
    learner = db.get(Learner, auth.learner_id)
    assert learner is not None
    settings = platform.verification_settings(institution_of(db, learner).verification_json)
    due = due_to_answer(db, study, due_id, settings, platform.clock.now_ms())
    return study, learner, settings, due


def study_face_challenge(
    platform: Platform, db: Session, auth: AuthSession, study_session_id: str, due_id: str
) -> LivenessChallenge:
    """The liveness challenge for the check the server asked for (`due_id`)."""
    _study, learner, settings, due = _due_check(platform, db, auth, study_session_id, due_id)
    return face_evidence.issue_challenge(
        platform, db, learner.id, auth.device_id, settings, due_id=due.id
    )


def study_face_check(
    platform: Platform,
    db: Session,
    auth: AuthSession,
    study_session_id: str,
    due_id: str,
    proof: FaceProof,
) -> FaceCheckResult:
    study, learner, settings, due = _due_check(platform, db, auth, study_session_id, due_id)
    issued = face_evidence.open_challenge(
        platform, db, proof, learner.id, auth.device_id, due_id=due.id
    )
    device = db.get(Device, auth.device_id)  # registered at the sign-in
    assert device is not None
    verdict = face_evidence.judge_face_proof(
        platform, db, learner, issued, proof, bytes(device.public_key), settings
    )
    face_evidence.close_challenge(platform, db, issued)
    check = face_evidence.record_face_check(
        platform, db, learner.id, auth.device_id, proof, verdict, "study", study.id, due.id
    )
    if verdict.passed:
        record_pass(study, due, check)
    elif verdict.reason in FACE_REFUSALS:
        account = db.get(Account, auth.account_id)
        assert account is not None
        record_failure(platform, account)
    mark_dirty(db, study)  # the decision changes what the session earns
    return FaceCheckResult(check_id=check.id, passed=verdict.passed, reason=verdict.reason)


def heartbeat(
    platform: Platform,
    db: Session,
    auth: AuthSession,
    study_session_id: str,
    events: Sequence[SignedEvent],
) -> HeartbeatAnswer:
    study = _open_study(db, auth, study_session_id)
    learner = db.get(Learner, auth.learner_id)
    assert learner is not None
    institution = institution_of(db, learner)
    policy = platform.policy_for(institution.policy_json)
    course = db.get(Course, study.course_id)
    assert course is not None
    if course.status != LISTED:
        study.ended_ms = platform.clock.now_ms()
        raise forbidden("course_delisted", "this course has been withdrawn", keep_changes=True)
    other = _open_elsewhere(platform, db, learner.id, study.id, policy.heartbeat_tolerance_ms)
    if other is not None and other.course_id != study.course_id:
        raise conflict("another_course_open", "another course is being studied")
    now = platform.clock.now_ms()
    ack = ingest_batch(platform, db, list(events), ContactKind.HEARTBEAT) if events else None
    refuse_if_environment_refused(study)
    if study.last_contact_ms != now:
        # A heartbeat is a live contact even with no new events of this session.
        record_contact(db, study, ContactKind.HEARTBEAT, now)
    settings = platform.verification_settings(institution.verification_json)
    advance_checks(db, study, settings, [], now)  # wall-time and overdue checks
    return HeartbeatAnswer(
        status="ok",
        server_time_ms=now,
        ack=ack,
        policy=time_policy(policy),
        verification=settings.as_sent(),
        check_due=due_answer(db, study, settings),
    )


def end_study(platform: Platform, db: Session, auth: AuthSession, study_session_id: str) -> None:
    study = _own_study(db, auth, study_session_id)
    study.ended_ms = study.ended_ms or platform.clock.now_ms()


# -- course tests -------------------------------------------------------------------


def _watched_ms(db: Session, learner_id: str, course_id: str) -> int:
    """The distinct part of the course the learner was credited for (held or not)."""
    return int(
        db.scalar(
            select(
                func.coalesce(func.sum(LedgerSession.effective_ms + LedgerSession.pending_ms), 0)
            ).where(LedgerSession.learner_id == learner_id, LedgerSession.course_id == course_id)
        )
        or 0
    )


def _day_bounds(now_ms: int) -> tuple[int, int]:
    """[start, end) of the Beijing calendar day of `now_ms`, in ms."""
    day_ms = 86_400_000
    offset_ms = 8 * 3_600_000  # Beijing time: UTC+8 all year
    start = (now_ms + offset_ms) // day_ms * day_ms - offset_ms
    return start, start + day_ms


def course_test_paper(
    platform: Platform, db: Session, auth: AuthSession, course_id: str
) -> CourseTestPaper:
    """A paper of the course test for this learner: the open one if they have it, else
    a new draw, once the rules allow a sitting now (`server.test_rules.may_sit`)."""
    course = listed_course(db, course_id)
    if not course.requires_test:
        raise bad_request("no_test", "this course has no test")
    now = platform.clock.now_ms()
    sitting = db.scalar(
        select(TestSitting).where(
            TestSitting.learner_id == auth.learner_id,
            TestSitting.course_id == course.id,
            TestSitting.answered.is_(False),
            TestSitting.expires_ms > now,
        )
    )
    if sitting is None:
        refresh_learner(platform, db, auth.learner_id)
        attempts = [
            Attempt(t.at_ms, t.passed)
            for t in db.scalars(
                select(TestAttempt).where(
                    TestAttempt.learner_id == auth.learner_id, TestAttempt.course_id == course.id
                )
            )
        ]
        policy = platform.test_policy
        decision = may_sit(
            policy,
            _watched_ms(db, auth.learner_id, course.id),
            course.duration_ms,
            attempts,
            *_day_bounds(now),
            now,
        )
        if decision.refusal is not None:
            details: dict[str, object] = {"min_coverage_percent": policy.min_coverage_percent}
            if decision.next_attempt_ms is not None:
                details["next_attempt_ms"] = decision.next_attempt_ms
                details["retry_after_s"] = max(1, -(-(decision.next_attempt_ms - now) // 1000))
            raise ApiError(
                409 if decision.refusal is SittingRefusal.PASSED else 403,
                decision.refusal.value,
                "the test cannot be sat now",
                details=details,
            )
        paper = draw_paper(
            json.loads(course.questions_json), course.questions_per_test, secrets.SystemRandom()
        )
        sitting = TestSitting(
            id=new_id("sit"),
            learner_id=auth.learner_id,
            course_id=course.id,
            issued_ms=now,
            expires_ms=now + policy.sitting_ms,
            paper_json=json.dumps([{"id": q.id, "order": list(q.order)} for q in paper]),
            answered=False,
        )
        db.add(sitting)
    bank = {str(q["id"]): q for q in json.loads(course.questions_json)}
    return CourseTestPaper(
        course_id=course.id,
        sitting_id=sitting.id,
        expires_ms=sitting.expires_ms,
        pass_mark=course.pass_mark,
        questions=[
            ShownQuestion.model_validate(shown_question(bank[q.id], q.order))
            for q in _paper(sitting)
        ],
    )


def _paper(sitting: TestSitting) -> list[PaperQuestion]:
    return [PaperQuestion(q["id"], tuple(q["order"])) for q in json.loads(sitting.paper_json)]


def submit_test(
    platform: Platform,
    db: Session,
    auth: AuthSession,
    course_id: str,
    sitting_id: str,
    answers: dict[str, list[int]],
) -> CourseTestResult:
    course = listed_course(db, course_id)
    if not course.requires_test:
        raise bad_request("no_test", "this course has no test")
    now = platform.clock.now_ms()
    sitting = db.get(TestSitting, sitting_id)
    if sitting is None or sitting.learner_id != auth.learner_id or sitting.course_id != course.id:
        raise not_found("unknown_sitting", "no such test paper for this learner")
    if sitting.answered or sitting.expires_ms < now:
        raise conflict("sitting_closed", "this test paper was answered or has expired")
    refresh_learner(platform, db, auth.learner_id)
    before = _released_total(db, auth.learner_id)
    bank = {str(q["id"]): q for q in json.loads(course.questions_json)}
    score, in_bank = grade_paper(bank, _paper(sitting), answers)
    passed = score >= course.pass_mark
    sitting.answered = True
    db.add(
        TestAttempt(
            id=new_id("test"),
            learner_id=auth.learner_id,
            course_id=course.id,
            sitting_id=sitting.id,
            score=score,
            passed=passed,
            answers_json=json.dumps(in_bank, sort_keys=True),
            at_ms=now,
        )
    )
    db.flush()
    refresh_learner(platform, db, auth.learner_id)
    released = _released_total(db, auth.learner_id) - before
    policy = platform.test_policy
    return CourseTestResult(
        score=score,
        passed=passed,
        pass_mark=course.pass_mark,
        released_ms=released,
        next_attempt_ms=None if passed else now + policy.cooldown_ms,
    )


def _released_total(db: Session, learner_id: str) -> int:
    return int(
        db.scalar(
            select(func.coalesce(func.sum(LedgerDay.effective_ms), 0)).where(
                LedgerDay.learner_id == learner_id
            )
        )
        or 0
    )


def learner_test_results(db: Session, learner_id: str) -> list[CourseTestAttempt]:
    return [
        CourseTestAttempt.model_validate(t, from_attributes=True)
        for t in db.scalars(
            select(TestAttempt)
            .where(TestAttempt.learner_id == learner_id)
            .order_by(TestAttempt.at_ms)
        )
    ]


# -- the learner's own records --------------------------------------------------------


def profile(platform: Platform, db: Session, auth: AuthSession) -> Profile:
    learner = db.get(Learner, auth.learner_id)
    account = db.get(Account, auth.account_id)
    assert learner is not None and account is not None
    institution = institution_of(db, learner)
    number = platform.vault.open(learner.id_number_enc, identity.ID_NUMBER)
    return Profile(
        learner_id=learner.id,
        name=platform.vault.open(learner.name_enc, identity.NAME),
        id_type=learner.id_type,
        id_number_masked=mask_id_number(number),
        login_name=account.login_name,
        institution=InstitutionRef(id=institution.id, name=institution.name),
        face_enrolled=learner.face_template_enc is not None,
    )


def institution_policy(platform: Platform, db: Session, learner_id: str) -> InstitutionPolicy:
    """The limits the learner's institution sets for their client."""
    learner = db.get(Learner, learner_id)
    assert learner is not None  # a signed-in session has its learner
    institution = institution_of(db, learner)
    return InstitutionPolicy(
        institution_id=institution.id,
        policy=time_policy(platform.policy_for(institution.policy_json)),
        verification=platform.verification_settings(institution.verification_json).as_sent(),
    )


def today(platform: Platform, db: Session, learner_id: str) -> DayTotals:
    learner = db.get(Learner, learner_id)
    assert learner is not None
    policy = platform.policy_for(institution_of(db, learner).policy_json)
    day = identity.beijing_today(platform.clock.now_ms()).isoformat()
    row = db.get(LedgerDay, (learner_id, day))
    return DayTotals(
        day=day,
        effective_ms=row.effective_ms if row else 0,
        pending_ms=row.pending_ms if row else 0,
        daily_cap_ms=policy.daily_cap_ms,
    )


def progress(db: Session, learner_id: str) -> list[CourseProgress]:
    return [
        CourseProgress.model_validate(course, from_attributes=True)
        for course in list_courses(db, learner_id)
    ]


def my_records(
    platform: Platform,
    db: Session,
    learner_id: str,
    from_ms: int | None,
    to_ms: int | None,
    course_id: str | None,
) -> tuple[StudyRecords, list[StudyRecord]]:
    """The learner's records, as the API answers them and as Attachment 2 writes them."""
    query = (
        select(LedgerSession, Course)
        .join(Course, Course.id == LedgerSession.course_id)
        .where(LedgerSession.learner_id == learner_id)
    )
    if from_ms is not None:
        query = query.where(LedgerSession.start_ms >= from_ms)
    if to_ms is not None:
        query = query.where(LedgerSession.start_ms < to_ms)
    if course_id:
        query = query.where(LedgerSession.course_id == course_id)
    learner = db.get(Learner, learner_id)
    assert learner is not None
    account = db.scalar(select(Account).where(Account.learner_id == learner_id))
    assert account is not None
    person = LearnerIdentity(
        name=platform.vault.open(learner.name_enc, identity.NAME),
        id_type=learner.id_type,
        id_number=platform.vault.open(learner.id_number_enc, identity.ID_NUMBER),
        account=account.login_name,
    )
    rows: list[RecordRow] = []
    records: list[StudyRecord] = []
    for entry, course in db.execute(query.order_by(LedgerSession.start_ms)).all():
        record = StudyRecord(
            learner=person,
            course_name=course.name,
            course_duration_ms=course.duration_ms,
            start_ms=entry.start_ms,
            end_ms=entry.end_ms,
            effective_ms=entry.effective_ms,
            ip_address=entry.ip_address,
        )
        records.append(record)
        rows.append(
            RecordRow(
                study_session_id=entry.study_session_id,
                course_id=course.id,
                columns=list(record.row(mask_id=True)),
                effective_ms=entry.effective_ms,
                pending_ms=entry.pending_ms,
                excluded_ms=json.loads(entry.excluded_json),
                demo=entry.demo,
            )
        )
    return StudyRecords(columns=list(ATTACHMENT2_COLUMNS), records=rows), records


def my_records_csv(records: list[StudyRecord]) -> bytes:
    return attachment2_csv(records, mask_id=True)
