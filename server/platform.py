"""The platform's shared state: configuration, database, clock, personal-data cipher,
face matcher, rate limits and SMS gateway. One instance per server process: the routes
reach it as `app.state.platform` (`server.routes.deps`), the services take it as their
first argument."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from records.policy import EffectiveTimePolicy
from server.clock import ServerClock
from server.config import ServerConfig
from server.db import make_engine, session_factory, upgrade
from server.environment_rules import EnvironmentAction, environment_actions
from server.errors import ApiError, busy
from server.face_challenge_rules import ChallengePolicy
from server.field_crypto import FieldCipher
from server.models import AuditEntry
from server.rate_limit import RateLimiter
from server.sms import DevLogSmsGateway, SmsGateway
from server.test_rules import TestPolicy
from verification.face_embedding import FaceEmbedder
from verification.liveness import Action
from wire.policy import VerificationPolicy

log = logging.getLogger("server")


BIOMETRIC_PREFIX = "biometric:"


def biometric_key(master_key: bytes) -> bytes:
    """The key of face templates, apart from the identity data's (DESIGN.md, GB/T 35273:
    biometrics stored separately): derived, so one configured secret still suffices."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"platform face templates v1"
    ).derive(master_key)


class PersonalDataVault:
    """AES-GCM for personal data columns, each under its own context (so a value cannot
    be moved to another column), and keyed hashes for the columns looked up by value.
    Contexts starting with `biometric:` are sealed under the separate biometric key."""

    def __init__(self, master_key: bytes) -> None:
        # One configured key today (id 1); rotation adds ids (see FieldCipher).
        self._cipher = FieldCipher({1: master_key}, current_key_id=1)
        self._biometric = FieldCipher({1: biometric_key(master_key)}, current_key_id=1)

    def _for(self, context: str) -> FieldCipher:
        return self._biometric if context.startswith(BIOMETRIC_PREFIX) else self._cipher

    def seal(self, value: str, context: str) -> bytes:
        return self._cipher.encrypt_text(value, context)

    def seal_bytes(self, value: bytes, context: str) -> bytes:
        return self._for(context).encrypt(value, context)

    def open(self, blob: bytes, context: str) -> str:
        return self._cipher.decrypt_text(blob, context)

    def open_bytes(self, blob: bytes, context: str) -> bytes:
        return self._for(context).decrypt(blob, context)

    def lookup(self, value: str, context: str) -> str:
        return self._cipher.lookup_hash(value, context)


@dataclass(frozen=True)
class VerificationSettings:
    """What the clients' face checks and sync must follow, sent with the policy."""

    face_match_threshold: float
    max_face_attempts: int
    checks_per_video_min: int
    check_every_ms: int
    check_grace_ms: int = 120_000
    # When else a check falls due (server.check_rules): wall time since the last pass,
    # a course opened this long after the last pass, a resume after a pause this long,
    # a rewind this far back.
    check_interval_ms: int = 20 * 60_000
    start_check_after_ms: int = 10 * 60_000
    resume_check_after_ms: int = 5 * 60_000
    rewind_check_ms: int = 30_000
    offline_limit_ms: int = 10 * 60_000
    max_clock_skew_ms: int = 30_000
    virtual_camera: str = "refuse"  # or "warn"
    # What each reported environment signal earns (server/environment_rules.py): only
    # the kinds that differ from the defaults need be set; a virtual camera follows
    # `virtual_camera`.
    environment: dict[str, str] = field(default_factory=dict)
    # The liveness challenges the server issues (server.face_challenge_rules): the
    # actions it draws from (a camera that cannot show one, like the demo's animated
    # photo, gets a shorter list), how many per challenge, and how long one stays open.
    # Two actions take a learner about 4-6 s, three about 6-9 s, at every check; five
    # actions give 20 ordered pairs and 60 ordered triples to guess from.
    liveness_actions: tuple[str, ...] = ("blink", "turn_left", "turn_right", "open_mouth", "nod")
    liveness_min_actions: int = 2
    liveness_max_actions: int = 3
    face_challenge_ttl_ms: int = 120_000

    def as_sent(self) -> VerificationPolicy:
        """The settings as clients are sent them (a ValueError for a value of the
        wrong type)."""
        return VerificationPolicy.model_validate(asdict(self))

    def environment_actions(self) -> dict[str, EnvironmentAction]:
        return environment_actions(self.environment, self.virtual_camera)

    def challenge_policy(self) -> ChallengePolicy:
        return ChallengePolicy(
            actions=tuple(self.liveness_actions),
            min_actions=self.liveness_min_actions,
            max_actions=self.liveness_max_actions,
            ttl_ms=self.face_challenge_ttl_ms,
        )


class FaceMatcherGate:
    """Bounds the face matches in flight: the matcher computes one face at a time, so a
    burst of requests would otherwise queue without end behind it (and every sign-in
    with them). Past the capacity a request is refused at once with Retry-After."""

    RETRY_AFTER_S = 2

    def __init__(self, capacity: int) -> None:
        self._slots = threading.BoundedSemaphore(capacity)

    @contextmanager
    def slot(self) -> Iterator[None]:
        if not self._slots.acquire(blocking=False):
            raise busy(
                "face_matcher_busy",
                "face matching is busy; try again in a moment",
                retry_after_s=self.RETRY_AFTER_S,
            )
        try:
            yield
        finally:
            self._slots.release()


@dataclass
class Platform:
    config: ServerConfig
    engine: Engine
    sessions: sessionmaker[Session]
    clock: ServerClock
    vault: PersonalDataVault
    login_limiter: RateLimiter
    face_check_limiter: RateLimiter
    face_gate: FaceMatcherGate
    sms_gateway: SmsGateway | None
    _face_matcher: FaceEmbedder | None = None
    _face_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def create(cls, config: ServerConfig, clock: ServerClock | None = None) -> Platform:
        engine = make_engine(config.resolved_database_url)
        upgrade(engine)
        config.resolved_media_dir.mkdir(parents=True, exist_ok=True)
        return cls(
            config=config,
            engine=engine,
            sessions=session_factory(engine),
            clock=clock or ServerClock(),
            vault=PersonalDataVault(config.master_key_bytes()),
            login_limiter=RateLimiter(config.login_rate_per_minute, 60_000),
            face_check_limiter=RateLimiter(config.face_checks_per_minute, 60_000),
            face_gate=FaceMatcherGate(config.face_match_capacity),
            sms_gateway=DevLogSmsGateway() if config.demo else None,
        )

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        db = self.sessions()
        try:
            yield db
            db.commit()
        except ApiError as error:
            if error.keep_changes:
                db.commit()
            else:
                db.rollback()
            raise
        except BaseException:
            db.rollback()
            raise
        finally:
            db.close()

    def face_matcher(self) -> FaceEmbedder:
        """The dlib embedder, loaded on first use (about 2.5 s), shared by requests."""
        with self._face_lock:
            if self._face_matcher is None:
                self._face_matcher = FaceEmbedder()
            return self._face_matcher

    @property
    def test_policy(self) -> TestPolicy:
        return TestPolicy(
            attempts_per_day=self.config.test_attempts_per_day,
            cooldown_ms=self.config.test_cooldown_ms,
            min_coverage_percent=self.config.test_min_coverage_percent,
            sitting_ms=self.config.test_sitting_ms,
        )

    def policy_for(self, policy_json: str) -> EffectiveTimePolicy:
        return EffectiveTimePolicy.from_dict(json.loads(policy_json or "{}"))

    def verification_settings(self, verification_json: str) -> VerificationSettings:
        overrides = json.loads(verification_json or "{}")
        base = VerificationSettings(
            face_match_threshold=self.config.face_match_threshold,
            max_face_attempts=self.config.max_face_attempts,
            checks_per_video_min=self.config.checks_per_video_min,
            check_every_ms=self.config.check_every_ms,
            offline_limit_ms=self.config.offline_limit_ms,
            max_clock_skew_ms=self.config.max_clock_skew_ms,
        )
        settings = VerificationSettings(**{**base.__dict__, **overrides})
        settings.challenge_policy()  # a ValueError for a challenge no client can perform
        settings.environment_actions()  # a ValueError for an unknown signal or action
        unknown = set(settings.liveness_actions) - {str(action) for action in Action}
        if unknown:
            raise ValueError(f"unknown liveness actions: {', '.join(sorted(unknown))}")
        return settings

    def audit(self, db: Session, actor: str, action: str, target: str, **detail: object) -> None:
        db.add(
            AuditEntry(
                at_ms=self.clock.now_ms(),
                actor=actor,
                action=action,
                target=target,
                detail_json=json.dumps(detail, ensure_ascii=False, sort_keys=True),
            )
        )
