"""Real-name registration and what administrators manage: institutions with their
region, projects, learners with validated ID documents, accounts, courses, face
enrollment. Personal data is sealed by the vault before it reaches a row."""

from __future__ import annotations

import datetime
import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.identity import IdDocumentType, validate_id
from records.policy import EffectiveTimePolicy, PolicyError
from server.errors import bad_request, conflict, not_found
from server.field_crypto import hash_password
from server.files import file_sha256
from server.models import (
    Account,
    Course,
    Institution,
    Learner,
    PendingEnrollment,
    Project,
)
from server.platform import Platform
from server.tokens import new_id
from verification.face_embedding import FaceEmbeddingError, template_from_embeddings

BEIJING = datetime.timezone(datetime.timedelta(hours=8))
_REGION_CODE_LENGTH = 6

# Vault contexts: one per column, so a sealed value cannot be moved to another column.
NAME = "learner.name"
ID_NUMBER = "learner.id_number"
PHONE = "learner.phone"
FACE_TEMPLATE = "biometric:learner.face_template"
PENDING_TEMPLATE = "biometric:pending_enrollment.template"


def institution_of(db: Session, learner: Learner) -> Institution:
    institution = db.get(Institution, learner.institution_id)
    assert institution is not None
    return institution


def beijing_today(now_ms: int) -> datetime.date:
    return datetime.datetime.fromtimestamp(now_ms / 1000, BEIJING).date()


def create_institution(
    platform: Platform,
    db: Session,
    name: str,
    city_code: str,
    county_code: str,
    policy: dict[str, object] | None = None,
    verification: dict[str, object] | None = None,
    allow_self_enrollment: bool = False,
) -> Institution:
    for label, code in (("city_code", city_code), ("county_code", county_code)):
        if len(code) != _REGION_CODE_LENGTH or not code.isdigit():
            raise bad_request("bad_region_code", f"{label} must be a 6-digit GB/T 2260 code")
    if not county_code.startswith(city_code[:4]):
        raise bad_request("bad_region_code", "the county code is not in the city")
    try:
        EffectiveTimePolicy.from_dict(policy or {})
        # Of the types the clients parse them as, or every learner's answers would fail.
        platform.verification_settings(json.dumps(verification or {})).as_sent()
    except (PolicyError, TypeError, ValueError) as error:
        raise bad_request("bad_policy", str(error)) from error
    institution = Institution(
        id=new_id("inst"),
        name=name,
        city_code=city_code,
        county_code=county_code,
        policy_json=json.dumps(policy or {}, sort_keys=True),
        verification_json=json.dumps(verification or {}, sort_keys=True),
        allow_self_enrollment=allow_self_enrollment,
        created_ms=platform.clock.now_ms(),
    )
    db.add(institution)
    return institution


def create_project(platform: Platform, db: Session, institution_id: str, name: str) -> Project:
    if db.get(Institution, institution_id) is None:
        raise not_found("unknown_institution", "no such institution")
    project = Project(
        id=new_id("proj"),
        institution_id=institution_id,
        name=name,
        created_ms=platform.clock.now_ms(),
    )
    db.add(project)
    return project


def normalized_phone(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) != 11 or not digits.startswith("1"):
        raise bad_request("bad_phone", "a mainland mobile number has 11 digits starting with 1")
    return digits


@dataclass(frozen=True)
class NewLearner:
    institution_id: str
    project_id: str
    name: str
    id_type: str
    id_number: str
    login_name: str
    password: str
    phone: str | None = None


def create_learner(platform: Platform, db: Session, spec: NewLearner) -> tuple[Learner, Account]:
    project = db.get(Project, spec.project_id)
    if project is None or project.institution_id != spec.institution_id:
        raise not_found("unknown_project", "no such project in this institution")
    if not spec.name.strip():
        raise bad_request("bad_name", "姓名 is required")
    try:
        kind = IdDocumentType(spec.id_type)
    except ValueError as error:
        raise bad_request("bad_id_type", "unknown 证件类型") from error
    checked = validate_id(kind, spec.id_number, today=beijing_today(platform.clock.now_ms()))
    if not checked.ok:
        # The message explains the problem without repeating the number.
        raise bad_request("bad_id_number", checked.message, problem=str(checked.problem))
    if len(spec.password) < 8:
        raise bad_request("weak_password", "the password needs at least 8 characters")
    vault = platform.vault
    id_hash = vault.lookup(checked.normalized, ID_NUMBER)
    if db.scalar(select(Learner.id).where(Learner.id_number_hash == id_hash)):
        raise conflict("id_number_registered", "this ID number is already registered")
    if db.scalar(select(Account.id).where(Account.login_name == spec.login_name)):
        raise conflict("login_name_taken", "this login name is taken")
    phone = normalized_phone(spec.phone) if spec.phone else None
    phone_hash = vault.lookup(phone, PHONE) if phone else None
    if phone_hash and db.scalar(select(Learner.id).where(Learner.phone_hash == phone_hash)):
        raise conflict("phone_registered", "this phone number is already registered")
    now = platform.clock.now_ms()
    learner = Learner(
        id=new_id("lrn"),
        institution_id=spec.institution_id,
        project_id=spec.project_id,
        name_enc=vault.seal(spec.name.strip(), NAME),
        id_type=kind.value,
        id_number_enc=vault.seal(checked.normalized, ID_NUMBER),
        id_number_hash=id_hash,
        phone_enc=vault.seal(phone, PHONE) if phone else None,
        phone_hash=phone_hash,
        created_ms=now,
    )
    account = Account(
        id=new_id("acct"),
        learner_id=learner.id,
        login_name=spec.login_name,
        password_hash=hash_password(spec.password),
        failed_logins=0,
        locked_until_ms=0,
        disabled=False,
        created_ms=now,
    )
    db.add(learner)
    db.flush()
    db.add(account)
    return learner, account


def enroll_face_from_photo(
    platform: Platform, db: Session, learner_id: str, photo: bytes, actor: str, reenroll: bool
) -> None:
    """A template from an institution-provided ID photo. Replacing an existing template
    needs `reenroll` and is audited."""
    learner = db.get(Learner, learner_id)
    if learner is None:
        raise not_found("unknown_learner", "no such learner")
    if learner.face_template_enc is not None and not reenroll:
        raise conflict("already_enrolled", "a face template exists; re-enrollment is explicit")
    try:
        embedding = platform.face_matcher().embed_jpeg(photo)
    except FaceEmbeddingError as error:
        raise bad_request(error.code, str(error)) from error
    template = template_from_embeddings([embedding])
    _set_template(platform, db, learner, template.to_bytes(), "id_photo", actor)


def _set_template(
    platform: Platform, db: Session, learner: Learner, template: bytes, source: str, actor: str
) -> None:
    action = "face_reenrolled" if learner.face_template_enc is not None else "face_enrolled"
    learner.face_template_enc = platform.vault.seal_bytes(template, FACE_TEMPLATE)
    learner.face_enrolled_ms = platform.clock.now_ms()
    learner.face_enrollment_source = source
    platform.audit(
        db,
        actor,
        action,
        learner.id,
        source=source,
        template_sha256=hashlib.sha256(template).hexdigest(),
    )


def propose_enrollment(platform: Platform, db: Session, learner: Learner, template: bytes) -> str:
    """A first verified sign-in's template, kept sealed until an administrator decides."""
    pending = PendingEnrollment(
        id=new_id("enr"),
        learner_id=learner.id,
        template_enc=platform.vault.seal_bytes(template, PENDING_TEMPLATE),
        created_ms=platform.clock.now_ms(),
    )
    db.add(pending)
    return pending.id


def decide_enrollment(
    platform: Platform, db: Session, enrollment_id: str, approve: bool, actor: str
) -> None:
    pending = db.get(PendingEnrollment, enrollment_id)
    if pending is None or pending.decision is not None:
        raise not_found("unknown_enrollment", "no such pending enrollment")
    learner = db.get(Learner, pending.learner_id)
    assert learner is not None
    pending.decided_ms = platform.clock.now_ms()
    pending.decision = "approved" if approve else "rejected"
    if approve:
        if learner.face_template_enc is not None:
            raise conflict("already_enrolled", "the learner already has a face template")
        template = platform.vault.open_bytes(pending.template_enc, PENDING_TEMPLATE)
        _set_template(platform, db, learner, template, "first_session", actor)
    else:
        platform.audit(db, actor, "face_enrollment_rejected", learner.id)
    # The candidate template is not kept once decided (GB/T 35273: no longer than needed).
    pending.template_enc = b""


@dataclass(frozen=True)
class NewCourse:
    name: str
    duration_ms: int
    media_source: Path
    teacher: str
    provenance: str
    licence: str
    questions: list[dict[str, object]]
    pass_mark: int = 60
    requires_test: bool = True
    version: int = 1
    questions_per_test: int = 0  # drawn from the bank for each paper; 0: all of them


def validate_questions(questions: list[dict[str, object]]) -> None:
    seen = set()
    for question in questions:
        qid, kind = question.get("id"), question.get("kind")
        options, answer = question.get("options"), question.get("answer")
        ok = (
            isinstance(qid, str)
            and qid not in seen
            and kind in ("single", "multiple")
            and isinstance(question.get("text"), str)
            and isinstance(options, list)
            and len(options) >= 2
            and all(isinstance(option, str) for option in options)
            and isinstance(answer, list)
            and answer
            and all(isinstance(a, int) and 0 <= a < len(options) for a in answer)
            and (kind == "multiple" or len(answer) == 1)
        )
        if not ok:
            raise bad_request("bad_question", f"question {qid!r} is not a valid question")
        seen.add(qid)


def create_course(platform: Platform, db: Session, spec: NewCourse) -> Course:
    if spec.duration_ms <= 0:
        raise bad_request("bad_duration", "the course duration must be positive")
    if not 0 < spec.pass_mark <= 100:
        raise bad_request("bad_pass_mark", "the pass mark is a percentage")
    if spec.requires_test and not spec.questions:
        raise bad_request("no_questions", "a course with a test needs questions")
    validate_questions(spec.questions)
    if not spec.media_source.is_file():
        raise bad_request("no_media", "the course media file does not exist")
    course_id = new_id("crs")
    media_name = f"{course_id}{spec.media_source.suffix}"
    target = platform.config.resolved_media_dir / media_name
    shutil.copyfile(spec.media_source, target)
    course = Course(
        id=course_id,
        name=spec.name,
        duration_ms=spec.duration_ms,
        media_file=media_name,
        media_sha256=file_sha256(target),
        media_size=target.stat().st_size,
        version=spec.version,
        teacher=spec.teacher,
        provenance=spec.provenance,
        licence=spec.licence,
        requires_test=spec.requires_test,
        pass_mark=spec.pass_mark,
        questions_json=json.dumps(spec.questions, ensure_ascii=False),
        questions_per_test=spec.questions_per_test,
        status="listed",
        created_ms=platform.clock.now_ms(),
    )
    db.add(course)
    return course
