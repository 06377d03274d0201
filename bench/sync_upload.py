"""The client's outbox uploading 100,000 events to the local platform server.

A real SQLCipher store (key given directly; the key store is not what this measures)
holds --events heartbeat events (default 100,000) of 45-minute study sessions; the
server runs as its own process (`python -m server`) on a fresh SQLite file, knowing the
store's device key and sessions (seeded straight into its database). Timed: the
client's `SyncEngine.flush()` from the first read of the outbox to the last `synced`
mark: reading batches from the store, HTTP, the server's verification and commit, and
the store's acknowledgement marks.

Writes bench/out/sync_upload.json and the sync_upload section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform as host
import secrets
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench._results import cpu_model, update_section  # noqa: E402
from bench.server_ingest import SESSION_EVENTS, seed, server_process  # noqa: E402
from records.events import EventKind  # noqa: E402
from server.config import ServerConfig  # noqa: E402
from server.field_crypto import generate_master_key  # noqa: E402
from server.platform import Platform  # noqa: E402
from sync.engine import SyncEngine, _Session  # noqa: E402
from sync.http_client import ConnectionSettings, PlatformClient  # noqa: E402
from sync.store import StudyStore  # noqa: E402
from sync.store_worker import StoreWorker  # noqa: E402

OUT = REPO / "bench" / "out"


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
        worker = StoreWorker(lambda: StudyStore.open(data / "client.db", secrets.token_bytes(32)))
        opened = worker.opened.result(60)
        master_key = generate_master_key()
        platform = Platform.create(
            ServerConfig(data_dir=data / "server", master_key=master_key, admin_token="b")
        )
        sessions = -(-args.events // SESSION_EVENTS)
        learner_id, course_id, study_ids = seed(
            platform, media, sessions, opened.device_id, opened.device_public_key
        )
        platform.engine.dispose()
        start = int(time.time() * 1000) - args.events * 10
        for offset in range(0, args.events, 5_000):
            worker.append_many(
                [
                    {
                        "kind": EventKind.PROGRESS,
                        "at_ms": start + i * 10,
                        "learner_id": learner_id,
                        "session_id": study_ids[i // SESSION_EVENTS],
                        "course_id": course_id,
                        "data": {
                            "position_ms": (i % SESSION_EVENTS) * 10_000,
                            "rate_milli": 1000,
                            "focused": True,
                            "visible": True,
                            "playing": True,
                        },
                    }
                    for i in range(offset, min(offset + 5_000, args.events))
                ]
            ).result(300)
        with server_process(data / "server", master_key, args.batch, port=18471) as base:
            client = PlatformClient(ConnectionSettings(base_url=base))
            engine = SyncEngine(client, worker, opened, batch_size=args.batch)
            engine._session = _Session("unused", learner_id)  # uploads need no sign-in
            try:
                started = time.perf_counter()
                status = engine.flush().result(3600)
                seconds = time.perf_counter() - started
            finally:
                engine.close()
                client.close()
                worker.close().result(60)
    assert status.pending == 0, status
    rate = args.events / seconds
    figures = {
        "events": args.events,
        "batch": args.batch,
        "seconds": seconds,
        "events_per_s": rate,
        "machine": {"cpu": cpu_model(), "cpus": os.cpu_count(), "python": host.python_version()},
    }
    (OUT / "sync_upload.json").write_text(json.dumps(figures, indent=2))
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    update_section(
        "sync_upload",
        f"""## Sync: the client's outbox uploading to the local server

`bench/sync_upload.py`, {stamp}: {args.events:,} signed events in a real SQLCipher store,
uploaded by `SyncEngine.flush()` in batches of {args.batch} to `python -m server` (its own
process, SQLite) on 127.0.0.1; each batch is marked synced in the store when the
server's acknowledgement arrives.

- Machine: {cpu_model()}, {os.cpu_count()} CPUs, Python {host.python_version()}.
- **{rate:,.0f} events/s**, {seconds:.1f} s for all {args.events:,} (client and server
  share the 2 cores).
""",
    )
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
