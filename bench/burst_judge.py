"""What judging one face check costs the server (issue 14): `verification.burst.judge_burst`
on the bursts a check sends, on one core, with the real MediaPipe analyzer and dlib
embedder, as `server.face_evidence.judge_face_proof` runs it behind the face gate.

Bursts: the learner's photo animated along its mesh performing each 2- and 3-action
challenge of the demo's actions (tests/support/face_bursts.py renders them), and the photo held
still (which fails at the first action's timeout). Per burst: frames, bytes, and the time
to decode, to analyse every frame (a fresh analyzer, as per request) and to embed the
identity frames. Figures go to bench/out/burst_judge.json and bench/RESULTS.md.
"""

from __future__ import annotations

import itertools
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("OMP_NUM_THREADS", "1")

from bench._results import cpu_model, update_section  # noqa: E402

ACTIONS = ("blink", "turn_left", "nod")


def main() -> None:
    import cv2

    from tests.support.face_bursts import Sitter
    from tests.support.face_images import face_photo
    from verification.burst import judge_burst
    from verification.face_embedding import FaceEmbedder, decode_jpeg
    from verification.landmarks import FaceAnalyzer
    from verification.liveness import Action, Challenge, LivenessPolicy

    photo = cv2.convertScaleAbs(face_photo("astronaut"), alpha=0.8, beta=-10)
    animated, still = Sitter("learner", photo), Sitter("still", photo, animated=False)
    embedder = FaceEmbedder()
    embedder.load()
    challenges = [
        tuple(order) for count in (2, 3) for order in itertools.permutations(ACTIONS, count)
    ]
    runs = []
    plan = [(animated, actions) for actions in challenges] + [(still, ("blink", "nod"))]
    for sitter, actions in plan:
        frames = sitter.burst(actions).frames
        started = time.perf_counter()
        decoded = [(at_ms, decode_jpeg(jpeg)) for at_ms, jpeg in frames]
        decode_s = time.perf_counter() - started
        with FaceAnalyzer(static_image_mode=False) as analyzer:
            verdict = judge_burst(
                decoded,
                Challenge("bench", tuple(Action(a) for a in actions)),
                analyzer,
                embedder,
                LivenessPolicy(),
                same_person_threshold=0.5,
            )
        total_s = time.perf_counter() - started
        runs.append(
            {
                "sitter": sitter.name,
                "actions": list(actions),
                "frames": len(frames),
                "bytes": sum(len(jpeg) for _, jpeg in frames),
                "decode_ms": round(decode_s * 1000, 1),
                "judge_ms": round(total_s * 1000, 1),
                "identity_frames": len(verdict.embeddings),
                "passed": verdict.passed,
                "reason": verdict.reason,
            }
        )
    animated_runs = [r for r in runs if r["sitter"] == "learner"]
    per_frame = [r["judge_ms"] / r["frames"] for r in animated_runs]
    out = REPO / "bench" / "out"
    out.mkdir(exist_ok=True)
    machine = {"cpu": cpu_model(), "cores": os.cpu_count(), "python": platform.python_version()}
    (out / "burst_judge.json").write_text(
        json.dumps({"machine": machine, "runs": runs}, indent=2), encoding="utf-8"
    )
    rows = "\n".join(
        f"| {r['sitter']} | {' → '.join(r['actions'])} | {r['frames']} | "
        f"{r['bytes'] // 1024} | {r['judge_ms']:.0f} | {r['identity_frames']} | "
        f"{'passed' if r['passed'] else r['reason']} |"
        for r in runs
    )
    update_section(
        "burst_judge",
        f"""## Judging a face check's burst on the server (`bench/burst_judge.py`)

{machine["cpu"]}, {machine["cores"]} cores, `OMP_NUM_THREADS=1`. Each check's burst (face-region
frames about every 80 ms, at most 300 px, JPEG) decoded, measured by a fresh MediaPipe
analyzer frame by frame for the issued challenge, and its identity frames embedded by
dlib: what `server.face_evidence` does per check behind the face gate.

| sitter | challenge | frames | KiB | judge ms | identity frames | verdict |
|---|---|---:|---:|---:|---:|---|
{rows}

Animated bursts: median {statistics.median(r["judge_ms"] for r in animated_runs):.0f} ms a check, {statistics.median(per_frame):.1f} ms a frame; a burst is {int(statistics.median(r["bytes"] for r in animated_runs)) // 1024} KiB (median). The still
photo fails when its first action times out, after its frames are all measured.
""",
    )
    print(json.dumps(runs, indent=2))


if __name__ == "__main__":
    main()
