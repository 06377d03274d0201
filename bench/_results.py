"""Shared by the benchmarks: one section of bench/RESULTS.md each, and machine facts."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
RESULTS_HEADER = """# Benchmark results

Written by the scripts in `bench/` (`./dev.sh bench` runs them all on a virtual display).
Each script replaces only its own section, between its markers; the raw figures are in
`bench/out/*.json`, which is not committed.
"""


def update_section(name: str, section: str) -> None:
    start_mark, end_mark = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start_mark}\n{section.rstrip()}\n{end_mark}"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else RESULTS_HEADER
    start, end = text.find(start_mark), text.find(end_mark)
    if start != -1 and end > start:
        text = text[:start] + block + text[end + len(end_mark) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def cpu_model() -> str:
    try:
        with Path("/proc/cpuinfo").open() as stream:
            for line in stream:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"
