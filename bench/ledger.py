"""The server's ledger for 10,000 learners x 30 days, on SQLite.

Two figures:
1. Recomputing learners' credit from their stored session summaries (what a read does
   after uploads: `server.ledger.recompute_learner`, which runs
   `records.effective_time.credit_sessions` and rewrites the learner's Attachment 2 rows
   and day totals). Each learner studies 8 sessions of 45 min a day for 30 days over 4
   courses (2 with a passed test). --learners of them (default 500) are recomputed for
   real through the database and the figure is scaled linearly to 10,000: learners are
   independent, so the cost is linear in their number.
2. The administrators' monthly query: effective minutes per learner over 30 days, from
   10,000 x 30 real day rows (`ledger_days`), no recomputation.

Writes bench/out/ledger.json and the ledger section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform as host
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy import func, insert, select  # noqa: E402

from bench._results import cpu_model, update_section  # noqa: E402
from records.effective_time import SessionSummary  # noqa: E402
from server.config import ServerConfig  # noqa: E402
from server.field_crypto import generate_master_key  # noqa: E402
from server.identity import (  # noqa: E402
    NewCourse,
    create_course,
    create_institution,
    create_project,
)
from server.ledger import recompute_learner  # noqa: E402
from server.ledger_rules import summary_to_json  # noqa: E402
from server.models import (  # noqa: E402
    Account,
    AuthSession,
    Device,
    Learner,
    LedgerDay,
    SessionSummaryRow,
    StudySession,
    TestAttempt,
)
from server.platform import Platform  # noqa: E402

OUT = REPO / "bench" / "out"
TARGET_LEARNERS = 10_000
DAYS = 30
SESSIONS_A_DAY = 8
LESSON_MS = 45 * 60_000
DAY_MS = 86_400_000
T0 = 1_700_000_000_000 - (1_700_000_000_000 + 8 * 3_600_000) % DAY_MS  # a Beijing midnight


def seed(platform: Platform, media: Path, learners: int) -> list[str]:
    with platform.transaction() as db:
        institution = create_institution(platform, db, "基准测试学校", "440100", "440106")
        db.flush()
        project = create_project(platform, db, institution.id, "电工")
        db.flush()
        courses = [
            create_course(
                platform,
                db,
                NewCourse(
                    f"课程{i}",
                    100 * LESSON_MS,
                    media,
                    "李老师",
                    "自制",
                    "CC BY 4.0",
                    [
                        {
                            "id": "q",
                            "kind": "single",
                            "text": "?",
                            "options": ["a", "b"],
                            "answer": [0],
                        }
                    ],
                    60,
                    i < 2,
                ),
            )
            for i in range(4)
        ]
        db.flush()
        ids = [f"lrn-{n:05d}" for n in range(learners)]
        db.execute(
            insert(Learner),
            [
                {
                    "id": learner,
                    "institution_id": institution.id,
                    "project_id": project.id,
                    "name_enc": b"x",
                    "id_type": "居民身份证",
                    "id_number_enc": b"x",
                    "id_number_hash": learner,
                    "created_ms": T0,
                }
                for learner in ids
            ],
        )
        db.execute(
            insert(TestAttempt),
            [
                {
                    "id": f"t-{learner}-{c.id}",
                    "learner_id": learner,
                    "course_id": c.id,
                    "score": 100,
                    "passed": True,
                    "answers_json": "{}",
                    "at_ms": T0,
                }
                for learner in ids
                for c in courses[:2]
            ],
        )
        sessions, summaries = [], []
        for learner in ids:
            for day in range(DAYS):
                for lesson in range(SESSIONS_A_DAY):
                    start = T0 + day * DAY_MS + 8 * 3_600_000 + lesson * (LESSON_MS + 60_000)
                    study_id = f"s-{learner}-{day}-{lesson}"
                    course = courses[lesson % 4].id
                    sessions.append(
                        {
                            "id": study_id,
                            "learner_id": learner,
                            "device_id": "d",
                            "auth_session_id": "a",
                            "course_id": course,
                            "started_ms": start,
                            "last_contact_ms": start,
                            "check_positions_json": "[]",
                            "ip_address": "127.0.0.1",
                            "demo": False,
                        }
                    )
                    summary = SessionSummary(
                        learner,
                        "d",
                        study_id,
                        start,
                        start + LESSON_MS,
                        ((course, ((start, start + LESSON_MS),)),),
                        (),
                        (course,),
                    )
                    summaries.append(
                        {
                            "study_session_id": study_id,
                            "learner_id": learner,
                            "summary_json": summary_to_json(summary),
                            "updated_ms": T0,
                        }
                    )
        # Study sessions refer to a device and a sign-in: one of each serves them all.
        db.execute(
            insert(Account),
            [
                {
                    "id": "acct",
                    "learner_id": ids[0],
                    "login_name": "b",
                    "password_hash": "x",
                    "failed_logins": 0,
                    "locked_until_ms": 0,
                    "disabled": False,
                    "created_ms": T0,
                }
            ],
        )
        db.execute(
            insert(Device),
            [
                {
                    "id": "d",
                    "public_key": b"k",
                    "registered_by": "acct",
                    "registered_ms": T0,
                    "last_seq": 0,
                    "last_hash": "0",
                }
            ],
        )
        db.execute(
            insert(AuthSession),
            [
                {
                    "id": "a",
                    "token_hash": "t",
                    "account_id": "acct",
                    "learner_id": ids[0],
                    "device_id": "d",
                    "created_ms": T0,
                    "last_seen_ms": T0,
                    "ip_address": "127.0.0.1",
                }
            ],
        )
        db.execute(insert(StudySession), sessions)
        db.execute(insert(SessionSummaryRow), summaries)
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=500)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=OUT) as scratch:
        data = Path(scratch)
        media = data / "course.bin"
        media.write_bytes(b"\0" * 1024)
        config = ServerConfig(data_dir=data, master_key=generate_master_key(), admin_token="b")
        platform = Platform.create(config)
        learners = seed(platform, media, args.learners)
        started = time.perf_counter()
        for learner in learners:
            with platform.transaction() as db:
                recompute_learner(platform, db, learner)
        recompute_s = time.perf_counter() - started
        with platform.sessions() as db:
            credited = db.scalar(select(func.sum(LedgerDay.effective_ms))) // len(learners)
        # The monthly query over 10,000 learners' day rows (extra rows made up to 10,000).
        with platform.transaction() as db:
            db.execute(
                insert(LedgerDay),
                [
                    {
                        "learner_id": f"other-{n:05d}",
                        "day": f"2023-11-{d + 1:02d}",
                        "effective_ms": 360 * 60_000,
                        "pending_ms": 0,
                        "capped_ms": 0,
                    }
                    for n in range(TARGET_LEARNERS - len(learners))
                    for d in range(DAYS)
                ],
            )
        started = time.perf_counter()
        with platform.sessions() as db:
            rows = db.execute(
                select(LedgerDay.learner_id, func.sum(LedgerDay.effective_ms)).group_by(
                    LedgerDay.learner_id
                )
            ).all()
        query_s = time.perf_counter() - started
        platform.engine.dispose()
    per_learner = recompute_s / len(learners)
    scaled = per_learner * TARGET_LEARNERS
    figures = {
        "learners_recomputed": len(learners),
        "sessions_per_learner": DAYS * SESSIONS_A_DAY,
        "recompute_seconds": recompute_s,
        "per_learner_ms": per_learner * 1000,
        "scaled_to_10k_seconds": scaled,
        "credited_minutes_per_learner": credited / 60_000,
        "monthly_query_rows": len(rows),
        "monthly_query_seconds": query_s,
        "machine": {"cpu": cpu_model(), "cpus": os.cpu_count(), "python": host.python_version()},
    }
    (OUT / "ledger.json").write_text(json.dumps(figures, indent=2))
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    update_section(
        "ledger",
        f"""## Server: the ledger for 10,000 learners x 30 days (SQLite)

`bench/ledger.py`, {stamp}, one process, {cpu_model()}, Python {host.python_version()}.
Each learner: 8 sessions of 45 min a day for 30 days (240 stored session summaries),
4 courses, 2 of them with a passed test; credited {credited / 60_000:.0f} min each.

| workload | seconds |
|---|---:|
| recompute {len(learners):,} learners from stored summaries, rewriting their ledger rows | {recompute_s:.2f} |
| the same, scaled to 10,000 learners ({per_learner * 1000:.1f} ms a learner) | {scaled:.0f} |
| monthly minutes per learner for 10,000 learners from {len(rows) * DAYS:,} day rows | {query_s:.2f} |

A full recomputation of every learner is what a change of policy needs, not what a
report needs: uploads only mark sessions dirty, a learner's ledger is recomputed when
it is read, and reports across learners read the day rows (the last line).
""",
    )
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
