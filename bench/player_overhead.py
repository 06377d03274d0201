"""CPU cost of the client playing a 60 s 720p clip, against bare VLC (cvlc) playing it.

Both sides run as child processes on the same display in the same run; each child's CPU
time (user + system, from `os.wait4`) is exactly that process's, threads and reaped
children included. The X server's own work is in neither figure. Each side plays the clip
--runs times, alternating which goes first, and the medians are compared.

A 60 s figure also carries each side's fixed start-up cost (Python, Qt and the window for
the client; plugin loading for both), so three short runs are measured as well: the
client starting and quitting without playing, and both sides playing a 0.2 s clip. The
second ratio subtracts each side's 0.2 s-clip run, which leaves the cost of the playing
itself.

Needs a DISPLAY (Xvfb with openbox under `./dev.sh bench`). Writes
bench/out/player_overhead.json and the player_overhead section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

# Run as a script (python bench/player_overhead.py), so the repository root is not on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.demo_media import GeneratedClip, generate_clock_video
from bench._results import cpu_model, update_section

ROOT = Path(__file__).resolve().parent.parent

OUT = ROOT / "bench" / "out"
DRIVER = ROOT / "bench" / "_play_client.py"
GOAL_RATIO = 1.15
WIDTH, HEIGHT, FPS = 1280, 720, 25
SHORT_SECONDS = 0.2  # five frames: enough to open the decoder and the video output
NOBODY = 65534  # nobody/nogroup on Debian and Ubuntu


@dataclass(frozen=True)
class Child:
    """What the kernel accounted to one child process."""

    user_s: float
    sys_s: float
    wall_s: float
    max_rss_kb: int
    minor_faults: int
    major_faults: int
    voluntary_switches: int
    involuntary_switches: int
    exit_code: int
    timed_out: bool

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.sys_s


@dataclass(frozen=True)
class Measured:
    side: str  # "client" | "cvlc"
    kind: str  # "full" | "short" | "idle"
    round: int
    cpu_s: float
    child: Child
    client_report: dict | None = None  # the driver's own account: states, window size


def run_measured(cmd: list[str], env: dict[str, str], timeout_s: float, log_path: Path) -> Child:
    """Run `cmd` to its end (or kill it after `timeout_s`) and return its accounting."""
    with log_path.open("wb") as log:
        started = time.monotonic()
        proc = subprocess.Popen(
            cmd, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
        )
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            proc.kill()

        killer = threading.Timer(timeout_s, kill)
        killer.start()
        try:
            # wait4 on this pid: the rusage of exactly this child (and what it reaped).
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        wall = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return Child(
        user_s=usage.ru_utime,
        sys_s=usage.ru_stime,
        wall_s=wall,
        max_rss_kb=usage.ru_maxrss,
        minor_faults=usage.ru_minflt,
        major_faults=usage.ru_majflt,
        voluntary_switches=usage.ru_nvcsw,
        involuntary_switches=usage.ru_nivcsw,
        exit_code=proc.returncode,
        timed_out=timed_out.is_set(),
    )


class Bench:
    def __init__(self, clip: GeneratedClip, short: GeneratedClip, work: Path) -> None:
        self.clip = clip
        self.short = short
        self.work = work
        self.runs: list[Measured] = []
        self.vout: str | None = None
        # cvlc refuses to run as root; run it as nobody, with a home it can write.
        self.as_root = os.geteuid() == 0
        self.cvlc_prefix = (
            ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--"]
            if self.as_root
            else []
        )
        self.cvlc_env = self._cvlc_env()

    # -- environment ---------------------------------------------------------------------
    def _cvlc_env(self) -> dict[str, str]:
        home = self.work / "cvlc-home"
        runtime = home / "run"
        runtime.mkdir(parents=True)
        runtime.chmod(0o700)
        if self.as_root:
            self.work.chmod(0o755)  # mkdtemp made it 0700; nobody must reach its home
            for path in (home, runtime):
                os.chown(path, NOBODY, NOBODY)
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME")
        }
        env["HOME"] = str(home)
        env["XDG_RUNTIME_DIR"] = str(runtime)
        return env

    def check_cvlc_can_read(self) -> None:
        if not self.as_root:
            return
        for clip in (self.clip, self.short):
            clip.path.chmod(0o644)
            check = subprocess.run([*self.cvlc_prefix, "test", "-r", str(clip.path)], check=False)
            if check.returncode != 0:
                raise SystemExit(
                    f"user {NOBODY} cannot read {clip.path}: make its directories world-"
                    "searchable (o+x) or put bench/out elsewhere"
                )

    # -- commands ------------------------------------------------------------------------
    def client_cmd(self, clip: GeneratedClip, report: Path, idle: bool = False) -> list[str]:
        cmd = [
            sys.executable,
            str(DRIVER),
            "--clip",
            str(clip.path),
            "--sha256",
            clip.sha256,
            "--duration-ms",
            str(clip.duration_ms),
            "--size-bytes",
            str(clip.size_bytes),
            "--report",
            str(report),
        ]
        return [*cmd, "--idle"] if idle else cmd

    def cvlc_cmd(self, clip: GeneratedClip, extra: tuple[str, ...] = ()) -> list[str]:
        return [
            *self.cvlc_prefix,
            "cvlc",
            "--intf=dummy",
            "--play-and-exit",
            "--no-osd",
            "--no-video-title-show",
            # The video output the client's libVLC picked (probed below), so both sides
            # draw the same way; without it cvlc would be free to pick another module.
            *([f"--vout={self.vout}"] if self.vout else []),
            # cvlc's window at the clip's native size, as the client's video area is.
            f"--width={WIDTH}",
            f"--height={HEIGHT}",
            # No --no-audio: the clip has no audio track, and without the option cvlc
            # creates its audio output as the client's libVLC instance does.
            *extra,
            str(clip.path),
        ]

    # -- probing -------------------------------------------------------------------------
    def probe_vout(self) -> dict[str, object]:
        """Which video output each side uses; also warms the page cache for both."""
        client_log = self.work / "probe-client-vlc.log"
        report = self.work / "probe-client.json"
        code = run_measured(
            [*self.client_cmd(self.short, report), "--vlc-log", str(client_log)],
            dict(os.environ),
            self.short.duration_ms / 1000 + 60,
            self.work / "probe-client.out",
        ).exit_code
        if code != 0:
            log = (self.work / "probe-client.out").read_text(errors="replace")[-2000:]
            raise SystemExit(f"the client could not play the short clip (exit {code}):\n{log}")
        client = _modules(client_log.read_text(errors="replace"))
        self.vout = client.get("vout")
        cvlc_log = self.work / "probe-cvlc.log"
        code = run_measured(
            self.cvlc_cmd(self.short, ("-vv",)),
            self.cvlc_env,
            self.short.duration_ms / 1000 + 60,
            cvlc_log,
        ).exit_code
        if code != 0:
            log = cvlc_log.read_text(errors="replace")[-2000:]
            raise SystemExit(f"cvlc could not play the short clip (exit {code}):\n{log}")
        cvlc = _modules(cvlc_log.read_text(errors="replace"))
        info = json.loads(report.read_text()) if report.exists() else {}
        return {"client": client, "cvlc": cvlc, "libvlc": info.get("libvlc")}

    # -- measuring -----------------------------------------------------------------------
    def measure(self, side: str, kind: str, round_: int) -> Measured:
        clip = self.clip if kind == "full" else self.short
        tag = f"{side}-{kind}-{round_}"
        timeout = clip.duration_ms / 1000 + 60
        report = self.work / f"{tag}.json"
        if side == "client":
            cmd, env = self.client_cmd(clip, report, idle=kind == "idle"), dict(os.environ)
        else:
            cmd, env = self.cvlc_cmd(clip), self.cvlc_env
        child = run_measured(cmd, env, timeout, self.work / f"{tag}.out")
        report_data = None
        if side == "client" and report.exists():
            report_data = json.loads(report.read_text())
        result = Measured(side, kind, round_, child.cpu_s, child, report_data)
        print(
            f"  {tag}: cpu {child.cpu_s:.2f} s (user {child.user_s:.2f}, "
            f"sys {child.sys_s:.2f}), wall {child.wall_s:.2f} s, exit {child.exit_code}",
            flush=True,
        )
        # A run that did not play to the end measured something else: stop here.
        played_through = kind != "full" or child.wall_s >= clip.duration_ms / 1000 - 1
        if child.exit_code != 0 or child.timed_out or not played_through:
            log = (self.work / f"{tag}.out").read_text(errors="replace")[-2000:]
            raise SystemExit(
                f"{tag} failed (exit {child.exit_code}, wall {child.wall_s:.1f} s):\n{log}"
            )
        self.runs.append(result)
        return result

    def median(self, side: str, kind: str, field: str) -> float:
        values = [getattr(r.child, field) for r in self.runs if r.side == side and r.kind == kind]
        return round(statistics.median(values), 3)


def _modules(log: str) -> dict[str, str]:
    """The last video output and OpenGL provider libVLC reports using (it retries)."""
    found = {}
    for key, pattern in (
        ("vout", r'using vout display module "([^"]+)"'),
        ("opengl", r'using opengl module "([^"]+)"'),
        ("decoder", r'using video decoder module "([^"]+)"'),
        ("window", r'using vout window module "([^"]+)"'),
    ):
        matches = re.findall(pattern, log)
        if matches:
            found[key] = matches[-1]
    return found


def machine_info() -> dict[str, object]:
    cpu = cpu_model()
    try:
        pyside = metadata.version("PySide6-Essentials")
    except metadata.PackageNotFoundError:
        pyside = None
    return {
        "cpu_model": cpu,
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "pyside6": pyside,
        "display": os.environ.get("DISPLAY"),
        "cvlc": shutil.which("cvlc"),
    }


def results_section(data: dict) -> str:
    med, ratios, machine, clip = data["medians"], data["ratios"], data["machine"], data["clip"]
    met = "met" if data["goal"]["met"] else "NOT met"
    vout = data["vout"]
    seconds = f"{clip['seconds']:g} s"
    short = f"{data['short_clip']['seconds']:g} s"
    rows = [
        (f"client plays the {seconds} clip", "client_full"),
        (f"cvlc plays the {seconds} clip", "cvlc_full"),
        (f"client plays the {short} clip", "client_short"),
        (f"cvlc plays the {short} clip", "cvlc_short"),
        ("client starts and quits without playing", "client_idle"),
    ]
    table = "\n".join(
        f"| {label} | {med[key]['cpu_s']:.2f} | {med[key]['wall_s']:.2f} |" for label, key in rows
    )
    load = f"{data['loadavg_before'][0]:.2f} before, {data['loadavg_after'][0]:.2f} after"
    return f"""## Player CPU overhead against bare VLC

`bench/player_overhead.py`, {data["date"]}: medians of {data["runs_per_side"]} run(s) per side,
alternating which side goes first.

- Clip: {seconds}, {clip["width"]}x{clip["height"]}, {clip["fps"]} fps, {clip["codec"]},
  {clip["size_bytes"] / 1e6:.1f} MB; both sides draw it at 1:1 in a {WIDTH}x{HEIGHT} video area.
- Video output: client `{vout["client"].get("vout")}` ({vout["client"].get("opengl")}),
  cvlc `{vout["cvlc"].get("vout")}` ({vout["cvlc"].get("opengl")}).
- Machine: {machine["cpu_model"]}, {machine["nproc"]} CPUs, libVLC {machine["libvlc"]},
  DISPLAY {machine["display"]}; load average {load}.

| run | CPU s | wall s |
|---|---:|---:|
{table}

CPU ratio client / cvlc: **{ratios["raw"]:.3f}x**; goal at most {GOAL_RATIO}x: **{met}**.
Without each side's fixed start-up cost (its {short}-clip run subtracted from its
{seconds} run): {ratios["excluding_startup"]:.3f}x.
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="runs per side (default 2)")
    parser.add_argument(
        "--seconds", type=float, default=60.0, help="clip length (default 60; for trying out)"
    )
    args = parser.parse_args()
    if not os.environ.get("DISPLAY"):
        raise SystemExit("needs an X display: run it under ./dev.sh bench or set DISPLAY")
    if shutil.which("cvlc") is None:
        raise SystemExit("cvlc not found (apt package vlc-bin)")

    OUT.mkdir(parents=True, exist_ok=True)
    print(f"generating the {args.seconds:g} s {WIDTH}x{HEIGHT} clip", flush=True)
    clip = generate_clock_video(
        OUT / f"clock_{args.seconds:g}s_{HEIGHT}p.mp4",
        seconds=args.seconds,
        width=WIDTH,
        height=HEIGHT,
        fps=FPS,
    )
    short = generate_clock_video(
        OUT / f"clock_{SHORT_SECONDS:g}s_{HEIGHT}p.mp4",
        seconds=SHORT_SECONDS,
        width=WIDTH,
        height=HEIGHT,
        fps=FPS,
    )
    work = Path(tempfile.mkdtemp(prefix="player-overhead-"))
    try:
        bench = Bench(clip, short, work)
        bench.check_cvlc_can_read()
        loadavg_before = os.getloadavg()
        print("probing the video output each side uses", flush=True)
        vout = bench.probe_vout()
        print(f"  client {vout['client']}, cvlc {vout['cvlc']}", flush=True)
        if vout["client"].get("vout") != vout["cvlc"].get("vout"):
            print("  WARNING: the two sides use different video outputs", flush=True)

        for round_ in range(args.runs):
            print(f"round {round_ + 1}/{args.runs}", flush=True)
            order = ("client", "cvlc") if round_ % 2 == 0 else ("cvlc", "client")
            bench.measure("client", "idle", round_)
            for kind in ("short", "full"):
                for side in order:
                    bench.measure(side, kind, round_)
        loadavg_after = os.getloadavg()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    medians = {
        f"{side}_{kind}": {
            "cpu_s": bench.median(side, kind, "cpu_s"),
            "user_s": bench.median(side, kind, "user_s"),
            "sys_s": bench.median(side, kind, "sys_s"),
            "wall_s": bench.median(side, kind, "wall_s"),
        }
        for side, kind in (
            ("client", "full"),
            ("cvlc", "full"),
            ("client", "short"),
            ("cvlc", "short"),
            ("client", "idle"),
        )
    }
    client, cvlc = medians["client_full"]["cpu_s"], medians["cvlc_full"]["cpu_s"]
    ratios = {
        "raw": round(client / cvlc, 4),
        "excluding_startup": round(
            (client - medians["client_short"]["cpu_s"]) / (cvlc - medians["cvlc_short"]["cpu_s"]),
            4,
        ),
    }
    machine = machine_info() | {"libvlc": vout.get("libvlc")}
    data = {
        "benchmark": "player_overhead",
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "runs_per_side": args.runs,
        "clip": {
            "seconds": args.seconds,
            "width": WIDTH,
            "height": HEIGHT,
            "fps": FPS,
            "duration_ms": clip.duration_ms,
            "size_bytes": clip.size_bytes,
            "sha256": clip.sha256,
            "codec": "MPEG-4 Part 2 (OpenCV mp4v), no audio",
        },
        "short_clip": {"seconds": SHORT_SECONDS, "duration_ms": short.duration_ms},
        "machine": machine,
        "vout": vout,
        "cvlc_command": bench.cvlc_cmd(clip),
        "cvlc_as_nobody": bench.as_root,
        "loadavg_before": loadavg_before,
        "loadavg_after": loadavg_after,
        "runs": [asdict(r) for r in bench.runs],
        "medians": medians,
        "ratios": ratios,
        "goal": {"max_ratio": GOAL_RATIO, "judged_on": "raw", "met": ratios["raw"] <= GOAL_RATIO},
    }
    (OUT / "player_overhead.json").write_text(json.dumps(data, indent=2) + "\n")
    update_section("player_overhead", results_section(data))
    print(
        f"player_overhead: client {client:.2f} CPU s vs cvlc {cvlc:.2f} CPU s for a "
        f"{args.seconds:g} s 720p clip: {ratios['raw']:.3f}x "
        f"({ratios['excluding_startup']:.3f}x without start-up), goal <= {GOAL_RATIO}x "
        f"{'met' if data['goal']['met'] else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
