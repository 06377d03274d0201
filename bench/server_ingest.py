"""Event ingestion by the platform server over loopback HTTP, on SQLite.

The server runs as its own process (`python -m server`, uvicorn, one worker) on a fresh
SQLite file; this process is the client. One device of one signed-in learner uploads
--events heartbeat events (default 100,000) spread over 45-minute study sessions, in
batches of --batch (default 500), each batch acknowledged before the next is sent (as
the client's outbox does). Events are built and signed before the clock starts: what is
timed is HTTP, parsing, the server's Ed25519 verification of every event, the chain
checks and the SQLite commit (synchronous=FULL). The ledger is then brought up to date
for the learner once (the read path), timed separately.

Writes bench/out/server_ingest.json and the server_ingest section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform as host
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench._results import cpu_model, update_section  # noqa: E402
from records.events import GENESIS_HASH, EventKind  # noqa: E402
from records.signing import EventChainBuilder, new_device_key, public_key_bytes  # noqa: E402
from server.config import ServerConfig  # noqa: E402
from server.field_crypto import generate_master_key  # noqa: E402
from server.identity import (  # noqa: E402
    NewCourse,
    NewLearner,
    create_course,
    create_institution,
    create_learner,
    create_project,
)
from server.ledger import refresh_learner  # noqa: E402
from server.models import AuthSession, Device, StudySession  # noqa: E402
from server.platform import Platform  # noqa: E402
from server.tokens import new_id, token_hash  # noqa: E402

OUT = REPO / "bench" / "out"
GOAL_RATE = 5_000
SESSION_EVENTS = 270  # 45 min of heartbeats every 10 s


def seed(
    platform: Platform, media: Path, sessions: int, device_id: str, public_key: bytes
) -> tuple[str, str, list[str]]:
    """A learner, a device and `sessions` study sessions, written straight to the
    database (the face sign-in is not what this measures)."""
    with platform.transaction() as db:
        institution = create_institution(platform, db, "基准测试学校", "440100", "440106")
        db.flush()
        project = create_project(platform, db, institution.id, "电工")
        db.flush()
        learner, account = create_learner(
            platform,
            db,
            NewLearner(
                institution.id,
                project.id,
                "王五",
                "居民身份证",
                "44010619900307001X",
                "bench",
                "bench password",
            ),
        )
        course = create_course(
            platform,
            db,
            NewCourse("安全用电", 45 * 60_000, media, "李老师", "自制", "CC BY 4.0", [], 60, False),
        )
        db.flush()
        now = platform.clock.now_ms()
        device = Device(
            id=device_id,
            public_key=public_key,
            registered_by=account.id,
            registered_ms=now,
            last_seq=0,
            last_hash=GENESIS_HASH,
        )
        db.add(device)
        db.flush()
        auth = AuthSession(
            id=new_id("sess"),
            token_hash=token_hash(new_id("t")),
            account_id=account.id,
            learner_id=learner.id,
            device_id=device.id,
            created_ms=now,
            last_seen_ms=now,
            ip_address="127.0.0.1",
        )
        db.add(auth)
        db.flush()
        ids = []
        for _ in range(sessions):
            study = StudySession(
                id=new_id("study"),
                learner_id=learner.id,
                device_id=device.id,
                auth_session_id=auth.id,
                course_id=course.id,
                started_ms=now,
                last_contact_ms=now,
                check_positions_json="[]",
                ip_address="127.0.0.1",
            )
            db.add(study)
            ids.append(study.id)
        return learner.id, course.id, ids


def build_events(key, learner_id: str, course_id: str, sessions: list[str], count: int):
    builder = EventChainBuilder(key, "dev-bench")
    start = int(time.time() * 1000) - count * 10  # all in the past, none ahead
    events = []
    for index in range(count):
        session = sessions[index // SESSION_EVENTS]
        step = index % SESSION_EVENTS
        events.append(
            builder.next(
                kind=EventKind.PROGRESS,
                at_ms=start + index * 10,
                learner_id=learner_id,
                session_id=session,
                course_id=course_id,
                data={
                    "position_ms": step * 10_000,
                    "rate_milli": 1000,
                    "focused": True,
                    "visible": True,
                    "playing": True,
                },
            )
        )
    return [{"event": e.event.payload(), "hash": e.hash, "signature": e.signature} for e in events]


@contextlib.contextmanager
def server_process(data_dir: Path, master_key: str, batch: int, port: int = 18470):
    """`python -m server` as its own process on `data_dir`, until the block ends; yields
    its base URL once it answers."""
    env = {
        **os.environ,
        "PLATFORM_MASTER_KEY": master_key,
        "PLATFORM_ADMIN_TOKEN": "bench",
        "PLATFORM_MAX_BATCH_EVENTS": str(batch),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "server", "--data-dir", str(data_dir), "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(base + "/health", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=OUT) as scratch:
        data = Path(scratch)
        media = data / "course.bin"
        media.write_bytes(b"\0" * 1024)
        master_key = generate_master_key()
        config = ServerConfig(data_dir=data, master_key=master_key, admin_token="bench")
        platform = Platform.create(config)
        key = new_device_key()
        sessions = -(-args.events // SESSION_EVENTS)
        learner_id, course_id, study_ids = seed(
            platform, media, sessions, "dev-bench", public_key_bytes(key.public_key())
        )
        payloads = build_events(key, learner_id, course_id, study_ids, args.events)
        with server_process(data, master_key, args.batch) as base:
            http = requests.Session()
            started = time.perf_counter()
            for offset in range(0, len(payloads), args.batch):
                answer = http.post(
                    base + "/api/v1/events/batch",
                    json={"events": payloads[offset : offset + args.batch]},
                    timeout=120,
                )
                answer.raise_for_status()
                assert answer.json()["acked_seq"] == min(offset + args.batch, len(payloads))
            seconds = time.perf_counter() - started
        refreshed = time.perf_counter()
        with platform.transaction() as db:
            refresh_learner(platform, db, learner_id)
        refresh_seconds = time.perf_counter() - refreshed
        platform.engine.dispose()
    rate = args.events / seconds
    figures = {
        "events": args.events,
        "batch": args.batch,
        "sessions": sessions,
        "seconds": seconds,
        "events_per_s": rate,
        "ledger_refresh_seconds": refresh_seconds,
        "machine": {"cpu": cpu_model(), "cpus": os.cpu_count(), "python": host.python_version()},
    }
    (OUT / "server_ingest.json").write_text(json.dumps(figures, indent=2))
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    met = "met" if rate >= GOAL_RATE else "not met"
    update_section(
        "server_ingest",
        f"""## Server: event ingestion over loopback HTTP (SQLite)

`bench/server_ingest.py`, {stamp}: `python -m server` as its own process (uvicorn, one
worker) on a fresh SQLite file (WAL, synchronous=FULL); one device uploads
{args.events:,} signed heartbeat events of {sessions:,} study sessions in batches of
{args.batch}, each acknowledged before the next. Every event's Ed25519 signature, hash
and chain link is verified by the server (a batch's signatures on every core).

- Machine: {cpu_model()}, {os.cpu_count()} CPUs, Python {host.python_version()}.
- Ingestion: **{rate:,.0f} events/s** ({seconds:.1f} s in all); goal at least
  {GOAL_RATE:,}/s: **{met}**.
- Bringing the learner's ledger up to date afterwards (summarising all {sessions:,}
  sessions and crediting them; done lazily when the ledger is read):
  {refresh_seconds:.2f} s.
""",
    )
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
