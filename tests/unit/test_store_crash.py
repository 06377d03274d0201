"""Crash durability: an acknowledged event survives the process being killed.

A child process appends events in a loop and prints each sequence number only after
`append` has returned (after the COMMIT). The parent kills it with SIGKILL at a random
moment, sometimes before the store is even open, then reopens the store and checks that
every acknowledged event is there and the chain verifies without a problem. Stores are
reused for several trials, so later trials also reopen a store after a kill."""

from __future__ import annotations

import os
import random
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sync.store import StudyStore

CHILD = Path(__file__).parents[1] / "support" / "_store_child.py"
TRIALS = 50
TRIALS_PER_STORE = 5


def run_and_kill(path: Path, key: bytes, rng: random.Random) -> list[int]:
    """One trial; returns the sequence numbers the child acknowledged."""
    child = subprocess.Popen(
        [sys.executable, str(CHILD), "append-loop", str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        child.stdin.write(key.hex().encode() + b"\n")
        child.stdin.close()
        if rng.random() < 0.2:
            # during start-up or open (store creation, migrations, chain check)
            time.sleep(rng.uniform(0.0, 0.25))
        else:
            assert child.stdout.readline().startswith(b"open "), "the child did not open"
            time.sleep(rng.uniform(0.0, 0.15))
    finally:
        os.kill(child.pid, signal.SIGKILL)  # also when an assertion failed: never leak it
    # The child is dead: both pipes end at what it wrote.
    out, err = child.stdout.read(), child.stderr.read()
    child.stdout.close()
    child.stderr.close()
    assert child.wait(timeout=10) == -signal.SIGKILL, err.decode(errors="replace")[-2000:]
    return [int(line.split()[1]) for line in out.splitlines() if line.startswith(b"ack ")]


@pytest.mark.slow  # a few dozen child processes killed at random points
def test_acknowledged_events_survive_sigkill(tmp_path: Path):
    key = secrets.token_bytes(32)
    seed = secrets.randbits(32)
    rng = random.Random(seed)
    total_acknowledged = 0
    for trial in range(TRIALS):
        path = tmp_path / f"crash-{trial // TRIALS_PER_STORE}.db"
        acknowledged = run_and_kill(path, key, rng)
        total_acknowledged += len(acknowledged)
        with StudyStore.open(path, key) as store:
            assert store.integrity_problems == [], (seed, trial, store.integrity_problems)
            assert store.tamper_event is None
            head = store.head()[0]
            stored = [e.event.seq for e in store.events(limit=1_000_000)]
        # No gap, and nothing acknowledged is missing. (Events after the last ack may
        # be there too: committed, but killed before the child could print them.)
        assert stored == list(range(1, head + 1)), (seed, trial)
        assert set(acknowledged) <= set(stored), (seed, trial)
    assert total_acknowledged > TRIALS * 10, "the kills landed too early to test anything"
