"""The packages as an institution builds them (`./dev.sh package`: PyInstaller bundle,
.deb with xz, the NSIS script checked), their sizes and build times, and the packaged
client's start-up to the sign-in window, timed as `bench/cold_start.py` times the source
run (goal 1.5 s). Needs a display (`./dev.sh bench` starts one)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform as host
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench._results import cpu_model, update_section  # noqa: E402
from bench.cold_start import GOAL_S, RUNS, one_start, start_figures  # noqa: E402
from installer.build import NAME, build  # noqa: E402

OUT = REPO / "bench" / "out"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-results-md", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("DISPLAY"):
        raise SystemExit("needs a display: run through ./dev.sh bench")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        started = time.monotonic()
        report = build(work / "dist", compression="xz")
        total_s = time.monotonic() - started
        root = work / "root"
        subprocess.run(["dpkg-deb", "-x", report.deb, str(root)], check=True)
        program = (str(root / "opt" / NAME / NAME),)
        times = [one_start(work, i, program)["window_shown_s"] for i in range(RUNS)]
    figures = {"build": {**asdict(report), "total_s": round(total_s, 1)}, **start_figures(times)}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "package.json").write_text(json.dumps(figures, indent=2))
    if not args.no_results_md:
        update_section("package", section(figures))
    print(json.dumps(figures, indent=2))


def section(figures: dict) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    b = figures["build"]
    mib = 1024 * 1024
    first, warm = figures["first_s"], figures["warm_median_s"]
    verdict = "met" if max(first, warm) <= GOAL_S else "NOT met"
    runs = ", ".join(f"{t:.2f}" for t in figures["runs_s"])
    return f"""## Packages: sizes, build time, packaged start-up

`bench/package.py`, {stamp}, {cpu_model()}, {os.cpu_count()} CPUs, Python
{host.python_version()}: `installer/build.py` as `./dev.sh package` runs it.

| | |
|---|---|
| one-folder bundle | {b["bundle_bytes"] / mib:.0f} MiB in {b["bundle_files"]} files |
| `.deb` (xz) | {b["deb_bytes"] / mib:.0f} MiB |
| PyInstaller | {b["pyinstaller_s"]:.0f} s |
| `dpkg-deb` (xz) | {b["deb_s"]:.0f} s |
| whole build (with the NSIS check) | {b["total_s"]:.0f} s |
| glibc floor of the bundle | {b["glibc_floor"]} (Debian 12: 2.36, Ubuntu 22.04: 2.35, 24.04: 2.39) |

Start-up of the packaged client (the .deb unpacked, no venv) to its sign-in window:
first run **{first:.2f} s**, then median **{warm:.2f} s** (all runs: {runs} s). Goal at
most {GOAL_S} s: **{verdict}**. The Windows installer is not built here (installer/README.md).
"""


if __name__ == "__main__":
    main()
